from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from config.choices import ChoiceLabels
from config.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX, sane_date
from config.registry import Registry
from grants.models import Competition, money_field
from regions.models import Region

from . import rules as app_rules
from .identity_log import IdentityDisclosure  # noqa: F401 (a model of this app)
from .models_budget import BudgetLine, line_total_expression  # noqa: F401 (BudgetLine: a model of this app)
from .models_groups import (  # noqa: F401 (models of this app; migration 0001 names the token default here)
    ApplicantGroup,
    GroupInvitation,
    GroupMembership,
    _invitation_token,
)
from .storage import attachment_path, private_storage
from .submission import submission_errors
from .thread import ClarificationMessage  # noqa: F401 (a model of this app)

# Callables ``check(application) -> bool``: has money been paid on this award? Filled by the layer
# that pays (``projects``), so this model never looks up a layer.
money_paid_checks = Registry("money paid checks")


class Application(FSMModelMixin, ChoiceLabels, models.Model):
    """An application of a group to a call. Its status changes only through ``services``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INELIGIBLE = "ineligible", _("Ineligible")
        IN_REVIEW = "in_review", _("In review")
        REVIEWED = "reviewed", _("Reviewed")
        AWARDED = "awarded", _("Awarded")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        REPORTED = "reported", _("Reported")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # A two-stage call's concept note, after staff's choice: invited to write the full
        # proposal (editable like a draft), or not invited (final, with the staff's feedback).
        INVITED = "invited", _("Invited to a full proposal")
        NOT_INVITED = "not_invited", _("Not invited to a full proposal")

    class Stage(models.TextChoices):
        """A two-stage call's concept note, then its full proposal; the one application of any
        other call is a full proposal."""

        CONCEPT = "concept", _("Concept note")
        FULL = "full", _("Full proposal")

    # The fields the applicant writes; all optional while a draft, checked on submit.
    TEXT_FIELDS = ("title", "summary", "problem", "activities", "expected_results", "beneficiaries")

    competition = models.ForeignKey(
        Competition, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    group = models.ForeignKey(
        ApplicantGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="applications"
    )
    # A rolling call's review round: the first cut-off at or after submission (set at submit).
    cutoff = models.ForeignKey(
        "grants.CallCutoff",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # An emergency request's decision deadline: its submission plus the call's decision days.
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.FULL)

    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, max_length=SHORT_TEXT_MAX, help_text=_("Two or three sentences about the project.")
    )
    problem = models.TextField(
        _("problem or need"), blank=True, max_length=LONG_TEXT_MAX, help_text=_("What the project responds to.")
    )
    activities = models.TextField(
        _("activities"), blank=True, max_length=LONG_TEXT_MAX, help_text=_("What you will do, step by step.")
    )
    expected_results = models.TextField(_("expected results"), blank=True, max_length=LONG_TEXT_MAX)
    beneficiaries = models.TextField(
        _("beneficiaries"), blank=True, max_length=LONG_TEXT_MAX, help_text=_("Who benefits, and how many.")
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True, validators=[sane_date])
    planned_end = models.DateField(_("planned end"), null=True, blank=True, validators=[sane_date])
    requested_amount = money_field(_("requested amount"), null=True, blank=True)
    own_contribution = money_field(_("own contribution"), default=Decimal("0"), blank=True)
    awarded_amount = money_field(_("awarded amount"), null=True, blank=True)
    award_conditions = models.TextField(_("conditions of the award"), blank=True, max_length=LONG_TEXT_MAX)
    decision_feedback = models.TextField(_("feedback to the applicant"), blank=True, max_length=LONG_TEXT_MAX)
    share_reviewer_comments = models.BooleanField(
        _("share the reviewers' comments (without names or scores)"), default=False
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_applications",
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    screened_at = models.DateTimeField(_("found eligible"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_snapshot = models.JSONField(_("submitted version"), null=True, blank=True, editable=False)
    # What the group answered to the call's eligibility questions before the draft was created:
    # {"questions": [{"id", "text", "answer"}]}, so staff see what was declared even if the call's
    # questions change later.
    # Answers to the call's own questions (key → value), and the version of the questions answered.
    form_answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True, editable=False)
    form_version = models.PositiveIntegerField(_("version of the call's questions"), null=True, blank=True)
    eligibility_answers = models.JSONField(_("eligibility answers"), default=dict, blank=True, editable=False)
    # A two-stage call's concept note as submitted (its ``submitted_snapshot``), kept when the
    # group is invited to write the full proposal; empty otherwise.
    concept = models.JSONField(_("concept note"), default=dict, blank=True, editable=False)
    # Bumped by every save of the draft: a page that saves with an older number was stale.
    draft_version = models.PositiveIntegerField(default=0, editable=False)
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["competition", "status"]),
            # The staff's list of a call: newest submitted first, a page at a time (top-N sort).
            models.Index(fields=["competition", "submitted_at", "id"], name="application_call_submitted"),
            # The portfolio of funded projects, latest decided first: read a page off the index.
            models.Index(
                fields=["-decided_at", "-id"],
                condition=Q(status__in=["awarded", "reported", "closed"]),
                name="application_funded_decided",
            ),
            # What a call has committed (every award checks it against the pool; the ranking and
            # the decision pages show it): summed off this index, not off the call's every row.
            models.Index(
                fields=["competition"],
                include=["awarded_amount"],
                condition=Q(status__in=["awarded", "reported", "closed"]),
                name="application_committed",
            ),
        ]

    def __str__(self):
        return f"{self.reference or _('new application')}: {self.title or _('(untitled)')}"

    def get_absolute_url(self):
        return reverse("applications:detail", kwargs={"pk": self.pk})

    @property
    def currency(self):
        return self.competition.currency

    @cached_property
    def budget_total(self) -> Decimal:
        total = self.budget_lines.aggregate(total=Sum(line_total_expression()))["total"]
        return (total or Decimal("0")).quantize(Decimal("0.01"))

    @property
    def is_editable(self) -> bool:
        """A draft, or an invited group's full proposal."""
        return self.status in (self.Status.DRAFT, self.Status.INVITED)

    @property
    def is_concept(self) -> bool:
        return self.stage == self.Stage.CONCEPT

    @property
    def awaits_screening(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_withdrawable_by_group(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED, self.Status.IN_REVIEW, self.Status.INVITED)

    # --- the state machine (see DESIGN.md). Called only from applications.services. ---

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        conditions=[lambda a: a.can_be_submitted()],
        permission=app_rules.can_act_for_group,
    )
    def submit(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.AWARDED, Status.INVITED],
        target=Status.WITHDRAWN,
        conditions=[lambda a: a.nothing_paid_yet()],
        permission=app_rules.can_withdraw,
    )
    def withdraw(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.SUBMITTED, target=Status.INELIGIBLE, permission=app_rules.can_decide)
    def screen_out(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.IN_REVIEW,
        conditions=[lambda a: not a.decided_without_review()],
        permission=app_rules.can_decide,
    )
    def start_review(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.IN_REVIEW, target=Status.REVIEWED, permission=app_rules.can_complete_review)
    def complete_review(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(  # an emergency request is decided by staff with no review panel
        field=status,
        source=Status.SUBMITTED,
        target=Status.AWARDED,
        conditions=[lambda a: a.decided_without_review(), lambda a: a.award_fits_request()],
        permission=app_rules.can_decide,
    )
    @transition(
        field=status,
        source=[Status.REVIEWED, Status.WAITLISTED],
        target=Status.AWARDED,
        conditions=[lambda a: a.award_fits_request(), lambda a: not a.is_concept],
        permission=app_rules.can_decide,
    )
    def award(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.REVIEWED,
        target=Status.WAITLISTED,
        conditions=[lambda a: not a.is_concept],
        permission=app_rules.can_decide,
    )
    def waitlist(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REJECTED,
        conditions=[lambda a: a.decided_without_review()],
        permission=app_rules.can_decide,
    )
    @transition(
        field=status,
        source=[Status.REVIEWED, Status.WAITLISTED],
        target=Status.REJECTED,
        conditions=[lambda a: not a.is_concept],
        permission=app_rules.can_decide,
    )
    def reject(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.AWARDED, target=Status.REPORTED, permission=app_rules.can_act_for_group)
    def submit_final_report(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.REPORTED, target=Status.AWARDED, permission=app_rules.can_decide)
    def request_changes(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.REPORTED, target=Status.CLOSED, permission=app_rules.can_decide)
    def close(self, by=None, description=None):
        pass

    # --- a two-stage call: its concept notes, then the invited full proposals ---

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEWED],
        target=Status.INVITED,
        conditions=[lambda a: a.is_concept],
        permission=app_rules.can_decide,
    )
    def invite(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEWED],
        target=Status.NOT_INVITED,
        conditions=[lambda a: a.is_concept],
        permission=app_rules.can_decide,
    )
    def not_invite(self, by=None, description=None):
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.INVITED,
        target=Status.SUBMITTED,
        conditions=[lambda a: a.can_be_submitted()],
        permission=app_rules.can_act_for_group,
    )
    def submit_full(self, by=None, description=None):
        pass

    # --- conditions ---

    def can_be_submitted(self) -> bool:
        """The submit service runs the checks once, under its lock, and leaves the verdict on the
        instance (``checked_submission_errors``) right before the transition, so the guard does
        not run them again; anyone else gets them run here."""
        checked = self.__dict__.get("checked_submission_errors")
        if checked is not None:
            return not checked
        # ``submitted_at`` is set by the service just before the transition: check at that moment.
        return not submission_errors(self, now=self.submitted_at)

    def nothing_paid_yet(self) -> bool:
        """An award can be declined only before money has moved (``projects`` knows the payments)."""
        return self.status != self.Status.AWARDED or not any(paid(self) for paid in money_paid_checks)

    def decided_without_review(self) -> bool:
        """Emergency requests go from submitted straight to the staff's decision; every other
        kind of call decides only after review."""
        return self.competition.emergency

    def award_fits_request(self) -> bool:
        return (
            self.awarded_amount is not None
            and self.requested_amount is not None
            and Decimal("0") < self.awarded_amount <= self.requested_amount
        )


class Attachment(ChoiceLabels, models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Part of the application")
        LATER = "later", _("Added after the award (a report's photos and receipts)")
        ANSWER = "answer", _("The answer to one of the call's questions")

    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.APPLICATION, db_index=True
    )
    # For an answer: the key of the call's question it answers.
    question = models.CharField(_("question"), max_length=50, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    # The same file without its metadata (applications/metadata.py): what reviewers, mentors and
    # outsiders download. Empty when the file could not be read: then only staff and the group may.
    clean_file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("applications:attachment_download", kwargs={"pk": self.pk})
