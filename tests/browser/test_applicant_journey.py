"""The applicant's journey in a real browser: sign up, verify the e-mail, create a group, draft an
application (autosaved as they type), budget it, attach a PDF, submit; then the programme officer
finds it in the staff area. Driven by labels and roles, as a keyboard or screen-reader user would.

Both journeys run in English, Belarusian and Ukrainian (``JOURNEY_LANGUAGES``): the browser asks
for the language, the users have it, and every text a step looks for is the English msgid read
through the catalogues (``t``)."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import ApplicantGroup, Application
from tests.browser.i18n import JOURNEY_LANGUAGES, Translator
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

APPLICANT_PASSWORD = "a-long-Passphrase-for-2026"
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+?(/accounts/confirm-email/[^/\s\"'<>]+/)")
ENGLISH = Translator("en")


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


def mails_to(address, since=0, timeout=5.0):
    """The e-mails sent to ``address`` (after the first ``since``), waiting a little for the live
    server's thread, which sends them from the outbox after its transaction commits."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox[since:] if address in m.to]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def log_in(page, email, password, t=ENGLISH):
    """allauth's own form labels its fields "Email:" and "Password:" (in the page's language)."""
    page.goto("/accounts/login/")
    page.get_by_label(t.label("Email")).fill(email)
    page.get_by_label(t.label("Password")).fill(password)
    page.get_by_role("button", name=t.re("Sign In")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


AUTOSAVE_DELAY_MS = 1200  # the edit form's longest autosave delay (hx-trigger "input changed delay:1200ms")


def autosaved(page, action, t=ENGLISH):
    """Run ``action`` (typing) and wait until every autosave it started has been answered.

    On a busy machine typing is slow, so the first answer can come while later saves are still on
    their way: waiting for the first alone let the test read the database, or upload a file, before
    the last save had landed."""

    def is_autosave(request):
        return request.url.endswith("/autosave/") and request.method == "POST"

    started = []
    listener = lambda request: started.append(request) if is_autosave(request) else None  # noqa: E731
    page.on("request", listener)
    try:
        with page.expect_response(lambda r: is_autosave(r.request)) as response_info:
            action()
        page.wait_for_timeout(AUTOSAVE_DELAY_MS + 300)  # a save still waiting for its delay has started
        answers = [request.response() for request in list(started)]
    finally:
        page.remove_listener("request", listener)
    response = response_info.value
    for answer in [response, *answers]:
        assert answer is not None and answer.ok, f"autosave answered {answer and answer.status}"
    expect(page.locator("#autosave-status")).to_contain_text(t("Draft saved at %(time)s", time="").strip())
    expect(page.locator("#autosave-status")).not_to_contain_text(t("Not saved yet, please check:"))
    return response


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_applicant_signs_up_drafts_submits_and_staff_sees_it(page, live_server, request_log, tmp_path, language):
    t = Translator(language)
    # One address per language: allauth limits confirmation e-mails to an address to one in 3 minutes.
    APPLICANT_EMAIL = f"new-{language}@example.org"  # noqa: N806 - the journey's constant
    call = CompetitionFactory(min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    RegionFactory(name="Małopolskie")
    officer = staff_user(email="officer@example.org", language=language)
    start = call.project_start_earliest + timedelta(days=1)
    end = call.project_end_latest - timedelta(days=1)

    # Sign up.
    page.goto("/accounts/signup/")
    page.get_by_label(t.label("Your name")).fill("Ola Applicant")
    page.get_by_label(t.label("Email")).fill(APPLICANT_EMAIL)
    page.get_by_label(t.label("Password")).fill(APPLICANT_PASSWORD)
    page.get_by_label(t.label("Password (again)")).fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name=t.re("Sign Up")).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Verify the e-mail address with the link from the e-mail, as the applicant would.
    verification = mails_to(APPLICANT_EMAIL)
    assert len(verification) == 1, [(m.to, m.subject) for m in mail.outbox]
    link = CONFIRM_LINK.search(verification[0].body)
    assert link, verification[0].body
    page.goto(link.group(1))
    page.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()  # logged in on confirmation
    expect(page.get_by_role("link", name=APPLICANT_EMAIL)).to_be_visible()

    # Create a group.
    page.goto("/groups/new/")
    page.get_by_label(t.label("name")).fill("Friends of Planty Park")
    page.get_by_label(t.label("kind")).select_option(label=t("Informal group"))
    page.get_by_label(t.label("region")).select_option(label="Małopolskie (PL)")
    page.get_by_label(t.label("contact e-mail")).fill("planty@example.org")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    ready = t("Your group “%(name)s” is ready. You can now apply to open calls.", name="Friends of Planty Park")
    expect(page.get_by_text(ready)).to_be_visible()
    group = ApplicantGroup.objects.get(name="Friends of Planty Park")
    assert (group.kind, group.region.name, group.contact_email) == ("informal", "Małopolskie", "planty@example.org")

    # Start an application from the call's page.
    page.goto(f"/calls/{call.slug}/")
    page.get_by_label(t.label("Apply on behalf of")).select_option(label="Friends of Planty Park")
    page.get_by_role("button", name=t("Start an application")).click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/edit/$"))
    application = Application.objects.get(group=group, competition=call)
    assert page.url.endswith(f"/applications/{application.pk}/edit/")
    expect(page.get_by_label(t.label("region"))).to_have_value(str(group.region_id))  # taken from the group

    # Autosave: type the title, wait for "Draft saved at", reload without pressing Save.
    title = page.get_by_label(t.label("project title"))
    autosaved(page, lambda: title.fill("A garden on the car park"), t)
    application.refresh_from_db()
    assert application.title == "A garden on the car park"
    page.evaluate("window.localStorage.clear()")  # the title must come back from the server, not the browser
    page.reload()
    expect(title).to_have_value("A garden on the car park")
    expect(page.locator("#restore-notice")).to_be_hidden()

    def type_the_application():
        page.get_by_label(t.label("summary")).fill("We turn a car park into a neighbourhood garden.")
        page.get_by_label(t.label("problem or need")).fill("There is no green space within walking distance.")
        page.get_by_label(t.label("activities")).fill("Planting, building benches, a neighbours' day.")
        page.get_by_label(t.label("expected results")).fill("A garden used by 200 people.")
        page.get_by_label(t.label("beneficiaries")).fill("Residents of four blocks of flats.")
        page.get_by_label(t.label("planned start")).fill(start.isoformat())
        page.get_by_label(t.label("planned end")).fill(end.isoformat())
        page.get_by_label(t("Requested amount (%(currency)s)", currency="EUR")).fill("1500.00")

    autosaved(page, type_the_application, t)

    # Two budget lines adding up to the request: 1 × 900.00 + 3 × 200.00 = 1500.00.
    def type_the_budget():
        page.locator("#id_lines-0-category").select_option("equipment")
        page.locator("#id_lines-0-description").fill("Garden benches")
        page.locator("#id_lines-0-quantity").fill("1")
        page.locator("#id_lines-0-unit_cost").fill("900.00")
        page.get_by_role("button", name=t("Add a budget line")).click()
        expect(page.locator("#id_lines-1-category")).to_be_focused()
        page.locator("#id_lines-1-category").select_option("materials")
        page.locator("#id_lines-1-description").fill("Plants and soil")
        page.locator("#id_lines-1-quantity").fill("3")
        page.locator("#id_lines-1-unit_cost").fill("200.00")

    autosaved(page, type_the_budget, t)
    # The live total is written as the server writes money in the page's language ("1,500.00 EUR",
    # "1 500,00 EUR").
    expect(page.locator("[data-budget-total]")).to_contain_text(t.money_re(Decimal("1500.00"), "EUR"))
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
    page.get_by_label(t.label("File")).set_input_files(pdf)
    page.get_by_role("button", name=t("Upload")).click()
    expect(page.get_by_text(t("The file is attached."))).to_be_visible()
    attachments = page.get_by_role("region", name=t("Attachments"))
    expect(attachments.get_by_role("link", name="budget-quote.pdf")).to_be_visible()
    assert list(application.attachments.values_list("original_name", flat=True)) == ["budget-quote.pdf"]
    # Nothing typed was lost across the upload's page load.
    expect(title).to_have_value("A garden on the car park")
    expect(page.locator("#id_lines-1-description")).to_have_value("Plants and soil")

    # Submit (the button asks for confirmation first).
    outbox_before = len(mail.outbox)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=t("Submit application")).click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    expect(
        page.get_by_text(t("Your application is submitted. We have sent a confirmation to every member of your group."))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{application.reference}: A garden on the car park")
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(Application.Status.SUBMITTED.label))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    confirmations = mails_to(APPLICANT_EMAIL, since=outbox_before)
    assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox[outbox_before:]]
    # In the applicant's language (the one they signed up in).
    submitted = t(
        "The application %(ref)s “%(title)s” of %(group)s to the call “%(call)s” has been submitted.",
        ref=application.reference,
        title="A garden on the car park",
        group="Friends of Planty Park",
        call=call.title,
    )
    assert submitted in " ".join(confirmations[0].body.split()), confirmations[0].body

    # The programme officer finds it.
    page.get_by_role("button", name=t("Log out")).click()
    expect(page.get_by_role("link", name=t("Log in"))).to_be_visible()
    log_in(page, officer.email, PASSWORD, t)
    page.goto("/staff/")
    page.get_by_role("link", name=call.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/calls/{call.pk}/applications/$"))
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("A garden on the car park")
    expect(row).to_contain_text("Friends of Planty Park")
    expect(row).to_contain_text(t.of(Application.Status.SUBMITTED.label))

    assert request_log.urls, "no requests were recorded"
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_a_validation_error_keeps_what_was_typed(page, live_server, request_log, language):
    t = Translator(language)
    call = CompetitionFactory(min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    group = GroupFactory(region=RegionFactory(name="Małopolskie"), language=language)
    member = member_of(group, user__language=language)
    application = ApplicationFactory(competition=call, group=group, title="", requested_amount=None)

    log_in(page, member.email, PASSWORD, t)
    page.goto(f"/applications/{application.pk}/edit/")
    page.get_by_label(t.label("project title")).fill("Benches for the courtyard")
    page.get_by_label(t("Requested amount (%(currency)s)", currency="EUR")).fill("99999")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=t("Submit application")).click()

    expect(
        page.get_by_text(t("Your draft is saved, but it cannot be submitted yet. See the marked fields."))
    ).to_be_visible()
    amount = page.get_by_label(t("Requested amount (%(currency)s)", currency="EUR"))
    expect(amount).to_have_value(re.compile(r"^99999(\.00)?$"))
    # The error belongs to the field (aria-describedby), so a screen reader reads it with the field.
    expect(amount).to_have_attribute("aria-invalid", "true")
    maximum = t("The call's maximum grant is %(amount)s.", amount=t.money(Decimal("5000.00"), "EUR"))
    expect(amount).to_have_accessible_description(re.compile(re.escape(maximum)))
    expect(page.get_by_label(t.label("project title"))).to_have_value("Benches for the courtyard")

    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.title == "Benches for the courtyard"
    assert application.submitted_at is None
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"
