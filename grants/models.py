import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from config.limits import LONG_TEXT_MAX, sane_date
from regions.models import Region

from .models_cutoffs import CallCutoff  # noqa: F401 - a model of this app
from .models_programmes import (  # noqa: F401 - models of this app
    Programme,
    ProgrammeFunder,
    ProgrammeIndicator,
    ProgrammePhase,
)
from .models_questions import CallFormVersion, EligibilityQuestion  # noqa: F401 - models of this app
from .money import CURRENCIES, money_field
from .translations import translations_field

TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class CompetitionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        """Open at ``moment``; rolling and emergency calls have no deadline (``closes_at`` empty)."""
        return self.published().filter(
            models.Q(closes_at__isnull=True) | models.Q(closes_at__gte=moment), opens_at__lte=moment
        )

    def public(self):
        """What anonymous visitors may see: emergency calls are never on public pages."""
        return self.published().exclude(kind=Competition.Kind.EMERGENCY)


class Competition(ChoiceLabels, models.Model):
    """A call for applications with its budget pool, limits, dates and rubric."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed deadline")
        ROLLING = "rolling", _("Rolling, with cut-off dates")
        EMERGENCY = "emergency", _("Emergency support")
        TWO_STAGE = "two_stage", _("Two stages: concept note, then invited full proposal")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="competitions"
    )
    phase = models.ForeignKey(
        ProgrammePhase,
        verbose_name=_("phase"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
    )
    kind = models.CharField(
        _("kind of call"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.FIXED,
        help_text=_("Grants of emergency calls are anonymised in open data, like confidential ones."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=LONG_TEXT_MAX)
    rules = models.TextField(
        _("rules"), blank=True, max_length=LONG_TEXT_MAX, help_text=_("Who may apply and what may be funded.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    # The texts above are in the main language; their translations are ``translations`` (``grants.translations``).
    main_language = models.CharField(
        _("main language"),
        max_length=10,
        choices=settings.ALL_LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the call is written in; readers see it when their own has no translation."),
    )
    email_note = models.TextField(
        _("note in the groups' e-mails"),
        blank=True,
        max_length=2000,
        help_text=_("Added to the acknowledgement of submission and to the decision e-mails."),
    )
    translations = translations_field()

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    budget_pool = money_field(_("budget pool"))
    min_grant = money_field(_("minimum grant"))
    max_grant = money_field(_("maximum grant"))

    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Opening, deadline and reminders follow this zone."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at (deadline)"),
        null=True,
        blank=True,
        help_text=_("Rolling and emergency calls may stay open without a deadline."),
    )
    # A two-stage call: ``closes_at`` is the concept notes' deadline, this one the invited full
    # proposals' (after it; checked by the call form).
    full_closes_at = models.DateTimeField(
        _("full proposals due (two-stage calls)"),
        null=True,
        blank=True,
        help_text=_("Invited groups submit their full proposal by then. Only for two-stage calls."),
    )
    project_start_earliest = models.DateField(_("projects start no earlier than"), validators=[sane_date])
    project_end_latest = models.DateField(_("projects end no later than"), validators=[sane_date])

    eligible_regions = models.ManyToManyField(
        Region,
        verbose_name=_("eligible regions"),
        blank=True,
        related_name="competitions",
        help_text=_("Leave empty to accept every region."),
    )
    informal_groups_allowed = models.BooleanField(_("informal (unregistered) groups may apply"), default=True)
    max_applications_per_group = models.PositiveSmallIntegerField(
        _("applications per group"), default=1, validators=[MinValueValidator(1)]
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=2, validators=[MinValueValidator(1)]
    )
    blind_review = models.BooleanField(
        _("blind review"), default=False, help_text=_("Hide the group's identity from reviewers.")
    )
    review_deadline = models.DateTimeField(
        _("reviews due by"), null=True, blank=True, help_text=_("The due date of every reviewer assignment.")
    )
    disagreement_threshold = models.DecimalField(
        _("flag reviewer disagreement above (points out of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    interim_report_due = models.DateField(
        _("interim report due"),
        validators=[sane_date],
        null=True,
        blank=True,
        help_text=_("Leave empty if the call asks for no interim report."),
    )
    final_report_days = models.PositiveSmallIntegerField(
        _("final report due (days after the project ends)"), default=30
    )
    alert_after_days = models.PositiveSmallIntegerField(
        _("tell staff when a check-in or report is this many days overdue"), default=7
    )
    confidential = models.BooleanField(
        _("confidential grantees"),
        default=False,
        help_text=_("Never name the grantees in public pages or exports for outsiders."),
    )
    # Emergency calls: decided by staff within ``decision_days`` of each request; the cap per request
    # is ``max_grant``, the cap per group and calendar year ``group_year_cap``.
    decision_days = models.PositiveSmallIntegerField(
        _("decide emergency requests within (days)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Staff are reminded as the decision deadline nears, and alerted when it passes."),
    )
    group_year_cap = money_field(
        _("at most per group and calendar year"),
        null=True,
        blank=True,
        help_text=_("Emergency calls: the total one group may receive in a year. Leave empty for no cap."),
    )
    award_confirmation_threshold = money_field(
        _("awards above this need a second staff member"),
        null=True,
        blank=True,
        help_text=_("Four-eyes rule. Leave empty to let one staff member award any amount."),
    )
    letter_signatory = models.CharField(
        _("award letters are signed by"),
        max_length=200,
        blank=True,
        help_text=_("Name and role, for example: Anna Kowalska, programme director."),
    )
    contact_person = models.CharField(
        _("contact person for grantees"),
        max_length=200,
        blank=True,
        help_text=_("Name and e-mail or phone, printed on award letters."),
    )
    checkin_interval_weeks = models.PositiveSmallIntegerField(
        _("mentoring check-in every (weeks)"), default=4, validators=[MinValueValidator(1)]
    )

    # The call's own questions (``grants.call_forms``). Edits update the current version until an
    # application is submitted (``form_frozen``); a change after that is a new version, and each
    # application records the version it answered.
    form_definition = models.JSONField(_("the call's own questions"), default=dict, blank=True, editable=False)
    form_version = models.PositiveIntegerField(_("version of the call's questions"), default=1, editable=False)
    form_frozen = models.BooleanField(_("an application answered this version"), default=False, editable=False)
    # The built-in sections of the application form, which a call may switch off.
    budget_section = models.BooleanField(
        _("applicants write a budget table"), default=True, help_text=_("Untick for a call without budget lines.")
    )
    attachments_section = models.BooleanField(
        _("applicants may attach files"), default=True, help_text=_("Untick for a call without attachments.")
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_grant__lte=models.F("max_grant")), name="call_min_le_max"),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True) | models.Q(opens_at__lt=models.F("closes_at")),
                name="call_opens_before_close",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=False) | models.Q(kind__in=["rolling", "emergency"]),
                name="call_deadline_unless_rolling_or_emergency",
            ),
            models.CheckConstraint(
                condition=models.Q(project_start_earliest__lte=models.F("project_end_latest")),
                name="call_project_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("grants:call_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.phase_id and self.programme_id and self.phase.programme_id != self.programme_id:
            raise ValidationError({"phase": _("This phase belongs to another programme.")})

    @property
    def hides_groups_from_reviewers(self) -> bool:
        """Blind and confidential calls never show reviewers which groups applied, not even in the
        conflict declaration."""
        return self.blind_review or self.confidential

    @property
    def emergency(self) -> bool:
        return self.kind == self.Kind.EMERGENCY

    @property
    def rolling(self) -> bool:
        return self.kind == self.Kind.ROLLING

    @property
    def two_stage(self) -> bool:
        return self.kind == self.Kind.TWO_STAGE

    def has_submissions(self) -> bool:
        """Has any application gone past its draft (its kind and stages are then settled)?"""
        return self.applications.exclude(status__in=["draft", "withdrawn"]).exists()

    @property
    def needs_deadline(self) -> bool:
        """Fixed and two-stage calls close at a deadline; rolling and emergency ones may stay open."""
        return self.kind not in (self.Kind.ROLLING, self.Kind.EMERGENCY)

    @property
    def outbox_scope(self) -> str:
        """How the outbox names this call's e-mails (it sits below grants, so no foreign key)."""
        return f"call:{self.pk}"

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment and not self.closed_at(moment)

    def closed_at(self, moment) -> bool:
        """Past its deadline at ``moment`` (never, for a call without one)."""
        return self.closes_at is not None and moment > self.closes_at

    def status_label(self, moment=None):
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return _("Opens soon")
        if self.closed_at(moment):
            return _("Closed")
        return _("Open")


class RubricCriterion(models.Model):
    competition = models.ForeignKey(
        Competition, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    translations = translations_field()

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["competition", "position", "pk"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """A figure the call asks every grantee to report (participants, volunteers, events...)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    programme_indicator = models.ForeignKey(
        ProgrammeIndicator,
        verbose_name=_("programme indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_indicators",
        help_text=_("The programme's indicator this figure adds to."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["competition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "programme_indicator"], name="call_indicator_once_per_programme_indicator"
            )
        ]

    def __str__(self):
        return self.name
