"""Staff see the e-mails that were given up on, of a call or of none, and send them again."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from notifications import services as outbox
from notifications.models import OutboxMessage
from notifications.staff import outbox_resend
from tests.factories import UserFactory, reviewer_user, staff_user

pytestmark = pytest.mark.django_db


def _failed(email, *, scope="", kind="account:email_confirmation_signup"):
    message = outbox.outbox_enqueue_rendered(
        recipient_email=email, kind=kind, dedupe_key=f"{kind}:{email}", subject=f"Hello {email}", body="b", scope=scope
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="failed", attempts=30, last_error="temporary: ConnectionRefusedError: smtp down"
    )
    return message


def test_the_failed_page_lists_failed_emails_of_a_call_and_of_none_in_constant_queries(
    client, django_assert_max_num_queries
):
    client.force_login(staff_user())
    _failed("signup@example.org")  # a sign-up: it belongs to no call
    _failed("member@example.org", scope="call:7", kind="application_submitted")
    sent = outbox.outbox_enqueue_rendered(
        recipient_email="ok@example.org", kind="k", dedupe_key="ok", subject="s", body="b"
    )
    outbox.outbox_send(message_id=sent.pk)
    url = reverse("notifications:failed")
    with django_assert_max_num_queries(12) as small:
        html = client.get(url).content.decode()
    assert "signup@example.org" in html and "member@example.org" in html and "ok@example.org" not in html
    assert "smtp down" in html
    for i in range(30):
        _failed(f"more{i}@example.org")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer"])
def test_only_staff_see_the_failed_page_and_resend(client, who):
    message = _failed("signup@example.org")
    if who != "anonymous":
        client.force_login(UserFactory() if who == "applicant" else reviewer_user())
    refused = 302 if who == "anonymous" else 404  # logged out: the log-in page; anyone else: no such page
    assert client.get(reverse("notifications:failed")).status_code == refused
    assert client.post(reverse("notifications:resend", kwargs={"pk": message.pk})).status_code == refused
    message.refresh_from_db()
    assert message.status == "failed"


def test_resend_queues_the_message_again_audits_it_and_it_is_sent(client, django_capture_on_commit_callbacks):
    staff = staff_user()
    client.force_login(staff)
    message = _failed("member@example.org", scope="call:7", kind="application_submitted")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", kwargs={"pk": message.pk}), follow=True)
    assert "is queued again" in response.content.decode()
    message.refresh_from_db()
    assert message.status == "sent" and message.resent_at and message.attempts == 31
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    entry = AuditEntry.objects.get(action="outbox.resent")
    assert entry.actor == staff and entry.call_id == 7 and entry.data["outbox_message"] == message.pk
    # Resending what is no longer failed does nothing.
    again = client.post(reverse("notifications:resend", kwargs={"pk": message.pk}), follow=True)
    assert "no longer failed" in again.content.decode()
    assert AuditEntry.objects.filter(action="outbox.resent").count() == 1


def test_a_resent_message_gets_a_fresh_retry_window_and_only_staff_may_resend(settings, monkeypatch):
    message = _failed("signup@example.org")
    with pytest.raises(PermissionDenied):
        outbox_resend(message_id=message.pk, by=UserFactory())

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    later = message.created_at + timedelta(hours=settings.OUTBOX_RETRY_HOURS + 1)
    with time_machine.travel(later, tick=False):
        outbox_resend(message_id=message.pk, by=staff_user())
        outbox.outbox_sweep()
    message.refresh_from_db()
    assert message.resent_at == later and message.attempts == 31
    assert message.status == "pending", "still retried: the window starts again at the resend"


def test_the_staff_dashboard_counts_failed_emails(client):
    client.force_login(staff_user())
    assert "could not be sent" not in client.get(reverse("projects:staff_dashboard")).content.decode()
    _failed("a@example.org")
    _failed("b@example.org", scope="call:3")
    html = client.get(reverse("projects:staff_dashboard")).content.decode()
    assert "2 e-mails could not be sent." in html and reverse("notifications:failed") in html
