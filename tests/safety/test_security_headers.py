"""Every page keeps the strict headers: a CSP that loads nothing from elsewhere, nosniff, no
referrer to other sites, no framing, a window no other site can reach."""

import pytest
from django.urls import reverse

from config.middleware import CONTENT_SECURITY_POLICY
from tests.factories import ApplicationFactory, member_of, staff_user

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


def _assert_strict(response):
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_is_as_strict_as_agreed():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "http" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize("path", ["/", "/calls/", "/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_public_pages_send_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 404)
    _assert_strict(response)


def test_signed_in_pages_and_downloads_send_the_headers(client):
    draft = ApplicationFactory()
    client.force_login(member_of(draft.group))
    _assert_strict(client.get(reverse("applications:edit", kwargs={"pk": draft.pk})))
    _assert_strict(client.get(reverse("applications:dashboard")))
    client.force_login(staff_user())
    _assert_strict(client.get(reverse("projects:staff_dashboard")))
    _assert_strict(client.get(reverse("applications:detail", kwargs={"pk": draft.pk})))
