"""The assignment matrix's cells, built in Python (reviews/matrix.py): each state, the unassign
button only where a review is not submitted, every name escaped, one cell per pool member."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from reviews.models import Assignment, Conflict, Review
from tests.factories import ApplicationFactory, CompetitionFactory, in_pool, reviewer_user, staff_user

pytestmark = pytest.mark.django_db


def test_each_state_has_its_cell_and_names_are_escaped(client):
    call = CompetitionFactory()
    submitted, draft, assigned = (in_pool(call, reviewer_user(full_name=f"<b>R{n}</b>")) for n in range(3))
    conflicted = in_pool(call)
    in_pool(call)  # idle: nothing assigned
    application = ApplicationFactory(
        competition=call, status=Application.Status.IN_REVIEW, reference="SG-<i>1", lines=[]
    )
    for reviewer in (submitted, draft, assigned):
        Assignment.objects.create(application=application, reviewer=reviewer)
    Review.objects.create(
        assignment=Assignment.objects.get(reviewer=submitted),
        status=Review.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Review.objects.create(assignment=Assignment.objects.get(reviewer=draft))
    Conflict.objects.create(competition=call, reviewer=conflicted, application=application)
    client.force_login(staff_user())
    html = client.get(reverse("reviews:staff_reviewers", kwargs={"pk": call.pk})).content.decode()
    row = html[html.index('<th scope="row">') :]
    row = row[: row.index("</tr>")]
    assert row.count("<td") == 1 + 5  # the status, then one cell per pool member
    assert '<span class="text-success">✔ submitted</span>' in row
    assert ">draft <button" in row and ">assigned <button" in row and 'text-danger">conflict' in row
    assert row.count("<td></td>") == 1  # the idle reviewer
    assert row.count("formaction=") == 2  # no unassigning a submitted review
    pending = Assignment.objects.get(reviewer=assigned)
    assert f'formaction="/staff/assignments/{pending.pk}/remove/"' in row
    assert "<b>R" not in row and "&lt;b&gt;R2&lt;/b&gt; SG-&lt;i&gt;1" in row
