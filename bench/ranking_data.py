"""The data of bench/ranking.py: one call with 5,000 reviewed applications and 15,000 reviews."""

import random
from datetime import timedelta
from decimal import Decimal

APPLICATIONS = 5_000
REVIEWERS = 30
REVIEWS_PER_APPLICATION = 3
BATCH = 2_000
SEED = 42
CALL_SLUG = "bench-ranking"
# (name, weight, max score)
CRITERIA = [
    ("Relevance", Decimal("2"), 5),
    ("Feasibility", Decimal("1.5"), 5),
    ("Budget", Decimal("1"), 10),
    ("Impact", Decimal("1"), 10),
]


def load_data():
    """One call, 4 criteria, 5,000 reviewed applications, 30 reviewers, 15,000 submitted reviews."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import grant_role
    from applications.models import ApplicantGroup, Application, BudgetLine
    from grants.models import Competition, Programme, RubricCriterion
    from regions.models import Region
    from reviews.models import Assignment, CriterionScore, PoolMembership, Review
    from reviews.scoring import weighted_scores_refresh
    from reviews.services import pool_recount

    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        regions = Region.objects.bulk_create([Region(country="PL", name=f"Bench region {i:02d}") for i in range(16)])
        programme = Programme.objects.create(name="Bench programme", funder_name="Bench Foundation")
        call = Competition.objects.create(
            programme=programme,
            title="Benchmark call",
            slug=CALL_SLUG,
            description="Benchmark data.",
            is_published=True,
            currency="EUR",
            budget_pool=Decimal("2000000.00"),
            min_grant=Decimal("500.00"),
            max_grant=Decimal("5000.00"),
            time_zone="Europe/Warsaw",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=60),
            project_start_earliest=(now + timedelta(days=30)).date(),
            project_end_latest=(now + timedelta(days=300)).date(),
            reviewers_per_application=REVIEWS_PER_APPLICATION,
            review_deadline=now - timedelta(days=5),
            disagreement_threshold=Decimal("15"),
        )
        criteria = RubricCriterion.objects.bulk_create(
            [
                RubricCriterion(competition=call, name=name, weight=weight, max_score=max_score, position=i)
                for i, (name, weight, max_score) in enumerate(CRITERIA)
            ]
        )

        staff = User(username="bench-staff", email="staff@bench.example", full_name="Bench Staff", time_zone="")
        staff.set_unusable_password()
        staff.save()
        grant_role(staff, settings.ROLE_STAFF)
        reviewers = []
        for i in range(REVIEWERS):
            user = User(username=f"bench-reviewer-{i:02d}", email=f"reviewer{i:02d}@bench.example")
            user.full_name = f"Reviewer {i:02d}"
            user.set_unusable_password()
            reviewers.append(user)
        reviewers = User.objects.bulk_create(reviewers)
        Group.objects.get_or_create(name=settings.ROLE_REVIEWER)[0].user_set.add(*reviewers)
        PoolMembership.objects.bulk_create(
            [PoolMembership(competition=call, reviewer=r, added_by=staff, conflicts_declared_at=now) for r in reviewers]
        )

        groups = ApplicantGroup.objects.bulk_create(
            [
                ApplicantGroup(
                    name=f"Neighbourhood group {i:05d}",
                    region=regions[i % len(regions)],
                    contact_email=f"group{i:05d}@bench.example",
                )
                for i in range(APPLICATIONS)
            ],
            batch_size=BATCH,
        )
        applications = Application.objects.bulk_create(
            [
                Application(
                    competition=call,
                    group=group,
                    status=Application.Status.REVIEWED,
                    reference=f"BENCH-{i + 1:05d}",
                    title=f"Community project {i + 1}",
                    summary="A neighbourhood project.",
                    region=group.region,
                    requested_amount=Decimal(rng.randrange(50, 501) * 10),
                    submitted_at=now - timedelta(days=61),
                    screened_at=now - timedelta(days=55),
                )
                for i, group in enumerate(groups)
            ],
            batch_size=BATCH,
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(application=a, description="Materials", quantity=Decimal("1"), unit_cost=a.requested_amount)
                for a in applications
            ],
            batch_size=BATCH,
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(application=a, reviewer=r, assigned_by=staff, due_at=call.review_deadline)
                for a in applications
                for r in rng.sample(reviewers, REVIEWS_PER_APPLICATION)
            ],
            batch_size=BATCH,
        )
        reviews = Review.objects.bulk_create(
            [
                Review(
                    assignment=a,
                    status=Review.Status.SUBMITTED,
                    submitted_at=now - timedelta(days=10),
                    recommendation=rng.choice(Review.Recommendation.values),
                )
                for a in assignments
            ],
            batch_size=BATCH,
        )
        # Scores: the application's quality, the reviewer's harshness and noise, so that means,
        # spreads and reviewer normalisation all vary.
        quality = {a.pk: rng.random() for a in applications}
        harshness = {r.pk: rng.gauss(0, 0.12) for r in reviewers}
        by_assignment = {a.pk: a for a in assignments}
        scores = []
        for review in reviews:
            assignment = by_assignment[review.assignment_id]
            for criterion in criteria:
                level = quality[assignment.application_id] + harshness[assignment.reviewer_id] + rng.gauss(0, 0.15)
                score = min(criterion.max_score, max(0, round(level * criterion.max_score)))
                scores.append(CriterionScore(review=review, criterion=criterion, score=score))
        CriterionScore.objects.bulk_create(scores, batch_size=BATCH)
        weighted_scores_refresh(competition_id=call.pk)  # as review_submit does, review by review
        pool_recount(call)  # the assignments were loaded in bulk, past the services that count them
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets a
        # count read only an index (without it, autovacuum may start during the timed rounds).
        cursor.execute("VACUUM ANALYZE")
    return call
