"""Mentoring of funded mini-projects: the mentor, the check-in schedule, and recorded check-ins."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_mentor, require_staff
from applications.models import Application
from applications.services import application_audit, notify_members
from notifications.services import outbox_enqueue

from .alerts import alert_staff
from .models import CheckIn
from .reports import reports_schedule
from .selectors import FUNDED


def checkin_dates(start, end, interval_weeks) -> list:
    """Due dates every ``interval_weeks`` from ``start``, strictly after it, up to and including ``end``."""
    if not start or not end or end <= start:
        return []
    step = timedelta(weeks=interval_weeks)
    dates, due = [], start + step
    while due <= end:
        dates.append(due)
        due += step
    if not dates or dates[-1] != end:
        dates.append(end)  # a last check-in as the project ends
    return dates


@transaction.atomic
def checkins_schedule(*, application) -> list[CheckIn]:
    """(Re)build the open check-ins from the project's dates and the call's interval.

    Held check-ins are never touched. Open ones whose date is still wanted stay (no duplicates);
    open ones no longer wanted go; missing ones are created. Running it twice changes nothing.
    """
    application = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    wanted = set(
        checkin_dates(
            application.planned_start, application.planned_end, application.competition.checkin_interval_weeks
        )
    )
    existing = list(application.checkins.all())
    held_dates = {c.due_on for c in existing if c.status == CheckIn.Status.HELD}
    for checkin in existing:
        if checkin.status == CheckIn.Status.OPEN and checkin.due_on not in wanted:
            checkin.delete()
    kept = {c.due_on for c in existing if c.status == CheckIn.Status.OPEN and c.due_on in wanted}
    CheckIn.objects.bulk_create(
        [CheckIn(application=application, due_on=due) for due in sorted(wanted - kept - held_dates)]
    )
    return list(application.checkins.order_by("due_on"))


@transaction.atomic
def mentor_assign(*, application, mentor, by) -> Application:
    require_staff(by)
    if not is_mentor(mentor):
        raise ValidationError({"mentor": _("Only people with the mentor role can mentor.")})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in FUNDED:
        raise ValidationError(_("Mentors can only be assigned to funded projects."))
    locked.mentor = mentor
    locked.save(update_fields=["mentor", "updated_at"])
    checkins_schedule(application=locked)
    application_audit(locked, by, "mentor.assigned", _("Mentor: %(name)s") % {"name": mentor.display_name})
    _introduce(locked, mentor)
    return locked


def _introduce(application, mentor):
    """Tell the mentor and the group, once per mentor (a new mentor is introduced again)."""
    call = application.competition
    outbox_enqueue(
        user=mentor,
        kind="mentor_assigned",
        dedupe_key=f"mentor-assigned:{application.pk}:{mentor.pk}",
        template="projects/email/mentor_assigned",
        context={"application": application, "call": call},
        scope=call.outbox_scope,
    )
    notify_members(
        application,
        kind=f"mentor_introduced:{mentor.pk}",
        template="projects/email/mentor_introduced",
        extra={"mentor": mentor},
        in_group_language=True,
    )


@transaction.atomic
def project_dates_change(*, application, start, end, by) -> Application:
    """Staff move a funded project's dates; the open check-ins follow, held ones stay."""
    require_staff(by)
    if not start or not end or end < start:
        raise ValidationError({"planned_end": _("The end must not be before the start.")})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.planned_start, locked.planned_end = start, end
    locked.save(update_fields=["planned_start", "planned_end", "updated_at"])
    checkins_schedule(application=locked)
    reports_schedule(application=locked)
    application_audit(
        locked, by, "project.dates_changed", _("Project dates: %(start)s to %(end)s") % {"start": start, "end": end}
    )
    return locked


def reschedule_call(competition) -> None:
    """After the call's check-in interval changed: reschedule every funded project of the call."""
    for application in competition.applications.filter(status__in=FUNDED, mentor__isnull=False):
        checkins_schedule(application=application)


@transaction.atomic
def checkin_record(*, checkin, by, held_on, format, progress, notes="", actions="") -> CheckIn:
    """The mentor records a held check-in. Off track alerts the programme staff (once)."""
    checkin = CheckIn.objects.select_for_update().select_related("application__competition").get(pk=checkin.pk)
    if checkin.application.mentor_id != by.pk:
        raise PermissionDenied
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A check-in cannot be held in the future.")})
    checkin.status = CheckIn.Status.HELD
    checkin.held_on, checkin.format, checkin.progress = held_on, format, progress
    checkin.notes, checkin.actions = notes.strip(), actions.strip()
    checkin.recorded_by, checkin.recorded_at = by, timezone.now()
    checkin.save()
    if progress == CheckIn.Progress.OFF_TRACK:
        alert_staff(
            kind="checkin_off_track",
            key=f"checkin-off-track:{checkin.pk}",
            template="projects/email/checkin_off_track",
            context={"checkin": checkin, "application": checkin.application},
            call=checkin.application.competition,
        )
    return checkin
