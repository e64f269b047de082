"""A broker that accepts connections and never answers (a frozen Redis) must not hold a request:
the submission returns within 3 s and its e-mails still go out through the sweep."""

import socket
import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications.models import Application
from config.celery import app as celery_app
from notifications import publish
from notifications.models import OutboxMessage
from notifications.tasks import outbox_sweep
from tests.applications.test_views import _post_data
from tests.factories import ApplicationFactory, member_of
from tests.notifications.test_celery_worker import _forget_broker_pools

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def frozen_broker(monkeypatch):
    """A TCP server that accepts every connection and never replies; Celery publishes to it as to
    Redis, with the production transport options. (Celery's CELERY_BROKER_URL environment variable
    wins over its configuration, and CI sets it: it goes for the test.)"""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                connection, _address = server.accept()
            except OSError:
                return
            accepted.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    names = ("broker_url", "broker_transport_options", "broker_connection_timeout", "task_always_eager")
    saved = {name: celery_app.conf[name] for name in names}
    _forget_broker_pools(celery_app)
    celery_app.conf.update(
        broker_url=f"redis://127.0.0.1:{server.getsockname()[1]}/0",
        broker_transport_options=settings.BROKER_TRANSPORT_OPTIONS_REDIS,
        broker_connection_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
        task_always_eager=False,
    )
    try:
        yield accepted
    finally:
        _forget_broker_pools(celery_app)
        celery_app.conf.update(saved)
        server.close()
        for connection in accepted:
            connection.close()


def test_a_submission_returns_within_3_seconds_and_its_emails_go_out_through_the_sweep(client, frozen_broker):
    application = ApplicationFactory()
    members = [member_of(application.group) for _ in range(3)]
    client.force_login(members[0])
    client.get(reverse("applications:detail", kwargs={"pk": application.pk}))  # warm up: imports, templates

    started = time.monotonic()
    response = client.post(reverse("applications:submit", kwargs={"pk": application.pk}), _post_data(application))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 3, f"the request waited {elapsed:.1f} s on the broker"
    assert frozen_broker, "the request did try the broker"
    assert publish.breaker_is_open(), "after one failure the rest of the request skips the broker"
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
    assert not mail.outbox

    # Beat runs the sweep in the worker, which does not need the request's broker connection.
    assert outbox_sweep() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
