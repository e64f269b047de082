"""The portfolio across calls: filters, a search that never confirms a hidden name, pagination, the
export of what is filtered, tranches with due dates, and a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import awards
from projects.models import CheckIn, PaymentTranche, Report
from tests.factories import (
    CompetitionFactory,
    GroupFactory,
    ProgrammeFactory,
    RegionFactory,
    UserFactory,
    funded_application,
    staff_user,
)

pytestmark = pytest.mark.django_db
URL = reverse("projects:staff_portfolio")


@pytest.fixture
def world():
    today = timezone.localdate()
    staff = staff_user()
    first, second = ProgrammeFactory(name="First"), ProgrammeFactory(name="Second")
    open_call = CompetitionFactory(programme=first, title="Open call")
    secret_call = CompetitionFactory(programme=second, title="Secret call", confidential=True)
    north = RegionFactory(name="North")
    mentor = UserFactory(email="mentor@example.org")
    garden = funded_application(
        competition=open_call, group=GroupFactory(name="Garden Friends", region=north), title="Garden", staff=staff
    )
    garden.mentor = mentor
    garden.save()
    shelter = funded_application(
        competition=secret_call, group=GroupFactory(name="Hidden Shelter"), title="Shelter", staff=staff
    )
    awards.tranches_set(
        application=garden,
        rows=[
            {"label": "Signature", "amount": Decimal("600"), "due_on": today - timedelta(days=3)},
            {"label": "Report", "amount": Decimal("400"), "due_on": today + timedelta(days=60)},
        ],
        by=staff,
    )
    CheckIn.objects.create(application=shelter, due_on=today - timedelta(days=5))
    return {"staff": staff, "garden": garden, "shelter": shelter, "first": first, "north": north, "mentor": mentor}


def _page(client, world, **params):
    client.force_login(world["staff"])
    return client.get(URL, params).content.decode()


def test_filters_by_programme_region_and_mentor(client, world):
    assert "Garden" in _page(client, world) and "Shelter" in _page(client, world)
    by_programme = _page(client, world, programme=world["first"].pk)
    assert "Garden" in by_programme and "Shelter" not in by_programme
    assert "Shelter" not in _page(client, world, region=world["north"].pk)
    assert "Shelter" not in _page(client, world, mentor=world["mentor"].pk)


def test_confidential_group_is_shown_and_found_only_by_code_name(client, world):
    page = _page(client, world)
    assert "Hidden Shelter" not in page
    code = world["shelter"].group.code_name
    assert f"Group {code}" in page
    assert world["shelter"].reference not in _page(client, world, q="Hidden Shelter")
    assert world["shelter"].reference in _page(client, world, q=code)
    assert world["garden"].reference in _page(client, world, q="Garden Friends")


def test_tranches_have_due_dates_and_overdue_ones_are_marked(client, world):
    assert list(PaymentTranche.objects.filter(application=world["garden"]).values_list("due_on", flat=True))[0]
    page = _page(client, world, list="tranches")
    assert "Signature" in page and "overdue" in page


def test_reports_and_checkins_lists(client, world):
    Report.objects.filter(application=world["garden"]).update(due_on=timezone.localdate() - timedelta(days=1))
    assert world["garden"].reference in _page(client, world, list="reports")
    checkins = _page(client, world, list="checkins")
    assert world["shelter"].reference in checkins and world["garden"].reference not in checkins


def test_export_is_what_is_filtered(client, world):
    client.force_login(world["staff"])
    response = client.get(URL, {"programme": world["first"].pk, "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Garden Friends" in text and "Shelter" not in text


def test_portfolio_uses_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["staff"])
    call = world["garden"].competition
    for which in ("projects", "tranches", "reports", "checkins"):
        with django_assert_max_num_queries(14):
            assert client.get(URL, {"list": which}).status_code == 200
    for _ in range(8):
        application = funded_application(competition=call, staff=world["staff"], amount=Decimal("700"))
        PaymentTranche.objects.create(application=application, label="All", amount=Decimal("700"))
        CheckIn.objects.create(application=application, due_on=timezone.localdate() - timedelta(days=2))
    for which in ("projects", "tranches", "reports", "checkins"):
        with django_assert_max_num_queries(14):
            assert client.get(URL, {"list": which}).status_code == 200
