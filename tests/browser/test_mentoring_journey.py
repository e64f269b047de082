"""The funded mini-project in a real browser: staff assign a mentor, which schedules the check-ins;
the mentor records an overdue check-in as off track (the staff are alerted); the group reads the
follow-up actions (not the mentor's private notes) and submits its final report with a receipt;
staff accept it, pay the last tranche, and the project closes; then they list it as a good
practice on the programme's public page. Driven by labels and roles.

It passes in English, Belarusian and Ukrainian (a test run takes English and one of them:
``journey_languages``); every text a step looks for is read through the catalogues (``t``), dates
and money as the site writes them in that language."""

import re
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from applications.models import Application, BudgetLine
from grants.models import Indicator
from projects import awards
from projects.models import CheckIn, GoodPractice, PaymentTranche, Report
from tests.browser.i18n import Translator, journey_languages
from tests.browser.test_applicant_journey import log_in, minimal_pdf
from tests.browser.test_review_journey import log_out
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CompetitionFactory,
    GroupFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.browser

TITLE = "A garden on the car park"
GROUP = "Friends of Planty Park"
NOTES = "The treasurer left; the leader sounds tired. Keep this between us."
ACTIONS = "Find a new treasurer by the end of the month; send the receipts so far."
NARRATIVE = "We planted 40 shrubs and built two benches with the neighbours."
RESULTS = "The garden is open; 150 people came, not the 200 we promised."
SUMMARY = "Neighbours turned a car park into a garden with benches, and look after it together."


def shown(day, language="en"):
    """A date as the site writes it in ``language``."""
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def headings(page):
    """The page's headings as (level, text), to check their order."""
    return page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => [Number(e.tagName[1]), e.textContent.trim()])"
    )


def assert_heading_levels_do_not_skip(page):
    levels = [level for level, _text in headings(page)]
    assert levels and levels[0] == 1 and levels.count(1) == 1, headings(page)
    for before, after in pairwise(levels):
        assert after <= before + 1, f"a heading level is skipped: {headings(page)}"


def status_of(application):
    application.refresh_from_db()
    return application.status


@pytest.mark.parametrize("language", journey_languages("be"))
def test_mentor_checks_in_group_reports_staff_accept_and_the_project_closes(
    page, live_server, request_log, tmp_path, language
):
    t = Translator(language)
    label = t.label

    def shown_here(day):
        return shown(day, language)

    today = timezone.localdate()
    start, end = today - timedelta(days=60), today + timedelta(days=20)
    call = CompetitionFactory(
        checkin_interval_weeks=4,
        project_start_earliest=today - timedelta(days=90),
        project_end_latest=today + timedelta(days=100),
    )
    Indicator.objects.create(competition=call, name="Participants", position=1)
    Indicator.objects.create(competition=call, name="Volunteers", position=2)
    officer = staff_user(email="officer@example.org", full_name="Olga Officer", language=language)
    mentor = UserFactory(roles=["mentor"], email="mentor@example.org", full_name="Maria Mentor", language=language)
    group = GroupFactory(name=GROUP, language=language)
    member = member_of(group, user__email="lead@example.org", user__language=language)
    application = ApplicationFactory(
        competition=call,
        group=group,
        title=TITLE,
        planned_start=start,
        planned_end=end,
        requested_amount=Decimal("1500.00"),
        lines=[],
        status=Application.Status.REVIEWED,
        submitted_at=timezone.now() - timedelta(days=100),
    )
    benches = BudgetLine.objects.create(
        application=application, description="Garden benches", category="equipment", quantity=1, unit_cost=900
    )
    plants = BudgetLine.objects.create(
        application=application, description="Plants and soil", category="materials", quantity=3, unit_cost=200
    )
    awards.award_decide(application=application, amount=Decimal("1500.00"), by=officer)
    first, last = awards.tranches_set(
        application=application,
        rows=[
            {"label": "On signature of the contract", "amount": Decimal("1200.00")},
            {"label": "After the final report is accepted", "amount": Decimal("300.00")},
        ],
        by=officer,
    )
    awards.tranche_mark_paid(tranche=first, paid_on=start, by=officer)
    assert status_of(application) == Application.Status.AWARDED
    final = Report.objects.get(application=application, kind=Report.Kind.FINAL)
    assert not application.checkins.exists()  # nothing is scheduled before a mentor is assigned

    # Every four weeks from the start, strictly after it, and a last one as the project ends.
    due_dates = [start + timedelta(weeks=4), start + timedelta(weeks=8), end]
    assert due_dates == [today - timedelta(days=32), today - timedelta(days=4), today + timedelta(days=20)]

    # Staff assign the mentor.
    log_in(page, officer.email, PASSWORD, t)
    page.goto(f"/staff/applications/{application.pk}/decide/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Decision on %(ref)s", ref=application.reference))
    project = page.get_by_role("region", name=t("The mini-project"))
    project.get_by_label(label("Mentor")).select_option(label="Maria Mentor")
    project.get_by_role("button", name=t("Assign the mentor")).click()
    expect(page.get_by_text(t("The mentor is assigned and the check-ins are scheduled."))).to_be_visible()
    expect(page.get_by_role("region", name=t("The mini-project")).get_by_label(label("Mentor"))).to_have_value(
        str(mentor.pk)
    )
    application.refresh_from_db()
    assert application.mentor == mentor
    assert list(application.checkins.order_by("due_on").values_list("due_on", "status")) == [
        (due, CheckIn.Status.OPEN) for due in due_dates
    ]
    log_out(page, t)

    # The mentor finds the project, its first check-in overdue, and records it as off track.
    log_in(page, mentor.email, PASSWORD, t)
    page.get_by_role("link", name=t("My mini-projects")).click()
    expect(page).to_have_url(re.compile(r"/mentoring/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My mini-projects"))
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text(call.title)
    expect(row.get_by_role("cell").nth(2)).to_have_text(
        re.compile(rf"^\s*{re.escape(shown_here(due_dates[0]))}\s+{re.escape(t('overdue'))}\s*$")
    )
    assert_heading_levels_do_not_skip(page)
    page.screenshot(path=f"/tmp/mentor-dashboard-{language}.png", full_page=True)
    row.get_by_role("link", name=f"{t('Record')} {application.reference}").click()

    checkin = CheckIn.objects.get(application=application, due_on=due_dates[0])
    expect(page).to_have_url(re.compile(rf"/mentoring/checkins/{checkin.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check-in with %(ref)s", ref=application.reference))
    expect(page.get_by_text(f"{t('due')} {shown_here(due_dates[0])}")).to_be_visible()
    held_on = page.get_by_label(label("held on"))
    expect(held_on).to_have_value(today.isoformat())  # today, unless the mentor says otherwise
    held_on.fill(today.isoformat())
    page.get_by_label(label("format")).select_option(label=t.of(CheckIn.Format.VISIT.label))
    page.get_by_label(label("progress")).select_option(label=t.of(CheckIn.Progress.OFF_TRACK.label))
    page.get_by_label(label("private notes (staff and mentor only)")).fill(NOTES)
    page.get_by_label(label("follow-up actions (the group sees these)")).fill(ACTIONS)
    assert_heading_levels_do_not_skip(page)
    page.screenshot(path=f"/tmp/checkin-form-{language}.png", full_page=True)
    outbox_before = len(mail.outbox)
    page.get_by_role("button", name=t("Save the check-in")).click()
    expect(page).to_have_url(re.compile(r"/mentoring/$"))
    expect(page.get_by_text(t("The check-in is recorded."))).to_be_visible()
    # The next open check-in is now the second one, also overdue.
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row.get_by_role("cell").nth(2)).to_have_text(
        re.compile(rf"^\s*{re.escape(shown_here(due_dates[1]))}\s+{re.escape(t('overdue'))}\s*$")
    )
    checkin.refresh_from_db()
    assert (checkin.status, checkin.held_on, checkin.format, checkin.progress) == (
        CheckIn.Status.HELD,
        today,
        CheckIn.Format.VISIT,
        CheckIn.Progress.OFF_TRACK,
    )
    assert (checkin.notes, checkin.actions, checkin.recorded_by) == (NOTES, ACTIONS, mentor)
    alerts = [m for m in mail.outbox[outbox_before:] if officer.email in m.to]
    assert [m.subject for m in alerts] == [t("Mini-project %(ref)s is off track", ref=application.reference)], [
        (m.to, m.subject) for m in mail.outbox[outbox_before:]
    ]
    assert ACTIONS in alerts[0].body
    assert NOTES not in alerts[0].body
    assert all(officer.email in m.to for m in mail.outbox[outbox_before:])  # nobody else was told
    log_out(page, t)

    # The group reads its check-ins and the follow-up actions, not the mentor's private notes.
    log_in(page, member.email, PASSWORD, t)
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{application.reference}: {TITLE}")
    checkins = page.get_by_role("region", name=t("Mentoring check-ins"))
    expect(checkins).to_contain_text(t("Your mentor: %(name)s", name="Maria Mentor"))
    held, scheduled = t.of(CheckIn.Status.HELD.label), t.of(CheckIn.Status.OPEN.label)
    expect(checkins.get_by_role("listitem")).to_have_text(
        [
            re.compile(
                rf"^\s*{re.escape(shown_here(due_dates[0]))} — {re.escape(held)} \({re.escape(shown_here(today))}\)\s+"
                rf"{re.escape(t('Follow-up actions'))}: {re.escape(ACTIONS)}\s*$"
            ),
            re.compile(rf"^\s*{re.escape(shown_here(due_dates[1]))} — {re.escape(t('overdue'))}\s*$"),
            re.compile(rf"^\s*{re.escape(shown_here(due_dates[2]))} — {re.escape(scheduled)}\s*$"),
        ]
    )
    assert NOTES not in page.content(), "the group sees the mentor's private notes"
    expect(page.get_by_text(t("Mentor's notes"))).to_have_count(0)
    final_report = t.of(Report.Kind.FINAL.label)
    reports_region = page.get_by_role("region", name=t("Reports"))
    expect(reports_region).to_contain_text(
        f"{final_report} — {t.of(Report.Status.DRAFT.label)}, {t('due')} {shown_here(end + timedelta(days=30))}"
    )
    assert_heading_levels_do_not_skip(page)
    page.screenshot(path=f"/tmp/applicant-detail-mentored-{language}.png", full_page=True)

    # The final report: typed, a receipt attached, submitted.
    reports_region.get_by_role("link", name=final_report).click()
    expect(page).to_have_url(re.compile(rf"/reports/{final.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{final_report}: {TITLE}")
    spent_on = "Spent on “%(line)s” (planned %(planned)s %(currency)s)"
    spent_on_benches = label(t(spent_on, line="Garden benches", planned="900.00", currency="EUR"))
    spent_on_plants = label(t(spent_on, line="Plants and soil", planned="600.00", currency="EUR"))
    page.get_by_label(label("What happened")).fill(NARRATIVE)
    page.get_by_label(label("Results against what was promised")).fill(RESULTS)
    page.get_by_label(re.compile(r"^\s*Participants\s*\*?\s*$")).fill("150")
    page.get_by_label(re.compile(r"^\s*Volunteers\s*\*?\s*$")).fill("12")
    page.get_by_label(spent_on_benches).fill("880.00")
    page.get_by_label(spent_on_plants).fill("620.00")
    pdf = tmp_path / "receipts.pdf"
    pdf.write_bytes(minimal_pdf())
    page.get_by_label(label("File")).set_input_files(pdf)
    page.get_by_role("button", name=t("Upload")).click()
    expect(page.get_by_text(t("The file is attached."))).to_be_visible()
    expect(page.get_by_role("link", name="receipts.pdf")).to_be_visible()
    assert list(final.attachments.values_list("original_name", flat=True)) == ["receipts.pdf"]
    # Nothing typed was lost across the upload's page load (kept in this browser, not yet saved).
    restored = t(
        "We restored what you typed in this browser. It is not saved yet: press “Save draft” or “Submit the report”."
    )
    expect(page.get_by_role("status").filter(has_text=restored)).to_be_visible()
    expect(page.get_by_label(label("What happened"))).to_have_value(NARRATIVE)
    expect(page.get_by_label(label("Results against what was promised"))).to_have_value(RESULTS)
    expect(page.get_by_label(re.compile(r"^\s*Participants\s*\*?\s*$"))).to_have_value("150")
    expect(page.get_by_label(spent_on_plants)).to_have_value(re.compile(r"^620(\.00)?$"))
    assert_heading_levels_do_not_skip(page)
    page.screenshot(path=f"/tmp/report-form-{language}.png", full_page=True)

    outbox_before = len(mail.outbox)
    with page.expect_event("dialog") as dialog_info:
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name=t("Submit the report")).click()
    assert dialog_info.value.message == t("Submit the report now?")
    expect(page.get_by_text(t("The report is submitted."))).to_be_visible()
    expect(page.get_by_role("button", name=t("Submit the report"))).to_have_count(0)
    expect(page.get_by_label(label("What happened"))).to_be_disabled()
    # The copy kept in this browser is gone once the server has the report.
    # (app.js clears it once the page's scripts have run: wait for that, do not race it.)
    page.wait_for_function(f"localStorage.getItem('smallgrants-draft:report-{final.pk}') === null", timeout=5000)
    final.refresh_from_db()
    assert final.status == Report.Status.SUBMITTED and final.submitted_at is not None
    assert (final.narrative, final.results) == (NARRATIVE, RESULTS)
    assert sorted(final.indicator_values.values_list("indicator__name", "value")) == [
        ("Participants", 150),
        ("Volunteers", 12),
    ]
    assert dict(final.spending.values_list("budget_line_id", "spent")) == {
        benches.pk: Decimal("880.00"),
        plants.pk: Decimal("620.00"),
    }
    assert status_of(application) == Application.Status.REPORTED
    assert [m.subject for m in mail.outbox[outbox_before:] if officer.email in m.to], "staff were not told"
    log_out(page, t)

    # Staff read the report from the decision page and accept it.
    log_in(page, officer.email, PASSWORD, t)
    page.goto(f"/staff/applications/{application.pk}/decide/")
    project = page.get_by_role("region", name=t("The mini-project"))
    expect(project.get_by_role("listitem").filter(has_text=final_report)).to_contain_text(
        t.of(Report.Status.SUBMITTED.label)
    )
    project.get_by_role("link", name=final_report).click()
    expect(page).to_have_url(re.compile(rf"/staff/reports/{final.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{final_report}: {application.reference}")
    expect(page.get_by_text(NARRATIVE)).to_be_visible()
    expect(page.get_by_text("Participants: 150")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Plants and soil")).to_contain_text(
        t.money_re(Decimal("620.00"), "EUR")
    )
    expect(page.get_by_role("link", name="receipts.pdf")).to_be_visible()
    page.get_by_role("button", name=t("Accept the report")).click()
    expect(page.get_by_text(t("The report is accepted."))).to_be_visible()
    final.refresh_from_db()
    assert (final.status, final.decided_by) == (Report.Status.ACCEPTED, officer)
    assert status_of(application) == Application.Status.REPORTED  # the last tranche is not paid yet

    # The last tranche is paid: the project closes.
    page.get_by_role("link", name=application.reference, exact=True).click()  # the breadcrumb
    expect(page).to_have_url(re.compile(rf"/staff/applications/{application.pk}/decide/$"))
    tranches = page.get_by_role("region", name=t("Payment tranches"))
    row = tranches.get_by_role("row").filter(has_text="After the final report is accepted")  # its label is data
    row.get_by_label(t("Date paid: %(label)s", label="After the final report is accepted")).fill(today.isoformat())
    row.get_by_role("button", name=t("Mark paid")).click()
    expect(page.get_by_text(t("The tranche is marked as paid."))).to_be_visible()
    last = PaymentTranche.objects.get(pk=last.pk)
    assert (last.paid_on, last.marked_paid_by) == (today, officer)
    assert status_of(application) == Application.Status.CLOSED
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(Application.Status.CLOSED.label))

    # Staff (unlike the group) read the mentor's notes on the application's page, then list the
    # project as a good practice from its final report; the public page shows the summary.
    page.get_by_role("link", name=t("Read the application")).click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    expect(page.get_by_role("region", name=t("Mentoring check-ins"))).to_contain_text(
        f"{t('Mentor' + chr(39) + 's notes')}: {NOTES}"
    )
    reports_region = page.get_by_role("region", name=t("Reports"))
    expect(reports_region).to_contain_text(f"{final_report} — {t.of(Report.Status.ACCEPTED.label)}")
    reports_region.get_by_role("link", name=final_report).click()
    expect(page).to_have_url(re.compile(rf"/staff/reports/{final.pk}/$"))
    page.get_by_label(label("Public summary (no names)")).fill(SUMMARY)
    page.get_by_role("button", name=t("List as a good practice")).click()
    expect(page.get_by_text(t("The project is listed as a good practice."))).to_be_visible()
    assert GoodPractice.objects.get(application=application).summary == SUMMARY
    log_out(page, t)
    page.goto(f"/programmes/{call.programme_id}/good-practices/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Good practices of %(name)s", name=call.programme.name))
    practice = page.get_by_role("article").filter(has_text=SUMMARY)
    expect(practice).to_have_count(1)
    expect(practice.get_by_role("heading", level=2)).to_have_text(TITLE)

    assert request_log.urls, "no requests were recorded"
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"
