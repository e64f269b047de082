from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from config.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX


class PoolMembership(models.Model):
    """A reviewer attached to a call by staff: the call's reviewer pool."""

    competition = models.ForeignKey(
        "grants.Competition", verbose_name=_("call"), on_delete=models.CASCADE, related_name="reviewer_pool"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="review_pools"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    conflicts_declared_at = models.DateTimeField(
        _("conflicts declared"),
        null=True,
        blank=True,
        help_text=_("A reviewer sees no application of the call before declaring conflicts of interest."),
    )
    # Kept by reviews.services in the transaction that assigns, unassigns or submits, so the matrix
    # reads a reviewer's load in the call from one row instead of counting the call's assignments.
    assigned_count = models.PositiveIntegerField(_("assigned"), default=0)
    submitted_count = models.PositiveIntegerField(_("reviews submitted"), default=0)

    class Meta:
        verbose_name = _("reviewer in a call's pool")
        verbose_name_plural = _("reviewer pool")
        constraints = [models.UniqueConstraint(fields=["competition", "reviewer"], name="pool_unique_reviewer")]

    def __str__(self):
        return f"{self.reviewer} in {self.competition}"


class Conflict(models.Model):
    """A reviewer's declared closeness to a group, a region, or one assigned application.

    Enforced: a conflicted reviewer is never assigned to, and can never open, such an application.
    """

    competition = models.ForeignKey("grants.Competition", on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    group = models.ForeignKey(
        "applications.ApplicantGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT_MAX)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__isnull=False)
                | models.Q(region__isnull=False)
                | models.Q(application__isnull=False),
                name="conflict_names_something",
            )
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.group or self.region or self.application}"


def current_stage(prefix="") -> Q:
    """The assignments of their application's current stage (``prefix``: the path to them)."""
    return Q(**{f"{prefix}stage": F(f"{prefix}application__stage")})


class Assignment(models.Model):
    """A reviewer assigned to review one application."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The application's stage when assigned: a two-stage call's concept note may be reviewed, and
    # its full proposal is then reviewed anew (by the same reviewers too); only the assignments of
    # the application's current stage count (``current_stage``).
    stage = models.CharField(_("stage"), max_length=10, default="full", editable=False)
    # When its review was submitted: the review's own ``submitted_at``, copied by ``review_submit``
    # in the same transaction, so that the reviewer's two lists (to do, submitted) and progress are
    # read off this table's indexes instead of joining every review of the reviewer.
    submitted_at = models.DateTimeField(_("review submitted"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer", "stage"], name="assignment_unique_per_stage")
        ]
        indexes = [
            models.Index(
                fields=["reviewer", "due_at", "id"], condition=Q(submitted_at__isnull=True), name="assignment_to_do"
            ),
            models.Index(
                fields=["reviewer", "-submitted_at", "-id"],
                condition=Q(submitted_at__isnull=False),
                name="assignment_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application}"


class Review(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Recommendation(models.TextChoices):
        FUND = "fund", _("Fund")
        MAYBE = "maybe", _("Maybe")
        DO_NOT_FUND = "do_not_fund", _("Do not fund")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(_("overall comment"), blank=True, max_length=LONG_TEXT_MAX)
    recommendation = models.CharField(_("recommendation"), max_length=12, choices=Recommendation.choices, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Kept by reviews.scoring (on submit, and when the call's criteria change): the ranking reads it.
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=12, decimal_places=6, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.assignment} ({self.get_status_display()})"


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("grants.RubricCriterion", on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=[MinValueValidator(0)])
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT_MAX)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_unique_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


from .models_ranking import RankingBuild, RankingChange, RankingRow  # noqa: E402, F401 (models of this app)
