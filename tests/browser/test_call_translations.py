"""Staff translate a call's title into Ukrainian; a visitor whose browser asks for Ukrainian reads
it, one asking for Polish reads the call's main language."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, CompetitionFactory, staff_user

pytestmark = pytest.mark.browser


def test_staff_translate_the_title_and_a_ukrainian_visitor_reads_it(page, browser, live_server, request_log):
    call = CompetitionFactory(title="Backyard initiatives")
    staff = staff_user()
    log_in(page, staff.email, PASSWORD)
    page.goto(f"/staff/calls/{call.pk}/applications/")
    expect(page.locator("[data-missing-translations]")).to_contain_text("Ukrainian")
    page.get_by_role("link", name="Translations").click()
    page.get_by_role("link", name="Ukrainian").click()
    page.get_by_label("Title", exact=True).fill("Ініціативи на подвір'ї")
    page.get_by_role("button", name="Save the texts in Ukrainian").click()
    expect(page.get_by_text("The texts in Ukrainian are saved.")).to_be_visible()
    assert request_log.foreign() == []

    for locale, title in (("uk-UA", "Ініціативи на подвір'ї"), ("pl-PL", "Backyard initiatives")):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        visitor = context.new_page()
        visitor.goto(call.get_absolute_url())
        expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
        context.close()
