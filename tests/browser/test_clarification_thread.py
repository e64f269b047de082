"""A clarification thread in real browsers: the officer asks about a submitted application, the
group sees that it waits for an answer and answers in the app, the officer reads the answer."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from notifications.models import OutboxMessage
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, ApplicationFactory, member_of, staff_user

pytestmark = pytest.mark.browser


def test_a_clarification_thread(page, browser, live_server, request_log):
    application = ApplicationFactory(status=Application.Status.SUBMITTED, reference="SG-2027-0007")
    member = member_of(application.group)
    officer = staff_user(email="officer@example.org")
    detail = f"/applications/{application.pk}/"

    log_in(page, officer.email, PASSWORD)
    page.goto(detail)
    page.get_by_label("Ask the group a question").fill("Who owns the yard, and has the owner agreed?")
    page.get_by_role("button", name="Send the question").click()
    expect(page.locator("[data-awaits-answer]")).to_contain_text("Waiting for the group")
    assert OutboxMessage.objects.filter(recipient_email=member.email, body__contains="Who owns the yard").exists()

    other = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Warsaw")
    other.set_default_timeout(TIMEOUT_MS)
    group_page = other.new_page()
    log_in(group_page, member.email, PASSWORD)
    group_page.goto(detail)
    thread = group_page.locator("[data-clarifications]")
    expect(thread).to_contain_text("Who owns the yard, and has the owner agreed?")
    expect(thread.locator("[data-awaits-answer]")).to_be_visible()
    group_page.get_by_label("Your answer").fill("The city owns it; the district office agreed in writing.")
    group_page.get_by_role("button", name="Send the answer").click()
    expect(group_page.locator("[data-clarifications]")).to_contain_text("The group answered")
    expect(group_page.locator("[data-awaits-answer]")).to_have_count(0)
    other.close()

    page.reload()
    expect(page.locator("[data-clarifications]")).to_contain_text("the district office agreed in writing")
    expect(page.locator("[data-awaits-answer]")).to_have_count(0)
    assert request_log.foreign() == []
