"""A funder's programme, its funders, phases and the indicators promised to the donor."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from config.limits import LONG_TEXT_MAX, sane_date
from regions.models import Region

from .money import CURRENCIES, money_field


class Programme(ChoiceLabels, models.Model):
    """A funder's programme: a line of money that runs one or more calls."""

    name = models.CharField(_("name"), max_length=200)
    funder_name = models.CharField(_("funder"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX)
    retention_days = models.PositiveIntegerField(
        _("keep personal data of closed applications for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "After this, names, contacts, texts and files of finished applications are erased; amounts, "
            "dates, regions and indicator figures stay. Leave empty to keep them."
        ),
    )

    # The programme as the donor's project: what the NGO must report upward.
    currency = models.CharField(_("currency of the budget"), max_length=3, choices=CURRENCIES, default="EUR")
    total_budget = money_field(_("total budget"), null=True, blank=True)
    donor_share = money_field(_("donor's contribution"), null=True, blank=True)
    co_funding = money_field(_("co-funding"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True, validators=[sane_date])
    ends_on = models.DateField(_("ends on"), null=True, blank=True, validators=[sane_date])
    regions = models.ManyToManyField(Region, verbose_name=_("regions covered"), blank=True, related_name="programmes")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeFunder(models.Model):
    """One of the programme's funders (an EU project has the EU and often a co-funder)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funders")
    name = models.CharField(_("name"), max_length=200)
    contribution = money_field(_("contribution (in the programme's currency)"), null=True, blank=True)

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["programme", "pk"]

    def __str__(self):
        return self.name


class ProgrammePhase(models.Model):
    """A stage of a programme with its own dates; its calls belong to it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), validators=[sane_date])
    ends_on = models.DateField(_("ends on"), validators=[sane_date])

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["programme", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")), name="phase_period_ordered")
        ]

    def __str__(self):
        return self.name


class ProgrammeIndicator(models.Model):
    """An indicator defined once for the programme, with the target promised to the donor."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    target = models.PositiveIntegerField(_("target"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme indicator")
        verbose_name_plural = _("programme indicators")
        ordering = ["programme", "position", "pk"]

    def __str__(self):
        return self.name
