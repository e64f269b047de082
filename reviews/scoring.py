"""Each submitted review's weighted score, kept on the review so the ranking need not read every
criterion score of the call (bench/README.md: the ranking's cost was that join).

A review's weighted score is its percentage: sum(weight × score) over sum(weight × max score),
× 100, over the criteria it scored. It is written when the review is submitted (in
``review_submit``'s transaction) and rewritten for the whole call when staff save the call,
whose criteria (weights, maximum scores) may have changed.
"""

from django.db import connection

from .ranking import ranking_changed

REFRESH_SQL = """
UPDATE reviews_review SET weighted_score = (
    SELECT SUM(cs.score * c.weight) * 100.0 / SUM(c.max_score * c.weight)
    FROM reviews_criterionscore cs JOIN grants_rubriccriterion c ON c.id = cs.criterion_id
    WHERE cs.review_id = reviews_review.id AND cs.score IS NOT NULL
)
WHERE status = 'submitted' AND {where}
"""
OF_CALL = """assignment_id IN (
    SELECT a.id FROM reviews_assignment a JOIN applications_application app ON app.id = a.application_id
    WHERE app.competition_id = %s
)"""


def weighted_scores_refresh(*, review_ids=(), competition_id=None) -> None:
    """Recompute the weighted score of the given submitted reviews, or of every submitted review
    of the call ``competition_id``: one UPDATE, and the call's stored ranking marked as moved."""
    if competition_id is not None:
        where, params = OF_CALL, [competition_id]
    else:
        review_ids = list(review_ids)
        if not review_ids:
            return
        where, params = f"id IN ({', '.join(['%s'] * len(review_ids))})", review_ids
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL.format(where=where), params)
    ranking_changed(competition_id=competition_id, review_ids=review_ids)  # the ranking reads these scores
