"""Ranking arithmetic against hand-computed values, the CSV export and query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from reviews.selectors import ranking
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    reviewer_user,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def scored_call():
    """Relevance (weight 2, max 5) and Budget (weight 1, max 10): a review's score is
    (2 × relevance + budget) / 20 × 100.

    R1: A (5, 10) = 100, B (3, 4) = 50          → R1 mean 75, sd 25 → z: A +1, B -1
    R2: A (4, 6) = 70,   B (2, 2) = 30          → R2 mean 50, sd 20 → z: A +1, B -1
    R3: B (4, 8) = 80,   C (1, 0) = 10          → R3 mean 45, sd 35 → z: B +1, C -1
    A: mean 85, sd 15, normalised +1 · B: mean 53.33, sd 20.55, normalised -0.33 · C: 10, 0, -1
    """
    call = CompetitionFactory(budget_pool=Decimal("4500"), disagreement_threshold=Decimal("15"))
    CriterionFactory(competition=call, name="Relevance", weight=Decimal("2"), max_score=5, position=0)
    CriterionFactory(competition=call, name="Budget", weight=Decimal("1"), max_score=10, position=1)
    a = ApplicationFactory(competition=call, status=S.REVIEWED, requested_amount=Decimal("3000"), title="A")
    b = ApplicationFactory(competition=call, status=S.REVIEWED, requested_amount=Decimal("2000"), title="B")
    c = ApplicationFactory(competition=call, status=S.IN_REVIEW, requested_amount=Decimal("1000"), title="C")
    r1, r2, r3 = reviewer_user(), reviewer_user(), reviewer_user()
    submitted_review(a, r1, [5, 10])
    submitted_review(b, r1, [3, 4])
    submitted_review(a, r2, [4, 6])
    submitted_review(b, r2, [2, 2])
    submitted_review(b, r3, [4, 8])
    submitted_review(c, r3, [1, 0])
    return call, a, b, c


def test_weighted_mean_spread_and_normalised_scores(scored_call):
    call, a, b, c = scored_call
    rows = {row.pk: row for row in ranking(call)}
    assert (rows[a.pk].reviews, rows[a.pk].mean, rows[a.pk].spread, rows[a.pk].normalised) == (
        2,
        Decimal("85.00"),
        Decimal("15.00"),
        Decimal("1.00"),
    )
    assert (rows[b.pk].reviews, rows[b.pk].mean, rows[b.pk].spread, rows[b.pk].normalised) == (
        3,
        Decimal("53.33"),
        Decimal("20.55"),
        Decimal("-0.33"),
    )
    assert (rows[c.pk].reviews, rows[c.pk].mean, rows[c.pk].spread, rows[c.pk].normalised) == (
        1,
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("-1.00"),
    )
    # Disagreement above the call's threshold (15 points) is flagged; exactly 15 is not.
    assert (rows[a.pk].disputed, rows[b.pk].disputed, rows[c.pk].disputed) == (False, True, False)


def test_the_funding_line_follows_the_cumulative_requests(scored_call):
    call, a, b, c = scored_call
    rows = ranking(call, sort="mean")
    assert [r.pk for r in rows] == [a.pk, b.pk, c.pk]
    assert [r.cumulative for r in rows] == [Decimal("3000.00"), Decimal("5000.00"), Decimal("6000.00")]
    assert [r.within_budget for r in rows] == [True, False, False]
    assert [r.pk for r in ranking(call, sort="spread")] == [b.pk, a.pk, c.pk]
    assert [r.pk for r in ranking(call, sort="requested")] == [a.pk, b.pk, c.pk]


def test_draft_reviews_do_not_count(scored_call):
    from reviews.models import Review

    call, a, _b, _c = scored_call
    Review.objects.filter(assignment__application=a).update(status=Review.Status.DRAFT)
    rows = {row.pk: row for row in ranking(call)}
    assert (rows[a.pk].reviews, rows[a.pk].mean) == (0, None)


def test_the_ranking_page_and_its_csv(client, scored_call):
    call, a, b, c = scored_call
    client.force_login(staff_user())
    url = reverse("projects:staff_ranking", kwargs={"pk": call.pk})
    html = client.get(url).content.decode()
    assert html.index(a.reference) < html.index("Funding line") < html.index(b.reference) < html.index(c.reference)
    assert "reviewers disagree" in html and "85.00" in html and "-0.33" in html
    response = client.get(url, {"format": "csv", "sort": "normalised"})
    assert response["Content-Disposition"] == f'attachment; filename="ranking-{call.slug}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rank", "Reference", "Title"]
    assert [r[1] for r in rows[1:]] == [a.reference, b.reference, c.reference]
    assert rows[2][7:11] == ["53.33", "20.55", "-0.33", "yes"]
    assert rows[1][-1] == "yes" and rows[2][-1] == "no"


def _call_with_reviews(count):
    call = CompetitionFactory(reviewers_per_application=3)
    criteria = [CriterionFactory(competition=call, position=i) for i in range(3)]
    reviewers = [reviewer_user() for _ in range(6)]
    applications = ApplicationFactory.create_batch(count, competition=call, status=S.IN_REVIEW, lines=[])
    from reviews.models import Assignment, CriterionScore, PoolMembership, Review

    PoolMembership.objects.bulk_create(
        [PoolMembership(competition=call, reviewer=r, conflicts_declared_at=call.opens_at) for r in reviewers]
    )
    now = timezone.now()
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(application=app, reviewer=reviewers[(i + k) % 6], submitted_at=now)  # as review_submit copies
            for i, app in enumerate(applications)
            for k in range(3)
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(assignment=a, status=Review.Status.SUBMITTED, submitted_at=now, recommendation="fund")
            for a in assignments
        ]
    )
    CriterionScore.objects.bulk_create(
        [CriterionScore(review=r, criterion=c, score=(r.pk + c.pk) % 6) for r in reviews for c in criteria]
    )
    from reviews.scoring import weighted_scores_refresh

    weighted_scores_refresh(competition_id=call.pk)  # as review_submit does, review by review
    return call, reviewers


@pytest.mark.parametrize("count", [10, 500])
def test_ranking_page_and_queue_use_constant_queries(client, django_assert_max_num_queries, count):
    call, reviewers = _call_with_reviews(count)
    client.force_login(staff_user())
    url = reverse("projects:staff_ranking", kwargs={"pk": call.pk})
    # The first view after the reviews rebuilds the stored ranking: 8 more queries at any size.
    with django_assert_max_num_queries(12 + 8):
        response = client.get(url)
    with django_assert_max_num_queries(12):
        again = client.get(url).content.decode()
    assert again.count("<tr") == response.content.decode().count("<tr")
    # The header, the first page of rows (100 at most) and the funding line.
    assert response.content.decode().count("<tr") == min(count, 100) + 2
    if count > 100:
        second = client.get(reverse("projects:staff_ranking", kwargs={"pk": call.pk}), {"page": 2}).content.decode()
        assert "Page 2 of 5" in second and ">101</td>" in second
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reviews:staff_reviewers", kwargs={"pk": call.pk})).status_code == 200
    client.force_login(reviewers[0])
    with django_assert_max_num_queries(8):
        queue = client.get(reverse("reviews:queue")).content.decode()
    from reviews.models import Assignment

    submitted = Assignment.objects.filter(reviewer=reviewers[0]).count()
    assert submitted > 0 and f'<span class="badge text-bg-secondary">{submitted}</span>' in queue
    assert queue.count("Submitted</span>") == min(submitted, 25)  # one page of the submitted ones


@pytest.mark.parametrize("sort", ["mean", "normalised", "spread", "requested", "reference"])
def test_a_page_of_the_ranking_is_cut_in_sql_and_the_funding_line_runs_over_the_whole_call(sort):
    call, _reviewers = _call_with_reviews(30)
    for number, application in enumerate(Application.objects.filter(competition=call).order_by("pk")):
        application.requested_amount = Decimal(500 + (number * 137) % 1000)
        application.save(update_fields=["requested_amount"])
    every = list(ranking(call, sort=sort))
    assert len(every) == 30 and ranking(call, sort=sort).count() == 30
    page = ranking(call, sort=sort)[10:20]
    assert [r.pk for r in page] == [r.pk for r in every[10:20]]
    # The running total on the second page counts the first page's requests too.
    assert page[0].cumulative == sum(r.requested_amount for r in every[:11])
    assert [r.within_budget for r in page] == [r.cumulative <= call.budget_pool for r in page]
    keys = {
        "mean": lambda r: (r.mean is None, -(r.mean or 0), r.pk),
        "normalised": lambda r: (r.normalised is None, -(r.normalised or 0), r.pk),
        "spread": lambda r: (r.spread is None, -(r.spread or 0), r.pk),
        "requested": lambda r: (-(r.requested_amount or 0), r.pk),
        "reference": lambda r: (r.reference or "", r.pk),
    }
    assert [r.pk for r in every] == [r.pk for r in sorted(every, key=keys[sort])]


def test_each_review_keeps_its_weighted_score_and_follows_a_change_of_the_criteria(scored_call):
    from grants.models import Competition, RubricCriterion
    from grants.signals import call_saved
    from reviews import services
    from reviews.models import Assignment, Review

    call, a, _b, c = scored_call
    scores = dict(
        Review.objects.filter(assignment__application=a).values_list("assignment__reviewer__email", "weighted_score")
    )
    assert sorted(scores.values()) == [Decimal("70"), Decimal("100")]  # (2×4 + 6) / 20 and (2×5 + 10) / 20
    # Submitting through the service writes it in the same transaction.
    reviewer = reviewer_user()
    from tests.factories import in_pool

    in_pool(call, reviewer)
    assignment = Assignment.objects.create(application=c, reviewer=reviewer)
    relevance, budget = call.criteria.order_by("position")
    review = services.review_submit(
        assignment=assignment,
        by=reviewer,
        scores={relevance.pk: {"score": 5, "comment": ""}, budget.pk: {"score": 0, "comment": ""}},
        recommendation="fund",
    )
    review.refresh_from_db()
    assert review.weighted_score == Decimal("50")  # (2×5 + 0) / 20
    # Staff make Budget weigh as much as Relevance: saving the call rescores every submitted review.
    RubricCriterion.objects.filter(pk=budget.pk).update(weight=Decimal("2"))
    call_saved.send(sender=Competition, call=call, changed=[], by=None)
    review.refresh_from_db()
    assert review.weighted_score == Decimal("33.333333")  # (2×5 + 2×0) / 30
    # C's first review is rescored too: (2×1 + 2×0) / 30 = 6.67; the mean is (6.67 + 33.33) / 2.
    assert {r.pk: r.mean for r in ranking(call)}[c.pk] == Decimal("20.00")
