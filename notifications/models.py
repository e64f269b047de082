import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels


class OutboxMessage(ChoiceLabels, models.Model):
    """One e-mail to one recipient. Created in the same transaction as what caused it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recipient_email = models.EmailField(_("recipient e-mail"))
    kind = models.CharField(_("kind"), max_length=80)
    dedupe_key = models.CharField(_("dedupe key"), max_length=255, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # What the message belongs to, e.g. "call:12", so a call's page can list its e-mails. A plain
    # label, not a foreign key: the outbox sits below the apps that use it.
    scope = models.CharField(_("scope"), max_length=64, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Real attempts at the mail server; a trigger that finds the message not yet due spends none.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A pending message is sent no earlier than this (exponential backoff after a temporary failure).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Set when staff resend a failed message: the retry window starts again from here.
    resent_at = models.DateTimeField(_("resent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next_attempt"),
            models.Index(fields=["scope", "created_at"], name="outbox_scope_created"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID, the same on every copy, so servers and clients can drop a copy
        sent again after a crash between sending and marking."""
        digest = hashlib.sha256(f"{self.pk}:{self.dedupe_key}:{self.created_at.isoformat()}".encode()).hexdigest()
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "smallgrants.invalid"
        return f"<outbox.{self.pk}.{digest[:24]}@{domain}>"
