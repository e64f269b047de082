"""The review journey in a real browser: staff screen the submitted applications and assign
reviewers automatically; two reviewers declare their conflicts and score every application of a
blind call against its weighted rubric; staff read the ranking, with the funding line, and
download it as CSV. Driven by labels and roles, as a keyboard or screen-reader user would.

It passes in English, Belarusian and Ukrainian (a test run takes English and one of them:
``journey_languages``); every text a step looks for is read through the catalogues (``t``),
the CSV's header row too."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from reviews.models import Assignment, PoolMembership, Review
from tests.browser.i18n import Translator, journey_languages
from tests.browser.test_applicant_journey import ENGLISH, log_in
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    in_pool,
    reviewer_user,
    staff_user,
)

pytestmark = pytest.mark.browser

# Weighted percentage of a review = (2 × relevance + budget) / (2 × 5 + 1 × 10) × 100 = (2r + b) × 5.
PROJECTS = {
    # key: (title, group name, requested amount)
    "benches": ("Benches for the courtyard", "Courtyard Neighbours", Decimal("2000.00")),
    "garden": ("A garden on the car park", "Friends of Planty Park", Decimal("3000.00")),
    "library": ("A library in the laundry room", "Laundry Readers", Decimal("4000.00")),
}
# (relevance 0–5, budget 0–10, recommendation) per reviewer and project.
FUND, MAYBE, DO_NOT_FUND = (Review.Recommendation.FUND, Review.Recommendation.MAYBE, Review.Recommendation.DO_NOT_FUND)
SCORES = {
    "anna": {
        "benches": (3, 6, MAYBE),  # 60
        "garden": (5, 8, FUND),  # 90
        "library": (4, 9, FUND),  # 85
    },
    "ben": {
        "benches": (2, 4, DO_NOT_FUND),  # 40
        "garden": (4, 10, FUND),  # 90
        "library": (3, 7, MAYBE),  # 65
    },
}


def weighted(relevance, budget):
    return Decimal((2 * relevance + budget) * 100) / Decimal(20)


def expected_means():
    return {key: sum(weighted(*SCORES[who][key][:2]) for who in SCORES) / len(SCORES) for key in PROJECTS}


def log_out(page, t=ENGLISH):
    page.get_by_role("button", name=t("Log out")).click()
    expect(page.get_by_role("link", name=t("Log in"))).to_be_visible()


def review_everything(
    page, reviewer, scores, applications, call, *, t=ENGLISH, try_an_invalid_score=False, screenshot=None
):
    """Log in as ``reviewer``, declare conflicts, then score (``scores``) and submit every assigned application."""
    log_in(page, reviewer.email, PASSWORD, t)
    page.get_by_role("link", name=t("My reviews")).click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My reviews"))

    # Nothing can be opened before the conflicts of interest are declared.
    declare_first = t(
        "Before you see the applications of “%(call)s”, declare your conflicts of interest.", call=call.title
    )
    prompt = page.get_by_role("status").filter(has_text=declare_first)
    expect(prompt).to_contain_text(declare_first)
    for application in applications.values():
        expect(page.get_by_role("row").filter(has_text=application.reference)).to_contain_text(
            t("declare conflicts first")
        )
        expect(page.get_by_role("link", name=re.compile(re.escape(application.reference)))).to_have_count(0)
    prompt.get_by_role("link", name=t("Declare conflicts")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Conflicts of interest: %(call)s", call=call.title))
    declaration = t("I have declared every conflict of interest I know of, and will declare any I discover.")
    page.get_by_label(re.compile(rf"^\s*{re.escape(declaration)}")).check()
    page.get_by_role("button", name=t("Save my declaration")).click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(
        page.get_by_text(t("Your declaration is saved. You can now open your assigned applications."))
    ).to_be_visible()
    expect(page.get_by_text(declare_first)).to_have_count(0)
    assert PoolMembership.objects.get(competition=call, reviewer=reviewer).conflicts_declared_at is not None

    for number, (key, application) in enumerate(applications.items()):
        title, group_name, _amount = PROJECTS[key]
        relevance, budget, recommendation = scores[key]
        page.get_by_role("link", name=f"{application.reference}: {title}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Review of %(ref)s", ref=application.reference))

        # Blind review: the title is there, the group (name and e-mail address) is not.
        expect(page.get_by_text(t("Blind review: the applicant's identity is hidden"))).to_be_visible()
        expect(page.get_by_role("definition").filter(has_text=title)).to_be_visible()
        content = page.content()
        assert title in content
        assert group_name not in content, f"the blind review page shows the group “{group_name}”"
        assert application.group.contact_email not in content

        relevance_field = page.get_by_label(t("Score for “%(name)s” (0–%(max)s)", name="Relevance", max=5))
        budget_field = page.get_by_label(t("Score for “%(name)s” (0–%(max)s)", name="Budget", max=10))
        if try_an_invalid_score and number == 0:
            relevance_field.fill("9")
            budget_field.fill(str(budget))
            page.get_by_role("button", name=t("Save draft")).click()
            expect(relevance_field).to_have_attribute("aria-invalid", "true")
            expect(relevance_field).to_have_accessible_description(
                re.compile(re.escape(t("Give a score from 0 to %(max)s.", max=5)))
            )
            if screenshot:
                page.screenshot(path=screenshot, full_page=True)
            expect(relevance_field).to_have_value("9")  # what was typed is kept
            expect(budget_field).to_have_value(str(budget))
            assert not Review.objects.filter(
                assignment__application=application, assignment__reviewer=reviewer
            ).exists()
            relevance_field.fill(str(relevance))
            page.get_by_role("button", name=t("Save draft")).click()
            expect(page.get_by_text(t("Your draft review is saved."))).to_be_visible()
            expect(relevance_field).to_have_value(str(relevance))
            draft = Review.objects.get(assignment__application=application, assignment__reviewer=reviewer)
            assert draft.status == Review.Status.DRAFT
        else:
            relevance_field.fill(str(relevance))
            budget_field.fill(str(budget))
        page.get_by_label(t("Comment on “%(name)s”", name="Relevance")).fill(f"Relevance: {relevance} out of 5.")
        page.get_by_label(t.label("Recommendation")).select_option(label=t.of(recommendation.label))
        page.get_by_label(t.label("Overall comment")).fill(f"{reviewer.full_name} on {title}.")

        with page.expect_event("dialog") as dialog_info:
            page.once("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name=t("Submit review")).click()
        expect(page).to_have_url(re.compile(r"/review/$"))
        expect(page.get_by_text(t("Your review is submitted. Thank you!"))).to_be_visible()
        assert dialog_info.value.message == t("Submit your review? You cannot change it afterwards.")
        expect(page.get_by_role("row").filter(has_text=application.reference)).to_contain_text(t("Submitted"))

        review = Review.objects.get(assignment__application=application, assignment__reviewer=reviewer)
        assert review.status == Review.Status.SUBMITTED
        assert sorted(review.scores.values_list("criterion__name", "score")) == [
            ("Budget", budget),
            ("Relevance", relevance),
        ]


@pytest.mark.parametrize("language", journey_languages("be"))
def test_staff_assign_reviewers_score_blind_and_staff_see_the_ranking(
    page, live_server, request_log, tmp_path, language
):
    t = Translator(language)
    in_review, reviewed = t.of(Application.Status.IN_REVIEW.label), t.of(Application.Status.REVIEWED.label)
    # Requests 2000 + 3000 + 4000 = 9000 against a pool of 6000: the funding line falls inside.
    call = CompetitionFactory(blind_review=True, reviewers_per_application=2, budget_pool=Decimal("6000.00"))
    CriterionFactory(competition=call, name="Relevance", weight=Decimal("2"), max_score=5, position=1)
    CriterionFactory(competition=call, name="Budget", weight=Decimal("1"), max_score=10, position=2)
    applications = {}
    for key, (title, group_name, amount) in PROJECTS.items():
        applications[key] = ApplicationFactory(
            competition=call,
            group=GroupFactory(name=group_name),
            title=title,
            requested_amount=amount,
            lines=[(Decimal("1"), amount)],
            status=Application.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    officer = staff_user(email="officer@example.org", full_name="Olga Officer", language=language)
    anna = reviewer_user(email="anna@example.org", full_name="Anna Reviewer", language=language)
    ben = reviewer_user(email="ben@example.org", full_name="Ben Reviewer", language=language)
    in_pool(call, anna, declared=False)
    in_pool(call, ben, declared=False)

    # Staff screen the three applications as eligible.
    log_in(page, officer.email, PASSWORD, t)
    page.goto("/staff/")
    page.get_by_role("link", name=call.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/calls/{call.pk}/applications/$"))
    for application in applications.values():
        page.get_by_label(t("Select %(ref)s", ref=application.reference), exact=True).check()
    screening = page.get_by_role("region", name=t("Screen the selected applications"))
    screening.get_by_label(t("Decision")).select_option(label=t("Eligible: may be reviewed"))
    screening.get_by_role("button", name=t("Apply")).click()
    expect(
        page.get_by_text(t.plural("%(count)s application screened.", "%(count)s applications screened.", 3, count=3))
    ).to_be_visible()
    for application in applications.values():
        expect(page.get_by_role("row").filter(has_text=application.reference)).to_contain_text(t("eligible"))
        application.refresh_from_db()
        assert application.screened_at is not None and application.screened_by == officer

    # Automatic assignment: two reviewers for each of the three applications.
    page.get_by_role("link", name=t("Reviewers and assignments")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Reviewers for %(title)s", title=call.title))
    page.get_by_role("button", name=t("Assign automatically (fills gaps only)")).click()
    expect(
        page.get_by_text(t.plural("%(count)s new assignment.", "%(count)s new assignments.", 6, count=6))
    ).to_be_visible()
    not_enough = t(
        "Not enough available reviewers for: %(refs)s. Add reviewers to the pool, then run automatic assignment again."
    ).split("%(refs)s")[0]
    expect(page.get_by_text(not_enough)).to_have_count(0)
    matrix = page.get_by_role("table", name=t("Who reviews what"))
    expect(matrix.get_by_role("columnheader")).to_have_text(
        [t("Application"), t("Status"), "Anna Reviewer", "Ben Reviewer"]
    )
    assigned = re.compile(rf"^{re.escape(t('assigned'))}")
    for application in applications.values():
        row = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name=application.reference))
        expect(row.get_by_role("cell")).to_have_text([in_review, assigned, assigned])
    assert Assignment.objects.filter(application__competition=call).count() == 6
    assert set(Assignment.objects.values_list("application_id", "reviewer_id")) == {
        (a.pk, r.pk) for a in applications.values() for r in (anna, ben)
    }
    assert set(Application.objects.filter(competition=call).values_list("status", flat=True)) == {
        Application.Status.IN_REVIEW
    }
    log_out(page, t)

    # Both reviewers score every application; the first one mistypes a score once.
    review_everything(
        page,
        anna,
        SCORES["anna"],
        applications,
        call,
        t=t,
        try_an_invalid_score=True,
        screenshot=f"/tmp/review-page-{language}.png",
    )
    # One reviewer's reviews complete nothing yet.
    assert set(Application.objects.filter(competition=call).values_list("status", flat=True)) == {
        Application.Status.IN_REVIEW
    }
    log_out(page, t)
    review_everything(page, ben, SCORES["ben"], applications, call, t=t)
    # The last review of each application completes its review.
    assert set(Application.objects.filter(competition=call).values_list("status", flat=True)) == {
        Application.Status.REVIEWED
    }
    assert Review.objects.filter(status=Review.Status.SUBMITTED).count() == 6
    log_out(page, t)

    # Staff see every review submitted, then read the ranking: best mean first, and the funding
    # line where the pool runs out.
    log_in(page, officer.email, PASSWORD, t)
    page.goto(f"/staff/calls/{call.pk}/reviewers/")
    matrix = page.get_by_role("table", name=t("Who reviews what"))
    submitted = f"✔ {t('submitted')}"
    for application in applications.values():
        row = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name=application.reference))
        expect(row.get_by_role("cell")).to_have_text([reviewed, submitted, submitted])
    means = expected_means()
    order = sorted(PROJECTS, key=lambda key: -means[key])
    assert order == ["garden", "library", "benches"]  # 90, 75, 50
    page.goto("/staff/")
    page.get_by_role("link", name=call.title, exact=True).click()
    page.get_by_role("link", name=t("Ranking"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/calls/{call.pk}/ranking/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Ranking: %(title)s", title=call.title))
    body_rows = page.get_by_role("table").locator("tbody > tr")
    funding_line = t("Funding line: the budget pool ends here")
    expected_rows = []
    cumulative = Decimal("0")
    for key in order:
        cumulative += PROJECTS[key][2]
        if cumulative > call.budget_pool and funding_line not in expected_rows:
            expected_rows.append(funding_line)
        expected_rows.append(re.compile(re.escape(f"{applications[key].reference} {PROJECTS[key][0]}")))
    assert expected_rows[1] == funding_line  # 3000 fits in 6000, 3000 + 4000 does not
    expect(body_rows).to_have_text(expected_rows)
    for key in order:
        row = page.get_by_role("row").filter(has_text=applications[key].reference)
        cells = row.get_by_role("cell")
        expect(cells.nth(3)).to_have_text(reviewed)
        expect(cells.nth(4)).to_have_text("2")
        expect(cells.nth(5)).to_have_text(t.number(means[key]))
    expect(page.get_by_text(t("reviewers disagree: discuss"))).to_have_count(0)  # every spread is under 15 points
    page.screenshot(path=f"/tmp/ranking-page-{language}.png", full_page=True)

    # The CSV holds the same ranking.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Download CSV")).click()
    download = download_info.value
    assert download.suggested_filename == f"ranking-{call.slug}.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == [
        t(header)
        for header in (
            "Rank",
            "Reference",
            "Title",
            "Group",
            "Region",
            "Status",
            "Reviews",
            "Mean score",
            "Spread",
            "Normalised score",
            "Disputed",
            "Requested amount",
            "Cumulative",
            "Currency",
            "Within budget",
        )
    ]
    assert [(r[0], r[1], r[2], r[7], r[14]) for r in rows[1:]] == [
        ("1", applications["garden"].reference, "A garden on the car park", "90.00", "yes"),
        ("2", applications["library"].reference, "A library in the laundry room", "75.00", "no"),
        ("3", applications["benches"].reference, "Benches for the courtyard", "50.00", "no"),
    ]

    assert request_log.urls, "no requests were recorded"
    assert request_log.foreign() == [], f"requests to third parties: {request_log.foreign()}"
