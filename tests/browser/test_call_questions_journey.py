"""An applicant answers a call's own form in a real browser: the answers are autosaved as they
type, a wrong one is named on its field, and a reload shows what was saved."""

import pytest
from playwright.sync_api import expect

from grants.services import call_form_replace
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, ApplicationFactory, member_of, minimal_pdf, staff_user
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


def test_an_applicant_uploads_a_file_answer_and_adds_table_rows_kept_after_a_reload(page, request_log, tmp_path):
    draft = ApplicationFactory()
    call_form_replace(
        competition=draft.competition,
        definition=definition(
            question("plan", "file", label={"en": "Your plan"}, file_types=["pdf"], max_mb=2),
            question(
                "team",
                "table",
                label={"en": "Your team"},
                columns=[
                    {"key": "name", "type": "short_text", "label": {"en": "Name"}},
                    {"key": "email", "type": "email", "label": {"en": "E-mail"}},
                ],
            ),
        ),
        by=staff_user(),
    )
    member = member_of(draft.group)
    log_in(page, member.email, PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")

    wrong = tmp_path / "photo.png"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    page.get_by_label("Your plan").set_input_files(str(wrong))  # sent as soon as it is chosen
    expect(page.locator("[data-file-question=plan]")).to_contain_text("accepts only these types of file: PDF")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(minimal_pdf())
    page.get_by_label("Your plan").set_input_files(str(plan))
    expect(page.locator("[data-file-answer]")).to_contain_text("plan.pdf")

    _autosaved(page, lambda: page.get_by_label("Name (row 1)").fill("Anna"))
    page.get_by_role("button", name="Add a row").click()
    _autosaved(
        page, lambda: page.locator("[data-table-question=q_team] tbody tr").nth(1).locator("input").first.fill("Piotr")
    )
    answer = _autosaved(page, lambda: page.get_by_label("E-mail (row 1)").fill("anna@example.org"))
    assert answer.status == 200
    draft.refresh_from_db()
    assert draft.form_answers["team"] == [{"name": "Anna", "email": "anna@example.org"}, {"name": "Piotr", "email": ""}]
    assert draft.form_answers["plan"]["name"] == "plan.pdf"

    page.evaluate("window.localStorage.clear()")  # the reload shows what the server saved
    page.reload()
    expect(page.get_by_label("Name (row 1)")).to_have_value("Anna")
    expect(page.get_by_label("Name (row 2)")).to_have_value("Piotr")
    expect(page.locator("[data-file-answer]")).to_contain_text("plan.pdf")
    assert request_log.foreign() == []
