"""A two-stage call in a real browser, from the concept note to the award: the group writes a
short concept note (its own questions and deadline) and submits it; staff invite it to the full
proposal with a note; the group is told by e-mail, finds the full form started from its concept
answers, completes and submits it before the full proposals' deadline; staff screen it, complete
the review and award it. The concept note stays readable on the application's page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog
from playwright.sync_api import expect

from applications.models import Application
from grants.models import Competition
from grants.services import call_form_replace
from reviews import services as review_services
from tests.browser.test_applicant_journey import log_in, mails_to
from tests.factories import (
    PASSWORD,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    in_pool,
    member_of,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.browser
S = Application.Status


def _form():
    def q(key, label, type_="short_text", required=False):
        return {"key": key, "type": type_, "label": {"en": label}, "required": required}

    return {
        "kind": "two_stage",
        "stages": [
            {"key": "concept", "questions": [q("idea", "Your idea in a few words", required=True)]},
            {
                "key": "full",
                "questions": [
                    q("idea", "Your idea in a few words"),
                    q("risks", "What could go wrong?", "long_text", required=True),
                ],
            },
        ],
    }


def _as(page, user):
    page.context.clear_cookies()
    log_in(page, user.email, PASSWORD)


def _submit(page, success):
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text(success)).to_be_visible()


def test_a_two_stage_call_from_concept_note_to_award(page, live_server, request_log):
    call = CompetitionFactory(kind=Competition.Kind.TWO_STAGE, title="Courtyards in two steps")
    call.full_closes_at = call.closes_at + timedelta(days=30)
    call.save()
    call_form_replace(competition=call, definition=_form(), by=None)
    CriterionFactory(competition=call, name="Relevance")
    group = GroupFactory(name="Friends of Planty Park")
    member = member_of(group, user__email="ola@example.org")
    officer = staff_user(email="officer@example.org")
    reviewer = in_pool(call)

    # Stage 1: the group writes a short concept note and submits it.
    _as(page, member)
    page.goto(f"/calls/{call.slug}/")
    page.get_by_label("Apply on behalf of").select_option(label="Friends of Planty Park")
    page.get_by_role("button", name="Start an application").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/edit/$"))
    application = Application.objects.get(group=group, competition=call)
    expect(page.locator("[data-stage]")).to_have_text("Stage 1: the concept note.")
    page.get_by_label("Project title").fill("A garden on the car park")
    page.get_by_label("Summary").fill("Neighbours turn a car park into a garden.")
    page.get_by_label("Problem or need").fill("There is no green space nearby.")
    page.get_by_label("Requested amount (EUR)").fill("1500.00")
    page.get_by_label("Your idea in a few words").fill("Trees instead of cars")
    expect(page.get_by_label("What could go wrong?")).to_have_count(0)  # a question of stage 2
    _submit(page, "Your application is submitted.")
    expect(page.locator("#next-step")).to_contain_text("Staff read the concept notes")
    application.refresh_from_db()
    assert (application.status, application.stage) == (S.SUBMITTED, Application.Stage.CONCEPT)

    # Staff invite the group to the full proposal, with a note.
    _as(page, officer)
    page.goto(f"/applications/{application.pk}/")
    decision = page.locator("[data-stage-decision]")
    decision.get_by_label("Invite to the full proposal").check()
    decision.get_by_label("Note or feedback the group will read (optional)").fill("Add a budget for the trees.")
    decision.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("The group is invited to write the full proposal and told so by e-mail.")).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text("Invited to a full proposal")
    invitation = mails_to(member.email)
    invitation = [m for m in invitation if "invited to write the full proposal" in m.subject]
    assert len(invitation) == 1 and "Add a budget for the trees." in invitation[0].body

    # Stage 2: the group finds the full form started from its concept note, completes and submits it.
    _as(page, member)
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("#next-step")).to_contain_text("You are invited to write the full proposal")
    page.get_by_role("link", name="Write the full proposal").click()
    expect(page.locator("[data-stage]")).to_have_text("Stage 2: the full proposal.")
    expect(page.get_by_label("Your idea in a few words")).to_have_value("Trees instead of cars")
    expect(page.get_by_label("Project title")).to_have_value("A garden on the car park")
    page.get_by_label("What could go wrong?").fill("A dry summer; we have a water butt.")
    page.get_by_label("Activities").fill("Planting, benches, a neighbours' day.")
    page.get_by_label("Expected results").fill("A garden used by 200 people.")
    page.get_by_label("Beneficiaries").fill("Residents of four houses.")
    page.get_by_label("Planned start").fill(call.project_start_earliest.isoformat())
    page.get_by_label("Planned end").fill(call.project_end_latest.isoformat())
    page.locator("#id_lines-0-description").fill("Trees")
    page.locator("#id_lines-0-quantity").fill("3")
    page.locator("#id_lines-0-unit_cost").fill("500.00")
    _submit(page, "Your application is submitted.")
    expect(page.locator("h1 + p .badge")).to_have_text("Submitted")
    concept = page.locator("[data-concept-note]")
    expect(concept).to_contain_text("Trees instead of cars")  # the concept note stays readable
    application.refresh_from_db()
    assert (application.status, application.stage) == (S.SUBMITTED, Application.Stage.FULL)
    assert application.form_answers["risks"] == "A dry summer; we have a water butt."

    # Staff screen it, a reviewer scores it, staff complete the review and award it.
    _as(page, officer)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_role("button", name="Save the screening").click()
    review_services.assignment_create(application=application, reviewer=reviewer, by=officer)
    submitted_review(application, reviewer, [5])
    page.goto(f"/applications/{application.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Complete the review now").click()
    expect(page.locator("h1 + p .badge")).to_have_text("Reviewed")
    page.get_by_role("link", name="Decide and manage the award").click()
    award = page.get_by_role("region", name="Award", exact=True)
    expect(award.get_by_label("Amount")).to_have_value("1500.00")
    page.once("dialog", lambda dialog: dialog.accept())
    award.get_by_role("button", name="Award", exact=True).click()
    expect(page.get_by_text(f"{application.reference} is awarded. Now set up the payment tranches.")).to_be_visible()
    application.refresh_from_db()
    assert (application.status, application.awarded_amount) == (S.AWARDED, Decimal("1500.00"))
    # One state machine, every step logged with who did it.
    logs = StateLog.objects.filter(object_id=application.pk).order_by("timestamp", "pk")
    assert [(log.transition, log.by) for log in logs] == [
        ("submit", member),
        ("invite", officer),
        ("submit_full", member),
        ("start_review", officer),
        ("complete_review", officer),
        ("award", officer),
    ]
    assert request_log.foreign() == []
