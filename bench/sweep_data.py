"""The data of bench/sweep.py: funded projects in many calls and time zones, with check-ins and
reports due around each call's own "today". Loaded with ``bulk_create`` into the test database."""

import math
import random
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

CALLS = 50
TIME_ZONES = ["Europe/Warsaw", "Europe/Kyiv", "Europe/Minsk", "Asia/Tbilisi", "America/New_York"]
MENTORS = 40
STAFF = 3
BATCH = 2_000  # bulk_create batch size while loading
SEED = 42


def load_data(size, now):
    """``size`` open items: ``size / 4`` funded applications in 50 calls (a few large, many small,
    five time zones), each with one held and two open check-ins four weeks apart and an interim and
    a final report; groups of one or two members; most projects have a mentor; three staff.

    Due dates are set against each call's own "today", so that about a third of the next check-ins
    are due within 3 days or overdue, and about a third of the interim reports within 14 days or
    overdue; later check-ins and final reports are not due yet. Returns the expected work.
    """
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.models import User
    from applications.models import ApplicantGroup, Application, GroupMembership
    from grants.models import Competition, Programme
    from notifications.reminders import BATCH as SWEEP_BATCH
    from projects.models import CheckIn, Report
    from regions.models import Region

    rng = random.Random(SEED + size)
    applications_count = size // 4
    with transaction.atomic():
        regions = Region.objects.bulk_create([Region(country="PL", name=f"Sweep region {i:02d}") for i in range(16)])
        programme = Programme.objects.create(name="Sweep programme", funder_name="Bench Foundation")
        calls = Competition.objects.bulk_create(
            [
                Competition(
                    programme=programme,
                    title=f"Sweep call {i:02d}",
                    slug=f"sweep-call-{i:02d}",
                    description="Benchmark data.",
                    is_published=True,
                    currency="EUR",
                    budget_pool=Decimal("500000000.00"),
                    min_grant=Decimal("500.00"),
                    max_grant=Decimal("5000.00"),
                    time_zone=TIME_ZONES[i % len(TIME_ZONES)],
                    opens_at=now - timedelta(days=240),
                    closes_at=now - timedelta(days=180),
                    project_start_earliest=(now - timedelta(days=150)).date(),
                    project_end_latest=(now + timedelta(days=200)).date(),
                )
                for i in range(CALLS)
            ]
        )

        def user(name, language="en"):
            return User(
                username=name, email=f"{name}@bench.example", full_name=name.title(), language=language, password="!"
            )

        staff = User.objects.bulk_create([user(f"sweep-staff-{i}") for i in range(STAFF)])
        mentors = User.objects.bulk_create([user(f"sweep-mentor-{i:02d}") for i in range(MENTORS)])
        Group.objects.get_or_create(name=settings.ROLE_STAFF)[0].user_set.add(*staff)
        Group.objects.get_or_create(name=settings.ROLE_MENTOR)[0].user_set.add(*mentors)

        groups = ApplicantGroup.objects.bulk_create(
            [
                ApplicantGroup(
                    name=f"Sweep group {i:06d}",
                    region=regions[i % len(regions)],
                    contact_email=f"group{i:06d}@bench.example",
                )
                for i in range(applications_count)
            ],
            batch_size=BATCH,
        )
        sizes = [1 if rng.random() < 0.6 else 2 for _ in groups]
        members = User.objects.bulk_create(
            [
                user(f"sweep-member-{g:06d}-{m}", "pl" if rng.random() < 0.3 else "en")
                for g, n in enumerate(sizes)
                for m in range(n)
            ],
            batch_size=BATCH,
        )
        member_iter = iter(members)
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(group=group, user=next(member_iter), role="lead" if m == 0 else "member")
                for group, n in zip(groups, sizes, strict=True)
                for m in range(n)
            ],
            batch_size=BATCH,
        )

        # A few large calls and many small ones (weights 1, 1/2, 1/3 ...).
        weights = [1 / (i + 1) for i in range(CALLS)]
        chosen = rng.choices(range(CALLS), weights=weights, k=applications_count)
        applications = Application.objects.bulk_create(
            [
                Application(
                    competition=calls[c],
                    group=group,
                    status=Application.Status.REPORTED if rng.random() < 0.05 else Application.Status.AWARDED,
                    reference=f"SW-{i + 1:06d}",
                    title=f"Community project {i + 1}",
                    summary="A neighbourhood project.",
                    region=group.region,
                    requested_amount=Decimal("2000.00"),
                    awarded_amount=Decimal("2000.00"),
                    mentor=rng.choice(mentors) if rng.random() < 0.9 else None,
                    submitted_at=now - timedelta(days=200),
                    decided_at=now - timedelta(days=160),
                )
                for i, (c, group) in enumerate(zip(chosen, groups, strict=True))
            ],
            batch_size=BATCH,
        )

        # Work the sweep should find, per call: (due check-ins, due reports).
        due = defaultdict(lambda: [0, 0])
        checkins, reports = [], []
        for application, c in zip(applications, chosen, strict=True):
            today = now.astimezone(calls[c].tzinfo).date()
            first = rng.randint(-14, 41)  # the next check-in, relative to the call's today
            checkins.append(
                CheckIn(
                    application=application,
                    due_on=today + timedelta(days=first - 28),
                    status=CheckIn.Status.HELD,
                    held_on=today + timedelta(days=first - 27),
                    format=CheckIn.Format.CALL,
                    progress=CheckIn.Progress.ON_TRACK,
                )
            )
            checkins.append(CheckIn(application=application, due_on=today + timedelta(days=first)))
            checkins.append(CheckIn(application=application, due_on=today + timedelta(days=first + 28)))
            interim = rng.randint(-20, 70)
            reports.append(
                Report(
                    application=application,
                    kind=Report.Kind.INTERIM,
                    status=Report.Status.CHANGES_REQUESTED if rng.random() < 0.1 else Report.Status.DRAFT,
                    due_on=today + timedelta(days=interim),
                )
            )
            reports.append(
                Report(
                    application=application,
                    kind=Report.Kind.FINAL,
                    status=Report.Status.CHANGES_REQUESTED
                    if application.status == Application.Status.REPORTED
                    else Report.Status.DRAFT,
                    due_on=today + timedelta(days=interim + 120),
                )
            )
            due[c][0] += first <= 3
            due[c][1] += interim <= 14
        CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
        Report.objects.bulk_create(reports, batch_size=BATCH)
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets a
        # count read only an index (without it, autovacuum may start during the timed rounds).
        cursor.execute("VACUUM ANALYZE")
    return {
        "calls": CALLS,
        "time_zones": TIME_ZONES,
        "applications": applications_count,
        "group_members": len(members),
        "mentors": MENTORS,
        "staff": STAFF,
        "open_checkins": applications_count * 2,
        "open_reports": applications_count * 2,
        "held_checkins": applications_count,
        "due_checkins": sum(d[0] for d in due.values()),
        "due_reports": sum(d[1] for d in due.values()),
        "largest_call_applications": max(Counter(chosen).values()),
        # Batches of notifications.reminders.BATCH rows the sweep should fetch.
        "batches": sum(math.ceil(d[0] / SWEEP_BATCH) + math.ceil(d[1] / SWEEP_BATCH) for d in due.values()),
    }
