"""Submit checks on the server: each failure names its field and leaves the draft as it was."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from applications import services
from applications.models import ApplicantGroup, Application
from notifications.models import OutboxMessage
from tests.factories import ApplicationFactory, GroupFactory, RegionFactory, member_of

pytestmark = pytest.mark.django_db


def _submit_errors(application, member=None, now=None):
    member = member or member_of(application.group)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, by=member, now=now)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    return error.value.message_dict


def test_a_complete_draft_is_submitted_and_every_member_is_told(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    lead = member_of(application.group)
    other = member_of(application.group, role="member")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=lead)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_snapshot["budget_lines"][0]["total"] == "1500.00"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, other.email])
    assert application.reference in mail.outbox[0].subject
    assert OutboxMessage.objects.filter(status="sent").count() == 2


def test_required_fields_and_a_budget_line_are_needed():
    application = ApplicationFactory(title="", summary=" ", lines=[])
    errors = _submit_errors(application)
    assert "required" in errors["title"][0]
    assert "required" in errors["summary"][0]
    assert errors["budget"] == ["Add at least one budget line."]


def test_budget_lines_must_sum_exactly_to_the_request():
    application = ApplicationFactory(
        requested_amount=Decimal("1500.00"),
        lines=[(Decimal("1"), Decimal("1000.00")), (Decimal("1"), Decimal("499.99"))],
    )
    errors = _submit_errors(application)
    assert errors["budget"] == [
        "The budget lines add up to 1,499.99\xa0EUR but you request 1,500.00\xa0EUR; they must be equal."
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("499.99"), "The call's minimum grant is 500.00\xa0EUR."),
        (Decimal("5000.01"), "The call's maximum grant is 5,000.00\xa0EUR."),
    ],
)
def test_the_amount_lies_within_the_calls_limits(amount, message):
    application = ApplicationFactory(requested_amount=amount, lines=[(Decimal("1"), amount)])
    assert _submit_errors(application)["requested_amount"] == [message]


def test_dates_lie_within_the_project_period():
    application = ApplicationFactory()
    call = application.competition
    application.planned_start = call.project_start_earliest - timedelta(days=1)
    application.planned_end = call.project_end_latest + timedelta(days=1)
    application.save()
    errors = _submit_errors(application)
    assert "at the earliest" in errors["planned_start"][0]
    assert "must end by" in errors["planned_end"][0]


def test_the_deadline_is_enforced_to_the_second():
    application = ApplicationFactory()
    deadline = application.competition.closes_at
    member = member_of(application.group)
    errors = _submit_errors(application, member, now=deadline + timedelta(seconds=1))
    assert errors["__all__"] == ["The deadline for this call has passed."]
    services.application_submit(application=application, by=member, now=deadline)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_deadline_uses_server_time():
    application = ApplicationFactory()
    with time_machine.travel(application.competition.closes_at + timedelta(seconds=1), tick=False):
        errors = _submit_errors(application)
    assert errors["__all__"] == ["The deadline for this call has passed."]


def test_a_group_may_submit_only_as_many_as_the_call_allows():
    first = ApplicationFactory()
    member = member_of(first.group)
    services.application_submit(application=first, by=member)
    second = ApplicationFactory(competition=first.competition, group=first.group)
    errors = _submit_errors(second, member)
    assert "already submitted" in errors["__all__"][0]


def test_region_and_kind_of_group_must_be_eligible():
    region = RegionFactory(name="Lviv", country="UA")
    application = ApplicationFactory(competition__informal_groups_allowed=False)
    application.competition.eligible_regions.set([region])
    errors = _submit_errors(application)
    assert "registered organisations only" in " ".join(errors["__all__"])
    assert errors["region"] == ["This region is not eligible for this call."]
    organisation = GroupFactory(kind=ApplicantGroup.Kind.ORGANISATION, region=region)
    ok = ApplicationFactory(competition=application.competition, group=organisation, region=region)
    services.application_submit(application=ok, by=member_of(organisation))


def test_a_second_submit_is_refused_and_changes_nothing():
    application = ApplicationFactory()
    member = member_of(application.group)
    services.application_submit(application=application, by=member)
    application.refresh_from_db()
    submitted_at = application.submitted_at
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, by=member)
    assert error.value.messages == ["This application has already been submitted."]
    application.refresh_from_db()
    assert application.submitted_at == submitted_at


def test_a_submitted_application_cannot_be_edited():
    application = ApplicationFactory()
    member = member_of(application.group)
    services.application_submit(application=application, by=member)
    with pytest.raises(ValidationError):
        services.application_update_draft(application=application, by=member, fields={"title": "Changed"})
    application.refresh_from_db()
    assert application.title == "A green courtyard"
