"""Every transition of DESIGN.md's lifecycle: its sources, its target, its guard and its log."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed
from django_fsm_log.models import StateLog

from applications import services
from applications.models import Application
from projects import decisions
from reviews import services as review_services
from tests.factories import ApplicationFactory, UserFactory, member_of, staff_user

S = Application.Status

# transition -> (allowed sources, target)
LIFECYCLE = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.AWARDED, S.INVITED}, S.WITHDRAWN),
    "screen_out": ({S.SUBMITTED}, S.INELIGIBLE),
    "start_review": ({S.SUBMITTED}, S.IN_REVIEW),
    "complete_review": ({S.IN_REVIEW}, S.REVIEWED),
    "award": ({S.REVIEWED, S.WAITLISTED}, S.AWARDED),
    "waitlist": ({S.REVIEWED}, S.WAITLISTED),
    "reject": ({S.REVIEWED, S.WAITLISTED}, S.REJECTED),
    "submit_final_report": ({S.AWARDED}, S.REPORTED),
    "request_changes": ({S.REPORTED}, S.AWARDED),
    "close": ({S.REPORTED}, S.CLOSED),
    # a two-stage call: the concept note is invited to a full proposal, or not
    "invite": ({S.SUBMITTED, S.REVIEWED}, S.INVITED),
    "not_invite": ({S.SUBMITTED, S.REVIEWED}, S.NOT_INVITED),
    "submit_full": ({S.INVITED}, S.SUBMITTED),
}
GROUP_TRANSITIONS = {"submit", "withdraw", "submit_final_report", "submit_full"}


def _actor(application, name):
    return member_of(application.group) if name in GROUP_TRANSITIONS else staff_user()


def _prepare(application, name):
    if name == "award":
        application.awarded_amount = application.requested_amount
    if name in ("invite", "not_invite"):
        application.stage = Application.Stage.CONCEPT


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LIFECYCLE))
@pytest.mark.parametrize("source", [s for s in S])
def test_each_transition_goes_only_from_its_sources_to_its_target(name, source):
    sources, target = LIFECYCLE[name]
    application = ApplicationFactory(status=source)
    _prepare(application, name)
    method = getattr(application, name)
    if source in sources:
        method(by=_actor(application, name))
        assert application.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            method(by=None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LIFECYCLE))
def test_permissions_belong_to_the_right_people(name):
    sources, _ = LIFECYCLE[name]
    application = ApplicationFactory(status=sorted(sources)[-1])
    _prepare(application, name)
    from django_fsm import has_transition_perm

    member, staff, stranger = member_of(application.group), staff_user(), UserFactory()
    method = getattr(application, name)
    assert has_transition_perm(method, member) is (name in GROUP_TRANSITIONS)
    assert has_transition_perm(method, staff) is (name not in GROUP_TRANSITIONS)
    assert has_transition_perm(method, stranger) is False
    # Only ``complete_review`` may be run by the system itself (no user).
    assert has_transition_perm(method, None) is (name == "complete_review")


@pytest.mark.django_db
def test_submit_is_guarded_by_the_submission_checks():
    from django_fsm import can_proceed

    application = ApplicationFactory(lines=[])
    assert not can_proceed(application.submit)
    application.budget_lines.create(description="x", category="other", quantity=1, unit_cost=Decimal("1500"))
    assert can_proceed(application.submit)


@pytest.mark.django_db
def test_award_is_guarded_by_the_requested_amount():
    from django_fsm import can_proceed

    application = ApplicationFactory(status=S.REVIEWED)
    application.awarded_amount = application.requested_amount + Decimal("0.01")
    assert not can_proceed(application.award)
    application.awarded_amount = application.requested_amount
    assert can_proceed(application.award)


@pytest.mark.django_db
def test_status_cannot_be_assigned_directly():
    application = ApplicationFactory()
    with pytest.raises(AttributeError):
        application.status = S.AWARDED


@pytest.mark.django_db
def test_services_log_who_when_from_to_and_comment_in_the_same_transaction():
    application = ApplicationFactory()
    member = member_of(application.group)
    staff = staff_user()
    services.application_submit(application=application, by=member)
    services.application_screen_out(application=application, by=staff, reason="Outside the eligible area.")
    logs = list(StateLog.objects.filter(object_id=application.pk).order_by("timestamp", "pk"))
    assert [(log.source_state, log.state, log.transition, log.by) for log in logs] == [
        ("draft", "submitted", "submit", member),
        ("submitted", "ineligible", "screen_out", staff),
    ]
    assert logs[1].description == "Outside the eligible area."
    application.refresh_from_db()
    assert application.status == S.INELIGIBLE


@pytest.mark.django_db(transaction=True)
def test_a_failed_save_leaves_neither_state_nor_log(monkeypatch):
    application = ApplicationFactory()
    member = member_of(application.group)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Application, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.application_submit(application=application, by=member)
    monkeypatch.undo()
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert not StateLog.objects.filter(object_id=application.pk).exists()


@pytest.mark.django_db
def test_services_refuse_the_wrong_person_and_the_wrong_state():
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, by=UserFactory())
    with pytest.raises(PermissionDenied):
        review_services.application_start_review(
            application=ApplicationFactory(status=S.SUBMITTED), by=member_of(application.group)
        )
    with pytest.raises(ValidationError) as error:
        review_services.application_start_review(application=application, by=staff_user())
    assert "Draft" in error.value.messages[0]
    application.refresh_from_db()
    assert application.status == S.DRAFT


@pytest.mark.django_db
def test_award_never_exceeds_the_request_or_the_pool():
    staff = staff_user()
    first = ApplicationFactory(
        status=S.REVIEWED,
        requested_amount=Decimal("4000"),
        lines=[(1, Decimal("4000"))],
        competition__budget_pool=Decimal("6000"),
    )
    second = ApplicationFactory(
        status=S.REVIEWED, competition=first.competition, requested_amount=Decimal("3000"), lines=[(1, Decimal("3000"))]
    )
    with pytest.raises(ValidationError) as above_request:
        decisions.application_award(application=first, amount=Decimal("4000.01"), by=staff)
    assert "requested" in str(above_request.value)
    decisions.application_award(application=first, amount=Decimal("4000"), by=staff)
    with pytest.raises(ValidationError) as above_pool:
        decisions.application_award(application=second, amount=Decimal("3000"), by=staff)
    assert "2,000.00" in str(above_pool.value)
    decisions.application_award(application=second, amount=Decimal("2000"), by=staff)
    second.refresh_from_db()
    assert (second.status, second.awarded_amount) == (S.AWARDED, Decimal("2000.00"))
    log = StateLog.objects.filter(object_id=second.pk, transition="award").get()
    assert "2,000.00\xa0EUR" in log.description
