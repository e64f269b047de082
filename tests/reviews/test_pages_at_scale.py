"""The reviewer pages come by page, with filters and searches, in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from reviews.models import Assignment, Conflict, Review
from reviews.services import review_submit
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    in_pool,
    staff_user,
)

S = Application.Status
pytestmark = pytest.mark.django_db


def _call_under_review(count):
    call = CompetitionFactory(reviewers_per_application=2)
    first, second = in_pool(call), in_pool(call)
    applications = ApplicationFactory.create_batch(
        count, competition=call, status=S.IN_REVIEW, submitted_at=timezone.now(), lines=[]
    )
    Assignment.objects.bulk_create(
        [Assignment(application=a, reviewer=r) for a in applications for r in (first, second)]
    )
    return call, applications, first, second


@pytest.mark.parametrize("count", [3, 120])
def test_the_assignment_matrix_is_paginated_filtered_and_searched_in_constant_queries(
    client, django_assert_max_num_queries, count
):
    call, applications, first, second = _call_under_review(count)
    lonely = ApplicationFactory(competition=call, status=S.IN_REVIEW, title="Lonely benches", lines=[])
    Assignment.objects.create(application=lonely, reviewer=first)
    Review.objects.create(
        assignment=Assignment.objects.get(application=applications[0], reviewer=first),
        status=Review.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Review.objects.create(
        assignment=Assignment.objects.get(application=applications[0], reviewer=second),
        status=Review.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Conflict.objects.create(competition=call, reviewer=second, group=applications[-1].group)
    client.force_login(staff_user())
    url = reverse("reviews:staff_reviewers", kwargs={"pk": call.pk})
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert f"{count + 1} applications" in html
    assert html.count('<th scope="row">') == min(count + 1, 50)
    assert ("Page 1 of 3" in html) == (count == 120)
    assert '<option value="' + str(lonely.pk) not in html  # no select of every application

    with django_assert_max_num_queries(12):
        unassigned = client.get(url, {"show": "unassigned"}).content.decode()
    assert "1 application" in unassigned and lonely.reference in unassigned

    missing = client.get(url, {"show": "missing"}).content.decode()
    assert f"{count} applications" in missing and applications[0].reference not in missing

    conflicts = client.get(url, {"show": "conflicts"}).content.decode()
    assert "1 application" in conflicts and applications[-1].reference in conflicts
    assert 'text-danger">conflict' in conflicts

    found = client.get(url, {"q": "lonely"}).content.decode()
    assert "1 application" in found and lonely.reference in found
    pending = Assignment.objects.get(application=lonely, reviewer=first)
    assert f'formaction="/staff/assignments/{pending.pk}/remove/"' in found  # unassign, through one form
    assert found.count('id="unassign-form"') == 1
    if count > 50:
        last = client.get(url, {"page": 3, "show": "missing"}).content.decode()
        assert "Page 3 of 3" in last  # 120 applications miss a review: pages of 50
        assert "show=missing&amp;page=2" in last  # the filter is kept from page to page


def test_staff_assign_by_hand_by_reference(client):
    call, applications, first, _second = _call_under_review(1)
    third = in_pool(call)
    client.force_login(staff_user())
    url = reverse("reviews:staff_assign_manual", kwargs={"pk": call.pk})
    client.post(url, {"application": applications[0].reference.lower(), "reviewer": third.pk})
    assert Assignment.objects.filter(application=applications[0], reviewer=third).exists()
    other_call = ApplicationFactory(status=S.IN_REVIEW)
    response = client.post(url, {"application": other_call.reference, "reviewer": third.pk}, follow=True)
    assert "No application of this call awaiting review has this reference." in response.content.decode()
    assert not Assignment.objects.filter(application=other_call).exists()
    nobody = client.post(url, {"application": applications[0].reference}, follow=True)
    assert "Choose an application and a reviewer." in nobody.content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_the_queue_is_split_into_to_do_and_done_and_paginated(client, django_assert_max_num_queries, count):
    call, applications, first, _second = _call_under_review(count)
    done = Assignment.objects.get(application=applications[0], reviewer=first)
    criterion = CriterionFactory(competition=call)
    review_submit(assignment=done, by=first, scores={criterion.pk: {"score": 3}}, recommendation="fund")
    client.force_login(first)
    url = reverse("reviews:queue")
    with django_assert_max_num_queries(7):  # the lists' counts come with the progress, in one query
        html = client.get(url).content.decode()
    todo_part, done_part = html.split('id="done-heading"')
    assert f'<span class="badge text-bg-secondary">{count - 1}</span>' in todo_part
    assert '<span class="badge text-bg-secondary">1</span>' in done_part
    assert applications[0].reference not in todo_part and applications[0].reference in done_part
    assert applications[1].reference in todo_part
    assert todo_part.count("<tr>") == min(count - 1, 25) + 1  # the header, then one page of rows
    if count > 25:
        assert "Page 1 of 3" in todo_part
        second_page = client.get(url, {"page": 2}).content.decode().split('id="done-heading"')[0]
        assert "Page 2 of 3" in second_page and applications[1].reference not in second_page


@pytest.mark.parametrize("count", [3, 150])
def test_conflicts_are_declared_through_a_search_not_a_list_of_every_group(
    client, django_assert_max_num_queries, count
):
    call = CompetitionFactory()
    ApplicationFactory.create_batch(count, competition=call, status=S.SUBMITTED, lines=[])
    close = ApplicationFactory(
        competition=call, status=S.SUBMITTED, group=GroupFactory(name="Zebra Crossing Friends"), lines=[]
    )
    ApplicationFactory(competition=call, status=S.DRAFT, group=GroupFactory(name="Zebra Draft Group"), lines=[])
    reviewer = in_pool(call, declared=False)
    client.force_login(reviewer)
    url = reverse("reviews:conflicts", kwargs={"pk": call.pk})
    with django_assert_max_num_queries(10):
        empty = client.get(url).content.decode()
    assert empty.count('type="checkbox"') - empty.count('name="regions"') == 1  # only the confirmation
    with django_assert_max_num_queries(10):
        found = client.get(url, {"q": "zebra"}).content.decode()
    assert "Zebra Crossing Friends" in found and "Zebra Draft Group" not in found
    response = client.post(f"{url}?q=zebra", {"confirm": "on", "groups": [close.group.pk]})
    assert response.status_code == 302
    assert Conflict.objects.filter(reviewer=reviewer, group=close.group).exists()
    stranger = GroupFactory(name="Not in this call")
    refused = client.post(url, {"confirm": "on", "groups": [stranger.pk]})
    assert refused.status_code == 200
    assert not Conflict.objects.filter(reviewer=reviewer, group=stranger).exists()


def test_the_queue_lists_what_is_due_first_and_the_latest_submitted_first(client):
    """The two lists read the assignment's own copy of the review's submission time, kept by
    ``review_submit``; a draft stays to do."""
    call, applications, first, _second = _call_under_review(4)
    criterion = CriterionFactory(competition=call)
    now = timezone.now()
    assignments = [Assignment.objects.get(application=a, reviewer=first) for a in applications]
    for number, assignment in enumerate(assignments):
        assignment.due_at = now + timezone.timedelta(days=4 - number)  # the last application is due first
        assignment.save(update_fields=["due_at"])
    for assignment in (assignments[1], assignments[0]):  # submitted in this order
        review_submit(assignment=assignment, by=first, scores={criterion.pk: {"score": 2}}, recommendation="fund")
        review = Review.objects.get(assignment=assignment)
        assignment.refresh_from_db()
        assert assignment.submitted_at == review.submitted_at is not None
    drafted = Assignment.objects.get(pk=assignments[2].pk)
    Review.objects.create(assignment=drafted)  # a draft: still to do
    client.force_login(first)
    todo_part, done_part = client.get(reverse("reviews:queue")).content.decode().split('id="done-heading"')
    references = [a.reference for a in applications]
    assert todo_part.index(references[3]) < todo_part.index(references[2])  # due first, listed first
    assert references[0] not in todo_part and references[1] not in todo_part
    assert done_part.index(references[0]) < done_part.index(references[1])  # submitted last, listed first
    assert "2 of 4 reviews done" in todo_part
