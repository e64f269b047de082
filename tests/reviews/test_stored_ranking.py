"""The stored ranking (reviews/ranking.py) follows every change that moves it, in the change's own
transaction, and a page of it costs the same queries whatever the size of the call."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from applications.services import application_withdraw
from grants.models import Competition, RubricCriterion
from grants.signals import call_saved
from reviews import services
from reviews.models import Assignment, RankingChange, RankingRow
from reviews.selectors import ranking
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    in_pool,
    member_of,
    reviewer_user,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def call():
    """Two criteria (weight 2, max 5; weight 1, max 10). A: 100 and 70; B: 50; C: nothing yet."""
    call = CompetitionFactory(budget_pool=Decimal("4000"))
    CriterionFactory(competition=call, name="Relevance", weight=Decimal("2"), max_score=5, position=0)
    CriterionFactory(competition=call, name="Budget", weight=Decimal("1"), max_score=10, position=1)
    return call


def _apps(call):
    a = ApplicationFactory(competition=call, status=S.REVIEWED, requested_amount=Decimal("3000"), title="A")
    b = ApplicationFactory(competition=call, status=S.IN_REVIEW, requested_amount=Decimal("2000"), title="B")
    c = ApplicationFactory(competition=call, status=S.IN_REVIEW, requested_amount=Decimal("1000"), title="C")
    r1, r2 = reviewer_user(), reviewer_user()
    submitted_review(a, r1, [5, 10])
    submitted_review(a, r2, [4, 6])
    submitted_review(b, r1, [3, 4])
    return a, b, c


def _order(call, sort="mean"):
    return [(row.pk, row.mean, row.cumulative) for row in ranking(call, sort=sort)]


def _submit(application, scores):
    reviewer = in_pool(application.competition)
    assignment = Assignment.objects.create(application=application, reviewer=reviewer)
    relevance, budget = application.competition.criteria.order_by("position")
    return services.review_submit(
        assignment=assignment,
        by=reviewer,
        scores={relevance.pk: {"score": scores[0]}, budget.pk: {"score": scores[1]}},
        recommendation="fund",
    )


def test_a_review_submitted_moves_the_stored_ranking_in_its_own_transaction(call):
    a, b, c = _apps(call)
    before = [(a.pk, Decimal("85.00"), Decimal("3000.00")), (b.pk, Decimal("50.00"), Decimal("5000.00"))]
    before.append((c.pk, None, Decimal("6000.00")))
    assert _order(call) == before
    assert RankingRow.objects.filter(competition=call).count() == 3 and not RankingChange.objects.exists()
    with transaction.atomic():
        _submit(c, [5, 10])  # C: 100, now first
        assert RankingChange.objects.filter(competition=call).exists()  # marked inside the submit's transaction
        assert _order(call)[0] == (c.pk, Decimal("100.00"), Decimal("1000.00"))
        transaction.set_rollback(True)
    # The submit rolled back: its mark and the rows rebuilt from it went with it.
    assert _order(call) == before
    _submit(c, [5, 10])
    assert [row[0] for row in _order(call)] == [c.pk, a.pk, b.pk]
    assert [row[2] for row in _order(call)] == [Decimal("1000.00"), Decimal("4000.00"), Decimal("6000.00")]


def test_a_withdrawal_takes_the_application_out_and_the_funding_line_follows(call):
    a, b, c = _apps(call)
    ranking(call).count()  # built
    application_withdraw(application=b, by=member_of(b.group))
    rows = list(ranking(call))
    assert [row.pk for row in rows] == [a.pk, c.pk]
    assert [row.cumulative for row in rows] == [Decimal("3000.00"), Decimal("4000.00")]
    assert [row.within_budget for row in rows] == [True, True]
    assert ranking(call).count() == 2


def test_starting_the_review_brings_an_application_in(call):
    a, b, c = _apps(call)
    assert ranking(call).count() == 3
    d = ApplicationFactory(competition=call, status=S.SUBMITTED, screened_at=call.opens_at)
    services.application_start_review(application=d, by=staff_user())
    assert ranking(call).count() == 4 and d.pk in [row.pk for row in ranking(call)]


def test_a_change_of_the_weights_reorders_the_ranking(call):
    a, b, c = _apps(call)
    submitted_review(c, reviewer_user(), [1, 10])  # C: (2 + 10) / 20 = 60, above B's 50
    assert [row.pk for row in ranking(call)] == [a.pk, c.pk, b.pk]
    # Budget now weighs 20: A (5, 10) = 210 / 210 and (4, 6) = 128 / 210: 80.48; B (3, 4) = 86 / 210 = 40.95;
    # C (1, 10) = 202 / 210 = 96.19.
    RubricCriterion.objects.filter(competition=call, name="Budget").update(weight=Decimal("20"))
    with transaction.atomic():
        call_saved.send(sender=Competition, call=call, changed=[], by=None)
        assert RankingChange.objects.filter(competition=call).exists()
    means = {row.pk: row.mean for row in ranking(call)}
    assert (means[a.pk], means[b.pk], means[c.pk]) == (Decimal("80.48"), Decimal("40.95"), Decimal("96.19"))
    assert [row.pk for row in ranking(call)] == [c.pk, a.pk, b.pk]


def test_a_second_reader_finds_the_ranking_rebuilt_and_does_not_rebuild_it(call):
    _apps(call)
    from reviews.ranking import ranking_rebuild

    assert ranking_rebuild(call) is True
    assert ranking_rebuild(call) is False  # no mark left since: nothing to do
    assert RankingRow.objects.filter(competition=call).count() == 3


def _call_of(count):
    call = CompetitionFactory(budget_pool=Decimal("1000000"))
    criteria = [CriterionFactory(competition=call, position=i) for i in range(2)]
    reviewers = [reviewer_user() for _ in range(4)]
    applications = ApplicationFactory.create_batch(count, competition=call, status=S.REVIEWED, lines=[])
    from reviews.models import CriterionScore, Review
    from reviews.scoring import weighted_scores_refresh

    assignments = Assignment.objects.bulk_create(
        [
            Assignment(application=app, reviewer=reviewers[(i + k) % 4])
            for i, app in enumerate(applications)
            for k in range(2)
        ]
    )
    reviews = Review.objects.bulk_create([Review(assignment=a, status=Review.Status.SUBMITTED) for a in assignments])
    CriterionScore.objects.bulk_create(
        [CriterionScore(review=r, criterion=c, score=(r.pk * 7 + c.pk) % 6) for r in reviews for c in criteria]
    )
    weighted_scores_refresh(competition_id=call.pk)
    return call


@pytest.mark.parametrize("count", [20, 300])
def test_a_page_reads_only_its_rows_in_two_queries_whatever_the_size(count):
    call = _call_of(count)
    with CaptureQueriesContext(connection) as rebuild:
        assert ranking(call).count() == count
    with CaptureQueriesContext(connection) as page:
        rows = ranking(call, sort="normalised")
        assert rows.count() == count
        second = rows[10:20]
    assert len(rebuild) == 1 + 7 + 1 and len(page) == 2  # the state, then the page: an index range
    assert "LIMIT" not in page[-1]["sql"] and "rank_normalised >" in page[-1]["sql"]
    every = list(ranking(call, sort="normalised"))
    assert [row.pk for row in second] == [row.pk for row in every[10:20]]
    assert second[0].cumulative == sum(row.requested_amount for row in every[:11])


def test_a_deleted_application_leaves_no_gap(call):
    a, b, c = _apps(call)
    assert ranking(call).count() == 3
    Application.objects.filter(pk=a.pk).delete()
    assert ranking(call).count() == 2
    assert [row.pk for row in ranking(call)] == [b.pk, c.pk]
