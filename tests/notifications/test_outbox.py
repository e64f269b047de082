"""The outbox: created once, sent once, retried by the sweep, and never lost when the broker is down."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications import services
from applications.models import Application
from notifications import services as outbox
from notifications.models import OutboxMessage
from notifications.tasks import outbox_sweep
from tests.factories import ApplicationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def _enqueue(user, key="k1"):
    return outbox.outbox_enqueue(
        user=user,
        kind="application_submitted",
        dedupe_key=key,
        template="applications/email/submitted",
        context={"application": ApplicationFactory(), "call": None},
    )


def test_the_same_dedupe_key_creates_one_message():
    user = UserFactory()
    assert _enqueue(user) is not None
    assert _enqueue(user) is None
    assert OutboxMessage.objects.count() == 1


def test_sending_twice_sends_once():
    message = _enqueue(UserFactory())
    assert outbox.outbox_send(message_id=message.pk) is True
    assert outbox.outbox_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1 and message.sent_at


def test_a_message_claimed_by_a_crashed_sender_is_sent_by_the_sweep_after_the_timeout():
    message = _enqueue(UserFactory())
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=timezone.now())
    assert outbox.outbox_sweep() == 0  # a live claim is left alone
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert outbox.outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_retried_with_backoff_then_given_up_after_the_window(settings, monkeypatch):
    message = _enqueue(UserFactory())

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert outbox.outbox_sweep() == 0
    assert outbox.outbox_sweep() == 0  # not due yet: no second attempt
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and message.next_attempt_at > timezone.now()
    with time_machine.travel(message.created_at + timedelta(hours=settings.OUTBOX_RETRY_HOURS, seconds=1)):
        outbox.outbox_sweep()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2
    assert "smtp down" in message.last_error


def test_the_email_is_in_the_recipients_language():
    user = UserFactory(language="pl")
    application = ApplicationFactory()
    outbox.outbox_enqueue(
        user=user,
        kind="x",
        dedupe_key="pl",
        template="applications/email/submitted",
        context={"application": application, "call": application.competition},
    )
    message = OutboxMessage.objects.get()
    assert message.subject == f"Otrzymaliśmy wniosek {application.reference}"


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_nothing(monkeypatch):
    """With the broker unreachable, the submission commits; the sweep sends the e-mail later."""
    from kombu.exceptions import OperationalError

    from notifications import tasks

    application = ApplicationFactory()
    member = member_of(application.group)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.outbox_send, "apply_async", broker_down)
    services.application_submit(application=application, by=member)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and not mail.outbox
    monkeypatch.undo()
    assert outbox_sweep.delay().get() == 1
    message.refresh_from_db()
    assert message.status == "sent" and mail.outbox[0].to == [member.email]
