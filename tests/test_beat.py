"""Beat on several machines: only the holder of the lock in the shared cache (Redis here) sends
tasks; it starts with the reminder sweep; another beat takes over when it stops."""

import os

import pytest
import redis

from config import beat
from config.celery import app as celery_app

REDIS_URL = os.environ.get("SMALLGRANTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared_cache(settings):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.delete(f":1:{beat.LOCK_KEY}")
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it or set SMALLGRANTS_TEST_REDIS_URL.")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    yield client
    client.delete(f":1:{beat.LOCK_KEY}")
    client.close()


def _beat(tmp_path, name, sent):
    scheduler = beat.SingleBeatScheduler(app=celery_app, schedule_filename=str(tmp_path / name))
    scheduler.send_task = lambda task, *args, **kwargs: sent.append((name, task))
    return scheduler


def test_two_beats_one_active_and_a_takeover_when_it_stops(tmp_path, shared_cache, settings):
    sent = []
    first, second = _beat(tmp_path, "first", sent), _beat(tmp_path, "second", sent)
    try:
        assert first.hold_lock() is True
        assert second.hold_lock() is False
        assert second.tick() == beat.RENEW_SECONDS  # waits, sends nothing
        for _ in range(3):  # renewals do not send the start tasks again
            assert first.hold_lock() is True and second.hold_lock() is False
        assert sent == [("first", "notifications.tasks.reminders_sweep")]
        assert 0 < shared_cache.ttl(f":1:{beat.LOCK_KEY}") <= beat.LOCK_SECONDS

        first.close()  # stopped cleanly: the lock is free at once
        assert second.hold_lock() is True
        assert sent[-1] == ("second", "notifications.tasks.reminders_sweep")
        assert first.hold_lock() is False
    finally:
        second.close()


def test_a_beat_that_died_loses_the_lock_when_it_expires(tmp_path, shared_cache):
    sent = []
    first, second = _beat(tmp_path, "first", sent), _beat(tmp_path, "second", sent)
    try:
        assert first.hold_lock() and not second.hold_lock()
        shared_cache.delete(f":1:{beat.LOCK_KEY}")  # what expiry does after LOCK_SECONDS without renewal
        assert second.hold_lock() is True
        assert first.hold_lock() is False and first.is_active is False
        assert [name for name, _task in sent] == ["first", "second"]
    finally:
        first.close()
        second.close()


def test_the_configured_scheduler_is_the_locked_one():
    assert celery_app.conf.beat_scheduler == "config.beat:SingleBeatScheduler"


def test_every_scheduled_task_is_registered(settings):
    """A beat entry naming a task no worker knows would be sent and dropped, silently."""
    celery_app.loader.import_default_modules()  # the worker's start: autodiscovers <app>/tasks.py
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert not scheduled - set(celery_app.tasks), sorted(scheduled - set(celery_app.tasks))
    assert "projects.tasks.exports_sweep" in scheduled
