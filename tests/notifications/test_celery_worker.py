"""A reminder goes end to end through a real Celery worker on Redis: the task is published to the
broker, an in-process worker thread consumes it, the sweep writes the outbox row and the outbox
sweep sends the e-mail.

Needs Redis (``SMALLGRANTS_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/15``; the database
is emptied before and after). Run only these tests with ``pytest -m celery_worker``.
"""

import os
import threading
from datetime import timedelta

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import TestWorkController, start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone
from kombu import pools as kombu_pools
from kombu.utils.collections import eqhash

from config.celery import app as celery_app
from notifications import tasks
from notifications.models import OutboxMessage
from tests.factories import ApplicationFactory, CompetitionFactory, member_of

REDIS_URL = os.environ.get("SMALLGRANTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER_START_TIMEOUT = 30  # seconds
TASK_TIMEOUT = 30  # seconds

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class _WorkController(TestWorkController):
    """The test worker, but one that gives up instead of waiting for ever if it cannot start."""

    __test__ = False

    def ensure_started(self):
        if not self._on_started.wait(WORKER_START_TIMEOUT):
            raise RuntimeError(f"The Celery worker did not start within {WORKER_START_TIMEOUT} s (broker {REDIS_URL}).")


def _forget_broker_pools(app, *, close=False):
    """Make the app build its broker pools again from the current ``broker_url``.

    The pools live in kombu's process-wide registry, keyed by the connection's parameters; with
    ``close`` the ones for the current broker are closed and removed from it (never the ones
    other tests share, such as the default broker's, which are only forgotten by the app)."""
    if close:
        key = eqhash(app.connection_for_write())
        for group in (kombu_pools.producers, kombu_pools.connections):
            if key in group:
                dict.pop(group, key).force_close_all()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def _empty_redis_or_fail():
    """Empty the test's Redis database; fail (never skip) when Redis cannot be reached."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    error = None
    try:
        client.flushdb()
    except redis.RedisError as exc:
        error = exc
    finally:
        client.close()
    if error is not None:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({error}). This test needs a real broker: start Redis "
            "(`redis-server --port 6379 --daemonize yes`, `sudo systemctl start redis-server`, or "
            "`docker run -d -p 6379:6379 redis:7`), or point SMALLGRANTS_TEST_REDIS_URL at one. "
            "Deselect these tests with `-m 'not celery_worker'`.",
            pytrace=False,
        )


@pytest.fixture
def celery_on_redis():
    """The project's Celery app publishing to Redis and not running tasks in the caller; restored
    after, and the Redis database emptied (no queue, binding or unacked message is left behind)."""
    names = ("broker_url", "broker_transport_options", "task_always_eager", "worker_hijack_root_logger")
    saved = {name: celery_app.conf[name] for name in names}
    _forget_broker_pools(celery_app)
    celery_app.conf.update(
        broker_url=REDIS_URL,
        broker_transport_options=settings.BROKER_TRANSPORT_OPTIONS_REDIS,  # production's short timeouts
        task_always_eager=False,  # tests/conftest.py turns it on for every test
        worker_hijack_root_logger=False,  # leave pytest's log capture alone
    )
    try:
        yield celery_app
    finally:
        _forget_broker_pools(celery_app, close=True)
        celery_app.conf.update(saved)
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
        try:
            client.flushdb()
        except redis.RedisError:
            pass  # unreachable: the test has failed saying so, and nothing was written
        finally:
            client.close()


def test_a_due_reminder_goes_through_the_broker_and_a_real_worker(celery_on_redis):
    _empty_redis_or_fail()
    call = CompetitionFactory(closes_at=timezone.now() + timedelta(days=2))
    application = ApplicationFactory(competition=call)  # a draft
    member = member_of(application.group)

    # The worker runs the task in its own thread, on its own database connection. Wait for the
    # task to finish (task_postrun, with a timeout) rather than poll the database meanwhile: the
    # in-memory SQLite test database is shared between threads through SQLite's shared cache,
    # where a read that meets another connection's write fails at once ("database table is
    # locked") instead of waiting. Everything is committed when the task has finished.
    done = threading.Event()
    outcome = {}

    def finished(sender=None, task_id=None, state=None, retval=None, **kwargs):
        if sender is not None and sender.name == tasks.reminders_sweep.name:
            outcome.update(state=state, retval=retval)
            done.set()

    signals.task_postrun.connect(finished, weak=False)
    try:
        with start_worker(
            celery_on_redis,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=30,
            WorkController=_WorkController,
        ):
            result = tasks.reminders_sweep.delay()
            assert done.wait(TASK_TIMEOUT), f"the worker did not run task {result.id} within {TASK_TIMEOUT} s"
    finally:
        signals.task_postrun.disconnect(finished)

    assert outcome == {"state": "SUCCESS", "retval": 1}, outcome
    message = OutboxMessage.objects.get()
    assert message.kind == "draft_due_7d"
    assert message.dedupe_key == f"draft-7d:{application.pk}:{member.pk}"
    assert message.status == OutboxMessage.Status.SENT and message.sent_at and message.attempts == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [member.email]
    assert email.subject == f"One week left to submit your application to “{call.title}”"
    assert application.reference in email.body
