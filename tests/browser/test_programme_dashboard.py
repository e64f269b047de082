"""The programme's dashboard in a real browser: the charts are drawn from our own page (server SVG),
each beside its table, and the page asks no third party for anything."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from grants.models import Indicator, ProgrammeIndicator
from projects import export_jobs
from projects.models import IndicatorValue, PaymentTranche, ProgrammeExport, Report
from tests.browser.checks import sign_in
from tests.factories import CompetitionFactory, ProgrammeFactory, funded_application, staff_user

pytestmark = pytest.mark.browser


def test_programme_dashboard_draws_its_charts_without_third_parties(page, live_server, request_log):
    programme = ProgrammeFactory(name="Active neighbourhoods", total_budget=Decimal("667111.40"))
    volunteers = ProgrammeIndicator.objects.create(programme=programme, name="Volunteers engaged", target=130)
    call = CompetitionFactory(programme=programme, title="Courtyards 2026")
    indicator = Indicator.objects.create(competition=call, name="Volunteers", programme_indicator=volunteers)
    application = funded_application(competition=call, amount=Decimal("1000"))
    report, _ = Report.objects.update_or_create(
        application=application, kind=Report.Kind.FINAL, defaults={"status": "accepted", "due_on": date(2026, 6, 1)}
    )
    IndicatorValue.objects.create(report=report, indicator=indicator, value=52)
    PaymentTranche.objects.create(
        application=application, label="First", amount=Decimal("400"), paid_on=date(2026, 3, 2)
    )
    sign_in(page.context, live_server.url, staff_user())

    page.goto(reverse("projects:staff_dashboard"))
    page.get_by_role("link", name="Active neighbourhoods").first.click()
    expect(page.get_by_role("heading", name="Active neighbourhoods")).to_be_visible()

    achieved = page.locator("svg.indicator-chart rect.achieved")
    expect(achieved).to_have_count(1)
    target_width = float(page.locator("svg.indicator-chart rect.target").get_attribute("width"))
    # 52 of 130: the achieved bar is 40 % of the target's.
    assert float(achieved.get_attribute("width")) == pytest.approx(target_width * 52 / 130, abs=1)
    assert achieved.bounding_box()["width"] > 0  # really drawn, not only in the markup
    indicators = page.locator("#indicators")
    expect(indicators.get_by_role("row", name="Volunteers engaged 130 52 40")).to_be_visible()
    expect(page.locator("svg.bar-chart rect.bar")).not_to_have_count(0)
    expect(page.locator("#paid-per-month-EUR")).to_contain_text("400.00")
    expect(page.get_by_text("Only accepted reports count")).to_be_visible()
    assert request_log.foreign() == []


def test_a_file_is_asked_for_on_the_programme_page_and_downloaded_when_ready(page, live_server, tmp_path):
    """The programme's exports are prepared in the background: a button asks for one, the list says
    when it is ready (htmx polls it while one is prepared), the file downloads under its old name."""
    programme = ProgrammeFactory(name="Quiet streets")
    funded_application(competition=CompetitionFactory(programme=programme, title="Streets 2026"))
    staff = staff_user()
    sign_in(page.context, live_server.url, staff)

    page.goto(reverse("projects:staff_programme", kwargs={"pk": programme.pk}))
    awards = page.get_by_role("listitem").filter(has_text="Awards and tranches")
    awards.get_by_role("button", name="XLSX").click()  # Celery runs eagerly in tests: built at once
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports of Quiet streets")
    expect(page.get_by_role("status").first).to_contain_text("Your file is being prepared")
    with page.expect_download() as download_info:
        page.locator("#exports").get_by_role("link", name="Download").click()
    assert download_info.value.suggested_filename == f"programme-{programme.pk}-awards.xlsx"

    # One asked for while no worker runs: the list polls until the worker has built it.
    waiting = ProgrammeExport.objects.create(
        programme=programme, requested_by=staff, what="donor_report", file_format="pdf", language="en"
    )
    page.reload()
    expect(page.get_by_text("this list refreshes itself")).to_be_visible()
    export_jobs.export_build(waiting.pk)
    expect(page.locator("#exports").get_by_role("link", name="Download")).to_have_count(2, timeout=10_000)
    expect(page.get_by_text("this list refreshes itself")).to_have_count(0)
    with page.expect_download() as download_info:
        page.locator("#exports").get_by_role("link", name="Download").first.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.name == f"donor-report-{programme.pk}.pdf" and target.read_bytes().startswith(b"%PDF")
