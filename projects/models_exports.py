"""A programme's file prepared in the background (``projects/export_jobs.py``): one of its tables, its
donor report or its 360Giving package, asked for by a staff member, built by a Celery task in the
language they chose, kept in private storage for a week and handed only to them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.storage import private_storage
from config.choices import ChoiceLabels


def export_path(instance, filename):
    # Like attachments: the stored name reveals nothing; the download's name is built from the row.
    return f"exports/{uuid.uuid4().hex}"


class ProgrammeExport(ChoiceLabels, models.Model):
    class What(models.TextChoices):
        # The tables (``projects.exports.TABLES`` is made of these four), then the two reports.
        APPLICATIONS = "applications", _("Applications")
        REVIEWS = "reviews", _("Reviews")
        AWARDS = "awards", _("Awards and tranches")
        REPORTS = "reports", _("Reports and indicators")
        DONOR_REPORT = "donor_report", _("Donor report")
        OPEN_DATA = "360giving", _("Open data (360Giving JSON)")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("XLSX")
        PDF = "pdf", _("PDF")
        JSON = "json", _("JSON")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be prepared")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        EMPTY = "empty", _("Nothing to export")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        "grants.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("export"), max_length=20, choices=What.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10)
    phase = models.ForeignKey(
        "grants.ProgrammePhase",
        verbose_name=_("phase"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=export_path, storage=private_storage, max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme export")
        verbose_name_plural = _("programme exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["programme", "requested_by", "-created_at", "-id"], name="export_list"),
        ]

    def __str__(self):
        return f"{self.programme_id} {self.what}.{self.file_format} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def filename(self) -> str:
        """The name the downloads always had."""
        if self.what == self.What.OPEN_DATA:
            return f"360giving-programme-{self.programme_id}.json"
        if self.what == self.What.DONOR_REPORT:
            suffix = f"-phase-{self.phase_id}" if self.phase_id else ""
            return f"donor-report-{self.programme_id}{suffix}.{self.file_format}"
        return f"programme-{self.programme_id}-{self.what}.{self.file_format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
}
