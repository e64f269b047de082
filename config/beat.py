"""Celery beat on several machines: each may run one, only the holder of a lock sends tasks.

The lock is a key in Django's shared cache (Redis when ``SMALLGRANTS_CACHE_URL`` is set, the
database otherwise), added atomically with an expiry and renewed on every tick. A beat that dies
loses it after ``LOCK_SECONDS``; another beat then takes over. A beat that becomes the active one
first sends ``settings.CELERY_BEAT_FIRST_TASKS`` (the reminder sweep), so a fresh start does not
wait a whole period for the first reminders. Every task is idempotent anyway (the outbox's
dedupe key and row claim), so a takeover that overlaps for one tick does no harm.
"""

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCK_KEY = "smallgrants:celery-beat-lock"
LOCK_SECONDS = 60
# How often a waiting beat asks for the lock, and the longest an active one sleeps between renewals.
RENEW_SECONDS = 10


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self.lock_owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_active = False
        super().__init__(*args, **kwargs)

    def hold_lock(self) -> bool:
        """Take the lock if it is free, renew it if it is ours; ``False`` while another beat has it."""
        if cache.add(LOCK_KEY, self.lock_owner, LOCK_SECONDS):
            held = True
        elif cache.get(LOCK_KEY) == self.lock_owner:
            held = cache.touch(LOCK_KEY, LOCK_SECONDS)
        else:
            held = False
        if held and not self.is_active:
            logger.info("This beat (%s) is now the active one", self.lock_owner)
            for name in getattr(settings, "CELERY_BEAT_FIRST_TASKS", []):
                try:
                    self.send_task(name)
                except Exception:  # noqa: BLE001 - the periodic entry sends it later anyway
                    logger.warning("Could not send %s at start", name, exc_info=True)
        elif not held and self.is_active:
            logger.warning("This beat (%s) lost the lock; another beat is active", self.lock_owner)
        self.is_active = held
        return held

    def tick(self, *args, **kwargs):
        if not self.hold_lock():
            return RENEW_SECONDS
        return min(super().tick(*args, **kwargs), RENEW_SECONDS)

    def close(self):
        if self.is_active and cache.get(LOCK_KEY) == self.lock_owner:
            cache.delete(LOCK_KEY)
        self.is_active = False
        super().close()
