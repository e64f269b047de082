"""Limits on what is typed: long texts are refused with a translated error on their field, and
dates must be ones the programme can mean."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from config.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX
from projects import mentoring
from projects.forms import ReportForm
from reviews.forms import AssignmentConflictForm
from tests.applications.test_views import _post_data
from tests.factories import ApplicationFactory, UserFactory, funded_application, member_of, staff_user

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * (1024 * 1024)


def test_a_megabyte_summary_is_refused_and_nothing_of_it_is_stored(client):
    draft = ApplicationFactory(summary="Short and sweet.")
    client.force_login(member_of(draft.group))
    response = client.post(
        reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft, summary=MEGABYTE, title="Kept")
    )
    assert response.status_code == 200
    assert f"Ensure this value has at most {SHORT_TEXT_MAX} characters" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Short and sweet." and draft.title == "Kept"
    long_problem = _post_data(draft, problem="y" * (LONG_TEXT_MAX + 1))
    response = client.post(reverse("applications:edit", kwargs={"pk": draft.pk}), long_problem)
    assert f"Ensure this value has at most {LONG_TEXT_MAX} characters" in response.content.decode()


def test_the_error_is_translated(client):
    draft = ApplicationFactory()
    member = member_of(draft.group)
    member.language = "pl"
    member.save()
    client.force_login(member)
    with override("pl"):
        response = client.post(
            reverse("applications:edit", kwargs={"pk": draft.pk}),
            _post_data(draft, summary=MEGABYTE, planned_start="0001-01-01"),
            HTTP_ACCEPT_LANGUAGE="pl",
        )
    html = response.content.decode()
    assert f"{SHORT_TEXT_MAX}" in html and "Ensure this value" not in html


def test_an_application_dated_in_the_year_1_is_refused(client):
    draft = ApplicationFactory()
    planned = draft.planned_start
    client.force_login(member_of(draft.group))
    response = client.post(
        reverse("applications:edit", kwargs={"pk": draft.pk}), _post_data(draft, planned_start="0001-01-01")
    )
    assert "Enter a date between" in response.content.decode()
    draft.refresh_from_db()
    assert draft.planned_start == planned


@pytest.fixture
def checkin_page(client):
    staff = staff_user()
    application = funded_application(staff=staff)
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    checkin = application.checkins.order_by("due_on").first()
    client.force_login(mentor)
    return checkin, reverse("projects:checkin_record", kwargs={"pk": checkin.pk})


def _checkin_data(**overrides):
    return {"held_on": timezone.localdate().isoformat(), "format": "call", "progress": "on_track"} | overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "0001-01-01"}, "Enter a date between"),
        ({"held_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "held in the future"),
        ({"notes": MEGABYTE}, f"at most {LONG_TEXT_MAX} characters"),
        ({"actions": MEGABYTE}, f"at most {LONG_TEXT_MAX} characters"),
    ],
)
def test_a_checkin_with_a_silly_date_or_a_megabyte_of_notes_is_refused(client, checkin_page, overrides, message):
    checkin, url = checkin_page
    response = client.post(url, _checkin_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.held_on is None and checkin.status == "open"


def test_a_sensible_checkin_is_recorded(client, checkin_page):
    checkin, url = checkin_page
    assert client.post(url, _checkin_data(notes="Met at the library.")).status_code == 302
    checkin.refresh_from_db()
    assert checkin.held_on == timezone.localdate()


def test_plain_forms_get_limits_too():
    report = ReportForm(data={"narrative": MEGABYTE}, indicators=[], budget_lines=[], currency="EUR")
    assert not report.is_valid() and "narrative" in report.errors
    conflict = AssignmentConflictForm(data={"reason": MEGABYTE})
    assert not conflict.is_valid() and f"at most {SHORT_TEXT_MAX} characters" in str(conflict.errors["reason"])


def test_the_date_range_is_wide_enough_for_real_projects():
    from config.limits import sane_date

    sane_date(date(2026, 5, 1))
    sane_date(date(2099, 12, 31))
