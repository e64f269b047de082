"""A programme export through the broker and a real Celery worker on Redis: asked for (published
after commit, by name), built by the worker in its own thread, ready to download.

Needs Redis (``SMALLGRANTS_TEST_REDIS_URL``), like tests/notifications/test_celery_worker.py whose
fixture it uses. Run only these tests with ``pytest -m celery_worker``.
"""

import threading
from decimal import Decimal

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker

from projects import export_jobs
from projects.models import ProgrammeExport
from tests.factories import CompetitionFactory, ProgrammeFactory, funded_application, staff_user
from tests.notifications.test_celery_worker import (  # noqa: F401 - celery_on_redis is a fixture
    TASK_TIMEOUT,
    _empty_redis_or_fail,
    _WorkController,
    celery_on_redis,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_export_is_built_by_a_real_worker(celery_on_redis):  # noqa: F811
    _empty_redis_or_fail()
    programme = ProgrammeFactory(name="Through the broker")
    funded_application(competition=CompetitionFactory(programme=programme), amount=Decimal("700"))
    done = threading.Event()
    outcome = {}

    def finished(sender=None, state=None, retval=None, **kwargs):
        if sender is not None and sender.name == export_jobs.TASK:
            outcome.update(state=state, retval=retval)
            done.set()

    signals.task_postrun.connect(finished, weak=False)
    try:
        with start_worker(
            celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=30, WorkController=_WorkController
        ):
            export = export_jobs.export_request(
                programme=programme, what="awards", file_format="csv", language="en", by=staff_user()
            )  # commits: the task is published to Redis at once
            assert done.wait(TASK_TIMEOUT), f"the worker did not build export {export.pk} within {TASK_TIMEOUT} s"
    finally:
        signals.task_postrun.disconnect(finished)

    assert outcome == {"state": "SUCCESS", "retval": "ready"}, outcome
    export.refresh_from_db()
    assert export.status == ProgrammeExport.Status.READY and export.file
    with export.file.open("rb") as stored:
        assert stored.read().decode("utf-8-sig").startswith("Reference,Call,Group")
