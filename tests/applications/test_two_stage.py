"""A two-stage call: a short concept note with its own questions and deadline; staff invite the
shortlisted groups to a full proposal (its own questions and deadline, started from the concept's
answers) or tell the others, with feedback; every step is a logged transition of the one machine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_fsm_log.models import StateLog

from applications import services, stages
from applications.models import Application
from applications.reminders import full_proposals_due
from grants.models import Competition
from grants.services import call_form_replace
from notifications.models import OutboxMessage
from projects import decisions
from tests.factories import ApplicationFactory, CompetitionFactory, GroupFactory, member_of, staff_user

pytestmark = pytest.mark.django_db
S = Application.Status


def _q(key, type_="short_text", **extra):
    return {"key": key, "type": type_, "label": {"en": f"Label of {key}"}, **extra}


TWO_STAGE_FORM = {
    "kind": "two_stage",
    "stages": [
        {"key": "concept", "questions": [_q("idea", "long_text", required=True), _q("partners")]},
        {
            "key": "full",
            "questions": [_q("idea", "long_text"), _q("partners", "long_text"), _q("risks", required=True)],
        },
    ],
}


@pytest.fixture
def call():
    call = CompetitionFactory(kind=Competition.Kind.TWO_STAGE)
    call.full_closes_at = call.closes_at + timedelta(days=30)
    call.save()
    return call_form_replace(competition=call, definition=TWO_STAGE_FORM, by=None)


def _concept(call, **fields):
    """A concept note as the group starts it: through the service, so its stage is the call's."""
    group = GroupFactory(language="uk")
    member = member_of(group)
    application = services.application_create(competition=call, group=group, by=member)
    for name, value in {"title": "Courtyard", "summary": "A garden.", "problem": "No green.", **fields}.items():
        setattr(application, name, value)
    application.region = group.region
    application.requested_amount = Decimal("1500")
    application.save()
    return application, member


def _submitted_concept(call, answers=None):
    application, member = _concept(call)
    services.application_submit(
        application=application,
        by=member,
        fields={"q_idea": "Plant trees", "q_partners": "The school"} if answers is None else answers,
        budget_lines=[],
    )
    application.refresh_from_db()
    return application, member


def test_a_concept_note_is_short_answers_its_own_questions_and_needs_no_budget(call):
    application, member = _concept(call)
    assert application.stage == Application.Stage.CONCEPT
    with pytest.raises(ValidationError) as refusal:
        services.application_submit(application=application, by=member, fields={"q_partners": "x"})
    assert set(refusal.value.message_dict) == {"q_idea"}  # no budget, no dates, no full question
    services.application_submit(application=application, by=member, fields={"q_idea": "Plant trees"})
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.stage == Application.Stage.CONCEPT


def test_invite_keeps_the_concept_prefills_the_full_form_and_tells_the_group_with_the_deadline(call):
    application, member = _submitted_concept(call)
    staff = staff_user()
    stages.application_invite(application=application, by=staff, comment="Bring a budget.")
    application.refresh_from_db()
    assert application.status == S.INVITED and application.stage == Application.Stage.FULL
    assert application.is_editable and application.submitted_at is None
    assert application.form_answers == {"idea": "Plant trees"}  # the full form starts from the concept
    assert application.concept["form_answers"] == {"idea": "Plant trees", "partners": "The school"}
    assert application.concept["title"] == "Courtyard"
    log = StateLog.objects.get(object_id=application.pk, transition="invite")
    assert (log.source_state, log.state, log.by, log.description) == ("submitted", "invited", staff, "Bring a budget.")
    mail = OutboxMessage.objects.get(kind="application_invited", recipient=member)
    assert "Bring a budget." in mail.body
    assert application.competition.full_closes_at.astimezone(call.tzinfo).strftime("%Y") in mail.body
    assert "Малі гранти" in mail.body  # in the group's language, whatever the member's own


def test_only_keys_of_the_same_type_are_carried_to_the_full_form(call):
    application, _member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    application.refresh_from_db()
    # "idea" is long text at both stages; "partners" short text, then long text: not carried
    assert application.form_answers == {"idea": "Plant trees"}


def test_not_invited_is_final_with_the_staffs_feedback_in_the_email(call):
    application, member = _submitted_concept(call)
    staff = staff_user()
    stages.application_not_invite(application=application, by=staff, feedback="Too close to last year's grant.")
    application.refresh_from_db()
    assert application.status == S.NOT_INVITED and application.decision_feedback == "Too close to last year's grant."
    assert StateLog.objects.get(object_id=application.pk, transition="not_invite").by == staff
    mail = OutboxMessage.objects.get(kind="application_not_invited", recipient=member)
    assert "Too close to last year's grant." in mail.body
    with pytest.raises(ValidationError):
        stages.application_invite(application=application, by=staff)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=member)


def test_the_full_proposal_is_checked_against_its_own_form_and_deadline(call):
    application, member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    application.refresh_from_db()
    lines = [{"id": None, "category": "other", "description": "Trees", "quantity": 1, "unit_cost": Decimal("1500")}]
    application.planned_start = call.project_start_earliest
    application.planned_end = call.project_end_latest
    for name in ("activities", "expected_results", "beneficiaries"):
        setattr(application, name, "Written.")
    application.save()
    with pytest.raises(ValidationError) as refusal:
        services.application_submit(application=application, by=member, budget_lines=lines)
    assert set(refusal.value.message_dict) == {"q_risks"}
    after_concept_deadline = call.closes_at + timedelta(days=1)
    submitted = services.application_submit(
        application=application, by=member, fields={"q_risks": "Drought"}, now=after_concept_deadline
    )
    assert submitted.status == S.SUBMITTED and submitted.stage == Application.Stage.FULL
    log = StateLog.objects.get(object_id=application.pk, transition="submit_full")
    assert (log.source_state, log.state, log.by) == ("invited", "submitted", member)
    # a confirmation of each stage: the full proposal's does not collide with the concept's
    assert OutboxMessage.objects.filter(kind="application_submitted", recipient=member).count() == 2


def test_a_full_proposal_after_its_own_deadline_is_refused(call):
    application, member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    with pytest.raises(ValidationError) as refusal:
        services.application_submit(application=application, by=member, now=call.full_closes_at + timedelta(minutes=1))
    assert "The deadline for this call has passed." in refusal.value.message_dict["__all__"]
    application.refresh_from_db()
    assert application.status == S.INVITED


def test_only_staff_invite_and_only_a_concept_note_is_invited_or_awarded(call):
    application, member = _submitted_concept(call)
    with pytest.raises(PermissionDenied):
        stages.application_invite(application=application, by=member)
    one_stage = ApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="Only a two-stage call's concept note"):
        stages.application_not_invite(application=one_stage, by=staff_user())
    reviewed = ApplicationFactory(competition=call, status=S.REVIEWED, stage=Application.Stage.CONCEPT)
    with pytest.raises(ValidationError):
        decisions.application_award(application=reviewed, amount=Decimal("1000"), by=staff_user())


def test_invited_groups_are_reminded_before_the_full_proposals_deadline(call):
    application, member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    assert full_proposals_due(call.full_closes_at - timedelta(days=8)) == 0
    assert full_proposals_due(call.full_closes_at - timedelta(days=5)) == 1
    assert full_proposals_due(call.full_closes_at - timedelta(days=5)) == 0  # once per milestone
    assert full_proposals_due(call.full_closes_at - timedelta(hours=5)) == 1
    kinds = sorted(OutboxMessage.objects.filter(recipient=member, kind__startswith="full_due").values_list("kind"))
    assert kinds == [("full_due_1d",), ("full_due_7d",)]


# --- pages --------------------------------------------------------------------------------------


def test_staff_invite_from_the_application_page(client, call):
    application, _member = _submitted_concept(call)
    client.force_login(staff_user())
    page = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert b"data-stage-decision" in page.content
    url = reverse("applications:staff_stage_decide", kwargs={"pk": application.pk})
    response = client.post(url, {"decision": "invite", "feedback": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.INVITED
    page = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert b"data-stage-decision" not in page.content


def test_a_bad_decision_is_refused_and_nothing_changes(client, call):
    application, _member = _submitted_concept(call)
    client.force_login(staff_user())
    url = reverse("applications:staff_stage_decide", kwargs={"pk": application.pk})
    response = client.post(url, {"decision": "award"}, follow=True)
    assert "Choose whether to invite the group to the full proposal." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_the_group_reads_where_it_stands_writes_the_full_proposal_and_keeps_its_concept(client, call):
    application, member = _submitted_concept(call, {"q_idea": "Plant trees", "q_partners": "The school"})
    stages.application_invite(application=application, by=staff_user())
    client.force_login(member)
    detail = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert 'data-stage-outcome="invited"' in detail and "You are invited to write the full proposal" in detail
    assert "data-concept-note" in detail and "The school" in detail  # the concept stays readable
    edit = client.get(reverse("applications:edit", kwargs={"pk": application.pk})).content.decode()
    assert 'name="q_risks"' in edit and 'data-stage="full"' in edit
    assert "Plant trees" in edit  # the full form starts from the concept's answer
    assert f'datetime="{call.full_closes_at.isoformat()}"' in edit  # its own deadline, not the concept's


def test_a_group_not_invited_reads_the_feedback_and_another_group_gets_404(client, call):
    application, member = _submitted_concept(call)
    stages.application_not_invite(application=application, by=staff_user(), feedback="Not this year.")
    client.force_login(member)
    detail = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert 'data-stage-outcome="not_invited"' in detail and "Not this year." in detail
    assert "not invited to a full proposal" in detail
    client.force_login(member_of(GroupFactory()))
    assert client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code == 404


def test_the_application_page_of_a_full_proposal_uses_a_constant_number_of_queries(
    client, call, django_assert_max_num_queries
):
    application, member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    client.force_login(member)
    url = reverse("applications:detail", kwargs={"pk": application.pk})
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_the_concept_note_is_erased_with_the_rest_and_a_not_invited_one_counts_as_finished(call):
    from applications.erasure import FINISHED, application_anonymise

    application, _member = _submitted_concept(call)
    stages.application_invite(application=application, by=staff_user())
    application_anonymise(application=application, by=staff_user(), reason="The group asked.")
    application.refresh_from_db()
    assert application.concept == {} and application.form_answers == {}
    assert S.NOT_INVITED in FINISHED


def test_reviewers_read_the_concept_note_under_the_blind_rules(call):
    from applications.templatetags.application_tags import concept_answers

    form = {
        **TWO_STAGE_FORM,
        "stages": [
            {"key": "concept", "questions": [_q("idea", "long_text"), _q("town", identifying=True)]},
            TWO_STAGE_FORM["stages"][1],
        ],
    }
    call_form_replace(competition=call, definition=form, by=None)
    call.refresh_from_db()
    application, _member = _submitted_concept(call, {"q_idea": "Plant trees", "q_town": "Nowa Huta"})
    stages.application_invite(application=application, by=staff_user())
    application.refresh_from_db()
    staff_sees = {a["key"]: a["value"] for a in concept_answers(application, call)}
    assert staff_sees == {"idea": "Plant trees", "town": "Nowa Huta"}
    call.blind_review = True
    blind = {a["key"] for a in concept_answers(application, call, for_reviewer=True)}
    assert blind == {"idea"}


def test_the_call_page_and_the_staff_list_name_the_stages(client, call):
    application, _member = _submitted_concept(call)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "data-two-stage" in page and "The groups shortlisted are invited to write a full proposal" in page
    client.force_login(staff_user())
    listing = client.get(reverse("applications:staff_call_applications", kwargs={"pk": call.pk})).content.decode()
    assert application.reference in listing and "Concept note" in listing
