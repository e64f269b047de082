"""The pool's counters (each reviewer's assignments and submitted reviews in a call) follow every
service that changes them, so the matrix reads them from the pool's rows instead of counting the
call's assignments."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from reviews import services
from reviews.models import Assignment, PoolMembership
from reviews.selectors import pool_counts
from tests.factories import ApplicationFactory, CompetitionFactory, CriterionFactory, in_pool, staff_user

S = Application.Status
pytestmark = pytest.mark.django_db


def _counters(call):
    return {
        m.reviewer_id: (m.assigned_count, m.submitted_count) for m in PoolMembership.objects.filter(competition=call)
    }


def _assert_counted(call, expected):
    counted = pool_counts(call.pk)
    assert _counters(call) == {r: counted.get(r, (0, 0)) for r in _counters(call)} == expected


def _submit(assignment, reviewer, criterion):
    services.review_submit(
        assignment=assignment, by=reviewer, scores={criterion.pk: {"score": 4, "comment": ""}}, recommendation="fund"
    )


def test_the_counters_follow_assigning_unassigning_conflicts_and_submitting():
    staff = staff_user()
    call = CompetitionFactory(reviewers_per_application=2)
    criterion = CriterionFactory(competition=call)
    ann, ben = in_pool(call), in_pool(call)
    applications = ApplicationFactory.create_batch(
        3, competition=call, status=S.SUBMITTED, submitted_at=timezone.now(), screened_at=timezone.now(), lines=[]
    )
    other_call = CompetitionFactory()
    in_pool(other_call, reviewer=ann)
    elsewhere = ApplicationFactory(
        competition=other_call, status=S.SUBMITTED, submitted_at=timezone.now(), screened_at=timezone.now(), lines=[]
    )
    services.assignment_create(application=elsewhere, reviewer=ann, by=staff)  # another call's count
    _assert_counted(call, {ann.pk: (0, 0), ben.pk: (0, 0)})

    services.assign_automatically(competition=call, by=staff)
    _assert_counted(call, {ann.pk: (3, 0), ben.pk: (3, 0)})
    assert _counters(other_call) == {ann.pk: (1, 0)}

    first = Assignment.objects.get(application=applications[0], reviewer=ann)
    _submit(first, ann, criterion)
    _assert_counted(call, {ann.pk: (3, 1), ben.pk: (3, 0)})

    services.assignment_remove(assignment=Assignment.objects.get(application=applications[1], reviewer=ann), by=staff)
    _assert_counted(call, {ann.pk: (2, 1), ben.pk: (3, 0)})

    services.conflict_declare_on_assignment(
        assignment=Assignment.objects.get(application=applications[1], reviewer=ben), by=ben, reason="My neighbours"
    )
    _assert_counted(call, {ann.pk: (2, 1), ben.pk: (2, 0)})

    # A group conflict removes the open assignments it covers, never a submitted review.
    _submit(Assignment.objects.get(application=applications[0], reviewer=ben), ben, criterion)
    services.conflicts_declare(competition=call, by=ben, groups=[applications[0].group, applications[2].group])
    _assert_counted(call, {ann.pk: (2, 1), ben.pk: (1, 1)})


def test_a_reviewer_added_back_to_the_pool_gets_their_counts_and_bulk_data_is_recounted():
    staff = staff_user()
    call = CompetitionFactory()
    reviewer = in_pool(call)
    applications = ApplicationFactory.create_batch(2, competition=call, status=S.IN_REVIEW, lines=[])
    Assignment.objects.bulk_create([Assignment(application=a, reviewer=reviewer) for a in applications])
    assert _counters(call) == {reviewer.pk: (0, 0)}  # loaded in bulk: past the services

    services.pool_recount(call)
    assert _counters(call) == {reviewer.pk: (2, 0)}

    PoolMembership.objects.filter(competition=call).delete()
    services.pool_add(competition=call, reviewer=reviewer, by=staff)
    assert _counters(call) == {reviewer.pk: (2, 0)}


def test_the_matrix_shows_the_counters(client):
    staff = staff_user()
    call = CompetitionFactory()
    reviewer = in_pool(call)
    PoolMembership.objects.filter(reviewer=reviewer).update(assigned_count=417, submitted_count=389)
    client.force_login(staff)
    html = client.get(reverse("reviews:staff_reviewers", kwargs={"pk": call.pk})).content.decode()
    assert "<td>417</td><td>389</td>" in html


@pytest.mark.postgres_only
def test_automatic_assignment_counts_in_the_pool_after_it_holds_every_application_lock(on_postgres):
    """review_submit locks its application, then its reviewer's pool row; counting as it went,
    the automatic assignment could hold a pool row while waiting for such an application."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = staff_user()
    call = CompetitionFactory(reviewers_per_application=2)
    ann, ben = in_pool(call), in_pool(call)
    ApplicationFactory.create_batch(
        4, competition=call, status=S.SUBMITTED, submitted_at=timezone.now(), screened_at=timezone.now(), lines=[]
    )
    with CaptureQueriesContext(connection) as captured:
        services.assign_automatically(competition=call, by=staff)
    sql = [query["sql"] for query in captured.captured_queries]
    locks = [
        i for i, q in enumerate(sql) if q.startswith("SELECT") and "FOR UPDATE" in q and "applications_application" in q
    ]
    counts = [i for i, q in enumerate(sql) if q.startswith('UPDATE "reviews_poolmembership"')]
    assert len(locks) >= 8 and counts and min(counts) > max(locks)
    _assert_counted(call, {ann.pk: (4, 0), ben.pk: (4, 0)})


def _lock_order(run):
    """The tables whose rows ``run`` locks or writes, in the order it first does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    order = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and "FOR UPDATE" in sql:
            table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
        elif sql.startswith(("UPDATE", "DELETE")):
            table = sql.split()[1 if sql.startswith("UPDATE") else 2].strip('"')
        else:
            continue
        if table not in order:
            order.append(table)
    return order


@pytest.mark.postgres_only
def test_declaring_conflicts_locks_in_the_order_review_submit_does(on_postgres):
    """review_submit locks its application, then its review and assignment, then the pool row. A
    declaration that removed the same assignment in the other order (the pool row first, as it
    once did) could deadlock with it, or delete a review submitted a moment before
    (tests/reviews/test_concurrency.py runs the two at once)."""
    staff = staff_user()
    call = CompetitionFactory(reviewers_per_application=1)
    criterion = CriterionFactory(competition=call)
    ann = in_pool(call)
    first, second = ApplicationFactory.create_batch(
        2, competition=call, status=S.SUBMITTED, submitted_at=timezone.now(), screened_at=timezone.now(), lines=[]
    )
    one = services.assignment_create(application=first, reviewer=ann, by=staff)
    services.assignment_create(application=second, reviewer=ann, by=staff)
    submit = _lock_order(lambda: _submit(one, ann, criterion))
    assert submit.index("applications_application") < submit.index("reviews_assignment")
    assert submit.index("reviews_assignment") < submit.index("reviews_poolmembership")

    declare = _lock_order(lambda: services.conflicts_declare(competition=call, by=ann, groups=[second.group]))
    assert declare[0] == "applications_application"
    assert declare.index("reviews_assignment") < declare.index("reviews_poolmembership")
    assert not Assignment.objects.filter(application=second).exists()

    third = ApplicationFactory(
        competition=call, status=S.SUBMITTED, submitted_at=timezone.now(), screened_at=timezone.now(), lines=[]
    )
    assignment = services.assignment_create(application=third, reviewer=ann, by=staff)
    on_one = _lock_order(
        lambda: services.conflict_declare_on_assignment(assignment=assignment, by=ann, reason="My neighbours")
    )
    assert on_one[0] == "applications_application"
    assert on_one.index("reviews_assignment") < on_one.index("reviews_poolmembership")
    _assert_counted(call, {ann.pk: (1, 1)})
