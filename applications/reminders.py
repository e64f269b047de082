"""Reminders of the applicant's side: drafts not yet submitted a week and a day before the deadline."""

from datetime import timedelta

from grants.models import Competition
from notifications.reminders import batches, enqueue, reminder

from .models import Application
from .selectors import members_by_application

TEMPLATE = "applications/email/draft_reminder"


def drafts_due(now) -> int:
    """Every member of a group with a draft in a call that closes within 7 days (again within 1)."""
    created = 0
    calls = Competition.objects.published().filter(closes_at__gt=now, closes_at__lte=now + timedelta(days=7))
    for call in calls:
        milestone = "1d" if call.closes_at - now <= timedelta(days=1) else "7d"
        for batch in batches(call.applications.filter(status=Application.Status.DRAFT)):
            members = members_by_application([a.pk for a in batch])
            created += enqueue(
                reminder(
                    user,
                    f"draft_due_{milestone}",
                    f"draft-{milestone}:{a.pk}:{user.pk}",
                    template=TEMPLATE,
                    scope=call.outbox_scope,
                    call=call,
                    application=a,
                )
                for a in batch
                for user in members[a.pk]
            )
    return created
