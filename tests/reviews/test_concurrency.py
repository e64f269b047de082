"""Two reviewers submit the last two reviews at the same moment: the application is completed once.

Letting two threads race is not enough: without the row lock they interleave badly only now and
then. So the test holds both of them in the critical window. ``_save_review`` (run after the
application row is locked and before the "outstanding reviews" check) is wrapped to wait at a
barrier for the other thread, and each thread commits only once both have made the check (or a
second barrier has timed out). Without the lock both threads meet inside the window, each checks
before the other commits, neither sees every review submitted, and the application is never
completed: the test fails every time. With the lock the second thread waits on the row, the first
one's barrier times out (the expected path), it commits, and the second one completes the review.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog

from applications.models import Application
from reviews import services
from reviews.models import Review
from tests.factories import ApplicationFactory, CompetitionFactory, CriterionFactory, in_pool, staff_user

# How long a thread inside the window waits for the other one. Without the lock the other one
# arrives within milliseconds; with it, it never does, and the wait ends in a timeout.
WINDOW_SECONDS = 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_final_reviews_at_once_complete_the_review_exactly_once(on_postgres, monkeypatch):
    call = CompetitionFactory(reviewers_per_application=2)
    criterion = CriterionFactory(competition=call, max_score=5)
    application = ApplicationFactory(competition=call, status="submitted", screened_at=timezone.now())
    staff = staff_user()
    reviewers = [in_pool(call), in_pool(call)]
    assignments = [services.assignment_create(application=application, reviewer=r, by=staff) for r in reviewers]
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW

    start = threading.Barrier(2)
    inside = threading.Barrier(2, timeout=WINDOW_SECONDS)  # both past the lock, before the check
    checked = threading.Barrier(2, timeout=WINDOW_SECONDS)  # both made the check, before any commit
    met_inside, timeouts, errors = [], [], []
    save_review = services._save_review

    def save_review_then_wait(*args, **kwargs):
        review = save_review(*args, **kwargs)
        try:
            inside.wait()
            met_inside.append(True)
        except threading.BrokenBarrierError:  # the other thread is held by the lock: as it should be
            timeouts.append("inside")
        return review

    monkeypatch.setattr(services, "_save_review", save_review_then_wait)

    def submit(assignment, reviewer):
        try:
            start.wait(timeout=10)
            with transaction.atomic():  # the commit waits until both threads have checked
                services.review_submit(
                    assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 3}}, recommendation="fund"
                )
                try:
                    checked.wait()
                except threading.BrokenBarrierError:  # with the lock, the other thread is still waiting
                    timeouts.append("checked")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(a, r)) for a, r in zip(assignments, reviewers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert Review.objects.filter(status=Review.Status.SUBMITTED).count() == 2
    application.refresh_from_db()
    completions = StateLog.objects.filter(object_id=application.pk, transition="complete_review").count()
    # Completed exactly once, and the lock kept the second reviewer out of the window while the
    # first one was in it (``met_inside`` non-empty means both were inside at once: no lock).
    assert (application.status, completions, met_inside) == (Application.Status.REVIEWED, 1, [])
    assert "inside" in timeouts


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_a_conflict_declared_while_the_same_review_is_submitted_waits_and_is_refused(on_postgres, monkeypatch):
    """One tab submits the review while another declares a conflict on the same assignment. The
    submission is held inside its transaction (after its locks, before its commit) while the
    declaration starts: the declaration waits on the application row, then finds the review
    submitted and is refused. Taking the assignment first, as it once did, it deadlocked with the
    submission or deleted the review just submitted."""
    call = CompetitionFactory(reviewers_per_application=1)
    criterion = CriterionFactory(competition=call, max_score=5)
    application = ApplicationFactory(competition=call, status="submitted", screened_at=timezone.now())
    reviewer = in_pool(call)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff_user())
    services.review_save(assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 2}})
    submitted_inside, declared = threading.Event(), threading.Event()
    outcome, errors = {}, []
    save_review = services._save_review

    def save_review_then_hold(*args, **kwargs):
        review = save_review(*args, **kwargs)
        submitted_inside.set()
        declared.wait(timeout=WINDOW_SECONDS)  # the declaration cannot finish while this holds its locks
        return review

    monkeypatch.setattr(services, "_save_review", save_review_then_hold)

    def submit():
        try:
            services.review_submit(
                assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 4}}, recommendation="fund"
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def declare():
        submitted_inside.wait(timeout=10)
        try:
            services.conflict_declare_on_assignment(assignment=assignment, by=reviewer, reason="My neighbours")
            outcome["declared"] = True
        except ValidationError as error:
            outcome["refused"] = error.messages
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            declared.set()
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=declare)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert outcome == {"refused": ["This review is already submitted."]}
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.SUBMITTED
    application.refresh_from_db()
    assert application.status == Application.Status.REVIEWED
