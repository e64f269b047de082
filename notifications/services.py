"""The outbox: create a message once (dedupe key), send it once (row claim), retry by sweep."""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A message claimed longer ago than this is taken to belong to a crashed sender.
CLAIM_TIMEOUT = timedelta(minutes=10)


def _enqueue_send(message_id: int) -> None:
    """Hand the message to Celery (by task name: ``tasks`` imports this module); if the broker is
    down the sweep sends it later."""
    try:
        current_app.tasks["notifications.tasks.outbox_send"].delay(message_id)
    except Exception:  # noqa: BLE001 - any broker failure must not break the caller
        logger.warning("Broker unavailable; outbox message %s waits for the sweep", message_id, exc_info=True)


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
    transaction.on_commit(lambda: _enqueue_send(message.pk))
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
    for message in created:
        transaction.on_commit(lambda pk=message.pk: _enqueue_send(pk))
    return created


def _claim(message_id: int) -> OutboxMessage | None:
    """Mark a pending (or stale) message as being sent by us; ``None`` if someone else has it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due_for_sending(now), pk=message_id, attempts__lt=MAX_ATTEMPTS)
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _due_for_sending(now) -> Q:
    return Q(status=OutboxMessage.Status.PENDING) | Q(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def outbox_send(*, message_id: int) -> bool:
    """Send one message if it is still due. Safe to call twice: the claim lets one caller through."""
    message = _claim(message_id)
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        headers={"X-Smallgrants-Message": str(message.pk)},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    try:
        email.send()
    except Exception as exc:  # noqa: BLE001 - any SMTP failure is recorded and retried
        final = message.attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.FAILED if final else OutboxMessage.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("Sending outbox message %s failed", message.pk, exc_info=True)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now())
    return True


def outbox_sweep(*, batch_size: int = 200) -> int:
    """Send what is pending (or was claimed by a sender that died). Returns how many were sent."""
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_due_for_sending(now), attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    return sum(1 for message_id in ids if outbox_send(message_id=message_id))


def outbox_bulk_enqueue(items) -> int:
    """Create many messages at once, each at most once. ``items``: dicts with ``user``, ``kind``,
    ``dedupe_key``, ``template``, ``context`` and optional ``scope`` / ``language``.

    Keys already in the outbox are skipped with one query, so nothing is rendered twice; the
    insert ignores any key a concurrent sweep wrote in between (the unique constraint decides).
    Sending is left to the outbox sweep. Returns how many rows were new.
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
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)
