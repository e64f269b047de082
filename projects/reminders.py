"""Reminders of funded projects: check-ins (mentor and group 3 days before, mentor when overdue,
staff when long overdue) and reports (the group 14 and 3 days before and when overdue, staff when
long overdue). Only undone things are reminded of: open check-ins, draft or sent-back reports."""

from datetime import timedelta

from django.conf import settings

from accounts.roles import users_with_role
from applications.selectors import members_by_application
from grants.models import Competition
from notifications.reminders import batches, enqueue, reminder

from .models import CheckIn, Report
from .selectors import FUNDED

CHECKIN_TEMPLATE = "projects/email/checkin_reminder"
REPORT_TEMPLATE = "projects/email/report_reminder"


def _funded_calls():
    return Competition.objects.filter(applications__status__in=FUNDED).distinct()


def _staff():
    return list(users_with_role(settings.ROLE_STAFF).order_by("pk"))


def _checkin_item(user, kind, key, call, checkin):
    return reminder(
        user, kind, f"{key}:{checkin.pk}:{user.pk}", template=CHECKIN_TEMPLATE, scope=call.outbox_scope,
        call=call, checkin=checkin,
    )  # fmt: skip


def _report_item(user, kind, key, call, report):
    return reminder(
        user, kind, f"{key}:{report.pk}:{user.pk}", template=REPORT_TEMPLATE, scope=call.outbox_scope,
        call=call, report=report,
    )  # fmt: skip


def checkins_due(now) -> int:
    created, staff = 0, None
    for call in _funded_calls():
        today = now.astimezone(call.tzinfo).date()
        due = CheckIn.objects.filter(
            application__competition=call,
            application__status__in=FUNDED,
            status=CheckIn.Status.OPEN,
            due_on__lte=today + timedelta(days=3),
        ).select_related("application__mentor")
        for batch in batches(due):
            members = members_by_application([c.application_id for c in batch])
            items = []
            for c in batch:
                mentor = c.application.mentor
                if c.due_on >= today:
                    people = ([mentor] if mentor else []) + members[c.application_id]
                    items += [_checkin_item(u, "checkin_due_3d", "checkin-due-3d", call, c) for u in people]
                    continue
                if mentor:
                    items.append(_checkin_item(mentor, "checkin_overdue", "checkin-overdue", call, c))
                if (today - c.due_on).days > call.alert_after_days:
                    staff = staff if staff is not None else _staff()
                    items += [
                        _checkin_item(s, "checkin_overdue_staff", "checkin-overdue-staff", call, c) for s in staff
                    ]
            created += enqueue(items)
    return created


def reports_due(now) -> int:
    created, staff = 0, None
    for call in _funded_calls():
        today = now.astimezone(call.tzinfo).date()
        due = Report.objects.filter(
            application__competition=call,
            application__status__in=FUNDED,
            status__in=[Report.Status.DRAFT, Report.Status.CHANGES_REQUESTED],
            due_on__lte=today + timedelta(days=14),
        ).select_related("application")
        for batch in batches(due):
            members = members_by_application([r.application_id for r in batch])
            items = []
            for r in batch:
                group = members[r.application_id]
                days = (r.due_on - today).days
                if days >= 0:
                    milestone = "3d" if days <= 3 else "14d"
                    items += [
                        _report_item(u, f"report_due_{milestone}", f"report-due-{milestone}", call, r) for u in group
                    ]
                    continue
                items += [_report_item(u, "report_overdue", "report-overdue", call, r) for u in group]
                if -days > call.alert_after_days:
                    staff = staff if staff is not None else _staff()
                    items += [_report_item(s, "report_overdue_staff", "report-overdue-staff", call, r) for s in staff]
            created += enqueue(items)
    return created
