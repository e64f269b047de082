"""The decision meeting in a real browser: staff award the top two of the ranking at once, waitlist
the third and reject the fourth with feedback; the waitlisted one does not fit the pool until a
grantee declines its award; then it is awarded, its payment schedule set and the first tranche
paid. The grantee reads the decision and downloads the award letter; the rejected group reads the
feedback and the reviewers' comments, without the reviewers' names. Driven by labels and roles.

It passes in English, Belarusian and Ukrainian (a test run takes English and one of them:
``journey_languages``); every text a step looks for is read through the catalogues (``t``); money,
dates, the e-mails' subjects and the award letter in that language."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Application
from projects.models import PaymentTranche
from tests.browser.i18n import Translator, journey_languages
from tests.browser.test_applicant_journey import ENGLISH, log_in
from tests.browser.test_review_journey import log_out
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    member_of,
    reviewer_user,
    staff_user,
    submitted_review,
)

pytestmark = pytest.mark.browser

# 3000 + 3000 awarded leaves 1000 of 7000: the third (2500) does not fit until an award of 3000 is
# withdrawn. One criterion scored 0–10, so a review's weighted percentage is ten times its score.
POOL = Decimal("7000.00")
PROJECTS = {
    # key: (title, group name, requested amount, (Anna's score, Ben's score))
    "orchard": ("An orchard behind the school", "School Orchard Friends", Decimal("3000.00"), (9, 10)),  # 95
    "murals": ("Murals in the underpass", "Underpass Painters", Decimal("3000.00"), (8, 9)),  # 85
    "repair": ("A repair café", "Fix-it Neighbours", Decimal("2500.00"), (7, 8)),  # 75
    "choir": ("A neighbourhood choir", "Courtyard Choir", Decimal("1000.00"), (4, 5)),  # 45
}
ORDER = ["orchard", "murals", "repair", "choir"]
FEEDBACK = "A strong idea, but the rehearsal costs are not explained."
SHARED_COMMENT = "The choir needs a rehearsal room before it needs sheet music."
DECLINED = "The school no longer lends the land; the group leader phoned on Monday."


def flat(text):
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def open_decide_page(page, call, application, t=ENGLISH):
    """From the ranking: the application's page, then its decision page."""
    page.goto(f"/staff/calls/{call.pk}/ranking/")
    page.get_by_role("link", name=application.reference, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    page.get_by_role("link", name=t("Decide and manage the award")).click()
    expect(page).to_have_url(re.compile(rf"/staff/applications/{application.pk}/decide/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Decision on %(ref)s", ref=application.reference))


def status_of(application):
    application.refresh_from_db()
    return application.status


@pytest.mark.parametrize("language", journey_languages("uk"))
def test_decision_meeting_award_waitlist_reject_withdraw_and_the_letter(
    page, live_server, request_log, tmp_path, language
):
    t = Translator(language)
    S = Application.Status  # noqa: N806 - the statuses' labels, read in the journey's language

    def money(amount):
        """As the site writes money in this language: ``2,500.00 EUR``, ``2 500,00 EUR``."""
        return t.money(amount, "EUR")

    call = CompetitionFactory(budget_pool=POOL, min_grant=Decimal("500.00"), max_grant=Decimal("5000.00"))
    CriterionFactory(competition=call, name="Quality", weight=Decimal("1"), max_score=10, position=1)
    officer = staff_user(email="officer@example.org", full_name="Olga Officer", language=language)
    anna = reviewer_user(email="anna@example.org", full_name="Anna Reviewer")
    ben = reviewer_user(email="ben@example.org", full_name="Ben Reviewer")
    apps, members = {}, {}
    for key, (title, group_name, amount, (anna_score, ben_score)) in PROJECTS.items():
        group = GroupFactory(name=group_name, language=language)
        members[key] = member_of(
            group, user__email=f"{key}@example.org", user__full_name=f"{group_name} Lead", user__language=language
        )
        apps[key] = ApplicationFactory(
            competition=call,
            group=group,
            title=title,
            requested_amount=amount,
            lines=[(Decimal("1"), amount)],
            status=Application.Status.REVIEWED,
            submitted_at=timezone.now() - timedelta(days=20),
        )
        anna_review = submitted_review(apps[key], anna, [anna_score])
        submitted_review(apps[key], ben, [ben_score])
        if key == "choir":
            anna_review.overall_comment = SHARED_COMMENT
            anna_review.save(update_fields=["overall_comment"])
    orchard, murals, repair, choir = (apps[key] for key in ORDER)

    # The ranking: best mean first, the funding line after the second.
    log_in(page, officer.email, PASSWORD, t)
    page.goto(f"/staff/calls/{call.pk}/ranking/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Ranking: %(title)s", title=call.title))
    body_rows = page.get_by_role("table").locator("tbody > tr")
    expect(body_rows).to_have_text(
        [
            re.compile(re.escape(f"{orchard.reference} {PROJECTS['orchard'][0]}")),
            re.compile(re.escape(f"{murals.reference} {PROJECTS['murals'][0]}")),
            t("Funding line: the budget pool ends here"),
            re.compile(re.escape(f"{repair.reference} {PROJECTS['repair'][0]}")),
            re.compile(re.escape(f"{choir.reference} {PROJECTS['choir'][0]}")),
        ]
    )

    # Award the top two at once.
    page.get_by_label(t("Select %(ref)s", ref=orchard.reference), exact=True).check()
    page.get_by_label(t("Select %(ref)s", ref=murals.reference), exact=True).check()
    bulk = page.get_by_role("region", name=t("Decide the selected applications"))
    bulk.get_by_label(t.label("Decision")).select_option(label=t("Award the requested amounts"))
    with page.expect_event("dialog") as dialog_info:
        page.once("dialog", lambda dialog: dialog.accept())
        bulk.get_by_role("button", name=t("Decide"), exact=True).click()
    assert dialog_info.value.message == t("Record these decisions? The groups are told by e-mail.")
    expect(
        page.get_by_text(t.plural("%(count)s decision recorded.", "%(count)s decisions recorded.", 2, count=2))
    ).to_be_visible()
    for key in ("orchard", "murals"):
        expect(page.get_by_role("row").filter(has_text=apps[key].reference).get_by_role("cell").nth(3)).to_have_text(
            t.of(S.AWARDED.label)
        )
        apps[key].refresh_from_db()
        assert (apps[key].status, apps[key].awarded_amount) == (Application.Status.AWARDED, PROJECTS[key][2])
    # An awarded application can no longer be selected for a bulk decision.
    expect(page.get_by_label(t("Select %(ref)s", ref=orchard.reference), exact=True)).to_have_count(0)
    remaining = t.money_re(Decimal("1000.00"), "EUR").pattern
    expect(page.get_by_text(re.compile(rf"{re.escape(t('Remaining'))}:\s*{remaining}"))).to_be_visible()

    # The third goes on the waiting list.
    open_decide_page(page, call, repair, t)
    page.get_by_role("button", name=t("Put on the waiting list")).click()
    expect(page.get_by_text(t("%(ref)s is on the waiting list.", ref=repair.reference))).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.WAITLISTED.label))
    assert status_of(repair) == Application.Status.WAITLISTED

    # The fourth is rejected with feedback, and the reviewers' comments are shared.
    open_decide_page(page, call, choir, t)
    reject = page.get_by_role("region", name=t("Reject"))
    reject.get_by_label(t.label("Feedback for the applicant")).fill(FEEDBACK)
    share = t("Also share the reviewers' comments (never their names or scores)")
    reject.get_by_label(re.compile(rf"^\s*{re.escape(share)}")).check()
    page.once("dialog", lambda dialog: dialog.accept())  # "... The group is told by e-mail."
    reject.get_by_role("button", name=t("Reject")).click()
    expect(page.get_by_text(t("%(ref)s is rejected; the group is told.", ref=choir.reference))).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.REJECTED.label))
    choir.refresh_from_db()
    assert choir.status == Application.Status.REJECTED
    assert (choir.decision_feedback, choir.share_reviewer_comments) == (FEEDBACK, True)

    assert {key: status_of(apps[key]) for key in ORDER} == {
        "orchard": Application.Status.AWARDED,
        "murals": Application.Status.AWARDED,
        "repair": Application.Status.WAITLISTED,
        "choir": Application.Status.REJECTED,
    }

    # The waitlisted one does not fit what is left of the pool: the award form says so, nothing changes.
    open_decide_page(page, call, repair, t)
    budget = page.get_by_role("region", name=t("The call's budget"))
    expect(budget.get_by_role("definition").nth(1)).to_have_text(money(Decimal("6000.00")))  # committed
    expect(budget.get_by_role("definition").nth(3)).to_have_text(money(Decimal("1000.00")))  # remaining
    award = page.get_by_role("region", name=t("Award"), exact=True)
    amount = award.get_by_label(t.label("Amount"))
    expect(amount).to_have_value("2500.00")  # the requested amount
    page.once("dialog", lambda dialog: dialog.accept())  # "... The group is told by e-mail."
    award.get_by_role("button", name=t("Award"), exact=True).click()
    award = page.get_by_role("region", name=t("Award"), exact=True)
    amount = award.get_by_label(t.label("Amount"))
    only_left = t("Only %(remaining)s is left in this call's budget pool.", remaining=money(Decimal("1000.00")))
    expect(award).to_contain_text(only_left)
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(re.compile(r"\s+".join(map(re.escape, flat(only_left).split()))))
    expect(amount).to_have_value("2500.00")
    page.screenshot(path=f"/tmp/decide-page-pool-exceeded-{language}.png", full_page=True)
    repair.refresh_from_db()
    assert (repair.status, repair.awarded_amount) == (Application.Status.WAITLISTED, None)

    # A grantee declines: the award is withdrawn and its money goes back to the pool.
    open_decide_page(page, call, orchard, t)
    declined = page.get_by_role("region", name=t("The grantee declined"))
    declined.get_by_label(t.label("How did the grantee decline? (the group sees this)")).fill(DECLINED)
    with page.expect_event("dialog") as dialog_info:
        page.once("dialog", lambda dialog: dialog.accept())
        declined.get_by_role("button", name=t("Withdraw the award")).click()
    assert dialog_info.value.message == t("Withdraw this award and return its money to the pool?")
    expect(page.get_by_text(t("The award is withdrawn and its money is back in the pool."))).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.WITHDRAWN.label))
    assert status_of(orchard) == Application.Status.WITHDRAWN
    expect(page.get_by_role("region", name=t("The call's budget")).get_by_role("definition").nth(3)).to_have_text(
        money(Decimal("4000.00"))
    )

    # Now the waitlisted one fits.
    open_decide_page(page, call, repair, t)
    award = page.get_by_role("region", name=t("Award"), exact=True)
    expect(award.get_by_label(t.label("Amount"))).to_have_value("2500.00")
    page.once("dialog", lambda dialog: dialog.accept())  # "... The group is told by e-mail."
    award.get_by_role("button", name=t("Award"), exact=True).click()
    expect(
        page.get_by_text(t("%(ref)s is awarded. Now set up the payment tranches.", ref=repair.reference))
    ).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.AWARDED.label))
    repair.refresh_from_db()
    assert (repair.status, repair.awarded_amount) == (Application.Status.AWARDED, Decimal("2500.00"))

    # The payment schedule, pre-filled 80/20.
    on_signature, after_report = t("On signature of the contract"), t("After the final report is accepted")
    tranches = page.get_by_role("region", name=t("Payment tranches"))
    expect(tranches.get_by_role("row")).to_have_text([re.compile(rf"^{re.escape(t('When'))}"), t("No schedule yet.")])
    rows = tranches.get_by_role("group", name=t("Tranche"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_label(t.label("When"))).to_have_value(on_signature)
    expect(rows.nth(0).get_by_label(t.label("Amount"))).to_have_value("2000.00")
    expect(rows.nth(1).get_by_label(t.label("When"))).to_have_value(after_report)
    expect(rows.nth(1).get_by_label(t.label("Amount"))).to_have_value("500.00")
    tranches.get_by_role("button", name=t("Save the schedule")).click()
    expect(page.get_by_text(t("The payment schedule is saved."))).to_be_visible()
    assert list(repair.tranches.order_by("position").values_list("label", "amount", "paid_on")) == [
        (on_signature, Decimal("2000.00"), None),
        (after_report, Decimal("500.00"), None),
    ]

    # The first tranche is paid.
    paid_on = timezone.localdate() - timedelta(days=2)
    with translation.override(language):
        paid_on_text = formats.date_format(paid_on, "DATE_FORMAT")
    tranches = page.get_by_role("region", name=t("Payment tranches"))
    first = tranches.get_by_role("row").filter(has_text=on_signature)
    first.get_by_label(t("Date paid: %(label)s", label=on_signature)).fill(paid_on.isoformat())
    first.get_by_role("button", name=t("Mark paid")).click()
    expect(page.get_by_text(t("The tranche is marked as paid."))).to_be_visible()
    tranches = page.get_by_role("region", name=t("Payment tranches"))
    expect(tranches.get_by_role("row").filter(has_text=on_signature)).to_contain_text(paid_on_text)
    expect(tranches.get_by_role("button", name=t("Mark paid"))).to_have_count(1)  # the second tranche
    tranche = PaymentTranche.objects.get(application=repair, position=0)
    assert (tranche.paid_on, tranche.marked_paid_by) == (paid_on, officer)
    expect(page.get_by_role("region", name=t("The call's budget")).get_by_role("definition").nth(2)).to_have_text(
        money(Decimal("2000.00"))
    )
    page.screenshot(path=f"/tmp/decide-page-{language}.png", full_page=True)
    log_out(page, t)

    # The grantee reads the decision and downloads the award letter.
    log_in(page, members["repair"].email, PASSWORD, t)
    page.get_by_role("link", name=t("My applications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My applications"))
    page.get_by_role("link", name=repair.reference, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/applications/{repair.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{repair.reference}: {PROJECTS['repair'][0]}")
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.AWARDED.label))
    decision = page.get_by_role("region", name=t("Decision"))
    awarded_line = t("Awarded: <strong>%(amount)s</strong>", amount=money(Decimal("2500.00")))
    expect(decision).to_contain_text(re.sub(r"<[^>]+>", "", awarded_line))
    expect(decision.get_by_role("heading", name=t("Payment schedule"))).to_be_visible()
    space = r"[\s\u00a0\u202f]*"
    expect(decision.locator("tbody > tr")).to_have_text(
        [
            re.compile(
                re.escape(on_signature)
                + space
                + t.money_re(Decimal("2000.00"), "EUR").pattern
                + space
                + re.escape(paid_on_text)
            ),
            re.compile(re.escape(after_report) + space + t.money_re(Decimal("500.00"), "EUR").pattern + space + "—"),
        ]
    )
    # The timeline: a payment is not a second "Awarded".
    timeline = page.get_by_role("list").filter(has_text=t("Draft created")).get_by_role("listitem")
    expect(timeline.locator("strong")).to_have_text(
        [t("Draft created"), t.of(S.WAITLISTED.label), t.of(S.AWARDED.label), t("Payment")]
    )
    paid = t(
        "Paid %(amount)s (%(label)s) on %(date)s",
        amount=money(Decimal("2000.00")),
        label=on_signature,
        date=paid_on_text,
    )
    expect(timeline.nth(3)).to_contain_text(paid)
    page.screenshot(path=f"/tmp/applicant-detail-awarded-{language}.png", full_page=True)
    with page.expect_download() as download_info:
        decision.get_by_role("link", name=t("Download the award letter (PDF)")).click()
    download = download_info.value
    assert download.suggested_filename == f"award-letter-{repair.reference}.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages))
    assert repair.reference in text, text
    assert flat(money(Decimal("2500.00"))) in text, text
    assert PROJECTS["repair"][1] in text, text
    log_out(page, t)

    # The rejected group reads the feedback and the shared comment, not who wrote it.
    log_in(page, members["choir"].email, PASSWORD, t)
    page.get_by_role("link", name=t("My applications")).click()
    page.get_by_role("link", name=choir.reference, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/applications/{choir.pk}/$"))
    expect(page.locator("h1 + p .badge")).to_have_text(t.of(S.REJECTED.label))
    decision = page.get_by_role("region", name=t("Decision"))
    expect(decision).to_contain_text(t("We are sorry: this application will not be funded."))
    expect(decision.get_by_role("heading", name=t("Feedback"))).to_be_visible()
    expect(decision).to_contain_text(FEEDBACK)
    expect(decision.get_by_role("heading", name=t("Reviewer %(number)s", number=1))).to_be_visible()
    expect(decision).to_contain_text(SHARED_COMMENT)
    expect(decision.get_by_role("link", name=t("Download the award letter (PDF)"))).to_have_count(0)
    content = page.content()
    for name in ("Anna Reviewer", "Ben Reviewer", anna.email, ben.email):
        assert name not in content, f"the rejected group sees the reviewer “{name}”"
    page.screenshot(path=f"/tmp/applicant-detail-rejected-{language}.png", full_page=True)
    # And it cannot fetch an award letter it does not have.
    assert page.request.get(f"/applications/{choir.pk}/award-letter.pdf").status == 404

    # Every group was told by e-mail, in order; nobody was told twice about the same decision.
    def subjects(key):
        return [m.subject for m in mail.outbox if members[key].email in m.to]

    # (In each group's language.)
    assert subjects("orchard") == [t("Grant awarded: %(ref)s", ref=orchard.reference)]
    assert subjects("murals") == [t("Grant awarded: %(ref)s", ref=murals.reference)]
    assert subjects("repair") == [
        t("Application %(ref)s is on the waiting list", ref=repair.reference),
        t("Grant awarded: %(ref)s", ref=repair.reference),
    ]
    assert subjects("choir") == [t("Decision on application %(ref)s", ref=choir.reference)]
    (rejection,) = [m for m in mail.outbox if members["choir"].email in m.to]
    assert FEEDBACK in rejection.body

    assert request_log.urls, "no requests were recorded"
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"
