"""The outbox: create a message once (dedupe key), send it (row claim), retry with backoff by sweep."""

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import retry
from .models import OutboxMessage
from .publish import publish_send

logger = logging.getLogger(__name__)

# A message claimed longer ago than this is taken to belong to a crashed sender. It must be
# longer than the hard time limit of the tasks (settings.CELERY_TASK_TIME_LIMIT): a sender still
# alive past it would otherwise share the message with a second one.
CLAIM_TIMEOUT = timedelta(minutes=10)


def outbox_enqueue_rendered(
    *, recipient_email, kind, dedupe_key, subject, body, recipient=None, html_body="", scope=""
) -> OutboxMessage | None:
    """Create an outbox row unless one with ``dedupe_key`` exists; send it after commit.

    Returns the new message, or ``None`` when the key was already used (a no-op).
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                recipient=recipient,
                recipient_email=recipient_email,
                kind=kind,
                dedupe_key=dedupe_key[:255],
                subject=subject.strip()[:255],
                body=body,
                html_body=html_body,
                scope=scope,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: publish_send(message.pk))
    return message


def _render(user, template, context, language) -> tuple[str, str]:
    language = language or getattr(user, "language", "") or settings.LANGUAGE_CODE
    context = {**context, "user": user, "site_url": settings.SITE_BASE_URL}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body


def outbox_enqueue(*, user, kind, dedupe_key, template, context, scope="", language=None) -> OutboxMessage | None:
    """Render ``template`` (``<template>_subject.txt`` and ``<template>.txt``) in ``language``,
    by default the user's."""
    subject, body = _render(user, template, context, language)
    return outbox_enqueue_rendered(
        recipient=user if user.pk else None,  # an invitee may have no account yet
        recipient_email=user.email,
        kind=kind,
        dedupe_key=dedupe_key,
        subject=subject,
        body=body,
        scope=scope,
    )


def outbox_enqueue_new(*, users, kind, dedupe_key, template, context, scope="") -> list[OutboxMessage]:
    """One message per user (each in their language) in a single INSERT, sent after commit.

    For the busiest moment (every member told of a submission, on deadline day): the caller
    guarantees the keys (``dedupe_key(user)``) are new, by a locked row whose state it changes
    once. A key that exists anyway raises IntegrityError and rolls the caller back: never twice.
    """
    messages = []
    for user in users:
        subject, body = _render(user, template, context, None)
        messages.append(
            OutboxMessage(
                recipient=user,
                recipient_email=user.email,
                kind=kind,
                dedupe_key=dedupe_key(user)[:255],
                subject=subject[:255],
                body=body,
                scope=scope,
            )
        )
    created = OutboxMessage.objects.bulk_create(messages)
    if created:
        ids = [message.pk for message in created]
        transaction.on_commit(lambda: publish_send(*ids))  # one task, one broker round-trip
    return created


def _claim(message_id: int) -> OutboxMessage | None:
    """Mark a due message as being sent by us and count the attempt; ``None`` if it is not due
    (backoff) or someone else has it."""
    now = timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(_due_for_sending(now))
        message = due.filter(pk=message_id).first()
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _due_for_sending(now) -> Q:
    return Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _email_for(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        headers={"Message-ID": message.message_id, "X-Smallgrants-Message": str(message.pk)},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    now = timezone.now()
    permanent = retry.is_permanent(exc)
    gave_up = permanent or now >= (message.resent_at or message.created_at) + retry.retry_window()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
        next_attempt_at=now + retry.retry_delay(message.attempts),
        last_error=f"{'permanent' if permanent else 'temporary'}: {type(exc).__name__}: {exc}"[:2000],
    )
    logger.warning("Sending outbox message %s failed (attempt %s)", message.pk, message.attempts, exc_info=True)


SENT, FAILED, SERVER_DOWN = "sent", "failed", "server down"


def _attempt(message_id: int) -> str | None:
    """Claim and send one message; ``None`` when it is not due or another sender has it."""
    message = _claim(message_id)
    if message is None:
        return None
    try:
        _email_for(message).send()
    except SoftTimeLimitExceeded:
        _record_failure(message, TimeoutError("the task's time limit was reached while sending"))
        raise
    except Exception as exc:  # noqa: BLE001 - any SMTP failure is recorded and retried or given up
        _record_failure(message, exc)
        return SERVER_DOWN if retry.is_server_unreachable(exc) else FAILED
    _mark_sent(message)
    return SENT


def outbox_send(*, message_id: int) -> bool:
    """Send one message if it is due. Safe to call twice: the claim lets one caller through.

    A crash between sending and marking sends it again after ``CLAIM_TIMEOUT``, with the same
    Message-ID (at least once, never lost)."""
    return _attempt(message_id) == SENT


def outbox_sweep(*, batch_size: int = 200) -> int:
    """Send what is due (pending past its backoff, or claimed by a sender that died). Returns how
    many were sent. Stops at the first sign that the server is down: one probe per sweep, and the
    messages it did not try keep their turn and their attempts."""
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_due_for_sending(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    sent = 0
    for message_id in ids:
        outcome = _attempt(message_id)
        if outcome == SERVER_DOWN:
            break
        sent += outcome == SENT
    return sent


def _mark_sent(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def outbox_bulk_enqueue(items) -> int:
    """Create many messages at once, each at most once. ``items``: dicts with ``user``, ``kind``,
    ``dedupe_key``, ``template``, ``context`` and optional ``scope`` / ``language``.

    Keys already in the outbox are skipped with one query, so nothing is rendered twice; the
    insert ignores any key a concurrent sweep wrote in between (the unique constraint decides).
    Sending is left to the outbox sweep. Returns how many rows this call inserted (not tried).
    """
    items = list(items)
    if not items:
        return 0
    existing = set(
        OutboxMessage.objects.filter(dedupe_key__in=[i["dedupe_key"] for i in items]).values_list(
            "dedupe_key", flat=True
        )
    )
    rows = []
    for item in items:
        if item["dedupe_key"] in existing:
            continue
        existing.add(item["dedupe_key"])
        user = item["user"]
        language = item.get("language") or getattr(user, "language", "") or settings.LANGUAGE_CODE
        context = {**item["context"], "user": user, "site_url": settings.SITE_BASE_URL}
        with translation.override(language):
            subject = " ".join(render_to_string(f"{item['template']}_subject.txt", context).split())
            body = render_to_string(f"{item['template']}.txt", context)
        rows.append(
            OutboxMessage(
                recipient=user if user.pk else None,
                recipient_email=user.email,
                kind=item["kind"],
                dedupe_key=item["dedupe_key"][:255],
                subject=subject[:255],
                body=body,
                scope=item.get("scope", ""),
            )
        )
    return _insert_new(rows)


def _insert_new(rows: list[OutboxMessage]) -> int:
    """``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`` (PostgreSQL and SQLite 3.35+),
    so the count is of rows really inserted: ``bulk_create(ignore_conflicts=True)`` cannot tell."""
    if not rows:
        return 0
    meta = OutboxMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    dedupe_column = quote(meta.get_field("dedupe_key").column)
    conflict = f"ON CONFLICT ({dedupe_column}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    size = min(500, max(connection.ops.bulk_batch_size(fields, rows), 1))
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [
                field.get_db_prep_save(field.pre_save(row, add=True), connection) for row in chunk for field in fields
            ]
            values = ", ".join([row_sql] * len(chunk))
            cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values} {conflict}", params)
            inserted += len(cursor.fetchall())
    return inserted
