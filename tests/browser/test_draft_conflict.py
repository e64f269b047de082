"""Two members edit one draft in two browsers: the stale page's autosave is refused, shows both
texts, keeps what was typed (in the form and in the browser's copy), and saves it only on purpose."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, ApplicationFactory, member_of

pytestmark = pytest.mark.browser


def _autosave_answer(page, action):
    with page.expect_response(lambda r: r.url.endswith("/autosave/") and r.request.method == "POST") as info:
        action()
    return info.value


def test_a_stale_autosave_is_refused_and_nothing_is_lost(page, browser, live_server, request_log):
    draft = ApplicationFactory(summary="The first summary.")
    anna, boris = member_of(draft.group), member_of(draft.group)
    edit = f"/applications/{draft.pk}/edit/"

    log_in(page, anna.email, PASSWORD)  # Anna opens the draft ...
    page.goto(edit)

    other = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Warsaw")
    other.set_default_timeout(TIMEOUT_MS)
    boris_page = other.new_page()
    log_in(boris_page, boris.email, PASSWORD)  # ... Boris too, and he saves first.
    boris_page.goto(edit)
    saved = _autosave_answer(boris_page, lambda: boris_page.get_by_label("Summary").fill("Boris's summary."))
    assert saved.status == 200
    other.close()

    refused = _autosave_answer(page, lambda: page.get_by_label("Summary").fill("Anna's summary."))
    assert refused.status == 409
    conflict = page.locator("#draft-conflict")
    expect(conflict).to_contain_text("Someone else saved this draft after you opened it")
    expect(conflict.locator("[data-conflict-saved]")).to_contain_text("Boris's summary.")
    expect(conflict.locator("[data-conflict-yours]")).to_contain_text("Anna's summary.")
    expect(page.locator("#autosave-status")).to_contain_text("Not saved")
    expect(page.get_by_label("Summary")).to_have_value("Anna's summary.")
    copy = page.evaluate(f"window.localStorage.getItem('smallgrants-draft:application-{draft.pk}')")
    assert "Anna's summary." in copy
    draft.refresh_from_db()
    assert draft.summary == "Boris's summary."

    # A reload brings Anna's text back from the browser's copy, still as a conflict, not an overwrite.
    refused_again = _autosave_answer(page, lambda: page.reload())
    assert refused_again.status == 409
    expect(page.get_by_label("Summary")).to_have_value("Anna's summary.")
    draft.refresh_from_db()
    assert draft.summary == "Boris's summary."

    # Having read both, Anna keeps hers on purpose.
    page.get_by_role("button", name="Save my version (replaces theirs)").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.summary == "Anna's summary." and draft.status == Application.Status.DRAFT
    assert request_log.foreign() == []
    assert re.search(r"/edit/$", page.url)
