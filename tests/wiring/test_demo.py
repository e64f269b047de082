"""The demo data (``python3 manage.py demo``): it loads, gives every role a user who can log in,
puts the calls and applications where the README's tour expects them, and loads twice safely."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from grants.models import Competition, Programme
from projects.models import CheckIn, PaymentTranche, Report
from reviews.models import Assignment, PoolMembership, Review
from wiring.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data

pytestmark = pytest.mark.django_db
S = Application.Status


def _snapshot():
    """Row counts of every model of ours and of the auth and log tables the demo writes."""
    labels = {"regions", "accounts", "audit", "notifications", "grants", "applications", "reviews", "projects"}
    models = [m for m in apps.get_models() if m._meta.app_label in labels]
    models += [EmailAddress, Group, User.groups.through, apps.get_model("django_fsm_log", "StateLog")]
    return {m._meta.label: m.objects.count() for m in models}


def test_the_demo_loads_a_user_for_every_role_who_can_log_in(client):
    users = load_demo_data()
    assert set(users) == {email for email, _name, _roles in DEMO_USERS}
    for email, name, roles in DEMO_USERS:
        user = User.objects.get(email=email)
        assert users[email] == user and user.full_name == name
        assert set(user.groups.values_list("name", flat=True)) == set(roles)
        assert user.check_password(DEMO_PASSWORD)
        address = EmailAddress.objects.get(user=user)
        assert (address.email, address.verified, address.primary) == (email, True, True)
    held = {role for _email, _name, roles in DEMO_USERS for role in roles}
    assert held == {settings.ROLE_APPLICANT, settings.ROLE_REVIEWER, settings.ROLE_MENTOR, settings.ROLE_STAFF}
    assert User.objects.get(email="staff@example.org").is_staff  # the staff role opens the admin too

    # The printed password logs in through the real log-in form (e-mail verification is mandatory).
    response = client.post(reverse("account_login"), {"login": "reviewer2@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(users["reviewer2@example.org"].pk)


def test_the_demo_puts_calls_and_applications_where_the_tour_expects_them():
    users = load_demo_data()
    assert Programme.objects.count() == 1
    open_call = Competition.objects.get(slug="backyard-2027")
    closed_call = Competition.objects.get(slug="local-media-2026")
    crisis = Competition.objects.get(slug="crisis-support")
    two_stage = Competition.objects.get(slug="cross-border-2027")
    assert Competition.objects.count() == 4
    now = timezone.now()
    assert open_call.is_open(now) and open_call.blind_review and open_call.criteria.count() == 4
    assert not closed_call.is_open(now) and closed_call.closes_at < now and closed_call.criteria.count() == 4
    assert set(Competition.objects.open_at(now)) == {open_call, crisis}

    # Four calls shaped like the programmes: each with a form of its own.
    kinds = {c.slug: c.kind for c in Competition.objects.all()}
    assert kinds == {
        "backyard-2027": "fixed",
        "local-media-2026": "fixed",
        "crisis-support": "emergency",
        "cross-border-2027": "two_stage",
    }
    types = {q["type"] for stage in closed_call.form_definition["stages"] for q in stage["questions"]}
    assert {"table", "money", "file"} <= types  # the media's budget-heavy form
    assert [s["key"] for s in two_stage.form_definition["stages"]] == ["concept", "full"]
    assert open_call.translations["title"]["uk"] and open_call.email_note

    # Crisis support: confidential, no deadline, one request granted, one waiting for a decision.
    assert crisis.confidential and crisis.closes_at is None and crisis.decision_days == 5
    assert sorted(crisis.applications.values_list("status", flat=True)) == [S.AWARDED, S.SUBMITTED]
    assert crisis not in Competition.objects.public()

    # Two stages: one concept invited to its full proposal (pre-filled), one not invited, one waiting.
    stages = {a.group.name: a for a in two_stage.applications.select_related("group")}
    assert {name: a.status for name, a in stages.items()} == {
        "Tisa Valley Scouts": S.INVITED,
        "Prešov Makerspace": S.NOT_INVITED,
        "Maramureș Wooden Churches Friends": S.SUBMITTED,
    }
    invited = stages["Tisa Valley Scouts"]
    assert invited.stage == "full" and invited.form_answers["idea"] and invited.concept
    assert stages["Prešov Makerspace"].decision_feedback

    # The applicant's draft to the open call, with its budget.
    (draft,) = open_call.applications.all()
    assert (draft.status, draft.title, draft.group.name) == (
        S.DRAFT,
        "A green courtyard for everyone",
        "Friends of the Zabłocie Yard",
    )
    assert draft.budget_lines.count() == 2
    assert set(draft.group.memberships.values_list("user__email", flat=True)) == {
        "applicant@example.org",
        "member@example.org",
    }

    # The closed call: one awarded (with a mentor, check-ins, tranches and its final report), one
    # reviewed, and one in review with the last review left to reviewer2.
    by_group = {a.group.name: a for a in closed_call.applications.select_related("group")}
    assert {name: a.status for name, a in by_group.items()} == {
        "Lublin Street Voices": S.AWARDED,
        "Podlasie Radio Club": S.REVIEWED,
        "Grodno Newsletter Circle": S.IN_REVIEW,
    }
    awarded = by_group["Lublin Street Voices"]
    assert awarded.awarded_amount == awarded.requested_amount
    assert awarded.mentor == users["mentor@example.org"]
    assert CheckIn.objects.filter(application=awarded, status=CheckIn.Status.OPEN).exists()
    assert Report.objects.filter(application=awarded, kind=Report.Kind.FINAL, status=Report.Status.DRAFT).exists()
    tranches = list(PaymentTranche.objects.filter(application=awarded).order_by("position"))
    assert sum(t.amount for t in tranches) == awarded.awarded_amount
    assert [t.paid_on is not None for t in tranches] == [True, False]
    outstanding = Assignment.objects.exclude(review__status=Review.Status.SUBMITTED)
    assert [(a.application, a.reviewer.email) for a in outstanding] == [
        (by_group["Grodno Newsletter Circle"], "reviewer2@example.org")
    ]
    assert all(a.review.scores.count() == 4 for a in Assignment.objects.filter(review__isnull=False))

    # Both reviewers are in both pools; they still have to declare conflicts for the open call.
    pools = {(p.competition.slug, p.reviewer.email): p.conflicts_declared_at for p in PoolMembership.objects.all()}
    assert set(pools) == {
        (slug, email)
        for slug in ("backyard-2027", "local-media-2026", "cross-border-2027")
        for email in ("reviewer@example.org", "reviewer2@example.org")
    }
    assert all(pools[("local-media-2026", e)] for e in ("reviewer@example.org", "reviewer2@example.org"))
    assert not any(pools[("backyard-2027", e)] for e in ("reviewer@example.org", "reviewer2@example.org"))


def test_loading_the_demo_twice_changes_nothing():
    first = load_demo_data()
    before = _snapshot()
    assert before["applications.Application"] == 9 and before["accounts.User"] == len(DEMO_USERS)
    second = load_demo_data()
    assert _snapshot() == before
    assert {e: u.pk for e, u in second.items()} == {e: u.pk for e, u in first.items()}


def test_the_demo_command_sets_up_loads_and_prints_the_logins(monkeypatch, capsys, settings):
    """``manage.py demo --no-serve``: assets, migrations and data, then the log-ins; no server."""
    # Whatever the command sets for the process (the base URL of e-mail links) ends with the test.
    monkeypatch.delenv("SMALLGRANTS_BASE_URL", raising=False)
    settings.SITE_BASE_URL = settings.SITE_BASE_URL
    commands = []
    monkeypatch.setattr(
        "wiring.management.commands.demo.call_command", lambda name, *a, **kw: commands.append(name)
    )  # no download of the vendored assets, no migration inside the test's transaction
    call_command("demo", "--no-serve")
    assert commands == ["setup_assets", "migrate"]
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for email, _name, _roles in DEMO_USERS:
        assert email in out
    assert User.objects.filter(email__in=[e for e, _n, _r in DEMO_USERS]).count() == len(DEMO_USERS)
    assert Programme.objects.count() == 1
