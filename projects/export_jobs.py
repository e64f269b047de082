"""A programme's files prepared in the background, as pretix does: the request only records what a
staff member asked for (audited: the files hold personal data) and hands the build to Celery after
commit; the task builds the file with the builders of ``exports``, ``open_data`` and
``donor_report``, in the language asked for, and keeps it in private storage; the staff member
downloads it when it is ready. A sweep (beat, every 5 minutes) sends again what the broker did not take,
gives up on builds whose worker died, and deletes the files after ``KEEP``.

``export_build`` claims its row with a conditional UPDATE (pending -> building): a task delivered
twice builds once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.rules import require_staff
from audit.services import audit_record
from notifications.publish import publish_task

from . import donor_report, exports, open_data
from .models_exports import ProgrammeExport

logger = logging.getLogger(__name__)

What, Format, Status = ProgrammeExport.What, ProgrammeExport.Format, ProgrammeExport.Status

TASK = "projects.tasks.export_build"
KEEP = timedelta(days=7)
# A build claimed longer ago than this belongs to a worker that died: longer than the tasks' hard
# time limit (settings.CELERY_TASK_TIME_LIMIT), so a build still running is never given up on.
CLAIM_TIMEOUT = timedelta(minutes=10)
# A request still pending after this was not taken by the broker (or its message was lost).
RESEND_AFTER = timedelta(minutes=2)

FAILED_MESSAGE = gettext_lazy(
    "The file could not be made. Ask for it again; if it fails again, tell the administrator."
)
TOO_LONG_MESSAGE = gettext_lazy("Preparing the file took too long. Ask for it again.")

FORMATS = {
    **{table: (Format.CSV, Format.XLSX) for table in exports.TABLES},
    What.DONOR_REPORT: (Format.PDF, Format.XLSX),
    What.OPEN_DATA: (Format.JSON,),
}


def check_request(*, what, file_format, phase=None, language="") -> None:
    """Raise ``ValidationError`` (translated, by field) for a request that cannot be built."""
    if what not in FORMATS:
        raise ValidationError({"what": _("Choose what to export.")})
    if file_format not in FORMATS[what]:
        raise ValidationError(
            {
                "file_format": _("“%(what)s” is available as %(formats)s.")
                % {"what": What(what).label, "formats": ", ".join(str(Format(f).label) for f in FORMATS[what])}
            }
        )
    if phase is not None and what != What.DONOR_REPORT:
        raise ValidationError({"phase": _("Only the donor report can be made for one phase.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})


def export_request(*, programme, what, file_format, language, phase=None, by) -> ProgrammeExport:
    """Record the request (and who made it, in the audit log) and queue its build after commit."""
    require_staff(by)
    if phase is not None and phase.programme_id != programme.pk:
        raise ValidationError({"phase": _("This phase belongs to another programme.")})
    check_request(what=what, file_format=file_format, phase=phase, language=language)
    with transaction.atomic():
        export = ProgrammeExport.objects.create(
            programme=programme, requested_by=by, what=what, file_format=file_format, language=language, phase=phase
        )
        audit_record(
            by=by,
            action="programme.exported",
            message=_("Export of “%(programme)s” requested: %(what)s (%(format)s)")
            % {
                "programme": programme.name,
                "what": export.get_what_display(),
                "format": export.get_file_format_display(),
            },
            label=programme.name,
            data={
                "programme": programme.pk,
                "export": export.pk,
                "what": what,
                "format": file_format,
                "phase": phase.pk if phase else None,
                "language": language,
            },
        )
        transaction.on_commit(lambda: publish_build(export.pk))
    return export


def publish_build(export_id: int) -> bool:
    return publish_task(TASK, export_id, waiting=f"programme export {export_id}")


def _claim(export_id: int) -> ProgrammeExport | None:
    """Take a pending export for this worker; ``None`` when another has it or it is done."""
    claimed = ProgrammeExport.objects.filter(pk=export_id, status=Status.PENDING).update(
        status=Status.BUILDING, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    return ProgrammeExport.objects.select_related("programme", "phase", "requested_by").get(pk=export_id)


def _build(export: ProgrammeExport) -> bytes:
    """The file's bytes, in the export's language (the caller has switched to it)."""
    programme = export.programme
    if export.what == What.OPEN_DATA:
        return open_data.programme_package_json(programme).encode("utf-8")
    if export.what == What.DONOR_REPORT:
        report = donor_report.donor_report(programme, export.phase)
        if export.file_format == Format.PDF:
            return donor_report.as_pdf(report, export.language)
        return donor_report.as_xlsx(report, export.language)
    table = exports.programme_table(programme, export.what, export.requested_by)
    return exports.render(table, export.file_format)


def _finish(export: ProgrammeExport, status: str, message: str = "") -> bool:
    """Record the outcome, unless the sweep gave up on this build meanwhile (then its file goes)."""
    done = ProgrammeExport.objects.filter(pk=export.pk, status=Status.BUILDING).update(
        status=status, message=message, file=export.file.name or "", finished_at=timezone.now()
    )
    if not done and export.file:
        export.file.storage.delete(export.file.name)
    return bool(done)


def export_build(export_id: int) -> str | None:
    """Build the export (run by the Celery task); its status, or ``None`` when it was not ours."""
    export = _claim(export_id)
    if export is None:
        return None
    with translation.override(export.language):
        try:
            export.file.save(export.filename, ContentFile(_build(export)), save=False)
        except (exports.NothingToExport, open_data.NothingToPublish) as empty:
            _finish(export, Status.EMPTY, str(empty))
            return Status.EMPTY
        except Exception:  # noqa: BLE001 - a failed build is recorded, never retried for ever
            logger.exception("Programme export %s (%s.%s) failed", export.pk, export.what, export.file_format)
            _finish(export, Status.FAILED, str(FAILED_MESSAGE))
            return Status.FAILED
    return Status.READY if _finish(export, Status.READY) else None


def exports_of(programme, user):
    """The user's exports of the programme, newest first (a page of it is one query)."""
    return ProgrammeExport.objects.filter(programme=programme, requested_by=user).select_related("phase")


def exports_delete(exports_to_delete) -> int:
    """Delete these exports, and their files once the caller's transaction commits."""
    storage = ProgrammeExport.file.field.storage
    for name in exports_to_delete.exclude(file="").values_list("file", flat=True):
        transaction.on_commit(lambda name=name: storage.delete(name))
    return exports_to_delete.delete()[0]


def erase_programme_exports(application) -> None:
    """An erasure step (``applications.erasure``): files already made may hold what is being erased."""
    exports_delete(ProgrammeExport.objects.filter(programme_id=application.competition.programme_id))


def erase_own_exports(sender, user, **kwargs) -> None:
    """``accounts.erasure.account_erasing``: the files a person asked for go with their account."""
    exports_delete(ProgrammeExport.objects.filter(requested_by=user))


def exports_sweep(now=None) -> dict:
    """Send again the requests the broker did not take, give up on builds whose worker died, and
    delete exports (rows and files) older than ``KEEP``. Safe to run twice."""
    now = now or timezone.now()
    stuck = ProgrammeExport.objects.filter(status=Status.BUILDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    failed = 0
    for export in stuck.only("pk", "language"):
        with translation.override(export.language):
            message = str(TOO_LONG_MESSAGE)
        failed += ProgrammeExport.objects.filter(pk=export.pk, status=Status.BUILDING).update(
            status=Status.FAILED, message=message, finished_at=now
        )
    resent = 0
    waiting = ProgrammeExport.objects.filter(status=Status.PENDING, created_at__lt=now - RESEND_AFTER)
    for export_id in waiting.values_list("pk", flat=True):
        resent += publish_build(export_id)
    old = ProgrammeExport.objects.filter(created_at__lt=now - KEEP)
    deleted = 0
    for export_id, name in old.values_list("pk", "file"):
        if name:
            ProgrammeExport.file.field.storage.delete(name)
        deleted += ProgrammeExport.objects.filter(pk=export_id).delete()[0]
    return {"failed": failed, "resent": resent, "deleted": deleted}
