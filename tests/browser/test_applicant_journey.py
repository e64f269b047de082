"""The applicant's journey in a real browser: sign up, verify the e-mail, create a group, draft an
application (autosaved as they type), budget it, attach a PDF, submit; then the programme officer
finds it in the staff area. Driven by labels and roles, as a keyboard or screen-reader user would."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import ApplicantGroup, Application
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CompetitionFactory,
    GroupFactory,
    RegionFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.browser

APPLICANT_EMAIL = "new@example.org"
APPLICANT_PASSWORD = "a-long-Passphrase-for-2026"
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+?(/accounts/confirm-email/[^/\s\"'<>]+/)")
AUTOSAVED = re.compile(r"Draft saved at")
# allauth's own forms label their fields "Email:", "Password:", "Password (again):".
EMAIL_LABEL = re.compile(r"^\s*e-?mail:?\s*\*?\s*$", re.I)
PASSWORD_LABEL = re.compile(r"^\s*Password:?\s*\*?\s*$")
PASSWORD_AGAIN_LABEL = re.compile(r"^\s*Password \(again\):?\s*\*?\s*$")


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table (so it is a real PDF, not just a header)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def autosaved(page, action):
    """Run ``action`` (typing) and wait until the autosave request it triggers has been answered."""
    with page.expect_response(lambda r: r.url.endswith("/autosave/") and r.request.method == "POST") as response_info:
        action()
    response = response_info.value
    assert response.ok, f"autosave answered {response.status}: {response.text()}"
    expect(page.locator("#autosave-status")).to_contain_text(AUTOSAVED)
    expect(page.locator("#autosave-status")).not_to_contain_text("Not saved yet")
    return response


def test_applicant_signs_up_drafts_submits_and_staff_sees_it(page, live_server, request_log, tmp_path):
    call = CompetitionFactory(min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    RegionFactory(name="Małopolskie")
    officer = staff_user(email="officer@example.org")
    start = call.project_start_earliest + timedelta(days=1)
    end = call.project_end_latest - timedelta(days=1)

    # Sign up.
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Ola Applicant")
    page.get_by_label(EMAIL_LABEL).fill(APPLICANT_EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(APPLICANT_PASSWORD)
    page.get_by_label(PASSWORD_AGAIN_LABEL).fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^sign up$", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Verify the e-mail address with the link from the e-mail, as the applicant would.
    verification = [m for m in mail.outbox if APPLICANT_EMAIL in m.to]
    assert len(verification) == 1, [(m.to, m.subject) for m in mail.outbox]
    link = CONFIRM_LINK.search(verification[0].body)
    assert link, verification[0].body
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # logged in on confirmation
    expect(page.get_by_role("link", name=APPLICANT_EMAIL)).to_be_visible()

    # Create a group.
    page.goto("/groups/new/")
    page.get_by_label("Name").fill("Friends of Planty Park")
    page.get_by_label("Kind").select_option(label="Informal group")
    page.get_by_label("Region").select_option(label="Małopolskie (PL)")
    page.get_by_label("Contact e-mail").fill("planty@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your group “Friends of Planty Park” is ready.")).to_be_visible()
    group = ApplicantGroup.objects.get(name="Friends of Planty Park")
    assert (group.kind, group.region.name, group.contact_email) == ("informal", "Małopolskie", "planty@example.org")

    # Start an application from the call's page.
    page.goto(f"/calls/{call.slug}/")
    page.get_by_label("Apply on behalf of").select_option(label="Friends of Planty Park")
    page.get_by_role("button", name="Start an application").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/edit/$"))
    application = Application.objects.get(group=group, competition=call)
    assert page.url.endswith(f"/applications/{application.pk}/edit/")
    expect(page.get_by_label("Region")).to_have_value(str(group.region_id))  # taken from the group

    # Autosave: type the title, wait for "Draft saved at", reload without pressing Save.
    autosaved(page, lambda: page.get_by_label("Project title").fill("A garden on the car park"))
    application.refresh_from_db()
    assert application.title == "A garden on the car park"
    page.evaluate("window.localStorage.clear()")  # the title must come back from the server, not the browser
    page.reload()
    expect(page.get_by_label("Project title")).to_have_value("A garden on the car park")
    expect(page.locator("#restore-notice")).to_be_hidden()

    def type_the_application():
        page.get_by_label("Summary").fill("We turn a car park into a neighbourhood garden.")
        page.get_by_label("Problem or need").fill("There is no green space within walking distance.")
        page.get_by_label("Activities").fill("Planting, building benches, a neighbours' day.")
        page.get_by_label("Expected results").fill("A garden used by 200 people.")
        page.get_by_label("Beneficiaries").fill("Residents of four blocks of flats.")
        page.get_by_label("Planned start").fill(start.isoformat())
        page.get_by_label("Planned end").fill(end.isoformat())
        page.get_by_label("Requested amount (EUR)").fill("1500.00")

    autosaved(page, type_the_application)

    # Two budget lines adding up to the request: 1 × 900.00 + 3 × 200.00 = 1500.00.
    def type_the_budget():
        page.locator("#id_lines-0-category").select_option("equipment")
        page.locator("#id_lines-0-description").fill("Garden benches")
        page.locator("#id_lines-0-quantity").fill("1")
        page.locator("#id_lines-0-unit_cost").fill("900.00")
        page.get_by_role("button", name="Add a budget line").click()
        expect(page.locator("#id_lines-1-category")).to_be_focused()
        page.locator("#id_lines-1-category").select_option("materials")
        page.locator("#id_lines-1-description").fill("Plants and soil")
        page.locator("#id_lines-1-quantity").fill("3")
        page.locator("#id_lines-1-unit_cost").fill("200.00")

    autosaved(page, type_the_budget)
    expect(page.locator("[data-budget-total]")).to_contain_text("1,500.00")
    expect(page.locator("[data-budget-mismatch]")).to_be_hidden()
    application.refresh_from_db()
    assert application.requested_amount == Decimal("1500.00")
    assert (application.planned_start, application.planned_end) == (start, end)
    lines = sorted(application.budget_lines.values_list("category", "description", "quantity", "unit_cost"))
    assert lines == [
        ("equipment", "Garden benches", Decimal("1"), Decimal("900.00")),
        ("materials", "Plants and soil", Decimal("3"), Decimal("200.00")),
    ]

    # Attach a real PDF.
    pdf = tmp_path / "budget-quote.pdf"
    pdf.write_bytes(minimal_pdf())
    page.get_by_label("File").set_input_files(pdf)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file is attached.")).to_be_visible()
    attachments = page.get_by_role("region", name="Attachments")
    expect(attachments.get_by_role("link", name="budget-quote.pdf")).to_be_visible()
    assert list(application.attachments.values_list("original_name", flat=True)) == ["budget-quote.pdf"]
    # Nothing typed was lost across the upload's page load.
    expect(page.get_by_label("Project title")).to_have_value("A garden on the car park")
    expect(page.locator("#id_lines-1-description")).to_have_value("Plants and soil")

    # Submit (the button asks for confirmation first).
    outbox_before = len(mail.outbox)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit application").click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    expect(page.get_by_text("Your application is submitted.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{application.reference}: A garden on the car park")
    expect(page.locator("h1 + p .badge")).to_have_text("Submitted")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    confirmations = [m for m in mail.outbox[outbox_before:] if APPLICANT_EMAIL in m.to]
    assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox[outbox_before:]]
    assert f"The application {application.reference} “A garden on the car park”" in confirmations[0].body
    assert "has been submitted" in confirmations[0].body

    # The programme officer finds it.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    log_in(page, officer.email, PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name=call.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/calls/{call.pk}/applications/$"))
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("A garden on the car park")
    expect(row).to_contain_text("Friends of Planty Park")
    expect(row).to_contain_text("Submitted")

    assert request_log.urls, "no requests were recorded"
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"


def test_a_validation_error_keeps_what_was_typed(page, live_server, request_log):
    call = CompetitionFactory(min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    group = GroupFactory(region=RegionFactory(name="Małopolskie"))
    member = member_of(group)
    application = ApplicationFactory(competition=call, group=group, title="", requested_amount=None)

    log_in(page, member.email, PASSWORD)
    page.goto(f"/applications/{application.pk}/edit/")
    page.get_by_label("Project title").fill("Benches for the courtyard")
    page.get_by_label("Requested amount (EUR)").fill("99999")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit application").click()

    expect(page.get_by_text("it cannot be submitted yet")).to_be_visible()
    amount = page.get_by_label("Requested amount (EUR)")
    expect(amount).to_have_value(re.compile(r"^99999(\.00)?$"))
    # The error belongs to the field (aria-describedby), so a screen reader reads it with the field.
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(re.compile(r"maximum grant is 5,000\.00\s*EUR"))
    expect(page.get_by_label("Project title")).to_have_value("Benches for the courtyard")

    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.title == "Benches for the courtyard"
    assert application.submitted_at is None
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"
