"""Public call pages and the staff area for calls and their applications."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from grants.models import Competition
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    ProgrammeFactory,
    RegionFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_public_pages_list_open_calls_and_never_a_grantee(client):
    open_call = CompetitionFactory(title="Backyard 2027")
    closed = CompetitionFactory(
        title="Old call", opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1)
    )
    hidden = CompetitionFactory(title="Unpublished", is_published=False)
    application = ApplicationFactory(competition=open_call, group__name="Secret Partisan Group")
    services.application_submit(application=application, by=member_of(application.group))
    home = client.get("/").content.decode()
    assert "Backyard 2027" in home and "Old call" not in home and "Unpublished" not in home
    listing = client.get(reverse("grants:call_list")).content.decode()
    assert "Old call" in listing and "Unpublished" not in listing
    for url in ("/", reverse("grants:call_list"), open_call.get_absolute_url(), closed.get_absolute_url()):
        assert "Secret Partisan Group" not in client.get(url).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_call_page_shows_rules_budget_deadline_in_the_visitors_zone_and_time_left(client):
    deadline = datetime(2030, 3, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
    call = CompetitionFactory(
        rules="Three people at least.",
        budget_pool=Decimal("60000"),
        closes_at=deadline,
        opens_at=timezone.now() - timedelta(days=1),
    )
    CriterionFactory(competition=call, name="Relevance", weight=Decimal("3"))
    client.cookies["tz"] = "America/New_York"
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Three people at least." in html and "Relevance" in html
    assert "60,000.00\xa0EUR" in html
    assert "31 March 2030, 17:59" in html and "America/New_York" in html  # the visitor's zone
    assert "31 March 2030, 23:59 in the call" in html  # and the call's own
    assert "left" in html
    assert 'datetime="2030-03-31T21:59:00+00:00"' in html


def test_call_page_in_polish_formats_money_for_the_locale(client):
    call = CompetitionFactory(budget_pool=Decimal("60000"), currency="PLN")
    html = client.get(call.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "60\xa0000,00\xa0PLN" in html


def test_every_page_forbids_third_party_requests(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


STAFF_URLS = ["projects:staff_dashboard", "grants:staff_call_create"]
STAFF_CALL_URLS = ["grants:staff_call_edit", "applications:staff_call_applications"]


@pytest.mark.parametrize("role", [None, "applicant", "reviewer", "mentor"])
def test_the_staff_area_does_not_exist_for_anyone_else(client, role):
    call = CompetitionFactory()
    if role:
        client.force_login(UserFactory(roles=[role]))
    urls = [reverse(name) for name in STAFF_URLS]
    urls += [reverse(name, kwargs={"pk": call.pk}) for name in STAFF_CALL_URLS]
    for url in urls:
        response = client.get(url)
        if role is None:  # logged out: the log-in page, then back here
            assert response.status_code == 302 and response["Location"] == f"{reverse('account_login')}?next={url}"
        else:
            assert response.status_code == 404


def _call_form_data(programme, **overrides):
    data = {
        "programme": programme.pk,
        "title": "Local media 2027",
        "slug": "local-media-2027",
        "description": "For independent local media.",
        "rules": "",
        "is_published": "on",
        "kind": "fixed",
        "currency": "UAH",
        "budget_pool": "100000",
        "min_grant": "1000",
        "max_grant": "20000",
        "time_zone": "Europe/Kyiv",
        "opens_at": "2027-01-10T09:00",
        "closes_at": "2027-02-28T23:59",
        "project_start_earliest": "2027-04-01",
        "project_end_latest": "2027-12-31",
        "informal_groups_allowed": "on",
        "max_applications_per_group": "1",
        "reviewers_per_application": "3",
        "checkin_interval_weeks": "4",
        "disagreement_threshold": "15",
        "final_report_days": "30",
        "alert_after_days": "7",
        "eligibility-TOTAL_FORMS": "0",
        "eligibility-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
        "indicators-0-name": "Participants",
        "indicators-0-position": "0",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "Relevance",
        "criteria-0-weight": "3",
        "criteria-0-max_score": "5",
        "criteria-0-position": "0",
        "criteria-1-name": "Budget",
        "criteria-1-weight": "1",
        "criteria-1-max_score": "10",
        "criteria-1-position": "1",
    }
    data.update(overrides)
    return data


def test_staff_create_a_call_with_rubric_and_times_in_the_calls_zone(client):
    client.force_login(staff_user())
    programme = ProgrammeFactory()
    region = RegionFactory()
    response = client.post(
        reverse("grants:staff_call_create"), _call_form_data(programme, eligible_regions=[region.pk], blind_review="on")
    )
    call = Competition.objects.get(slug="local-media-2027")
    assert response["Location"] == reverse("applications:staff_call_applications", kwargs={"pk": call.pk})
    assert call.closes_at == datetime(2027, 2, 28, 23, 59, tzinfo=zoneinfo.ZoneInfo("Europe/Kyiv"))
    assert (call.currency, call.budget_pool, call.blind_review) == ("UAH", Decimal("100000.00"), True)
    assert list(call.criteria.values_list("name", "weight", "max_score")) == [
        ("Relevance", Decimal("3.00"), 5),
        ("Budget", Decimal("1.00"), 10),
    ]
    assert list(call.eligible_regions.all()) == [region]
    assert list(call.indicators.values_list("name", flat=True)) == ["Participants"]
    # Editing shows the times in the call's zone again.
    edit = client.get(reverse("grants:staff_call_edit", kwargs={"pk": call.pk})).content.decode()
    assert 'value="2027-02-28T23:59"' in edit


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"max_grant": "500"}, "max_grant", "The maximum grant must not be below the minimum."),
        ({"max_grant": "200000"}, "max_grant", "The maximum grant must not exceed the budget pool."),
        ({"closes_at": "2027-01-01T00:00"}, "closes_at", "The deadline must come after the opening."),
        ({"budget_pool": "-1"}, "budget_pool", "Ensure this value is greater than or equal to 0."),
        ({"budget_pool": "many"}, "budget_pool", "Enter a number."),
    ],
)
def test_bad_call_input_is_an_error_on_the_field(client, overrides, field, message):
    client.force_login(staff_user())
    response = client.post(reverse("grants:staff_call_create"), _call_form_data(ProgrammeFactory(), **overrides))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Competition.objects.exists()


def _submitted_applications(call, count, region=None):
    applications = ApplicationFactory.create_batch(
        count,
        competition=call,
        group=GroupFactory(region=region or RegionFactory()),
        status="submitted",
        submitted_at=timezone.now(),
    )
    return applications


@pytest.mark.parametrize("count", [5, 200])
def test_staff_list_of_a_calls_applications_filters_paginates_and_keeps_queries_constant(
    client, django_assert_max_num_queries, count
):
    call = CompetitionFactory()
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    _submitted_applications(call, count, region=north)
    other = ApplicationFactory(competition=call, region=south, title="Southern project")
    services.application_submit(application=other, by=member_of(other.group))
    ApplicationFactory(competition=call, title="Still a draft")
    client.force_login(staff_user())
    url = reverse("applications:staff_call_applications", kwargs={"pk": call.pk})
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert f"{count + 1} applications" in page and "Still a draft" not in page
    with django_assert_max_num_queries(12):
        filtered = client.get(url, {"region": south.pk}).content.decode()
    assert "1 application" in filtered and "Southern project" in filtered
    by_status = client.get(url, {"status": "submitted", "region": north.pk}).content.decode()
    assert f"{count} applications" in by_status
    if count > 25:
        assert "Page 1 of" in page
        second = client.get(url, {"page": 2, "region": north.pk}).content.decode()
        assert "Page 2 of" in second and "region=" in second


@pytest.mark.parametrize("count", [5, 200])
def test_staff_dashboard_queries_are_constant(client, django_assert_max_num_queries, count):
    for _ in range(3):
        _submitted_applications(CompetitionFactory(), count // 3 + 1)
    client.force_login(staff_user())
    # 10: the page of calls, one grouped count of those calls' applications (not every call's), the failed e-mails
    with django_assert_max_num_queries(10):
        assert client.get(reverse("projects:staff_dashboard")).status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_public_pages_queries_are_constant(client, django_assert_max_num_queries, count):
    calls = CompetitionFactory.create_batch(count)
    for call in calls[:3]:
        CriterionFactory.create_batch(3, competition=call)
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("grants:call_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(calls[0].get_absolute_url()).status_code == 200
