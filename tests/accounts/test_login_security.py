"""Log-in security: the admin logs in through allauth (second factor, rate limits), and the rate
limits are counted in a cache every process shares."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


def test_the_admin_login_form_does_not_bypass_the_second_factor(client):
    staff = _with_totp(staff_user(is_superuser=True))
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("projects:staff_dashboard")).status_code in (302, 404)
    # allauth's log-in with the password alone stops at the second factor: still not logged in.
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("projects:staff_dashboard")).status_code in (302, 404)


def test_the_admin_sends_to_allauth_with_next_and_never_off_site(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    evil = client.get("/admin/login/?next=https://evil.example.org/")
    assert evil["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_admin_opens_after_a_full_allauth_login(client):
    staff = staff_user(is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200


def test_rate_limits_use_the_shared_cache():
    """The database cache (its table made by ``migrate``) or Redis: never one process's memory."""
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in ("django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache")
    cache.set("probe", 1)
    assert cache.get("probe") == 1


TOO_MANY = "Too many failed login attempts"


def _throttled(response):
    return TOO_MANY in response.content.decode()


def test_failed_logins_are_throttled_per_account_across_addresses(client):
    staff = staff_user()
    throttled = []
    for attempt in range(7):
        response = client.post(
            reverse("account_login"), {"login": staff.email, "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{attempt}"
        )
        throttled.append(_throttled(response))
    assert throttled == [False] * 5 + [True] * 2
    # Even the right password is refused while the account is throttled.
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.99"
    )
    assert _throttled(response) and "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_per_address_across_accounts(client):
    throttled = []
    for attempt in range(12):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{attempt}@example.org", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
        )
        throttled.append(_throttled(response))
    assert throttled == [False] * 10 + [True] * 2
    # Another address is not affected.
    other = client.post(
        reverse("account_login"), {"login": "someone@example.org", "password": "wrong"}, REMOTE_ADDR="203.0.113.8"
    )
    assert not _throttled(other)


def test_the_admin_login_form_cannot_be_used_to_guess_passwords(client):
    """Posts to /admin/login/ check nothing; the guesses must go through allauth's limited form."""
    staff = staff_user()
    for _attempt in range(30):
        response = client.post("/admin/login/", {"username": staff.email, "password": "wrong"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    throttled = [
        _throttled(client.post(reverse("account_login"), {"login": staff.email, "password": "wrong"}))
        for _attempt in range(6)
    ]
    assert throttled == [False] * 5 + [True]


def test_guessing_the_second_factor_is_throttled_per_account(client):
    staff = _with_totp(staff_user())
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    throttled = [
        _throttled(client.post(reverse("mfa_authenticate"), {"code": f"{n:06d}"}, REMOTE_ADDR=f"192.0.2.{n}"))
        for n in range(7)
    ]
    assert throttled[:5] == [False] * 5 and all(throttled[5:])
    assert "_auth_user_id" not in client.session


def test_the_admin_is_covered_by_the_required_second_factor(client, settings):
    settings.SMALLGRANTS_REQUIRE_MFA_ROLES = ["staff"]
    staff = staff_user(is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
