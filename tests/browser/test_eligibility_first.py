"""An ineligible group is told before it writes anything: the call page names the group whose
region is excluded, a refused answer says why in the call's own words, and nothing is created
until the answers qualify."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from grants.models import EligibilityQuestion
from tests.browser.test_applicant_journey import log_in
from tests.factories import PASSWORD, CompetitionFactory, GroupFactory, RegionFactory, member_of

pytestmark = pytest.mark.browser


def test_an_ineligible_group_is_told_before_writing(page, request_log):
    mazowieckie, podlaskie = RegionFactory(name="Mazowieckie"), RegionFactory(name="Podlaskie")
    call = CompetitionFactory(title="Backyard initiatives")
    call.eligible_regions.set([mazowieckie])
    EligibilityQuestion.objects.create(
        competition=call,
        text="Does your group have at least three members?",
        refusal="This call funds only groups of at least three people.",
    )
    far = GroupFactory(name="Far away friends", region=podlaskie)
    user = member_of(far)
    near = GroupFactory(name="Courtyard neighbours", region=mazowieckie)
    member_of(near, user=user)

    log_in(page, user.email, PASSWORD)
    page.goto(call.get_absolute_url())
    warning = page.locator(f"[data-group-problems='{far.pk}']")
    expect(warning).to_contain_text("“Far away friends” may not apply to this call")
    expect(warning).to_contain_text("Your group's region (Podlaskie) is not eligible for this call.")
    expect(page.get_by_label("Apply on behalf of").locator("option")).to_have_text(["Courtyard neighbours"])

    page.get_by_role("group", name="Does your group have at least three members?").get_by_label("No").check()
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("You may not apply to “Backyard initiatives” yet")
    expect(page.locator("[data-refusal]")).to_contain_text("This call funds only groups of at least three people.")
    assert not Application.objects.exists()

    question = page.get_by_role("group", name="Does your group have at least three members?")
    expect(question.get_by_label("No")).to_be_checked()
    question.get_by_label("Yes").check()
    page.get_by_role("button", name="Start an application").click()
    expect(page).to_have_url(f"/applications/{Application.objects.get().pk}/edit/")
    assert Application.objects.get().group == near
    assert request_log.foreign() == []
