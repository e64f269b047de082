"""Reminders of review: to each reviewer 3 days before the due date and when overdue; a daily
digest of overdue reviews to staff."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from accounts.roles import users_with_role
from applications.models import Application
from grants.models import Competition
from notifications.reminders import batches, enqueue, reminder

from .models import Assignment, Review, current_stage

TEMPLATE = "reviews/email/review_reminder"


def reviews_due(now) -> int:
    created = 0
    staff = None
    calls = Competition.objects.filter(
        Q(closes_at__gte=now)
        | Q(
            applications__status__in=[
                Application.Status.IN_REVIEW,
                Application.Status.AWARDED,
                Application.Status.REPORTED,
            ]
        )
    ).distinct()
    for call in calls:
        pending = (
            Assignment.objects.filter(current_stage(), application__competition=call)
            .filter(due_at__isnull=False, due_at__lte=now + timedelta(days=3))
            .exclude(review__status=Review.Status.SUBMITTED)
            .select_related("reviewer", "application")
        )
        overdue = 0
        for batch in batches(pending):
            items = []
            for a in batch:
                late = a.due_at < now
                overdue += late
                kind, key = ("review_overdue", "review-overdue") if late else ("review_due_3d", "review-due-3d")
                items.append(
                    reminder(
                        a.reviewer,
                        kind,
                        f"{key}:{a.pk}",
                        template=TEMPLATE,
                        scope=call.outbox_scope,
                        call=call,
                        assignment=a,
                    )
                )
            created += enqueue(items)
        if overdue:
            staff = staff if staff is not None else list(users_with_role(settings.ROLE_STAFF).order_by("pk"))
            today = now.astimezone(call.tzinfo).date().isoformat()
            created += enqueue(
                reminder(
                    person,
                    "review_digest",
                    f"review-digest:{call.pk}:{today}:{person.pk}",
                    template=TEMPLATE,
                    scope=call.outbox_scope,
                    call=call,
                    overdue=overdue,
                )
                for person in staff
            )
    return created
