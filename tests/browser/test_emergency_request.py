"""An emergency request decided within its deadline, in a real browser. The emergency call is not
on the public pages; staff open the list of requests awaiting a decision (nearest deadline first,
an overdue one flagged), open the request, award it with no review panel, and it leaves the list;
the group then reads on its dashboard that it is awarded. Driven by labels and roles."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_fsm_log.models import StateLog
from playwright.sync_api import expect

from applications import services as application_services
from applications.models import Application
from tests.browser.test_applicant_journey import log_in
from tests.browser.test_review_journey import log_out
from tests.factories import PASSWORD, ApplicationFactory, CompetitionFactory, GroupFactory, member_of, staff_user

S = Application.Status


def _submitted(call, group, title, amount, days_ago):
    draft = ApplicationFactory(
        competition=call, group=group, title=title, requested_amount=Decimal(amount), lines=[(1, Decimal(amount))]
    )
    member = group.memberships.first().user
    return application_services.application_submit(
        application=draft, by=member, now=timezone.now() - timedelta(days=days_ago)
    )


def test_staff_decide_an_emergency_request_within_its_deadline(page, live_server, request_log):
    call = CompetitionFactory(
        title="Crisis support 2027",
        kind="emergency",
        closes_at=None,
        confidential=True,
        decision_days=5,
        max_grant=Decimal("2000"),
        opens_at=timezone.now() - timedelta(days=30),
    )
    shelter, lawyers = GroupFactory(name="Night Shelter Volunteers"), GroupFactory(name="Legal Aid Circle")
    member = member_of(shelter)
    member_of(lawyers)
    request = _submitted(call, shelter, "Emergency repair of the shelter's heating", "1800", days_ago=1)
    overdue = _submitted(call, lawyers, "Bail for detained volunteers", "900", days_ago=6)
    staff = staff_user()

    # Nobody outside sees the call.
    page.goto("/calls/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(call.title)).to_have_count(0)

    log_in(page, staff.email, PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="Emergency requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency requests awaiting a decision")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(overdue.reference)  # its deadline passed: it comes first
    expect(rows.nth(0)).to_contain_text("Overdue")
    expect(rows.nth(1)).to_contain_text(request.reference)
    expect(rows.nth(1)).to_contain_text(re.compile(r"\d+\s+days"))  # the time left
    expect(rows.nth(1)).not_to_contain_text("Overdue")

    rows.nth(1).get_by_role("link", name=re.compile(r"^Decide")).click()
    expect(page).to_have_url(re.compile(rf"/staff/applications/{request.pk}/decide/$"))
    award = page.get_by_role("region", name="Award")
    award.get_by_label(re.compile(r"^\s*Amount")).fill("1500.00")
    page.once("dialog", lambda dialog: dialog.accept())  # "... The group is told by e-mail."
    award.get_by_role("button", name="Award").click()
    expect(page.get_by_text(f"{request.reference} is awarded.", exact=False)).to_be_visible()

    request.refresh_from_db()
    assert (request.status, request.awarded_amount) == (S.AWARDED, Decimal("1500.00"))
    decided = StateLog.objects.for_(request).get(source_state=S.SUBMITTED, state=S.AWARDED)
    assert decided.by == staff
    assert decided.timestamp <= request.submitted_at + timedelta(days=call.decision_days)

    page.goto("/staff/emergency/")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).not_to_contain_text(request.reference)
    log_out(page)

    # The group reads its decision.
    log_in(page, member.email, PASSWORD)
    page.goto("/my/")
    expect(page.get_by_text(request.reference)).to_be_visible()
    expect(page.get_by_text("Awarded").first).to_be_visible()
    assert request_log.foreign() == []
