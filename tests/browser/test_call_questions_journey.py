"""An applicant answers a call's own form in a real browser: the answers are autosaved as they
type, a wrong one is named on its field, and a reload shows what was saved."""

import pytest
from playwright.sync_api import expect

from grants.services import call_form_replace
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, ApplicationFactory, member_of, staff_user
from tests.grants.test_call_form_definition import definition, question

pytestmark = pytest.mark.browser


def _autosaved(page, action):
    with page.expect_response(lambda r: r.url.endswith("/autosave/") and r.request.method == "POST") as info:
        action()
    return info.value


def test_an_applicant_answers_a_custom_form_with_autosave_and_a_reload(page, request_log):
    draft = ApplicationFactory()
    call_form_replace(
        competition=draft.competition,
        definition=definition(
            question("team", "long_text", label={"en": "Who is in your group?"}, max_words=10),
            question("site", "url", label={"en": "Your website"}),
            question("space", "single_choice", label={"en": "Which space?"}),
            question("topics", "multiple_choice", label={"en": "Topics"}),
        ),
        by=staff_user(),
    )
    member = member_of(draft.group)
    log_in(page, member.email, PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    expect(page.get_by_role("heading", name="Questions of this call")).to_be_visible()

    assert _autosaved(page, lambda: page.get_by_label("Who is in your group?").fill("Four neighbours")).status == 200
    _autosaved(page, lambda: page.get_by_label("Which space?").select_option("b"))
    _autosaved(page, lambda: page.get_by_role("group", name="Topics").get_by_label("A").check())
    answer = _autosaved(page, lambda: page.get_by_label("Your website").fill("not a web address"))
    expect(page.locator("#autosave-status")).to_contain_text("Your website")
    assert answer.status == 200

    draft.refresh_from_db()
    assert draft.form_answers["team"] == "Four neighbours" and draft.form_answers["space"] == "b"
    assert (
        draft.form_answers["topics"] == ["a"] and draft.form_answers.get("site", "") == ""
    )  # the wrong one is not saved

    page.evaluate("window.localStorage.clear()")  # the reload shows what the server saved
    page.reload()
    expect(page.get_by_label("Who is in your group?")).to_have_value("Four neighbours")
    expect(page.get_by_label("Which space?")).to_have_value("b")
    expect(page.get_by_role("group", name="Topics").get_by_label("A")).to_be_checked()
    assert request_log.foreign() == []
