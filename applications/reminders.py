"""Reminders of the applicant's side, a week and a day before the deadline: drafts not yet
submitted, and a two-stage call's invited full proposals not yet submitted (their own deadline)."""

from datetime import timedelta

from grants.models import Competition
from notifications.reminders import batches, enqueue, reminder

from .models import Application
from .selectors import members_by_application

TEMPLATE = "applications/email/draft_reminder"
FULL_TEMPLATE = "applications/email/full_proposal_reminder"


def _remind(call, deadline, now, applications, *, prefix, template) -> int:
    created = 0
    milestone = "1d" if deadline - now <= timedelta(days=1) else "7d"
    for batch in batches(applications):
        members = members_by_application([a.pk for a in batch])
        created += enqueue(
            reminder(
                user,
                f"{prefix.replace('-', '_')}_due_{milestone}",
                f"{prefix}-{milestone}:{a.pk}:{user.pk}",
                template=template,
                scope=call.outbox_scope,
                call=call,
                application=a,
            )
            for a in batch
            for user in members[a.pk]
        )
    return created


def drafts_due(now) -> int:
    """Every member of a group with a draft in a call that closes within 7 days (again within 1)."""
    created = 0
    calls = Competition.objects.published().filter(closes_at__gt=now, closes_at__lte=now + timedelta(days=7))
    for call in calls:
        drafts = call.applications.filter(status=Application.Status.DRAFT)
        created += _remind(call, call.closes_at, now, drafts, prefix="draft", template=TEMPLATE)
    return created


def full_proposals_due(now) -> int:
    """Every member of a group invited to a full proposal due within 7 days (again within 1)."""
    created = 0
    calls = Competition.objects.published().filter(full_closes_at__gt=now, full_closes_at__lte=now + timedelta(days=7))
    for call in calls:
        invited = call.applications.filter(status=Application.Status.INVITED)
        created += _remind(call, call.full_closes_at, now, invited, prefix="full", template=FULL_TEMPLATE)
    return created
