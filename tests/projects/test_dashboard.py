"""The staff dashboard: calls a page at a time, their counts, the money of every call."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from tests.factories import ApplicationFactory, CompetitionFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("calls", [2, 30])
def test_the_dashboard_pages_the_calls_counts_their_applications_and_sums_every_pool(
    client, django_assert_max_num_queries, calls
):
    competitions = CompetitionFactory.create_batch(calls, budget_pool=Decimal("1000.00"))
    newest = competitions[-1]
    newest.closes_at = timezone.now() + timezone.timedelta(days=400)
    newest.save(update_fields=["closes_at"])
    ApplicationFactory.create_batch(3, competition=newest, status=Application.Status.SUBMITTED, lines=[])
    ApplicationFactory.create_batch(2, competition=newest, lines=[])
    client.force_login(staff_user())
    with django_assert_max_num_queries(10):
        html = client.get(reverse("projects:staff_dashboard")).content.decode()
    row = html[html.index(newest.title) :].split("</tr>")[0]
    assert "<td>3</td>" in row and "<td>2</td>" in row  # submitted, drafts
    assert f"{calls * 1000:,}.00\xa0EUR" in html  # the pools of every call, not only this page's
    assert html.count("/edit/") == min(calls, 25)
    if calls > 25:
        assert "Page 1 of 2" in html
        with django_assert_max_num_queries(10):
            second = client.get(reverse("projects:staff_dashboard"), {"page": 2}).content.decode()
        assert "Page 2 of 2" in second and newest.title not in second
