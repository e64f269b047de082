"""Eligibility first: a group learns why it may not apply before any draft exists, from the
call's rules on regions and kinds of group and from the call's own eligibility questions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.models import Application
from audit.models import AuditEntry
from grants.models import EligibilityQuestion
from tests.factories import CompetitionFactory, GroupFactory, RegionFactory, member_of, staff_user

pytestmark = pytest.mark.django_db


def _question(call, **kwargs):
    defaults = {
        "text": "Does your group have at least three members?",
        "refusal": "This call funds only groups of at least three people.",
        "position": 1,
    }
    return EligibilityQuestion.objects.create(competition=call, **{**defaults, **kwargs})


def _choice(call):
    return _question(
        call,
        text="Where will the project take place?",
        kind=EligibilityQuestion.Kind.CHOICE,
        options="In a town\nIn a village\nOnline only",
        qualifying="In a town\nIn a village",
        refusal="This call funds projects that happen in a place, not online only.",
        position=2,
    )


def test_a_choice_question_needs_options_and_known_qualifying_answers():
    call = CompetitionFactory()
    lonely = EligibilityQuestion(
        competition=call, text="?", refusal="no", kind="choice", options="One", qualifying="One"
    )
    with pytest.raises(ValidationError) as error:
        lonely.clean()
    assert "options" in error.value.message_dict
    unknown = EligibilityQuestion(
        competition=call, text="?", refusal="no", kind="choice", options="A\nB", qualifying="C"
    )
    with pytest.raises(ValidationError) as error:
        unknown.clean()
    assert error.value.message_dict["qualifying"] == ["“C” is not one of the choices."]


def test_qualifying_answers_create_a_draft_that_keeps_them():
    call = CompetitionFactory()
    yes_no, choice = _question(call), _choice(call)
    group = GroupFactory()
    user = member_of(group)
    application = services.application_create(
        competition=call, group=group, by=user, eligibility_answers={yes_no.pk: "yes", choice.pk: "In a village"}
    )
    assert application.eligibility_answers["questions"] == [
        {"id": yes_no.pk, "text": yes_no.text, "answer": "yes"},
        {"id": choice.pk, "text": choice.text, "answer": "In a village"},
    ]


def test_a_no_that_must_be_yes_is_refused_with_the_calls_own_words_and_nothing_is_created():
    call = CompetitionFactory()
    yes_no, choice = _question(call), _choice(call)
    group = GroupFactory()
    user = member_of(group)
    with pytest.raises(services.NotEligible) as refusal:
        services.application_create(
            competition=call, group=group, by=user, eligibility_answers={yes_no.pk: "no", choice.pk: "Online only"}
        )
    assert refusal.value.answer_problems == {
        yes_no.pk: "This call funds only groups of at least three people.",
        choice.pk: "This call funds projects that happen in a place, not online only.",
    }
    assert not Application.objects.exists()


def test_a_question_where_no_qualifies_and_an_unanswered_one():
    call = CompetitionFactory()
    party = _question(call, text="Is your group part of a political party?", yes_qualifies=False, refusal="No.")
    other = _question(call, text="Second", refusal="x", position=3)
    group = GroupFactory()
    user = member_of(group)
    with pytest.raises(services.NotEligible) as refusal:
        services.application_create(competition=call, group=group, by=user, eligibility_answers={party.pk: "no"})
    assert refusal.value.answer_problems == {other.pk: "Please answer this question."}


def test_an_excluded_region_and_a_registered_only_call_are_refused_before_a_draft():
    mazowieckie, podlaskie = RegionFactory(name="Mazowieckie"), RegionFactory(name="Podlaskie")
    call = CompetitionFactory(informal_groups_allowed=False)
    call.eligible_regions.set([mazowieckie])
    group = GroupFactory(region=podlaskie, kind="informal")
    user = member_of(group)
    with pytest.raises(services.NotEligible) as refusal:
        services.application_create(competition=call, group=group, by=user)
    assert refusal.value.problems == [
        "This call is open to registered organisations only, and your group is an informal one.",
        "Your group's region (Podlaskie) is not eligible for this call. It is open to: Mazowieckie.",
    ]
    assert not Application.objects.exists()


def test_the_call_page_tells_an_excluded_group_at_once_and_offers_only_groups_that_may_apply(client):
    mazowieckie, podlaskie = RegionFactory(name="Mazowieckie"), RegionFactory(name="Podlaskie")
    call = CompetitionFactory()
    call.eligible_regions.set([mazowieckie])
    _question(call)
    far = GroupFactory(name="Far away", region=podlaskie)
    user = member_of(far)
    near = GroupFactory(name="Near", region=mazowieckie)
    member_of(near, user=user)
    client.force_login(user)
    html = client.get(call.get_absolute_url()).content.decode()
    assert "“Far away” may not apply to this call:" in html
    assert "Your group&#x27;s region (Podlaskie) is not eligible for this call." in html
    assert f'<option value="{near.pk}"' in html and f'<option value="{far.pk}"' not in html
    assert "Does your group have at least three members?" in html


def test_the_call_page_runs_the_same_queries_for_one_group_or_many(client, django_assert_max_num_queries):
    call = CompetitionFactory()
    _question(call)
    user = member_of(GroupFactory())
    client.force_login(user)
    with django_assert_max_num_queries(30) as few:
        client.get(call.get_absolute_url())
    for _n in range(8):
        member_of(GroupFactory(), user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(call.get_absolute_url()).status_code == 200


def test_starting_with_a_refused_answer_shows_why_keeps_the_answers_and_creates_nothing(client):
    call = CompetitionFactory()
    yes_no, choice = _question(call), _choice(call)
    group = GroupFactory()
    user = member_of(group)
    client.force_login(user)
    response = client.post(
        reverse("applications:start", kwargs={"slug": call.slug}),
        {"group": group.pk, f"eligibility-{yes_no.pk}": "no", f"eligibility-{choice.pk}": "In a town"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This call funds only groups of at least three people." in html
    assert 'value="In a town" checked' in html and 'value="no" checked' in html
    assert not Application.objects.exists()


def test_starting_with_qualifying_answers_opens_the_draft(client):
    call = CompetitionFactory()
    yes_no = _question(call)
    group = GroupFactory()
    user = member_of(group)
    client.force_login(user)
    response = client.post(
        reverse("applications:start", kwargs={"slug": call.slug}),
        {"group": group.pk, f"eligibility-{yes_no.pk}": "yes"},
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", args=[application.pk])
    assert application.eligibility_answers["questions"][0]["answer"] == "yes"


def test_staff_add_an_eligibility_question_on_the_call_form(client):
    from tests.grants.test_call_form import _data

    client.force_login(staff_user())
    data = _data(title="Backyard 2027", slug="backyard-2027")
    data.update(
        {
            "eligibility-TOTAL_FORMS": "1",
            "eligibility-INITIAL_FORMS": "0",
            "eligibility-0-text": "Where?",
            "eligibility-0-kind": "choice",
            "eligibility-0-options": "Town\nOnline",
            "eligibility-0-qualifying": "Village",
            "eligibility-0-refusal": "Only places.",
            "eligibility-0-position": "1",
        }
    )
    url = reverse("grants:staff_call_create")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "“Village” is not one of the choices." in refused.content.decode()
    data["eligibility-0-qualifying"] = "Town"
    assert client.post(url, data).status_code == 302
    question = EligibilityQuestion.objects.get()
    assert question.competition.slug == "backyard-2027" and question.qualifies("Town")
    assert AuditEntry.objects.filter(action="call.created", call_id=question.competition_id).exists()


def test_staff_read_what_the_group_declared_on_the_application_page(client):
    call = CompetitionFactory()
    yes_no = _question(call)
    group = GroupFactory()
    user = member_of(group)
    application = services.application_create(
        competition=call, group=group, by=user, eligibility_answers={yes_no.pk: "yes"}
    )
    yes_no.text = "A question changed later"
    yes_no.save()
    client.force_login(staff_user())
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Eligibility, as declared before the draft was started" in html
    assert "<dt>Does your group have at least three members?</dt><dd>Yes</dd>" in html
