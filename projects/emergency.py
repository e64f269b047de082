"""Emergency requests: decided by staff straight from submission, within the call's
``decision_days``. The staff's list of open requests by decision deadline, and the reminder rule
(staff 2 days and 1 day before the deadline, an escalation once it has passed)."""

from datetime import timedelta

from django.conf import settings

from accounts.roles import users_with_role
from applications.models import Application
from grants.models import Competition
from notifications.reminders import batches, enqueue, reminder

TEMPLATE = "projects/email/emergency_reminder"
# (milestone, how long before the deadline it is due); the escalation is "overdue".
MILESTONES = (("1d", timedelta(days=1)), ("2d", timedelta(days=2)))


def open_emergency_requests():
    """Submitted requests to emergency calls awaiting a decision, the nearest decision deadline
    (``Application.decision_due``, set at submission) first."""
    return (
        Application.objects.filter(competition__kind=Competition.Kind.EMERGENCY, status=Application.Status.SUBMITTED)
        .select_related("competition", "group")
        .order_by("decision_due", "pk")
    )


def decision_due(application):
    """When staff must have decided an emergency request (``None`` for other calls)."""
    return application.decision_due if application.competition.emergency else None


def milestone_of(due, now) -> str | None:
    """Which reminder is due for a decision deadline ``due`` at ``now``: "overdue" once it has
    passed, "1d" / "2d" within a day / two days of it, else none."""
    if now >= due:
        return "overdue"
    for name, before in MILESTONES:
        if now >= due - before:
            return name
    return None


def emergency_decisions_due(now) -> int:
    """Remind every staff member of the emergency requests nearing their decision deadline, and
    escalate those past it. Each (request, milestone, person) is queued exactly once."""
    due_soon = open_emergency_requests().filter(decision_due__lte=now + MILESTONES[-1][1])
    created, staff = 0, None
    for batch in batches(due_soon):
        staff = staff if staff is not None else list(users_with_role(settings.ROLE_STAFF).order_by("pk"))
        items = []
        for application in batch:
            milestone = milestone_of(application.decision_due, now)
            items += [
                reminder(
                    person,
                    f"emergency_decision_{milestone}",
                    f"emergency-decision-{milestone}:{application.pk}:{person.pk}",
                    template=TEMPLATE,
                    scope=application.competition.outbox_scope,
                    call=application.competition,
                    application=application,
                    due=application.decision_due,
                    overdue=milestone == "overdue",
                )
                for person in staff
            ]
        created += enqueue(items)
    return created
