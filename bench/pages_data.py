"""The data of bench/pages.py: the permission matrix's world, padded with ``size`` applications.

The world (tests/test_permissions.py) holds one of every object a page is about: a call, group
Alpha's draft, its application under review, its funded and mentored project with its report, a
proposal waiting for a second pair of eyes, staff's ready export of the programme's applications
(built before the padding: the same small file at every size), one user per role. Around it, ``pad(world, size)``
adds, with ``bulk_create``, what grows with a call:

- ``size`` applications in the world's call, each of its own group: 10 % drafts, 20 % submitted,
  30 % in review and 30 % reviewed (3 reviewers of a pool of 30 each, reviews submitted for the
  reviewed ones), 10 % awarded; so the review matrix, the ranking and the staff list grow;
- the world's reviewer is one of the three on one application in twelve of those in review or
  reviewed (500 assignments at 10,000): "My reviews" grows;
- one conflict in a hundred applications (a pool reviewer and the application's group);
- one outbox message per application and an audit entry per ten, scoped to the call;
- 30 more calls (empty, not published), at every size: the number of calls does not grow with the
  applications, but the staff dashboard shows a full page of them at both sizes.
"""

import random
from datetime import timedelta
from decimal import Decimal

BATCH = 2_000
POOL = 30
EXTRA_CALLS = 30
SEED = 12


def build_world():
    """The permission matrix's world, made by the same code as the test's fixture."""
    from tests import test_permissions

    make = getattr(test_permissions.world, "__wrapped__", test_permissions.world)
    return make(None)


def pad(world, size: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from applications.models import ApplicantGroup, Application, BudgetLine
    from audit.models import AuditEntry
    from grants.models import Competition
    from notifications.models import OutboxMessage
    from reviews.models import Assignment, Conflict, CriterionScore, PoolMembership, Review
    from reviews.scoring import weighted_scores_refresh
    from reviews.services import pool_recount

    rng = random.Random(SEED + size)
    now = timezone.now()
    call = world.call
    S = Application.Status
    criteria = list(call.criteria.all())
    with transaction.atomic():
        reviewers = []
        for i in range(POOL):
            user = User(username=f"pages-reviewer-{i:02d}", email=f"pages-reviewer{i:02d}@bench.example")
            user.full_name = f"Pool reviewer {i:02d}"
            user.set_unusable_password()
            reviewers.append(user)
        reviewers = User.objects.bulk_create(reviewers)
        Group.objects.get_or_create(name=settings.ROLE_REVIEWER)[0].user_set.add(*reviewers)
        PoolMembership.objects.bulk_create(
            [PoolMembership(competition=call, reviewer=r, conflicts_declared_at=now) for r in reviewers]
        )
        region = world.alpha.region
        groups = ApplicantGroup.objects.bulk_create(
            [
                ApplicantGroup(name=f"Padding group {i:05d}", region=region, contact_email=f"g{i:05d}@bench.example")
                for i in range(size)
            ],
            batch_size=BATCH,
        )
        statuses = [S.DRAFT] + [S.SUBMITTED] * 2 + [S.IN_REVIEW] * 3 + [S.REVIEWED] * 3 + [S.AWARDED]
        applications = Application.objects.bulk_create(
            [
                Application(
                    competition=call,
                    group=group,
                    status=statuses[i % 10],
                    reference=None if statuses[i % 10] == S.DRAFT else f"PAD-{size}-{i + 1:05d}",
                    title=f"Padding project {i + 1}",
                    summary="A neighbourhood project.",
                    region=region,
                    requested_amount=Decimal(rng.randrange(50, 401) * 10),
                    awarded_amount=Decimal("500.00") if statuses[i % 10] == S.AWARDED else None,
                    submitted_at=None if statuses[i % 10] == S.DRAFT else now - timedelta(minutes=i),
                    screened_at=now if statuses[i % 10] in (S.IN_REVIEW, S.REVIEWED, S.AWARDED) else None,
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
        reviewed = [a for a in applications if a.status in (S.IN_REVIEW, S.REVIEWED)]
        world_reviewer = world.people["reviewer"]
        assignments = []
        for number, application in enumerate(reviewed):
            chosen = rng.sample(reviewers, 3)
            if number % 12 == 0:
                chosen[0] = world_reviewer
            submitted_at = now if application.status == S.REVIEWED else None  # as review_submit copies it
            assignments += [
                Assignment(application=application, reviewer=r, due_at=now, submitted_at=submitted_at) for r in chosen
            ]
        assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        by_pk = {a.pk: a for a in applications}
        reviews = Review.objects.bulk_create(
            [
                Review(assignment=a, status=Review.Status.SUBMITTED, submitted_at=now, recommendation="fund")
                for a in assignments
                if by_pk[a.application_id].status == S.REVIEWED
            ],
            batch_size=BATCH,
        )
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(review=r, criterion=c, score=rng.randrange(0, c.max_score + 1))
                for r in reviews
                for c in criteria
            ],
            batch_size=BATCH,
        )
        weighted_scores_refresh(competition_id=call.pk)
        pool_recount(call)  # the assignments were loaded in bulk, past the services that count them
        Conflict.objects.bulk_create(
            [
                Conflict(competition=call, reviewer=reviewers[i % POOL], group_id=a.group_id, reason="Bench")
                for i, a in enumerate(applications[::100])
            ]
        )
        OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    recipient_email=f"g{i:05d}@bench.example",
                    kind="application_submitted",
                    dedupe_key=f"pages:{size}:{a.pk}",
                    subject="Application received",
                    body="Thank you.",
                    scope=call.outbox_scope,
                    status=OutboxMessage.Status.SENT,
                )
                for i, a in enumerate(applications)
            ],
            batch_size=BATCH,
        )
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(action="call.changed", message="Bench change.", call_id=call.pk, application_id=a.pk)
                for a in applications[::10]
            ],
            batch_size=BATCH,
        )
        template = Competition.objects.get(pk=call.pk)
        extra_calls = []
        for i in range(EXTRA_CALLS):
            template.pk = None
            template.slug = f"pages-extra-{i}"
            template.title = f"Extra call {i}"
            template.is_published = False
            extra_calls.append(
                Competition(**{f.attname: getattr(template, f.attname) for f in Competition._meta.concrete_fields})
            )
        Competition.objects.bulk_create(extra_calls)
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets a
        # count read only an index (without it, autovacuum may start during the timed rounds).
        cursor.execute("VACUUM ANALYZE")
    return {
        "applications_in_call": Application.objects.filter(competition=call).count(),
        "assignments": Assignment.objects.filter(application__competition=call).count(),
        "world_reviewer_assignments": Assignment.objects.filter(reviewer=world_reviewer).count(),
        "outbox_in_call": OutboxMessage.objects.filter(scope=call.outbox_scope).count(),
        "calls": Competition.objects.count(),
    }
