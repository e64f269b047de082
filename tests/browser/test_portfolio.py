"""The portfolio's filters in a real browser: choosing a programme narrows the list, the export link
carries the filter, and no request leaves the site."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import PaymentTranche
from tests.browser.checks import sign_in
from tests.factories import CompetitionFactory, ProgrammeFactory, funded_application, staff_user

pytestmark = pytest.mark.browser


def test_portfolio_filters_narrow_the_list(page, live_server, request_log):
    staff = staff_user()
    youth = ProgrammeFactory(name="Youth")
    skate = funded_application(competition=CompetitionFactory(programme=youth), title="Skate park", staff=staff)
    PaymentTranche.objects.create(application=skate, label="On signature", amount=Decimal("1000"))
    funded_application(
        competition=CompetitionFactory(programme=ProgrammeFactory(name="Elders")),
        title="Tea room",
        staff=staff,
        amount=Decimal("900"),
    )
    sign_in(page.context, live_server.url, staff)

    page.goto(reverse("projects:staff_dashboard"))
    page.get_by_role("link", name="Portfolio across calls").click()
    table = page.locator("#portfolio")
    expect(table).to_contain_text("Skate park")
    expect(table).to_contain_text("Tea room")

    page.get_by_label("Programme").select_option(label="Youth")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Skate park")
    expect(table).not_to_contain_text("Tea room")
    export = page.get_by_role("link", name="Export what is filtered (CSV)")
    assert "programme=" in export.get_attribute("href") and "format=csv" in export.get_attribute("href")

    page.get_by_role("link", name="Tranches").click()
    # The other list keeps the filter.
    expect(page.get_by_label("Programme")).to_have_value(str(youth.pk))
    expect(table).to_contain_text("On signature")
    assert request_log.foreign() == []
