"""One audit log for every staff change that is not a state transition (transitions are logged
by django-fsm-log): call edits, pools, assignments, screening, mentors, tranches, reductions.

It sits below the apps whose changes it records, so it names what changed with plain ids and
a label instead of foreign keys: an entry must also outlive the row it describes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, help_text=_("Dotted name, e.g. call.changed."))
    message = models.TextField(_("what"))
    call_id = models.PositiveBigIntegerField(_("call"), null=True, blank=True)
    application_id = models.PositiveBigIntegerField(_("application"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["call_id", "at"], name="audit_call_at"),
            models.Index(fields=["application_id", "at"], name="audit_application_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.message}"
