"""Reports of funded mini-projects: interim and final, staff acceptance, closing, good practices."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import require_staff
from applications.attachments import attachment_create
from applications.models import Application, Attachment
from applications.rules import is_group_member
from applications.services import application_audit, notify_members
from applications.transitions import application_lock, transition_run

from .alerts import alert_staff
from .models import GoodPractice, Report

EDITABLE = (Report.Status.DRAFT, Report.Status.CHANGES_REQUESTED)


def reports_schedule(*, application) -> None:
    """Make sure the reports the call asks for exist, with due dates from the project's dates."""
    call = application.competition
    wanted = {}
    if call.interim_report_due:
        wanted[Report.Kind.INTERIM] = call.interim_report_due
    if application.planned_end:
        wanted[Report.Kind.FINAL] = application.planned_end + timedelta(days=call.final_report_days)
    for kind, due in wanted.items():
        report, created = Report.objects.get_or_create(application=application, kind=kind, defaults={"due_on": due})
        if not created and report.status in EDITABLE and report.due_on != due:
            report.due_on = due
            report.save(update_fields=["due_on"])


def _lock_for_group(report, by) -> Report:
    report = Report.objects.select_for_update().select_related("application__competition").get(pk=report.pk)
    if not is_group_member(by, report.application):
        raise PermissionDenied
    if report.status not in EDITABLE:
        raise ValidationError(_("This report is submitted and can no longer be changed."))
    return report


@transaction.atomic
def report_save(*, report, by, narrative="", results="", indicators=None, spending=None) -> Report:
    """Save a draft. ``indicators``: {indicator_id: int}; ``spending``: {budget_line_id: Decimal}."""
    report = _lock_for_group(report, by)
    report.narrative, report.results = narrative, results
    report.save(update_fields=["narrative", "results"])
    valid_indicators = set(report.application.competition.indicators.values_list("pk", flat=True))
    for indicator_id, value in (indicators or {}).items():
        if indicator_id in valid_indicators and value is not None:
            report.indicator_values.update_or_create(indicator_id=indicator_id, defaults={"value": value})
    valid_lines = set(report.application.budget_lines.values_list("pk", flat=True))
    for line_id, spent in (spending or {}).items():
        if line_id in valid_lines and spent is not None:
            report.spending.update_or_create(budget_line_id=line_id, defaults={"spent": spent})
    return report


@transaction.atomic
def report_attachment_add(*, report, uploaded_file, by) -> Attachment:
    report = _lock_for_group(report, by)
    attachment = attachment_create(
        application=report.application, uploaded_file=uploaded_file, by=by, purpose=Attachment.Purpose.LATER
    )
    report.attachments.add(attachment)
    return attachment


@transaction.atomic
def report_submit(*, report, by, **draft) -> Report:
    """Submit a report; the final one moves the application to ``reported``."""
    report = report_save(report=report, by=by, **draft)
    report = Report.objects.select_for_update().select_related("application__competition").get(pk=report.pk)
    errors = {}
    if not report.narrative.strip():
        errors["narrative"] = [_("Tell us what happened in the project.")]
    if not report.results.strip():
        errors["results"] = [_("Compare the results with what the application promised.")]
    reported = set(report.indicator_values.values_list("indicator_id", flat=True))
    if set(report.application.competition.indicators.values_list("pk", flat=True)) - reported:
        errors["indicators"] = [_("Give a figure for every indicator (0 if none).")]
    spent = set(report.spending.values_list("budget_line_id", flat=True))
    if set(report.application.budget_lines.values_list("pk", flat=True)) - spent:
        errors["spending"] = [_("Give the amount spent on every budget line (0 if none).")]
    if errors:
        raise ValidationError(errors)
    if report.kind == Report.Kind.FINAL:
        transition_run(application_lock(report.application), "submit_final_report", by)
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    alert_staff(
        kind="report_submitted",
        key=f"report-submitted:{report.pk}:{report.submitted_at.isoformat()}",
        template="projects/email/report_submitted",
        context={"report": report, "application": report.application},
        call=report.application.competition,
    )
    return report


def _lock_for_staff(report, by) -> Report:
    require_staff(by)
    report = Report.objects.select_for_update().select_related("application__competition").get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted or sent back."))
    return report


@transaction.atomic
def report_accept(*, report, by, comment="") -> Report:
    report = _lock_for_staff(report, by)
    report.status = Report.Status.ACCEPTED
    report.staff_comment, report.decided_by, report.decided_at = comment.strip(), by, timezone.now()
    report.save(update_fields=["status", "staff_comment", "decided_by", "decided_at"])
    application_audit(
        report.application, by, "report.accepted", _("%(kind)s accepted") % {"kind": report.get_kind_display()}
    )
    notify_members(
        report.application,
        kind=f"report_accepted_{report.kind}",
        template="projects/email/report_accepted",
        extra={"report": report},
        in_group_language=True,
    )
    if report.kind == Report.Kind.FINAL:
        close_if_complete(application=report.application, by=by)
    return report


@transaction.atomic
def report_request_changes(*, report, by, comment) -> Report:
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    report = _lock_for_staff(report, by)
    report.status = Report.Status.CHANGES_REQUESTED
    report.staff_comment, report.decided_by, report.decided_at = comment.strip(), by, timezone.now()
    report.save(update_fields=["status", "staff_comment", "decided_by", "decided_at"])
    application_audit(
        report.application,
        by,
        "report.changes_requested",
        _("%(kind)s sent back: %(comment)s") % {"kind": report.get_kind_display(), "comment": report.staff_comment},
    )
    if report.kind == Report.Kind.FINAL:
        transition_run(application_lock(report.application), "request_changes", by, comment.strip())
    notify_members(
        report.application,
        kind=f"report_changes:{report.decided_at.isoformat()}",
        template="projects/email/report_changes",
        extra={"report": report},
        in_group_language=True,
    )
    return report


def close_if_complete(*, application, by) -> bool:
    """Close the project once its final report is accepted and its last tranche is paid."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.REPORTED:
        return False
    final_accepted = application.reports.filter(kind=Report.Kind.FINAL, status=Report.Status.ACCEPTED).exists()
    tranches = list(application.tranches.all())
    if not final_accepted or not tranches or any(t.paid_on is None for t in tranches):
        return False
    transition_run(application, "close", by, _("Final report accepted and every tranche paid."))
    return True


@transaction.atomic
def good_practice_mark(*, application, summary, by) -> GoodPractice:
    require_staff(by)
    if not summary.strip():
        raise ValidationError({"summary": _("Write a short public summary.")})
    if not application.reports.filter(kind=Report.Kind.FINAL, status=Report.Status.ACCEPTED).exists():
        raise ValidationError(_("Only a project whose final report is accepted can be a good practice."))
    practice, _created = GoodPractice.objects.update_or_create(
        application=application, defaults={"summary": summary.strip(), "created_by": by}
    )
    application_audit(application, by, "good_practice.marked", _("Listed as a good practice"))
    return practice
