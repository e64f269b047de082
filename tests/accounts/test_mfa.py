"""A funder can require two-factor authentication for staff and reviewers."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, staff_user

pytestmark = pytest.mark.django_db


def test_staff_without_a_second_factor_are_sent_to_set_it_up(client, settings):
    settings.SMALLGRANTS_REQUIRE_MFA_ROLES = ["staff", "reviewer"]
    staff = staff_user()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get(reverse("projects:staff_dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    # The set-up pages (allauth may first ask for the password again) are reachable: no redirect loop.
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert all(url.startswith("/accounts/") for url, _status in setup.redirect_chain)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("projects:staff_dashboard")).status_code == 200


def test_applicants_and_the_default_setting_are_not_affected(client, settings):
    settings.SMALLGRANTS_REQUIRE_MFA_ROLES = ["staff"]
    client.force_login(UserFactory())
    assert client.get(reverse("applications:dashboard")).status_code == 200
    settings.SMALLGRANTS_REQUIRE_MFA_ROLES = []
    client.force_login(staff_user())
    assert client.get(reverse("projects:staff_dashboard")).status_code == 200
