"""Faults of the mail server, against a real SMTP server: an outage longer than the old eight
attempts, permanent and temporary refusals, and a worker stopped between sending and marking."""

import socket
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from notifications import services as outbox
from notifications.models import OutboxMessage
from notifications.tasks import reminders_sweep

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def _message(email, key=None):
    return outbox.outbox_enqueue_rendered(
        recipient_email=email, kind="test", dedupe_key=key or email, subject=f"For {email}", body="Hello"
    )


def _statuses():
    return Counter(OutboxMessage.objects.values_list("status", flat=True))


def test_an_smtp_outage_of_hours_then_recovery_delivers_every_message_exactly_once(
    smtp_server, django_capture_on_commit_callbacks
):
    emails = [f"applicant{i}@example.org" for i in range(22)]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # Created at the start of the outage: each is tried once after commit, and fails.
        with django_capture_on_commit_callbacks(execute=True):
            for email in emails:
                _message(email)
        # Three hours down; beat's sweeps every minute and the reminder task every 15 minutes.
        for minute in range(1, 3 * 60 + 1):
            clock.shift(MINUTE)
            outbox.outbox_sweep()
            if minute % 15 == 0:
                reminders_sweep()
        assert _statuses() == {"pending": 22}, "nothing is given up while the outage is shorter than the window"
        attempts = sum(OutboxMessage.objects.values_list("attempts", flat=True))
        # One try per message after commit, then at most one probe per sweep (not 22 per sweep).
        assert 22 < attempts <= 22 + 180 + 12
        assert max(OutboxMessage.objects.values_list("attempts", flat=True)) <= 12  # backoff

        smtp_server.start()
        for _minute in range(65):  # the longest backoff is an hour
            clock.shift(MINUTE)
            outbox.outbox_sweep()
        assert _statuses() == {"sent": 22}
        delivered = Counter(message["To"] for message in smtp_server.delivered)
        assert delivered == Counter(emails), "each message exactly once"
        for _minute in range(30):
            clock.shift(MINUTE)
            outbox.outbox_sweep()
        assert len(smtp_server.delivered) == 22


def test_a_5xx_refusal_fails_at_once_and_a_4xx_is_retried_with_backoff(smtp_server):
    smtp_server.start()
    refused, busy, fine = _message("refused@example.org"), _message("busy@example.org"), _message("ok@example.org")
    assert outbox.outbox_sweep() == 1
    for message in (refused, busy, fine):
        message.refresh_from_db()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error.startswith("permanent: SMTPRecipientsRefused") and "550" in refused.last_error
    assert (busy.status, busy.attempts) == ("pending", 1) and busy.last_error.startswith("temporary:")
    assert busy.next_attempt_at > timezone.now()
    assert fine.status == "sent"
    assert outbox.outbox_sweep() == 0  # the busy one waits for its backoff
    busy.refresh_from_db()
    assert busy.attempts == 1
    with time_machine.travel(busy.next_attempt_at + timedelta(seconds=1)):
        outbox.outbox_sweep()
    busy.refresh_from_db()
    assert (busy.status, busy.attempts) == ("pending", 2)
    # Temporary refusals are retried for the whole window, then given up for staff to see.
    with time_machine.travel(busy.created_at + timedelta(hours=settings.OUTBOX_RETRY_HOURS, minutes=1)):
        outbox.outbox_sweep()
    busy.refresh_from_db()
    assert busy.status == "failed" and busy.attempts == 3


def test_temporary_failures_keep_being_retried_for_at_least_24_hours(smtp_server):
    message = _message("applicant@example.org")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _minute in range(24 * 60):
            clock.shift(MINUTE)
            outbox.outbox_sweep()
        message.refresh_from_db()
        assert message.status == "pending"
        assert 20 <= message.attempts <= 40  # about hourly once the backoff reaches its ceiling
        smtp_server.start()
        clock.shift(timedelta(hours=1, minutes=1))
        assert outbox.outbox_sweep() == 1
    assert [m["To"] for m in smtp_server.delivered] == ["applicant@example.org"]


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs in the sender, not even ``except Exception``."""


def test_a_worker_stopped_between_sending_and_marking_sends_a_copy_with_the_same_message_id(smtp_server, monkeypatch):
    smtp_server.start()
    message = _message("applicant@example.org")
    other = _message("other@example.org")

    def killed(message):
        raise WorkerKilled

    monkeypatch.setattr(outbox, "_mark_sent", killed)
    with pytest.raises(WorkerKilled):
        outbox.outbox_send(message_id=message.pk)
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.status == "sending" and len(smtp_server.delivered) == 1
    # Celery redelivers the task at once (acks late): the live claim stops a second copy.
    assert outbox.outbox_send(message_id=message.pk) is False
    with time_machine.travel(timezone.now() + outbox.CLAIM_TIMEOUT + MINUTE):
        assert outbox.outbox_sweep() == 2  # the stale claim, and the other message
    first, copy, other_email = smtp_server.delivered
    assert first["To"] == copy["To"] == "applicant@example.org"
    assert first["Message-ID"] == copy["Message-ID"] == message.message_id
    assert other_email["Message-ID"] == other.message_id != message.message_id
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2


def test_the_message_id_is_derived_from_the_row_and_is_a_valid_header():
    message = _message("applicant@example.org")
    again = OutboxMessage.objects.get(pk=message.pk)
    assert again.message_id == message.message_id
    assert message.message_id.startswith(f"<outbox.{message.pk}.") and message.message_id.endswith("@localhost>")
    assert _message("x@example.org").message_id != message.message_id


def test_time_limits_are_ordered_so_no_two_senders_share_a_message():
    assert settings.EMAIL_TIMEOUT < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert outbox.CLAIM_TIMEOUT.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
    assert settings.BROKER_TRANSPORT_OPTIONS_REDIS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_a_hung_mail_server_costs_one_timeout_per_sweep_not_one_per_message(smtp_server, settings):
    """A server that accepts the connection and never answers: the send gives up after
    EMAIL_TIMEOUT, the message waits for its backoff, and the sweep stops at the first one."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    settings.EMAIL_PORT = hung.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    try:
        for i in range(5):
            _message(f"applicant{i}@example.org")
        started = time.monotonic()
        assert outbox.outbox_sweep() == 0
        elapsed = time.monotonic() - started
    finally:
        hung.close()
    assert elapsed < 5, f"the sweep waited {elapsed:.1f} s"
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1]
    tried = OutboxMessage.objects.get(attempts=1)
    assert tried.status == "pending" and "timed out" in tried.last_error.lower()
