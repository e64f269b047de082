"""The stored ranking of a call (``models_ranking``): whatever moves it leaves a mark in its own
transaction (``ranking_changed``); the next read finds the mark and rebuilds the call's rows in
one INSERT ... SELECT with window functions (``ranking_fresh``). A page then reads its 100 rows
by an index range, whatever the size of the call (bench/README.md, "Issue 12, second pass").

Rebuilding on read rather than on every change: staff starting the review of 5,000 applications
in one go, or rescoring a call, cost one rebuild instead of one per application.
"""

from django.db import connection, transaction
from django.utils import timezone

from applications.models import Application

RANKED_STATUSES = (
    Application.Status.IN_REVIEW,
    Application.Status.REVIEWED,
    Application.Status.AWARDED,
    Application.Status.WAITLISTED,
    Application.Status.REJECTED,
    Application.Status.REPORTED,
    Application.Status.CLOSED,
)

STATISTICS_SQL = """
WITH review_scores AS (
    SELECT a.reviewer_id, a.application_id, CAST(r.weighted_score AS DOUBLE PRECISION) AS weighted
    FROM reviews_review r
    JOIN reviews_assignment a ON a.id = r.assignment_id
    JOIN applications_application app ON app.id = a.application_id AND a.stage = app.stage
    WHERE app.competition_id = %s AND r.status = 'submitted' AND r.weighted_score IS NOT NULL
),
reviewer_stats AS (
    SELECT reviewer_id, AVG(weighted) AS mu, STDDEV_POP(weighted) AS sigma
    FROM review_scores GROUP BY reviewer_id
),
statistics AS (
    SELECT s.application_id, COUNT(*) AS reviews, AVG(s.weighted) AS mean, STDDEV_POP(s.weighted) AS spread,
           AVG(CASE WHEN st.sigma > 0 THEN (s.weighted - st.mu) / st.sigma ELSE 0 END) AS normalised
    FROM review_scores s JOIN reviewer_stats st ON st.reviewer_id = s.reviewer_id
    GROUP BY s.application_id
)
"""

# The ranking's orders, best first, on the values as shown (two places); the id breaks ties.
# The statistics are computed in floating point (PostgreSQL's numeric STDDEV_POP took 4 times as
# long), rounded as numeric (ROUND has no float form there) for the sort, and as Decimal for display.
RANKING_ORDERS = {
    "mean": "(mean IS NULL), ROUND(CAST(mean AS NUMERIC), 2) DESC, id",
    "normalised": "(normalised IS NULL), ROUND(CAST(normalised AS NUMERIC), 2) DESC, id",
    "spread": "(spread IS NULL), ROUND(CAST(spread AS NUMERIC), 2) DESC, id",
    "requested": "COALESCE(requested_amount, 0) DESC, id",
    "reference": "COALESCE(reference, ''), id",
}
RANKING_SORTS = tuple(RANKING_ORDERS)

# Each order numbers the call's applications (ROW_NUMBER) and sums their requests up to each one
# (the funding line: the id in every order makes rows unique, so the default frame is a running
# total), within the application's round: a rolling call's cut-off (``cutoff_id``), each ranked
# with its own funding line; every other call has one round (NULL), the whole call. STDDEV_POP and
# window functions also run on SQLite (Django registers the former).
BUILD_SQL = (
    STATISTICS_SQL
    + """,
ranked AS (
    SELECT app.id, app.reference, app.requested_amount,
           CASE WHEN c.kind = 'rolling' THEN app.cutoff_id END AS cutoff_id,
           COALESCE(st.reviews, 0) AS reviews, st.mean, st.spread, st.normalised
    FROM applications_application app
    JOIN grants_competition c ON c.id = app.competition_id
    LEFT JOIN statistics st ON st.application_id = app.id
    WHERE app.competition_id = %s AND app.status IN ({statuses})
)
INSERT INTO reviews_rankingrow (
    competition_id, application_id, cutoff_id, reviews, mean, spread, normalised,
    {ranks}, {cumulatives}
)
SELECT %s, id, cutoff_id, reviews, mean, spread, normalised,
       {row_numbers},
       {running_totals}
FROM ranked
WINDOW {windows}
"""
).format(
    statuses=", ".join(f"'{status}'" for status in RANKED_STATUSES),
    ranks=", ".join(f"rank_{sort}" for sort in RANKING_SORTS),
    cumulatives=", ".join(f"cumulative_{sort}" for sort in RANKING_SORTS),
    row_numbers=", ".join(f"ROW_NUMBER() OVER by_{sort}" for sort in RANKING_SORTS),
    running_totals=", ".join(f"SUM(COALESCE(requested_amount, 0)) OVER by_{sort}" for sort in RANKING_SORTS),
    windows=", ".join(
        f"by_{sort} AS (PARTITION BY cutoff_id ORDER BY {order})" for sort, order in RANKING_ORDERS.items()
    ),
)

# One page: an index range of the order's ranks; the application's own columns are read live.
PAGE_SQL = """
SELECT app.id, app.reference, app.title, app.status, app.requested_amount, g.name, rg.name, g.id, g.code_name,
       r.reviews, r.mean, r.spread, r.normalised, r.cumulative_{sort}
FROM reviews_rankingrow r
JOIN applications_application app ON app.id = r.application_id
JOIN applications_applicantgroup g ON g.id = app.group_id
LEFT JOIN regions_region rg ON rg.id = app.region_id
WHERE r.competition_id = %s AND {round} AND r.rank_{sort} > %s{upto}
ORDER BY r.rank_{sort}
"""

STATE_SQL = """
SELECT EXISTS (SELECT 1 FROM reviews_rankingbuild b WHERE b.competition_id = %s AND b.built_at IS NOT NULL),
       EXISTS (SELECT 1 FROM reviews_rankingchange c WHERE c.competition_id = %s),
       (SELECT MAX(r.rank_mean) FROM reviews_rankingrow r WHERE r.competition_id = %s AND {round})
"""

CHANGED_BY_REVIEWS_SQL = """
INSERT INTO reviews_rankingchange (competition_id)
SELECT DISTINCT app.competition_id
FROM reviews_review r
JOIN reviews_assignment a ON a.id = r.assignment_id
JOIN applications_application app ON app.id = a.application_id
WHERE r.id IN ({ids})
"""


def ranking_changed(*, competition_id=None, review_ids=()) -> None:
    """Mark the ranking of the call (or of the reviews' calls) as moved: one INSERT, in the
    caller's transaction, that never waits for another."""
    with connection.cursor() as cursor:
        if competition_id is not None:
            cursor.execute("INSERT INTO reviews_rankingchange (competition_id) VALUES (%s)", [competition_id])
            return
        review_ids = list(review_ids)
        if review_ids:
            cursor.execute(CHANGED_BY_REVIEWS_SQL.format(ids=", ".join(["%s"] * len(review_ids))), review_ids)


def ranking_fresh(competition, cutoff_id=None) -> int:
    """Rebuild the call's stored ranking if something moved it since the last rebuild (or it was
    never built); the number of applications ranked in the round ``cutoff_id`` (None: the whole
    call, or a rolling call's applications in no round yet). One query when nothing moved."""
    built, changed, size = _state(competition.pk, cutoff_id)
    if built and not changed:
        return size or 0
    ranking_rebuild(competition)
    return _state(competition.pk, cutoff_id)[2] or 0


def _state(competition_id, cutoff_id):
    round_sql, round_params = _round(cutoff_id)
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL.format(round=round_sql), [competition_id] * 3 + round_params)
        return cursor.fetchone()


# Creates the call's build row or locks it (an upsert's update locks the row), and says whether the
# ranking was ever built. ON CONFLICT and RETURNING: PostgreSQL, and SQLite since 3.35.
LOCK_BUILD_SQL = """
INSERT INTO reviews_rankingbuild (competition_id, built_at) VALUES (%s, NULL)
ON CONFLICT (competition_id) DO UPDATE SET competition_id = excluded.competition_id
RETURNING built_at
"""


@transaction.atomic
def ranking_rebuild(competition) -> bool:
    """Rebuild the call's rows; False when another reader rebuilt them while this one waited for
    the build row's lock. The marks are deleted before the rows are computed: under READ
    COMMITTED the INSERT ... SELECT sees every change whose mark it deleted, and a mark committed
    in between stays for the next read."""
    pk = competition.pk
    with connection.cursor() as cursor:
        cursor.execute(LOCK_BUILD_SQL, [pk])
        built_at = cursor.fetchone()[0]
        cursor.execute("DELETE FROM reviews_rankingchange WHERE competition_id = %s", [pk])
        if built_at is not None and not cursor.rowcount:
            return False
        cursor.execute("DELETE FROM reviews_rankingrow WHERE competition_id = %s", [pk])
        cursor.execute(BUILD_SQL, [pk, pk, pk])
        cursor.execute("UPDATE reviews_rankingbuild SET built_at = %s WHERE competition_id = %s", [timezone.now(), pk])
    return True


def _round(cutoff_id) -> tuple[str, list]:
    return ("r.cutoff_id IS NULL", []) if cutoff_id is None else ("r.cutoff_id = %s", [cutoff_id])


def page_query(competition_id, sort, limit=None, offset=0, *, cutoff_id=None) -> tuple[str, list]:
    """The SQL and parameters of the rows ranked ``offset + 1`` to ``offset + limit`` (to the end
    when ``limit`` is None) in the order ``sort``, in the round ``cutoff_id`` (None: the whole
    call, or a rolling call's applications in no round yet)."""
    upto = f" AND r.rank_{sort} <= %s" if limit is not None else ""
    round_sql, round_params = _round(cutoff_id)
    params = [competition_id, *round_params, offset] + ([offset + limit] if limit is not None else [])
    return PAGE_SQL.format(sort=sort, round=round_sql, upto=upto), params
