"""Check-ins: scheduled at the call's interval, rescheduled without losing or doubling, recorded."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import mentoring
from projects.models import CheckIn
from tests.factories import UserFactory, funded_application, member_of, staff_user

pytestmark = pytest.mark.django_db


def test_checkin_dates_every_interval_and_at_the_end():
    assert mentoring.checkin_dates(date(2027, 1, 1), date(2027, 3, 1), 4) == [
        date(2027, 1, 29),
        date(2027, 2, 26),
        date(2027, 3, 1),
    ]
    assert mentoring.checkin_dates(date(2027, 1, 1), date(2027, 1, 29), 4) == [date(2027, 1, 29)]
    assert mentoring.checkin_dates(date(2027, 1, 1), date(2027, 1, 1), 4) == []


def test_assigning_a_mentor_schedules_the_checkins():
    staff = staff_user()
    application = funded_application(start=date(2027, 1, 1), end=date(2027, 3, 1), staff=staff)
    mentor = UserFactory(roles=["mentor"])
    with pytest.raises(ValidationError):
        mentoring.mentor_assign(application=application, mentor=UserFactory(), by=staff)
    with pytest.raises(PermissionDenied):
        mentoring.mentor_assign(application=application, mentor=mentor, by=mentor)
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    assert list(application.checkins.values_list("due_on", "status")) == [
        (date(2027, 1, 29), "open"),
        (date(2027, 2, 26), "open"),
        (date(2027, 3, 1), "open"),
    ]


def test_rescheduling_keeps_held_checkins_and_never_duplicates():
    staff = staff_user()
    application = funded_application(start=date(2027, 1, 1), end=date(2027, 3, 1), staff=staff)
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    first = application.checkins.get(due_on=date(2027, 1, 29))
    CheckIn.objects.filter(pk=first.pk).update(status="held", held_on=date(2027, 1, 28), progress="on_track")
    mentoring.checkins_schedule(application=application)  # twice: nothing changes
    assert application.checkins.count() == 3
    # The project is extended and the call's interval shortened: open ones follow, the held one stays.
    application.competition.checkin_interval_weeks = 2
    application.competition.save()
    mentoring.project_dates_change(application=application, start=date(2027, 1, 1), end=date(2027, 3, 15), by=staff)
    assert list(application.checkins.values_list("due_on", "status")) == [
        (date(2027, 1, 15), "open"),
        (date(2027, 1, 29), "held"),
        (date(2027, 2, 12), "open"),
        (date(2027, 2, 26), "open"),
        (date(2027, 3, 12), "open"),
        (date(2027, 3, 15), "open"),
    ]
    assert application.checkins.get(status="held").pk == first.pk


def test_changing_the_calls_interval_on_the_staff_page_reschedules(client):
    staff = staff_user()
    application = funded_application(start=date(2027, 1, 1), end=date(2027, 3, 1), staff=staff)
    mentoring.mentor_assign(application=application, mentor=UserFactory(roles=["mentor"]), by=staff)
    from django.urls import reverse

    from grants.forms import CompetitionForm

    call = application.competition
    data = {f: getattr(call, f) for f in CompetitionForm.Meta.fields if f not in ("eligible_regions", "programme")}
    data.update(
        programme=call.programme_id,
        checkin_interval_weeks=8,
        **{
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
            "eligibility-TOTAL_FORMS": "0",
            "eligibility-INITIAL_FORMS": "0",
        },
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["opens_at"] = call.opens_at.strftime("%Y-%m-%dT%H:%M")
    data["closes_at"] = call.closes_at.strftime("%Y-%m-%dT%H:%M")
    client.force_login(staff)
    response = client.post(reverse("grants:staff_call_edit", kwargs={"pk": call.pk}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(application.checkins.values_list("due_on", flat=True)) == [date(2027, 2, 26), date(2027, 3, 1)]


def test_recording_an_off_track_checkin_alerts_staff_once(django_capture_on_commit_callbacks):
    staff = staff_user()
    application = funded_application(staff=staff)
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    checkin = application.checkins.first()
    with pytest.raises(PermissionDenied):
        mentoring.checkin_record(
            checkin=checkin,
            by=UserFactory(roles=["mentor"]),
            held_on=timezone.localdate(),
            format="call",
            progress="on_track",
        )
    with pytest.raises(ValidationError):
        mentoring.checkin_record(
            checkin=checkin,
            by=mentor,
            held_on=timezone.localdate() + timedelta(days=1),
            format="call",
            progress="on_track",
        )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            mentoring.checkin_record(
                checkin=checkin,
                by=mentor,
                held_on=timezone.localdate(),
                format="visit",
                progress="off_track",
                notes="Private.",
                actions="Find a new venue.",
            )
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "off track" in mail.outbox[0].subject


def test_the_group_sees_dates_and_actions_but_not_private_notes(client):
    staff = staff_user()
    application = funded_application(staff=staff)
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    mentoring.checkin_record(
        checkin=application.checkins.first(),
        by=mentor,
        held_on=timezone.localdate(),
        format="call",
        progress="at_risk",
        notes="SECRET-NOTE",
        actions="Call the landlord.",
    )
    client.force_login(member_of(application.group))
    html = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert "Call the landlord." in html and "SECRET-NOTE" not in html


@pytest.mark.parametrize("who", ["other_mentor", "applicant", "reviewer", "staff", "anonymous"])
def test_only_the_assigned_mentor_opens_a_checkin(client, who):
    staff = staff_user()
    application = funded_application(staff=staff)
    mentoring.mentor_assign(application=application, mentor=UserFactory(roles=["mentor"]), by=staff)
    checkin = application.checkins.first()
    people = {
        "other_mentor": UserFactory(roles=["mentor"]),
        "applicant": member_of(application.group),
        "reviewer": UserFactory(roles=["reviewer"]),
        "staff": staff,
        "anonymous": None,
    }
    if people[who]:
        client.force_login(people[who])
    url = reverse("projects:checkin_record", kwargs={"pk": checkin.pk})
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"held_on": timezone.localdate().isoformat(), "format": "call", "progress": "on_track"}
        ).status_code
        == 404
    )
    checkin.refresh_from_db()
    assert checkin.status == "open"


def test_the_mentor_dashboard_lists_only_their_projects_overdue_first(client, django_assert_max_num_queries):
    staff = staff_user()
    mentor = UserFactory(roles=["mentor"])
    overdue = funded_application(start=timezone.localdate() - timedelta(days=40), staff=staff)
    later = funded_application(start=timezone.localdate(), staff=staff)
    someone_elses = funded_application(staff=staff)
    for application in (later, overdue):
        mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    mentoring.mentor_assign(application=someone_elses, mentor=UserFactory(roles=["mentor"]), by=staff)
    client.force_login(mentor)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("projects:mentor_dashboard")).content.decode()
    assert html.index(overdue.reference) < html.index(later.reference)
    assert someone_elses.reference not in html and "overdue" in html
    client.force_login(member_of(overdue.group))
    assert client.get(reverse("projects:mentor_dashboard")).status_code == 404


def test_the_mentor_reads_the_project_they_mentor_and_no_other(client):
    staff = staff_user()
    mentor = UserFactory(roles=["mentor"])
    mine, other = funded_application(staff=staff), funded_application(staff=staff)
    mentoring.mentor_assign(application=mine, mentor=mentor, by=staff)
    client.force_login(mentor)
    assert client.get(reverse("applications:detail", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("applications:detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("applications:edit", kwargs={"pk": mine.pk})).status_code == 404


@pytest.mark.parametrize("count", [2, 30])
def test_the_mentor_dashboard_comes_by_page_with_each_projects_next_checkin(
    client, django_assert_max_num_queries, count
):
    """A busy mentor's projects come 25 to a page, each with its next open check-in only (a
    project of a year has a dozen open), in the same number of queries at any size."""
    staff = staff_user()
    mentor = UserFactory(roles=["mentor"])
    projects = [funded_application(start=timezone.localdate() + timedelta(days=i), staff=staff) for i in range(count)]
    for application in projects:
        mentoring.mentor_assign(application=application, mentor=mentor, by=staff)
    first = projects[0]
    next_checkin = first.checkins.filter(status="open").order_by("due_on").first()
    assert first.checkins.filter(status="open").count() > 1  # the page shows only the next of several
    client.force_login(mentor)
    url = reverse("projects:mentor_dashboard")
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    assert html.count("<tr") == min(count, 25) + 1  # the header, then one page
    assert reverse("projects:checkin_record", kwargs={"pk": next_checkin.pk}) in html
    later = first.checkins.filter(status="open").exclude(pk=next_checkin.pk)
    assert all(reverse("projects:checkin_record", kwargs={"pk": c.pk}) not in html for c in later)
    if count > 25:
        assert "Page 1 of 2" in html
        second = client.get(url, {"page": 2}).content.decode()
        assert second.count("<tr") == count - 25 + 1 and projects[-1].reference in second
