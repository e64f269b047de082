"""Emergency calls: open all year, decided by staff straight from submission within a deadline,
a cap per group and year, never on public pages, reminders and escalation to staff."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from applications import services as application_services
from applications.models import Application
from notifications.models import OutboxMessage
from projects import awards, decisions
from projects.emergency import emergency_decisions_due, milestone_of, open_emergency_requests
from projects.models import AwardProposal
from tests.factories import ApplicationFactory, CompetitionFactory, UserFactory, member_of, staff_user

pytestmark = pytest.mark.django_db
S = Application.Status


def emergency_call(**kwargs):
    fields = {"kind": "emergency", "closes_at": None, "confidential": True, "decision_days": 5}
    return CompetitionFactory(**{**fields, "max_grant": Decimal("2000"), **kwargs})


def submitted(call, amount="1500", group=None, at=None):
    extra = {"group": group} if group else {}
    draft = ApplicationFactory(
        competition=call, requested_amount=Decimal(amount), lines=[(1, Decimal(amount))], **extra
    )
    member = member_of(draft.group) if group is None else draft.group.memberships.first().user
    return application_services.application_submit(application=draft, by=member, now=at)


def test_an_emergency_call_without_deadline_is_open_and_not_public(client):
    call = emergency_call()
    fixed = CompetitionFactory()
    assert call.is_open() and str(call.status_label()) == "Open"
    assert call.closed_at(timezone.now() + timedelta(days=3650)) is False
    page = client.get(reverse("grants:call_list")).content.decode()
    assert fixed.title in page and call.title not in page
    assert call.title not in client.get(reverse("grants:home")).content.decode()
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(call.get_absolute_url()).status_code == 200


def test_staff_award_an_emergency_request_straight_from_submission():
    call = emergency_call()
    application = submitted(call)
    staff = staff_user()
    awarded = awards.award_decide(application=application, amount=Decimal("1200"), by=staff)
    assert (awarded.status, awarded.awarded_amount) == (S.AWARDED, Decimal("1200"))
    log = StateLog.objects.for_(awarded).order_by("timestamp").last()
    assert (log.source_state, log.state, log.by) == (S.SUBMITTED, S.AWARDED, staff)


def test_staff_reject_an_emergency_request_straight_from_submission():
    application = submitted(emergency_call())
    rejected = decisions.application_reject(application=application, by=staff_user(), feedback="Not a crisis.")
    assert rejected.status == S.REJECTED
    assert StateLog.objects.for_(rejected).filter(source_state=S.SUBMITTED, state=S.REJECTED).exists()


def test_other_calls_still_decide_only_after_review():
    fixed = submitted(CompetitionFactory())
    with pytest.raises(ValidationError):
        awards.award_decide(application=fixed, amount=Decimal("1000"), by=staff_user())
    with pytest.raises(ValidationError):
        decisions.application_reject(application=fixed, by=staff_user(), feedback="No.")
    fixed.refresh_from_db()
    assert fixed.status == S.SUBMITTED


def test_the_four_eyes_rule_applies_above_the_threshold():
    call = emergency_call(award_confirmation_threshold=Decimal("1000"))
    application = submitted(call)
    first, second = staff_user(), staff_user()
    proposal = awards.award_decide(application=application, amount=Decimal("1500"), by=first)
    assert isinstance(proposal, AwardProposal)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    with pytest.raises(ValidationError):
        awards.proposal_confirm(proposal=proposal, by=first)
    awarded = awards.proposal_confirm(proposal=proposal, by=second)
    assert awarded.status == S.AWARDED


def test_the_yearly_cap_per_group_is_checked_at_submit_naming_what_is_left():
    call = emergency_call(group_year_cap=Decimal("2500"), max_applications_per_group=5)
    first = submitted(call, "1500")
    second = ApplicationFactory(
        competition=call, group=first.group, requested_amount=Decimal("1200"), lines=[(1, Decimal("1200"))]
    )
    member = first.group.memberships.first().user
    with pytest.raises(ValidationError) as refused:
        application_services.application_submit(application=second, by=member)
    message = " ".join(refused.value.message_dict["requested_amount"])
    assert "1,000.00" in message and "2,500.00" in message
    second.refresh_from_db()
    assert second.status == S.DRAFT
    # A rejected request frees its share of the cap.
    decisions.application_reject(application=first, by=staff_user(), feedback="No.")
    assert application_services.application_submit(application=second, by=member).status == S.SUBMITTED


def test_the_yearly_cap_is_checked_again_at_award():
    call = emergency_call(group_year_cap=Decimal("2500"), max_applications_per_group=5)
    staff = staff_user()
    first = submitted(call, "1500")
    second = submitted(call, "1000", group=first.group)
    awards.award_decide(application=first, amount=Decimal("1500"), by=staff)
    Application.objects.filter(pk=first.pk).update(awarded_amount=Decimal("2000"))  # e.g. raised by hand
    with pytest.raises(ValidationError) as refused:
        awards.award_decide(application=second, amount=Decimal("1000"), by=staff)
    assert "500.00" in str(refused.value)
    assert awards.award_decide(application=second, amount=Decimal("500"), by=staff).status == S.AWARDED


def test_last_years_requests_do_not_count_against_this_years_cap():
    call = emergency_call(group_year_cap=Decimal("2000"), max_applications_per_group=5)
    call.opens_at = timezone.now() - timedelta(days=800)
    call.save()
    old = submitted(call, "2000", at=timezone.now() - timedelta(days=400))
    assert submitted(call, "2000", group=old.group).status == S.SUBMITTED


def test_the_list_of_open_requests_is_by_decision_deadline():
    now = timezone.now()
    slow, fast = emergency_call(decision_days=10), emergency_call(decision_days=2)
    late = submitted(slow, at=now - timedelta(days=1))
    early = submitted(fast, at=now)
    rows = list(open_emergency_requests())
    assert [r.pk for r in rows] == [early.pk, late.pk]
    assert rows[0].decision_due == early.submitted_at + timedelta(days=2)


def test_milestones():
    due = timezone.now()
    assert milestone_of(due, due - timedelta(days=3)) is None
    assert milestone_of(due, due - timedelta(days=2)) == "2d"
    assert milestone_of(due, due - timedelta(hours=20)) == "1d"
    assert milestone_of(due, due + timedelta(minutes=1)) == "overdue"


def test_staff_are_reminded_before_the_deadline_and_alerted_after_it_once():
    staff = staff_user()
    application = submitted(emergency_call(decision_days=5), at=timezone.now() - timedelta(days=1))
    due = application.submitted_at + timedelta(days=5)
    assert emergency_decisions_due(due - timedelta(days=3)) == 0
    assert emergency_decisions_due(due - timedelta(days=2)) == 1
    assert emergency_decisions_due(due - timedelta(days=2)) == 0  # exactly once
    assert emergency_decisions_due(due - timedelta(hours=12)) == 1
    assert emergency_decisions_due(due + timedelta(hours=1)) == 1
    kinds = set(OutboxMessage.objects.filter(recipient=staff).values_list("kind", flat=True))
    assert kinds == {"emergency_decision_2d", "emergency_decision_1d", "emergency_decision_overdue"}
    overdue = OutboxMessage.objects.get(kind="emergency_decision_overdue")
    assert application.reference in overdue.subject and "Overdue" in overdue.subject
    # A decided request is no longer reminded of.
    decisions.application_reject(application=application, by=staff, feedback="No.")
    assert emergency_decisions_due(due + timedelta(days=3)) == 0


def test_the_staff_page_lists_requests_with_overdue_flagged(client, django_assert_max_num_queries):
    staff = staff_user()
    overdue = submitted(emergency_call(decision_days=1), at=timezone.now() - timedelta(days=2))
    for _ in range(3):
        submitted(emergency_call())
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("projects:staff_emergency")).content.decode()
    assert overdue.reference in page and "Overdue" in page
    assert page.count("table-danger") == 1


def test_the_decide_page_offers_award_and_reject_for_an_emergency_request(client):
    application = submitted(emergency_call())
    client.force_login(staff_user())
    url = reverse("projects:staff_decide", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert 'value="award"' in page and 'value="reject"' in page and 'value="waitlist"' not in page
    response = client.post(url, {"action": "award", "award-amount": "1500", "award-conditions": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.AWARDED


def test_an_emergency_request_is_a_short_form(client):
    call = emergency_call()
    draft = ApplicationFactory(competition=call, problem="", expected_results="", beneficiaries="")
    member = member_of(draft.group)
    client.force_login(member)
    page = client.get(reverse("applications:edit", kwargs={"pk": draft.pk})).content.decode()
    assert 'name="activities"' in page and 'name="problem"' not in page and 'name="beneficiaries"' not in page
    assert application_services.application_submit(application=draft, by=member).status == S.SUBMITTED
    fixed = ApplicationFactory(problem="")
    with pytest.raises(ValidationError) as refused:
        application_services.application_submit(application=fixed, by=member_of(fixed.group))
    assert "problem" in refused.value.message_dict


def test_the_group_and_staff_read_the_decision_deadline(client):
    application = submitted(emergency_call(decision_days=3))
    client.force_login(application.group.memberships.first().user)
    assert (
        "Staff decide it within 3 days of submission." in client.get(reverse("applications:dashboard")).content.decode()
    )
    client.force_login(staff_user())
    page = client.get(reverse("projects:staff_decide", kwargs={"pk": application.pk})).content.decode()
    assert "An emergency request: decide it by" in page and "alert-warning" in page


def test_an_emergency_grants_good_practice_is_never_published():
    from projects.models import GoodPractice
    from projects.selectors import public_good_practices

    call = emergency_call()
    call.confidential = False  # staff may lift confidentiality later: the public still never sees it
    call.save()
    application = submitted(call)
    awards.award_decide(application=application, amount=Decimal("1000"), by=staff_user())
    GoodPractice.objects.create(application=application, summary="A roof mended before winter.")
    assert public_good_practices(call.programme) == []


def test_an_emergency_request_goes_to_no_review_panel():
    from reviews import services as review_services
    from tests.factories import in_pool

    application = submitted(emergency_call())
    reviewer = in_pool(application.competition)
    with pytest.raises(ValidationError):
        review_services.assignment_create(application=application, reviewer=reviewer, by=staff_user())
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and not application.assignments.exists()
