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


def test_automatic_assignment_counts_in_the_pool_after_it_holds_every_application_lock():
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
