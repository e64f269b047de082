"""Reports: the group submits, staff accept or send back; the project closes; good practices."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from grants.models import Indicator
from projects import awards, reports
from projects.models import Report
from tests.factories import UserFactory, funded_application, member_of, staff_user

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def project():
    staff = staff_user()
    application = funded_application(staff=staff)
    Indicator.objects.create(competition=application.competition, name="Participants")
    awards.tranches_set(
        application=application,
        by=staff,
        rows=[{"label": "First", "amount": Decimal("800")}, {"label": "Last", "amount": Decimal("200")}],
    )
    return application, staff, member_of(application.group)


def _complete_draft(application):
    indicator = application.competition.indicators.get()
    line = application.budget_lines.get()
    return {
        "narrative": "We planted 40 trees.",
        "results": "As promised.",
        "indicators": {indicator.pk: 120},
        "spending": {line.pk: Decimal("990.00")},
    }


def test_the_award_schedules_the_final_report(project):
    application, _staff, _member = project
    final = application.reports.get()
    assert (final.kind, final.due_on) == ("final", application.planned_end + timezone.timedelta(days=30))


def test_submitting_checks_every_part_and_moves_the_application_to_reported(project):
    application, _staff, member = project
    report = application.reports.get()
    with pytest.raises(ValidationError) as error:
        reports.report_submit(report=report, by=member, narrative="Only this.")
    assert set(error.value.message_dict) == {"results", "indicators", "spending"}
    with pytest.raises(PermissionDenied):
        reports.report_submit(report=report, by=UserFactory(), **_complete_draft(application))
    reports.report_submit(report=report, by=member, **_complete_draft(application))
    application.refresh_from_db()
    report.refresh_from_db()
    assert (report.status, application.status) == ("submitted", S.REPORTED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        reports.report_save(report=report, by=member, narrative="Edited later.")


def test_changes_requested_send_the_application_back_to_awarded(project):
    application, staff, member = project
    report = application.reports.get()
    reports.report_submit(report=report, by=member, **_complete_draft(application))
    with pytest.raises(ValidationError):
        reports.report_request_changes(report=report, by=staff, comment=" ")
    reports.report_request_changes(report=report, by=staff, comment="Add the receipts.")
    application.refresh_from_db()
    report.refresh_from_db()
    assert (report.status, application.status) == ("changes", S.AWARDED)
    reports.report_submit(report=report, by=member, **_complete_draft(application))
    application.refresh_from_db()
    assert application.status == S.REPORTED


def test_accepting_the_final_report_and_paying_the_last_tranche_closes_the_project(project):
    application, staff, member = project
    report = application.reports.get()
    reports.report_submit(report=report, by=member, **_complete_draft(application))
    first, last = application.tranches.order_by("position")
    awards.tranche_mark_paid(tranche=first, paid_on=timezone.localdate(), by=staff)
    reports.report_accept(report=report, by=staff)
    application.refresh_from_db()
    assert application.status == S.REPORTED  # one tranche is still unpaid
    awards.tranche_mark_paid(tranche=last, paid_on=timezone.localdate(), by=staff)
    application.refresh_from_db()
    assert application.status == S.CLOSED


def test_good_practices_are_public_and_anonymous_for_confidential_calls(client, project):
    application, staff, member = project
    report = application.reports.get()
    with pytest.raises(ValidationError):
        reports.good_practice_mark(application=application, summary="Great.", by=staff)
    reports.report_submit(report=report, by=member, **_complete_draft(application))
    reports.report_accept(report=report, by=staff)
    reports.good_practice_mark(application=application, summary="Neighbours turned a car park into a garden.", by=staff)
    url = reverse("projects:good_practices", kwargs={"pk": application.competition.programme_id})
    html = client.get(url).content.decode()
    assert "Neighbours turned a car park" in html and application.group.name in html
    application.competition.confidential = True
    application.competition.save()
    html = client.get(url).content.decode()
    assert "Neighbours turned a car park" in html
    assert application.group.name not in html and application.title not in html


@pytest.mark.parametrize("who", ["other_applicant", "mentor", "reviewer", "anonymous"])
def test_another_groups_report_is_a_404(client, project, who):
    application, _staff, _member = project
    report = application.reports.get()
    people = {
        "other_applicant": UserFactory(),
        "mentor": UserFactory(roles=["mentor"]),
        "reviewer": UserFactory(roles=["reviewer"]),
        "anonymous": None,
    }
    if people[who]:
        client.force_login(people[who])
    url = reverse("projects:report", kwargs={"pk": report.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"narrative": "Hacked", "action": "save"}).status_code == 404
    staff_page = client.get(reverse("projects:staff_report", kwargs={"pk": report.pk}))
    assert staff_page.status_code == (302 if who == "anonymous" else 404)  # logged out: to the log-in page
    report.refresh_from_db()
    assert report.narrative == ""


def test_the_report_pages(client, project):
    application, staff, member = project
    report = application.reports.get()
    indicator = application.competition.indicators.get()
    line = application.budget_lines.get()
    client.force_login(member)
    url = reverse("projects:report", kwargs={"pk": report.pk})
    bad = client.post(url, {"narrative": "x", f"indicator_{indicator.pk}": "-1", "action": "save"})
    assert "Ensure this value is greater than or equal to 0." in bad.content.decode()
    client.post(
        url,
        {
            "narrative": "We planted trees.",
            "results": "As promised.",
            f"indicator_{indicator.pk}": "50",
            f"spent_{line.pk}": "1000.00",
            "action": "submit",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    client.force_login(staff)
    staff_url = reverse("projects:staff_report", kwargs={"pk": report.pk})
    assert "We planted trees." in client.get(staff_url).content.decode()
    client.post(staff_url, {"action": "accept", "comment": "Thank you."})
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED


def test_the_call_outbox_page_shows_what_was_sent(client, project, django_assert_max_num_queries):
    application, staff, member = project
    reports.report_submit(report=application.reports.get(), by=member, **_complete_draft(application))
    client.force_login(staff)
    url = reverse("grants:staff_outbox", kwargs={"pk": application.competition_id})
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    assert staff.email in html and f"Final report submitted: {application.reference}" in html
    assert "No e-mails." in client.get(url, {"status": "failed"}).content.decode()
    client.force_login(member)
    assert client.get(url).status_code == 404


def test_missing_figures_are_shown_under_their_sections(client, project):
    application, _staff, member = project
    report = application.reports.get()
    client.force_login(member)
    html = client.post(
        reverse("projects:report", kwargs={"pk": report.pk}),
        {"narrative": "Done.", "results": "All.", "action": "submit"},
    ).content.decode()
    indicators_heading = html.index(">Indicators</h2>")
    spending_heading = html.index(">Spending against the budget</h2>")
    missing_figure = html.index("Give a figure for every indicator")
    missing_spending = html.index("Give the amount spent on every budget line")
    assert indicators_heading < missing_figure < spending_heading < missing_spending
    report.refresh_from_db()
    assert (report.status, report.narrative) == ("draft", "Done.")
