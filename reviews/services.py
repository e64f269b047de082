"""Everything that changes reviews: the pool, conflicts, assignments and scores.

The application's own transitions (``start_review``, ``complete_review``) run through
``applications.services`` in the same transaction as the change that causes them.
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_reviewer, require_staff
from applications.models import Application
from applications.services import application_audit
from applications.transitions import application_lock, transition_run
from audit.services import audit_record
from grants.models import Competition
from notifications.services import outbox_enqueue

from .conflicts import conflicted_applications, is_conflicted
from .models import Assignment, Conflict, CriterionScore, PoolMembership, Review, current_stage
from .scoring import weighted_scores_refresh
from .selectors import pool_counts

UNCHANGED = object()  # a keyword left out, as opposed to one set to None
REVIEWABLE = (Application.Status.SUBMITTED, Application.Status.IN_REVIEW)


# --- the application's review steps -------------------------------------------------------


@transaction.atomic
def application_start_review(*, application, by) -> Application:
    return transition_run(application_lock(application), "start_review", by)


@transaction.atomic
def application_complete_review(*, application, by=None, comment="") -> Application:
    """Fired by the last submitted review (``by`` None), or forced by staff."""
    return transition_run(application_lock(application), "complete_review", by, comment)


# --- the pool -------------------------------------------------------------------------------


def _pool_count(competition_id, reviewer_id, *, assigned=0, submitted=0) -> None:
    """Move a member's counters in the caller's transaction (``F()``: concurrent changes add up)."""
    PoolMembership.objects.filter(competition_id=competition_id, reviewer_id=reviewer_id).update(
        assigned_count=F("assigned_count") + assigned, submitted_count=F("submitted_count") + submitted
    )


@transaction.atomic
def pool_recount(competition) -> None:
    """Set every member's counters from the call's assignments: for data loaded in bulk (the
    benchmarks, imports), which bypasses the services that keep them."""
    counts = pool_counts(competition.pk)
    for membership in PoolMembership.objects.select_for_update().filter(competition=competition):
        membership.assigned_count, membership.submitted_count = counts.get(membership.reviewer_id, (0, 0))
        membership.save(update_fields=["assigned_count", "submitted_count"])


@transaction.atomic
def pool_add(*, competition, reviewer, by) -> PoolMembership:
    require_staff(by)
    if not is_reviewer(reviewer):
        raise ValidationError({"reviewer": _("Only people with the reviewer role can review.")})
    membership, created = PoolMembership.objects.get_or_create(
        competition=competition, reviewer=reviewer, defaults={"added_by": by}
    )
    if created:
        counts = pool_counts(competition.pk, [reviewer.pk]).get(reviewer.pk)
        if counts:  # assignments kept from before a removal
            membership.assigned_count, membership.submitted_count = counts
            membership.save(update_fields=["assigned_count", "submitted_count"])
        audit_record(
            by=by, action="pool.added", message=_("%(name)s added to the reviewer pool") % {"name": reviewer},
            call_id=competition.pk,
        )  # fmt: skip
    return membership


@transaction.atomic
def pool_remove(*, competition, reviewer, by) -> None:
    require_staff(by)
    if Assignment.objects.filter(application__competition=competition, reviewer=reviewer).exists():
        raise ValidationError(_("This reviewer still has assignments in this call; remove them first."))
    if PoolMembership.objects.filter(competition=competition, reviewer=reviewer).delete()[0]:
        audit_record(
            by=by, action="pool.removed", message=_("%(name)s removed from the reviewer pool") % {"name": reviewer},
            call_id=competition.pk,
        )  # fmt: skip


# --- conflicts of interest ------------------------------------------------------------------


@transaction.atomic
def conflicts_declare(*, competition, by, groups=(), regions=(), reason="", home_region=UNCHANGED) -> PoolMembership:
    """Record the reviewer's conflicts for a call (and their home region, which keeps them away
    from their own region's applications); assignments they now conflict with are removed.

    Locks in the order every review service takes them (the applications, then their assignments
    and reviews, then the pool row), so a review submitted in another tab at the same moment
    waits or goes first, and is then kept: never a deadlock, never a submitted review deleted.
    """
    reviewer = by
    if not PoolMembership.objects.filter(competition=competition, reviewer=reviewer).exists():
        raise PermissionDenied
    if home_region is not UNCHANGED and home_region != reviewer.home_region:
        reviewer.home_region = home_region
        reviewer.save(update_fields=["home_region"])
    for group in groups:
        Conflict.objects.get_or_create(
            competition=competition, reviewer=reviewer, group=group, defaults={"reason": reason}
        )
    for region in regions:
        Conflict.objects.get_or_create(
            competition=competition, reviewer=reviewer, region=region, defaults={"reason": reason}
        )
    conflicting = Assignment.objects.filter(
        reviewer=reviewer, application__in=conflicted_applications(reviewer.pk, competition.pk)
    ).exclude(review__status=Review.Status.SUBMITTED)
    _lock_applications(conflicting.values("application_id"))
    _, deleted = conflicting.delete()  # asked again under the locks: a review submitted meanwhile stays
    membership = PoolMembership.objects.select_for_update().get(competition=competition, reviewer=reviewer)
    membership.conflicts_declared_at = timezone.now()
    membership.save(update_fields=["conflicts_declared_at"])
    _pool_count(competition.pk, reviewer.pk, assigned=-deleted.get(Assignment._meta.label, 0))
    membership.refresh_from_db()
    return membership


def _lock_applications(ids) -> None:
    """Lock these applications' rows in id order, the first lock every review service takes."""
    list(Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def conflict_declare_on_assignment(*, assignment, by, reason) -> Conflict:
    """A reviewer finds they are close to an assigned application: the assignment goes, the reason stays.

    The application is locked first, as ``review_submit`` does: a submission of the same review
    in another tab finishes first, and the declaration is then refused.
    """
    _lock_applications([assignment.application_id])
    assignment = Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    if assignment.reviewer_id != by.pk:
        raise PermissionDenied
    if Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists():
        raise ValidationError(_("This review is already submitted."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say briefly why you have a conflict of interest.")})
    conflict = Conflict.objects.create(
        competition_id=assignment.application.competition_id,
        reviewer=by,
        application=assignment.application,
        reason=reason.strip(),
    )
    assignment.delete()
    _pool_count(assignment.application.competition_id, by.pk, assigned=-1)
    return conflict


# --- assignment -----------------------------------------------------------------------------


def _notify_assigned(assignment):
    reviewer = assignment.reviewer
    outbox_enqueue(
        user=reviewer,
        kind="review_assigned",
        dedupe_key=f"review-assigned:{assignment.pk}",
        template="reviews/email/assigned",
        context={
            "assignment": assignment,
            "call": assignment.application.competition,
            "url": settings.SITE_BASE_URL + reverse("reviews:queue"),
        },
        scope=assignment.application.competition.outbox_scope,
    )


def _check_assignable(application, reviewer):
    if application.status not in REVIEWABLE:
        raise ValidationError(_("Only submitted applications can be assigned for review."))
    if application.status == Application.Status.SUBMITTED and not application.screened_at:
        raise ValidationError(_("Screen the application for eligibility before assigning reviewers."))
    if not PoolMembership.objects.filter(competition_id=application.competition_id, reviewer=reviewer).exists():
        raise ValidationError(_("This reviewer is not in the call's reviewer pool."))
    if is_conflicted(reviewer, application):
        raise ValidationError(_("This reviewer has declared a conflict of interest with this application."))
    if Assignment.objects.filter(application=application, reviewer=reviewer, stage=application.stage).exists():
        raise ValidationError(_("This reviewer is already assigned to this application."))


def _create_assignment(application, reviewer, by) -> Assignment:
    """The caller counts it in the pool (``_pool_count``) once it holds every application lock it
    needs: a review submitted meanwhile locks its application, then its reviewer's pool row."""
    assignment = Assignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=by,
        due_at=application.competition.review_deadline,
        stage=application.stage,
    )
    if application.status == Application.Status.SUBMITTED:
        application_start_review(application=application, by=by)
        application.refresh_from_db()
    application_audit(application, by, "assignment.created", _("%(name)s assigned") % {"name": reviewer})
    _notify_assigned(assignment)
    return assignment


@transaction.atomic
def assignment_create(*, application, reviewer, by) -> Assignment:
    require_staff(by)
    application = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
    _check_assignable(application, reviewer)
    assignment = _create_assignment(application, reviewer, by)
    _pool_count(application.competition_id, reviewer.pk, assigned=1)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment, by) -> None:
    require_staff(by)
    if Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists():
        raise ValidationError(_("An assignment whose review is submitted cannot be removed."))
    application = assignment.application
    application_audit(
        application, by, "assignment.removed", _("%(name)s no longer assigned") % {"name": assignment.reviewer}
    )
    assignment.delete()
    _pool_count(application.competition_id, assignment.reviewer_id, assigned=-1)


@transaction.atomic
def assign_automatically(*, competition, by, avoid_same_region=False) -> dict:
    """Give every eligible application the call's number of reviewers, filling gaps only.

    Each free slot goes to the least-loaded pool reviewer who is neither conflicted nor already
    on the application (nor, optionally, from the applicant's region). Slots are filled round by
    round across all applications, so loads stay within one of each other where conflicts allow.
    Returns ``{"created": n, "unfilled": [references]}``.
    """
    require_staff(by)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    pool = list(PoolMembership.objects.filter(competition=competition).select_related("reviewer"))
    reviewers = {m.reviewer_id: m.reviewer for m in pool}
    applications = list(
        Application.objects.filter(competition=competition)
        .filter(
            Q(status=Application.Status.IN_REVIEW) | Q(status=Application.Status.SUBMITTED, screened_at__isnull=False)
        )
        .select_related("group", "competition")
        .order_by("pk")
    )
    assigned = defaultdict(set)
    load = dict.fromkeys(reviewers, 0)
    current = Assignment.objects.filter(current_stage(), application__competition=competition)
    for application_id, reviewer_id in current.values_list("application_id", "reviewer_id"):
        assigned[application_id].add(reviewer_id)
        if reviewer_id in load:
            load[reviewer_id] += 1
    excluded = {reviewer_id: set() for reviewer_id in reviewers}
    for reviewer_id in reviewers:
        excluded[reviewer_id] = set(conflicted_applications(reviewer_id, competition.pk).values_list("pk", flat=True))
    wanted = competition.reviewers_per_application
    new_pairs = []
    for _round in range(wanted):
        for application in applications:
            if len(assigned[application.pk]) >= wanted:
                continue
            candidates = [
                reviewer_id
                for reviewer_id in reviewers
                if reviewer_id not in assigned[application.pk]
                and application.pk not in excluded[reviewer_id]
                and not (avoid_same_region and _same_region(reviewers[reviewer_id], application))
            ]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda r: (load[r], r))
            assigned[application.pk].add(chosen)
            load[chosen] += 1
            new_pairs.append((application, chosen))
    for application, reviewer_id in new_pairs:
        locked = Application.objects.select_for_update().select_related("competition").get(pk=application.pk)
        _create_assignment(locked, reviewers[reviewer_id], by)
    # The pool rows last, after every application lock (the order review_submit takes them in:
    # counting as it went, this could wait on an application whose reviewer waits on a pool row
    # this holds, a deadlock).
    for reviewer_id, count in sorted(Counter(reviewer_id for _application, reviewer_id in new_pairs).items()):
        _pool_count(competition.pk, reviewer_id, assigned=count)
    unfilled = [a.reference for a in applications if len(assigned[a.pk]) < wanted]
    return {"created": len(new_pairs), "unfilled": unfilled}


def _same_region(reviewer, application) -> bool:
    region_id = reviewer.home_region_id
    return region_id is not None and region_id in (application.region_id, application.group.region_id)


# --- scoring --------------------------------------------------------------------------------


def _check_scores(competition, scores):
    errors = {}
    for criterion in competition.criteria.all():
        value = scores.get(criterion.pk, {}).get("score")
        if value is not None and not (0 <= value <= criterion.max_score):
            errors[f"score_{criterion.pk}"] = [_("Give a score from 0 to %(max)s.") % {"max": criterion.max_score}]
    if errors:
        raise ValidationError(errors)


def _save_review(assignment, by, *, scores, overall_comment, recommendation) -> Review:
    if assignment.reviewer_id != by.pk:
        raise PermissionDenied
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.status == Review.Status.SUBMITTED:
        raise ValidationError(_("This review is submitted and can no longer be changed."), code="submitted")
    competition = assignment.application.competition
    _check_scores(competition, scores)
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion in competition.criteria.all():
        entry = scores.get(criterion.pk, {})
        row = existing.get(criterion.pk) or CriterionScore(review=review, criterion=criterion)
        row.score = entry.get("score")
        row.comment = entry.get("comment", "")
        row.save()
    review.overall_comment = overall_comment
    review.recommendation = recommendation
    review.save()
    return review


@transaction.atomic
def review_save(*, assignment, by, scores, overall_comment="", recommendation="") -> Review:
    """Save a draft review. ``scores``: ``{criterion_id: {"score": int or None, "comment": str}}``."""
    return _save_review(assignment, by, scores=scores, overall_comment=overall_comment, recommendation=recommendation)


@transaction.atomic
def review_submit(*, assignment, by, scores, overall_comment="", recommendation="") -> Review:
    """Submit a review; when it is the last one of the application, the application is reviewed.

    The application row is locked first, so two reviewers submitting the last two reviews at the
    same moment are serialised: exactly one of them sees every review submitted and completes it.
    """
    application = Application.objects.select_for_update().get(pk=assignment.application_id)
    review = _save_review(assignment, by, scores=scores, overall_comment=overall_comment, recommendation=recommendation)
    errors = {}
    for row in review.scores.select_related("criterion"):
        if row.score is None:
            errors[f"score_{row.criterion_id}"] = [_("Score every criterion before you submit.")]
    if not recommendation:
        errors["recommendation"] = [_("Choose a recommendation before you submit.")]
    if errors:
        raise ValidationError(errors)
    review.status = Review.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    assignment.submitted_at = review.submitted_at  # the queue's copy (``Assignment.submitted_at``)
    assignment.save(update_fields=["submitted_at"])
    _pool_count(application.competition_id, assignment.reviewer_id, submitted=1)
    weighted_scores_refresh(review_ids=[review.pk])  # in this transaction: the ranking reads it
    outstanding = Assignment.objects.filter(application=application, stage=application.stage).exclude(
        review__status=Review.Status.SUBMITTED
    )
    if application.status == Application.Status.IN_REVIEW and not outstanding.exists():
        application_complete_review(application=application, by=None, comment=_("All assigned reviews are submitted."))
    return review
