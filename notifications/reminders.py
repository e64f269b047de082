"""The reminder sweep: one periodic task finds what is due and writes each reminder to the outbox
once (its dedupe key names the thing, the milestone and the recipient).

Due dates live in the database, never in the broker. Dates are read in each call's own time zone.
A reminder is only created while the thing it reminds of is still undone (a draft, an open
check-in, an unsubmitted review or report), so nothing is sent after it was done. Work goes call by
call and in batches of ``BATCH`` rows, so the number of queries grows with the calls and the
batches, not with the rows.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.roles import users_with_role
from applications.models import Application, GroupMembership
from grants.models import CheckIn, Competition, Report
from reviews.models import Assignment, Review

from .services import outbox_bulk_enqueue

BATCH = 1000
FUNDED = (Application.Status.AWARDED, Application.Status.REPORTED)
TEMPLATE = "notifications/email/reminder"


def _batches(queryset):
    """Keyset pagination: each batch is one query, whatever the table's size."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _members(application_ids) -> dict[int, list]:
    """{application_id: [users of its group]} in one query."""
    members = defaultdict(list)
    memberships = GroupMembership.objects.filter(group__applications__in=application_ids).select_related("user")
    by_group = defaultdict(list)
    for membership in memberships:
        by_group[membership.group_id].append(membership.user)
    for application_id, group_id in Application.objects.filter(pk__in=application_ids).values_list("pk", "group_id"):
        members[application_id] = by_group[group_id]
    return members


def _staff():
    return list(users_with_role(settings.ROLE_STAFF).order_by("pk"))


def _item(user, kind, key, call, **context):
    return {
        "user": user,
        "kind": kind,
        "dedupe_key": key,
        "template": TEMPLATE,
        "competition": call,
        "context": {"kind": kind, "call": call, **context},
    }


def reminders_sweep(now=None) -> int:
    """Create every reminder that is due now. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    staff = _staff()
    created = 0
    calls = Competition.objects.filter(
        Q(closes_at__gte=now) | Q(applications__status__in=[*FUNDED, Application.Status.IN_REVIEW])
    ).distinct()
    for call in calls:
        today = now.astimezone(call.tzinfo).date()
        created += _drafts(call, now)
        created += _reviews(call, now, today, staff)
        created += _checkins(call, today, staff)
        created += _reports(call, today, staff)
    return created


def _drafts(call, now) -> int:
    left = call.closes_at - now
    if not call.is_published or left <= timedelta(0) or left > timedelta(days=7):
        return 0
    milestone = "1d" if left <= timedelta(days=1) else "7d"
    created = 0
    for batch in _batches(call.applications.filter(status=Application.Status.DRAFT)):
        members = _members([a.pk for a in batch])
        created += outbox_bulk_enqueue(
            _item(user, f"draft_due_{milestone}", f"draft-{milestone}:{a.pk}:{user.pk}", call, application=a)
            for a in batch
            for user in members[a.pk]
        )
    return created


def _reviews(call, now, today, staff) -> int:
    pending = (
        Assignment.objects.filter(application__competition=call, due_at__isnull=False)
        .exclude(review__status=Review.Status.SUBMITTED)
        .select_related("reviewer", "application")
    )
    created, overdue = 0, 0
    for batch in _batches(pending.filter(due_at__lte=now + timedelta(days=3))):
        items = []
        for a in batch:
            if a.due_at < now:
                overdue += 1
                items.append(_item(a.reviewer, "review_overdue", f"review-overdue:{a.pk}", call, assignment=a))
            else:
                items.append(_item(a.reviewer, "review_due_3d", f"review-due-3d:{a.pk}", call, assignment=a))
        created += outbox_bulk_enqueue(items)
    if overdue:
        created += outbox_bulk_enqueue(
            _item(
                person,
                "review_digest",
                f"review-digest:{call.pk}:{today.isoformat()}:{person.pk}",
                call,
                overdue=overdue,
            )
            for person in staff
        )
    return created


def _checkins(call, today, staff) -> int:
    open_checkins = CheckIn.objects.filter(
        application__competition=call,
        application__status__in=FUNDED,
        status=CheckIn.Status.OPEN,
        due_on__lte=today + timedelta(days=3),
    ).select_related("application__mentor")
    created = 0
    for batch in _batches(open_checkins):
        members = _members([c.application_id for c in batch])
        items = []
        for c in batch:
            mentor = c.application.mentor
            if c.due_on >= today:
                people = ([mentor] if mentor else []) + members[c.application_id]
                items += [_item(u, "checkin_due_3d", f"checkin-due-3d:{c.pk}:{u.pk}", call, checkin=c) for u in people]
                continue
            if mentor:
                items.append(_item(mentor, "checkin_overdue", f"checkin-overdue:{c.pk}:{mentor.pk}", call, checkin=c))
            if (today - c.due_on).days > call.alert_after_days:
                items += [
                    _item(s, "checkin_overdue_staff", f"checkin-overdue-staff:{c.pk}:{s.pk}", call, checkin=c)
                    for s in staff
                ]
        created += outbox_bulk_enqueue(items)
    return created


def _reports(call, today, staff) -> int:
    due = Report.objects.filter(
        application__competition=call,
        application__status__in=FUNDED,
        status__in=[Report.Status.DRAFT, Report.Status.CHANGES_REQUESTED],
        due_on__lte=today + timedelta(days=14),
    ).select_related("application")
    created = 0
    for batch in _batches(due):
        members = _members([r.application_id for r in batch])
        items = []
        for r in batch:
            days = (r.due_on - today).days
            if days >= 0:
                milestone = "3d" if days <= 3 else "14d"
                items += [
                    _item(u, f"report_due_{milestone}", f"report-due-{milestone}:{r.pk}:{u.pk}", call, report=r)
                    for u in members[r.application_id]
                ]
                continue
            items += [
                _item(u, "report_overdue", f"report-overdue:{r.pk}:{u.pk}", call, report=r)
                for u in members[r.application_id]
            ]
            if -days > call.alert_after_days:
                items += [
                    _item(s, "report_overdue_staff", f"report-overdue-staff:{r.pk}:{s.pk}", call, report=r)
                    for s in staff
                ]
        created += outbox_bulk_enqueue(items)
    return created
