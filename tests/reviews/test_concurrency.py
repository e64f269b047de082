"""Two reviewers submit the last two reviews at the same moment: the application is completed once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_fsm_log.models import StateLog

from applications.models import Application
from reviews import services
from tests.factories import ApplicationFactory, CompetitionFactory, CriterionFactory, in_pool, staff_user


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_final_reviews_at_once_complete_the_review_exactly_once(on_postgres):
    call = CompetitionFactory(reviewers_per_application=2)
    criterion = CriterionFactory(competition=call, max_score=5)
    application = ApplicationFactory(competition=call, status="submitted", screened_at=timezone.now())
    staff = staff_user()
    reviewers = [in_pool(call), in_pool(call)]
    assignments = [services.assignment_create(application=application, reviewer=r, by=staff) for r in reviewers]
    barrier = threading.Barrier(2)
    errors = []

    def submit(assignment, reviewer):
        try:
            barrier.wait(timeout=10)
            services.review_submit(
                assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 3}}, recommendation="fund"
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(a, r)) for a, r in zip(assignments, reviewers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    application.refresh_from_db()
    assert application.status == Application.Status.REVIEWED
    assert StateLog.objects.filter(object_id=application.pk, transition="complete_review").count() == 1
