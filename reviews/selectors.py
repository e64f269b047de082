"""Read queries for review: queues, the assignment matrix and the ranking, computed in SQL."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from applications.models import Application

from .conflicts import any_conflict, conflicted
from .models import Assignment, Conflict, PoolMembership, Review

TWO_PLACES = Decimal("0.01")
RANKED_STATUSES = (
    Application.Status.IN_REVIEW,
    Application.Status.REVIEWED,
    Application.Status.AWARDED,
    Application.Status.WAITLISTED,
    Application.Status.REJECTED,
    Application.Status.REPORTED,
    Application.Status.CLOSED,
)


def reviewer_queue(reviewer, done=False):
    """The reviewer's assignments, with their review's status, for calls whose conflicts are declared.

    ``done=False``: still to do (no review submitted), soonest due first; ``done=True``: submitted,
    the latest first. Both are sliced into pages by the view.
    """
    declared = PoolMembership.objects.filter(
        reviewer=reviewer, competition_id=OuterRef("application__competition_id"), conflicts_declared_at__isnull=False
    )
    submitted = Q(review__status=Review.Status.SUBMITTED)
    assignments = (
        Assignment.objects.filter(reviewer=reviewer)
        .annotate(conflicts_declared=Exists(declared))
        .select_related("application", "application__competition", "review")
    )
    if done:
        return assignments.filter(submitted).order_by("-review__submitted_at", "-pk")
    return assignments.exclude(submitted).order_by("due_at", "application__reference", "pk")


def declared_conflicts(competition, reviewer):
    return Conflict.objects.filter(competition=competition, reviewer=reviewer).select_related(
        "group", "region", "application"
    )


def review_of(assignment):
    """The assignment's review with its scores, or ``None`` before the reviewer saved anything."""
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def pools_awaiting_declaration(reviewer):
    return PoolMembership.objects.filter(reviewer=reviewer, conflicts_declared_at__isnull=True).select_related(
        "competition"
    )


def assignments_visible_to(reviewer):
    """Assignments the reviewer may open: their own, once the call's conflicts are declared, and
    never for an application they are conflicted with (even if staff assigned it before)."""
    declared = PoolMembership.objects.filter(
        reviewer=reviewer, competition_id=OuterRef("application__competition_id"), conflicts_declared_at__isnull=False
    )
    return (
        Assignment.objects.filter(reviewer=reviewer)
        .filter(Exists(declared))
        .exclude(conflicted(reviewer.pk, "application__"))
        .select_related("application", "application__competition", "application__group", "application__region")
    )


MATRIX_FILTERS = ("unassigned", "missing", "conflicts")


def review_pool(competition):
    """Pool members with their load in the call (a handful of rows: the matrix's columns)."""
    return (
        PoolMembership.objects.filter(competition=competition)
        .select_related("reviewer")
        .annotate(
            load=Count("reviewer__assignments", filter=Q(reviewer__assignments__application__competition=competition)),
            done=Count(
                "reviewer__assignments",
                filter=Q(
                    reviewer__assignments__application__competition=competition,
                    reviewer__assignments__review__status=Review.Status.SUBMITTED,
                ),
            ),
        )
        .order_by("reviewer__full_name", "reviewer__email")
    )


def matrix_applications(competition, show="", search=""):
    """The rows of the assignment matrix, filtered in SQL; the view cuts a page before the
    assignments are prefetched, so a call of 10,000 applications costs what a page costs.

    ``show``: ``unassigned`` (fewer reviewers than the call asks for), ``missing`` (an assigned
    review not submitted yet) or ``conflicts`` (a declared conflict covers the application).
    ``search``: part of the reference or of the title.
    """
    applications = Application.objects.filter(competition=competition).filter(
        Q(status__in=RANKED_STATUSES) | Q(status=Application.Status.SUBMITTED)
    )
    if show == "unassigned":
        applications = applications.annotate(assigned=Count("assignments")).filter(
            assigned__lt=competition.reviewers_per_application
        )
    elif show == "missing":
        pending = Assignment.objects.filter(application=OuterRef("pk")).exclude(review__status=Review.Status.SUBMITTED)
        applications = applications.filter(Exists(pending))
    elif show == "conflicts":
        applications = applications.filter(any_conflict())
    if search:
        applications = applications.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return (
        applications.select_related("group", "region")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("review")))
        .order_by("reference", "pk")
    )


# The application columns the ranking reads, in the model's field order (as Model.from_db wants them).


@dataclass
class RankedApplication:
    """One row of the ranking: the application's columns the page shows, and its statistics.

    Plain values, not model instances: a call can rank thousands of applications, and building
    an Application (with group and region) for each cost the page a fifth of its time.
    """

    pk: int
    reference: str | None
    title: str
    status: str
    requested_amount: Decimal | None
    group_name: str
    region_name: str | None
    reviews: int
    mean: Decimal | None
    spread: Decimal | None
    normalised: Decimal | None
    disputed: bool
    cumulative: Decimal = Decimal("0")
    within_budget: bool = False

    @property
    def status_label(self):
        return Application.Status(self.status).label

    @property
    def decidable(self) -> bool:
        return self.status in (Application.Status.REVIEWED, Application.Status.WAITLISTED)


RANKING_SQL = """
WITH review_scores AS (
    SELECT r.id AS review_id, a.reviewer_id, a.application_id,
           SUM(cs.score * c.weight) * 100.0 / SUM(c.max_score * c.weight) AS weighted
    FROM reviews_review r
    JOIN reviews_assignment a ON a.id = r.assignment_id
    JOIN applications_application app ON app.id = a.application_id
    JOIN reviews_criterionscore cs ON cs.review_id = r.id
    JOIN grants_rubriccriterion c ON c.id = cs.criterion_id
    WHERE app.competition_id = %s AND r.status = 'submitted' AND cs.score IS NOT NULL
    GROUP BY r.id, a.reviewer_id, a.application_id
),
reviewer_stats AS (
    SELECT reviewer_id, AVG(weighted) AS mu, STDDEV_POP(weighted) AS sigma
    FROM review_scores GROUP BY reviewer_id
)
SELECT s.application_id, COUNT(*), AVG(s.weighted), STDDEV_POP(s.weighted),
       AVG(CASE WHEN st.sigma > 0 THEN (s.weighted - st.mu) / st.sigma ELSE 0 END)
FROM review_scores s JOIN reviewer_stats st ON st.reviewer_id = s.reviewer_id
GROUP BY s.application_id
"""


def _dec(value):
    if value is None:
        return None
    if not isinstance(value, Decimal):  # PostgreSQL's numeric arrives as a Decimal already
        value = Decimal(str(value))
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def review_statistics(competition) -> dict[int, tuple]:
    """``{application_id: (reviews, mean, spread, normalised)}`` for the call, in one query.

    Each submitted review's score is its weighted percentage: sum(weight × score) over
    sum(weight × max score), × 100. ``mean`` and ``spread`` (population standard deviation) are
    over an application's reviews. ``normalised`` corrects for harsh and lenient reviewers: each
    review's score as a z-score against that reviewer's own scores across the call (0 when the
    reviewer's scores do not vary), averaged per application.
    """
    with connection.cursor() as cursor:
        cursor.execute(RANKING_SQL, [competition.pk])
        rows = cursor.fetchall()
    return {row[0]: (row[1], _dec(row[2]), _dec(row[3]), _dec(row[4])) for row in rows}


RANKING_SORTS = {
    "mean": lambda r: (r.mean is None, -(r.mean or 0), r.pk),
    "normalised": lambda r: (r.normalised is None, -(r.normalised or 0), r.pk),
    "spread": lambda r: (r.spread is None, -(r.spread or 0), r.pk),
    "requested": lambda r: (-(r.requested_amount or 0), r.pk),
    "reference": lambda r: (r.reference or "",),
}


def ranking(competition, sort="mean") -> list[RankedApplication]:
    """Applications under or after review, best first, with the running total against the pool."""
    statistics = review_statistics(competition)
    columns = ("pk", "reference", "title", "status", "requested_amount", "group__name", "region__name")
    threshold = competition.disagreement_threshold
    rows = []
    for pk, reference, title, status, requested, group_name, region_name in Application.objects.filter(
        competition=competition, status__in=RANKED_STATUSES
    ).values_list(*columns):
        count, mean, spread, normalised = statistics.get(pk, (0, None, None, None))
        rows.append(
            RankedApplication(
                pk=pk,
                reference=reference,
                title=title,
                status=status,
                requested_amount=requested,
                group_name=group_name,
                region_name=region_name,
                reviews=count,
                mean=mean,
                spread=spread,
                normalised=normalised,
                disputed=spread is not None and count > 1 and spread > threshold,
            )
        )
    rows.sort(key=RANKING_SORTS.get(sort, RANKING_SORTS["mean"]))
    total = Decimal("0")
    for row in rows:
        total += row.requested_amount or Decimal("0")
        row.cumulative = total
        row.within_budget = total <= competition.budget_pool
    return rows


def application_reviews(application):
    """Submitted reviews of one application with their scores (for staff), in two queries."""
    return (
        Review.objects.filter(assignment__application=application, status=Review.Status.SUBMITTED)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
        .order_by("submitted_at", "pk")
    )


def shared_reviewer_comments(application) -> list[dict]:
    """What a rejected applicant may read when staff chose to share: comments only, no names, no scores."""
    if not application.share_reviewer_comments:
        return []
    shared = []
    for number, review in enumerate(application_reviews(application), start=1):
        comments = [(row.criterion.name, row.comment) for row in review.scores.all() if row.comment.strip()]
        if review.overall_comment.strip() or comments:
            shared.append({"number": number, "overall": review.overall_comment, "comments": comments})
    return shared
