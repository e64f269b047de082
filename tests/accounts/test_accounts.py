"""Sign-up, verification and password reset: allauth, with every e-mail through the outbox."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from notifications.models import OutboxMessage
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_makes_an_applicant_who_must_verify_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Ola Nowak", "email": "ola@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ola@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["applicant"]
    message = OutboxMessage.objects.get(recipient_email="ola@example.org")
    assert message.kind == "account:email_confirmation_signup" and message.status == "sent"
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    # Not verified yet: not logged in, so the dashboard sends to the log-in page.
    assert "_auth_user_id" not in client.session
    dashboard = client.get(reverse("applications:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"] == f"{reverse('account_login')}?next={reverse('applications:dashboard')}"
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    client.post(path)
    assert client.session["_auth_user_id"] == str(user.pk)  # confirming logs in
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("applications:dashboard")).status_code == 200


def test_password_reset_mail_goes_through_the_outbox(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    message = OutboxMessage.objects.get(recipient_email=user.email)
    assert message.kind == "account:password_reset_key" and message.status == "sent"
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_log_in_by_email(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("applications:dashboard")).status_code == 200


def test_sign_up_asks_for_the_name_and_e_mails_greet_the_person_and_name_the_site(client, settings):
    settings.SITE_NAME = "Hrodna Small Grants"
    settings.SITE_BASE_URL = "https://grants.example.org"
    data = {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD}
    refused = client.post(reverse("account_signup"), data)
    assert refused.status_code == 200 and "full_name" in refused.context["form"].errors
    assert not User.objects.filter(email="ana@example.org").exists()
    client.post(reverse("account_signup"), {**data, "full_name": "Ana Kowal"})
    assert User.objects.get(email="ana@example.org").full_name == "Ana Kowal"
    body = mail.outbox[-1].body
    assert "Hello from Hrodna Small Grants!" in body and "Hello from !" not in body
    assert "grants.example.org" in body
