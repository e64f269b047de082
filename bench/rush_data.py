"""The data of bench/rush.py: an open call and N groups, each with a draft ready to submit and a
signed-in member (a session made directly, as a log-in would, with the project's session engine:
no password hashing in the rush).
Group sizes vary (1 to 3 members), so the number of e-mails a submit queues varies too."""

from datetime import timedelta
from decimal import Decimal

CSRF_SECRET = "benchrushcsrfsecret0123456789abc"  # 32 characters: Django accepts it unmasked


def load(applicants: int) -> list[dict]:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import grant_role
    from applications.models import ApplicantGroup, Application, BudgetLine, GroupMembership
    from grants.models import Competition, Programme
    from regions.models import Region

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 - where a log-in writes it
    now = timezone.now()
    with transaction.atomic():
        region = Region.objects.create(country="PL", name="Rush region")
        call = Competition.objects.create(
            programme=Programme.objects.create(name="Rush programme", funder_name="Rush Foundation"),
            title="Deadline-day call",
            slug="rush",
            description="Benchmark.",
            is_published=True,
            currency="EUR",
            budget_pool=Decimal("1000000.00"),
            min_grant=Decimal("500.00"),
            max_grant=Decimal("5000.00"),
            time_zone="Europe/Warsaw",
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(hours=2),
            project_start_earliest=(now + timedelta(days=30)).date(),
            project_end_latest=(now + timedelta(days=300)).date(),
            max_applications_per_group=1,
        )
        call.eligible_regions.add(region)
        users, members = [], []
        for i in range(applicants):
            for j in range(1 + i % 3):
                user = User(username=f"rush-{i}-{j}", email=f"rush{i}-{j}@bench.example", full_name=f"Rush {i}-{j}")
                user.set_unusable_password()
                users.append(user)
        users = User.objects.bulk_create(users)
        groups = ApplicantGroup.objects.bulk_create(
            [
                ApplicantGroup(name=f"Rush group {i}", region=region, contact_email=f"g{i}@bench.example")
                for i in range(applicants)
            ]
        )
        by_name = {u.username: u for u in users}
        for i, group in enumerate(groups):
            for j in range(1 + i % 3):
                members.append(GroupMembership(group=group, user=by_name[f"rush-{i}-{j}"]))
        GroupMembership.objects.bulk_create(members)
        for user in users:
            grant_role(user, settings.ROLE_APPLICANT)
        drafts = Application.objects.bulk_create(
            [
                Application(
                    competition=call,
                    group=group,
                    reference=f"RUSH-{i + 1:04d}",
                    title=f"Rush project {i}",
                    summary="A summary.",
                    problem="A problem.",
                    activities="Activities.",
                    expected_results="Results.",
                    beneficiaries="Neighbours.",
                    region=region,
                    planned_start=call.project_start_earliest,
                    planned_end=call.project_end_latest,
                    requested_amount=Decimal("1500.00"),
                    own_contribution=Decimal("0"),
                )
                for i, group in enumerate(groups)
            ]
        )
        lines = BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    application=a,
                    category="materials",
                    description="Plants",
                    quantity=Decimal("3"),
                    unit_cost=Decimal("500.00"),
                )
                for a in drafts
            ]
        )
        applicants_data = []
        for i, (draft, line) in enumerate(zip(drafts, lines, strict=True)):
            user = by_name[f"rush-{i}-0"]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            applicants_data.append(
                {
                    "pk": draft.pk,
                    "session": session.session_key,
                    "members": 1 + i % 3,
                    "form": form_data(draft, line),
                }
            )
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_ping (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())")
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets a
        # count read only an index (without it, autovacuum may start during the timed rounds).
        cursor.execute("VACUUM ANALYZE")
    return applicants_data


def form_data(draft, line) -> dict:
    return {
        "csrfmiddlewaretoken": CSRF_SECRET,
        "title": draft.title,
        "summary": draft.summary,
        "problem": draft.problem,
        "activities": draft.activities,
        "expected_results": draft.expected_results,
        "beneficiaries": draft.beneficiaries,
        "region": str(draft.region_id),
        "planned_start": draft.planned_start.isoformat(),
        "planned_end": draft.planned_end.isoformat(),
        "requested_amount": "1500.00",
        "own_contribution": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-id": str(line.pk),
        "lines-0-category": "materials",
        "lines-0-description": "Plants",
        "lines-0-quantity": "3",
        "lines-0-unit_cost": "500.00",
    }
