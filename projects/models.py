"""The funded mini-project after the award: four-eyes proposals, payment tranches, mentoring
check-ins, reports with their indicator values and spending, and good practices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from config.limits import LONG_TEXT_MAX, sane_date
from grants.models import money_field


class AwardProposal(ChoiceLabels, models.Model):
    """An award above the call's four-eyes threshold, waiting for a second staff member.

    Until it is confirmed it commits nothing: the application stays where it was and the pool is
    untouched. The person who proposed it can never confirm it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="award_proposals",
    )
    amount = money_field(_("amount"))
    conditions = models.TextField(_("conditions for the grantee"), blank=True, max_length=LONG_TEXT_MAX)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(status="pending"), name="one_pending_proposal"
            )
        ]

    def __str__(self):
        return f"{self.application} {self.amount} ({self.get_status_display()})"


class PaymentTranche(models.Model):
    """One instalment of an award. The tranches of an award add up exactly to the awarded amount."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="tranches",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("when"), max_length=200, help_text=_("For example: on signature of the contract."))
    amount = money_field(_("amount"))
    due_on = models.DateField(_("due"), null=True, blank=True, validators=[sane_date])
    paid_on = models.DateField(_("paid on"), null=True, blank=True, validators=[sane_date])
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["application", "position", "pk"]

    def __str__(self):
        return f"{self.label}: {self.amount}"


class CheckIn(ChoiceLabels, models.Model):
    """A mentoring check-in of a funded mini-project, scheduled at the call's interval."""

    class Status(models.TextChoices):
        OPEN = "open", _("Scheduled")
        HELD = "held", _("Held")

    class Format(models.TextChoices):
        CALL = "call", _("Phone call")
        VISIT = "visit", _("Visit")
        ONLINE = "online", _("Online meeting")

    class Progress(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    held_on = models.DateField(_("held on"), null=True, blank=True, validators=[sane_date])
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, blank=True)
    notes = models.TextField(_("private notes (staff and mentor only)"), blank=True, max_length=LONG_TEXT_MAX)
    progress = models.CharField(_("progress"), max_length=10, choices=Progress.choices, blank=True)
    actions = models.TextField(_("follow-up actions (the group sees these)"), blank=True, max_length=LONG_TEXT_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["application", "due_on"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [models.UniqueConstraint(fields=["application", "due_on"], name="checkin_unique_due_date")]

    def __str__(self):
        return f"{self.application} {self.due_on} ({self.get_status_display()})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class Report(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    due_on = models.DateField(_("due"))
    narrative = models.TextField(_("what happened"), blank=True, max_length=LONG_TEXT_MAX)
    results = models.TextField(_("results against what was promised"), blank=True, max_length=LONG_TEXT_MAX)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    staff_comment = models.TextField(_("staff comment"), blank=True, max_length=LONG_TEXT_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    attachments = models.ManyToManyField(
        "applications.Attachment", verbose_name=_("photos and receipts"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["application", "due_on"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="report_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.application}"


class IndicatorValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey("grants.Indicator", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_unique")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class Spending(models.Model):
    """What was spent on one budget line, against the plan."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey("applications.BudgetLine", on_delete=models.CASCADE, related_name="+")
    spent = money_field(_("spent"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "budget_line"], name="spending_unique_line")]

    def __str__(self):
        return f"{self.budget_line}: {self.spent}"


class GoodPractice(models.Model):
    """An accepted mini-project staff hold up as an example, with a public-safe summary."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="good_practice"
    )
    summary = models.TextField(
        _("public summary"), max_length=LONG_TEXT_MAX, help_text=_("Written to be safe to publish: no names.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.application)


from .models_exports import ProgrammeExport  # noqa: E402, F401 (a model of this app)
