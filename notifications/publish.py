"""Handing a message to the broker without ever making a request wait on it.

The broker connection has short socket timeouts (settings). When a publish fails, a circuit
breaker stops this process from trying again for ``BREAKER_SECONDS``: the rest of the request
(and the next ones) go on at once, and the outbox sweep sends what was not published.
"""

import logging
import threading
import time

from celery import current_app

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 30.0

_lock = threading.Lock()
_open_until = 0.0


def breaker_is_open() -> bool:
    return time.monotonic() < _open_until


def breaker_reset() -> None:
    global _open_until
    with _lock:
        _open_until = 0.0


def _trip() -> None:
    global _open_until
    with _lock:
        _open_until = time.monotonic() + BREAKER_SECONDS


def publish_task(name: str, *args, waiting: str) -> bool:
    """Queue the task ``name`` with ``args`` (by name: the tasks import the services that call
    this). ``False`` when it was not queued; ``waiting`` says in the log what a sweep sends later."""
    if breaker_is_open():
        return False
    try:
        current_app.tasks[name].apply_async(args, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure must not break the caller
        _trip()
        logger.warning(
            "Broker unavailable (%s: %s); %s wait for the sweep; no publishing for %s s",
            type(exc).__name__,
            exc,
            waiting,
            BREAKER_SECONDS,
        )
        return False
    return True


def publish_send(*message_ids: int) -> bool:
    """Queue the send task for these messages, one broker round-trip whatever their number (a
    submission's e-mails to every member). ``False`` when it was not queued; the sweep sends the
    messages later either way."""
    return publish_task(
        "notifications.tasks.outbox_send",
        *message_ids,
        waiting="outbox messages " + ", ".join(map(str, message_ids)),
    )
