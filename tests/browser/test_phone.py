"""The applicant's pages and the reviewer's review form on a 360×740 phone, in English, Belarusian
and Ukrainian: the page never scrolls sideways, and what the user came for (the status of each
application, the save and submit buttons, the autosave status) sits within the screen's width.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from applications.models import Application
from reviews import services as review_services
from tests.browser.checks import axe_violations, outside_the_viewport, sideways_overflow, sign_in, widest_elements
from tests.browser.i18n import JOURNEY_LANGUAGES, Translator
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    in_pool,
    member_of,
    reviewer_user,
    staff_user,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def assert_fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide: {widest_elements(page)}"
    assert sideways_overflow(page) == 0


def status_label(application, language):
    with translation.override(language):
        return str(application.get_status_display())


@pytest.fixture
def applicant_world(language):
    call = CompetitionFactory(title="Courtyard Gardens 2027", min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    group = GroupFactory(name="Friends of Planty Park", language=language)
    member = member_of(group, user__language=language)
    draft = ApplicationFactory(competition=call, group=group, title="A garden on the car park")
    submitted = ApplicationFactory(
        competition=call,
        group=group,
        title="Benches for the courtyard with a rather long title that must wrap on a phone",
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now(),
        lines=[(Decimal("2"), Decimal("250.00")), (Decimal("1"), Decimal("1000.00"))],
    )
    return member, draft, submitted


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_the_applicants_pages_fit_a_phone(page, live_server, language, applicant_world):
    t = Translator(language)
    member, draft, submitted = applicant_world
    sign_in(page.context, live_server.url, member)
    page.set_viewport_size(PHONE)

    # "My applications": every application's status is on the screen, not beyond its right edge.
    page.goto("/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My applications"))
    assert_fits(page)
    for application in (draft, submitted):
        row = page.get_by_role("row").filter(has_text=application.reference)
        expect(row).to_have_count(1)
        status = row.get_by_text(status_label(application, language), exact=True)
        assert outside_the_viewport(page, {"status": status}) == [], application.reference

    # The draft: the save and submit buttons and the autosave status stay on the screen, at the
    # top of the form and at its end, and the autosave reports in the page's language.
    page.goto(f"/applications/{draft.pk}/edit/")
    assert_fits(page)
    save = page.get_by_role("button", name=t("Save draft"), exact=True)
    submit = page.get_by_role("button", name=t("Submit application"), exact=True)
    autosave_status = page.locator("#autosave-status")
    controls = {"save": save, "submit": submit, "autosave status": autosave_status}
    assert outside_the_viewport(page, controls) == []
    for control in controls.values():
        expect(control).to_be_in_viewport()
    title = page.get_by_label(t("Project title"))
    with page.expect_response(lambda r: r.url.endswith("/autosave/") and r.request.method == "POST") as saved:
        title.fill("A garden on the old car park")
    assert saved.value.ok
    saved_at = t("Draft saved at %(time)s", time="").strip()
    expect(autosave_status).to_contain_text(saved_at)
    page.get_by_role("heading", name=t("Budget"), exact=True).scroll_into_view_if_needed()
    assert_fits(page)
    for control in controls.values():
        expect(control).to_be_in_viewport()
    assert outside_the_viewport(page, controls) == []
    draft.refresh_from_db()
    assert draft.title == "A garden on the old car park"

    # The submitted application: its status and its budget (a table at wider sizes) fit.
    page.goto(f"/applications/{submitted.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(submitted.reference)
    assert_fits(page)
    status = page.locator("h1 + p .badge")
    expect(status).to_have_text(status_label(submitted, language))
    assert outside_the_viewport(page, {"status": status}) == []
    budget_rows = page.get_by_role("row").filter(has_text="Plants")
    expect(budget_rows).to_have_count(2)
    for row in budget_rows.all():
        assert outside_the_viewport(page, {"budget line": row}) == []


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_the_review_form_fits_a_phone_and_announces_its_errors(page, live_server, language):
    t = Translator(language)
    call = CompetitionFactory(title="Courtyard Gardens 2027")
    CriterionFactory(competition=call, name="Relevance", max_score=5, position=1)
    application = ApplicationFactory(
        competition=call,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=1),
        screened_at=timezone.now(),
    )
    reviewer = in_pool(call, reviewer_user(language=language))
    assignment = review_services.assignment_create(application=application, reviewer=reviewer, by=staff_user())
    sign_in(page.context, live_server.url, reviewer)
    page.set_viewport_size(PHONE)

    page.goto(f"/review/{assignment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Review of %(ref)s", ref=application.reference))
    assert_fits(page)
    save = page.get_by_role("button", name=t("Save draft"), exact=True)
    submit = page.get_by_role("button", name=t("Submit review"), exact=True)
    score = page.get_by_label(t("Score for “%(name)s” (0–%(max)s)", name="Relevance", max=5))
    for control in (score, save, submit):
        control.scroll_into_view_if_needed()
        expect(control).to_be_in_viewport()
        assert outside_the_viewport(page, {"control": control}) == []

    # A score out of range: the field says so to a screen reader (aria-invalid, and the error is its
    # description), and the page with the errors still fits and passes axe-core.
    score.fill("9")
    save.click()
    expect(score).to_have_attribute("aria-invalid", "true")
    expect(score).to_have_accessible_description(re.compile(re.escape(t("Give a score from 0 to %(max)s.", max=5))))
    expect(score).to_have_value("9")
    assert_fits(page)
    assert axe_violations(page) == []
