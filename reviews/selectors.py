"""Read queries for review: queues, the assignment matrix and the ranking, computed in SQL."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q

from applications.models import Application
from applications.selectors import LONG_FIELDS
from grants.translations import translated

from .conflicts import any_conflict, conflicted
from .models import Assignment, Conflict, PoolMembership, Review
from .ranking import (  # noqa: F401 (sorts: read by projects)
    RANKED_STATUSES,
    RANKING_SORTS,
    STATISTICS_SQL,
    page_query,
    ranking_fresh,
)

TWO_PLACES = Decimal("0.01")


def reviewer_queue(reviewer, done=False):
    """The reviewer's assignments, with their review's status, for calls whose conflicts are declared.

    ``done=False``: still to do (no review submitted), soonest due first; ``done=True``: submitted,
    the latest first. Each is a range of one of the assignment's partial indexes, sliced into pages
    by the view.
    """
    declared = PoolMembership.objects.filter(
        reviewer=reviewer, competition_id=OuterRef("application__competition_id"), conflicts_declared_at__isnull=False
    )
    assignments = (
        Assignment.objects.filter(reviewer=reviewer, submitted_at__isnull=not done)
        .annotate(conflicts_declared=Exists(declared))
        .select_related("application", "application__competition", "review")
        .defer(*(f"application__{name}" for name in LONG_FIELDS))
    )
    if done:
        return assignments.order_by("-submitted_at", "-pk")
    return assignments.order_by("due_at", "pk")


def reviewer_progress(reviewer) -> dict:
    """How far the reviewer is: ``{"done", "total", "next_due"}`` (the earliest due date of what is
    left), in one query."""
    left = Q(submitted_at__isnull=True)
    return Assignment.objects.filter(reviewer=reviewer).aggregate(
        total=Count("pk"), done=Count("pk", filter=~left), next_due=Min("due_at", filter=left)
    )


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
    """Pool members with their load in the call (a handful of rows: the matrix's columns); the
    counts are kept on the membership by the services (``pool_counts``, ``pool_recount``)."""
    return (
        PoolMembership.objects.filter(competition=competition)
        .select_related("reviewer")
        .order_by("reviewer__full_name", "reviewer__email")
    )


def pool_counts(competition_id, reviewer_ids=None) -> dict[int, tuple[int, int]]:
    """``{reviewer_id: (assigned, submitted)}`` counted from the call's assignments: what the
    membership's counters must equal (grows with the call; read by ``pool_recount`` only)."""
    assignments = Assignment.objects.filter(application__competition_id=competition_id)
    if reviewer_ids is not None:
        assignments = assignments.filter(reviewer_id__in=reviewer_ids)
    rows = assignments.values("reviewer_id").annotate(
        assigned=Count("pk"), submitted=Count("pk", filter=Q(review__status=Review.Status.SUBMITTED))
    )
    return {row["reviewer_id"]: (row["assigned"], row["submitted"]) for row in rows}


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
        applications = applications.annotate(
            assigned=Count("assignments", filter=Q(assignments__stage=F("stage")))
        ).filter(assigned__lt=competition.reviewers_per_application)
    elif show == "missing":
        pending = Assignment.objects.filter(application=OuterRef("pk"), stage=OuterRef("stage")).exclude(
            review__status=Review.Status.SUBMITTED
        )
        applications = applications.filter(Exists(pending))
    elif show == "conflicts":
        applications = applications.filter(any_conflict())
    if search:
        applications = applications.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return (
        applications.select_related("group", "region")
        .defer(*LONG_FIELDS)
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("review")))
        .order_by("reference", "pk")
    )


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
    group_id: int
    group_code: str
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


def _dec(value):
    if value is None:
        return None
    if not isinstance(value, Decimal):  # PostgreSQL's numeric arrives as a Decimal already
        value = Decimal(str(value))
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def review_statistics(competition) -> dict[int, tuple]:
    """``{application_id: (reviews, mean, spread, normalised)}`` for the call, in one query.

    Each submitted review's score is its weighted percentage: sum(weight × score) over
    sum(weight × max score), × 100, kept on the review (``reviews.scoring``). ``mean`` and
    ``spread`` (population standard deviation) are over an application's reviews. ``normalised``
    corrects for harsh and lenient reviewers: each review's score as a z-score against that
    reviewer's own scores across the call (0 when the reviewer's scores do not vary), averaged per
    application.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            STATISTICS_SQL + "SELECT application_id, reviews, mean, spread, normalised FROM statistics",
            [competition.pk],
        )
        rows = cursor.fetchall()
    return {row[0]: (row[1], _dec(row[2]), _dec(row[3]), _dec(row[4])) for row in rows}


class Ranking:
    """A call's ranking (statistics as in ``review_statistics``), best first, with the running
    total of requests against the pool over the whole call.

    Read from the stored ranking (``reviews/ranking.py``), brought up to date first if something
    moved it. Paginator-friendly: ``count()`` is one cheap query and a slice reads an index range
    of the stored ranks, so a page of 100 costs the same whatever the call's size. Iterating
    gives every row (the CSV, the bulk decisions).
    """

    def __init__(self, competition, sort="mean", *, cutoff=None, pool=None):
        self.competition = competition
        self.sort = sort if sort in RANKING_SORTS else "mean"
        self.cutoff = cutoff  # a rolling call's round: only its applications are ranked
        self.pool = competition.budget_pool if pool is None else pool  # where the funding line falls
        self._every_row = None
        self._size = None

    def count(self) -> int:
        if self._size is None:  # a rolling call is ranked by round; any other has one, the whole call
            self._size = ranking_fresh(self.competition, self.cutoff_id)
        return self._size

    @property
    def cutoff_id(self):
        return self.cutoff.pk if self.cutoff else None

    def __len__(self):
        return len(self._all()) if self._every_row is not None else self.count()

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, item):
        if isinstance(item, slice):
            if item.step is not None or (item.start or 0) < 0 or (item.stop is not None and item.stop < 0):
                return self._all()[item]
            start = item.start or 0
            if self._every_row is not None:
                return self._every_row[item]
            limit = None if item.stop is None else max(item.stop - start, 0)
            return self._rows(limit=limit, offset=start)
        return self._all()[item]

    def _all(self):
        if self._every_row is None:
            self._every_row = self._rows()
        return self._every_row

    def query(self, limit=None, offset=0) -> tuple[str, list]:
        """The SQL and parameters of one page (every row when ``limit`` is None), once the stored
        ranking is up to date."""
        self.count()
        return page_query(self.competition.pk, self.sort, limit, offset, cutoff_id=self.cutoff_id)

    def _rows(self, limit=None, offset=0) -> list[RankedApplication]:
        with connection.cursor() as cursor:
            cursor.execute(*self.query(limit, offset))
            rows = cursor.fetchall()
        threshold = self.competition.disagreement_threshold
        pool = self.pool
        ranked = []
        for row in rows:
            pk, reference, title, status, requested, group_name, region_name, group_id, code = row[:9]
            count, mean, spread, normal, total = row[9:]
            spread = _dec(spread)
            cumulative = _dec(total) or Decimal("0.00")
            ranked.append(
                RankedApplication(
                    pk=pk,
                    reference=reference,
                    title=title,
                    status=status,
                    requested_amount=_dec(requested),
                    group_name=group_name,
                    region_name=region_name,
                    group_id=group_id,
                    group_code=code,
                    reviews=count,
                    mean=_dec(mean),
                    spread=spread,
                    normalised=_dec(normal),
                    disputed=spread is not None and count > 1 and spread > threshold,
                    cumulative=cumulative,
                    within_budget=cumulative <= pool,
                )
            )
        return ranked


def ranking(competition, sort="mean", *, cutoff=None, pool=None) -> Ranking:
    """Applications under or after review, best first, with the running total against the pool.
    ``cutoff``: rank only that round of a rolling call; ``pool``: the money the funding line is
    drawn against (the whole pool unless given: a round's is what earlier rounds left)."""
    return Ranking(competition, sort, cutoff=cutoff, pool=pool)


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
        comments = [
            (translated(row.criterion, "name"), row.comment) for row in review.scores.all() if row.comment.strip()
        ]
        if review.overall_comment.strip() or comments:
            shared.append({"number": number, "overall": review.overall_comment, "comments": comments})
    return shared
