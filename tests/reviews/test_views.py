"""Every role against every review URL, the reviewer's pages, blind calls and bad input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application, Attachment
from reviews import services
from reviews.models import Assignment, Conflict, PoolMembership, Review
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    UserFactory,
    in_pool,
    member_of,
    minimal_pdf,
    staff_user,
)

pytestmark = pytest.mark.django_db
S = Application.Status
PDF = minimal_pdf()  # a parser must read it: reviewers get a copy rewritten without metadata


@pytest.fixture
def world():
    """A call with one application under review, and one person for every role."""
    call = CompetitionFactory(blind_review=True)
    relevance = CriterionFactory(competition=call, name="Relevance", max_score=5)
    application = ApplicationFactory(
        competition=call, status=S.SUBMITTED, screened_at=timezone.now(), group__name="Hidden Group"
    )
    applicant = member_of(application.group)
    attachment = Attachment.objects.create(
        application=application,
        file=SimpleUploadedFile("x", PDF),
        original_name="Hidden Group budget.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    staff = staff_user()
    assigned = in_pool(call)
    assignment = services.assignment_create(application=application, reviewer=assigned, by=staff)
    unassigned = in_pool(call)
    conflicted = in_pool(call)
    conflicted_assignment = Assignment.objects.create(application=application, reviewer=conflicted)
    Conflict.objects.create(competition=call, reviewer=conflicted, group=application.group)
    mentor = UserFactory(roles=["mentor"])
    return {
        "call": call,
        "application": application,
        "assignment": assignment,
        "attachment": attachment,
        "conflicted_assignment": conflicted_assignment,
        "relevance": relevance,
        "people": {
            "applicant": applicant,
            "assigned": assigned,
            "unassigned": unassigned,
            "conflicted": conflicted,
            "mentor": mentor,
            "staff": staff,
            "anonymous": None,
        },
    }


def _urls(w):
    call, app, a = w["call"], w["application"], w["assignment"]
    return {
        "queue": ("get", reverse("reviews:queue")),
        "conflicts": ("get", reverse("reviews:conflicts", kwargs={"pk": call.pk})),
        "review": ("get", reverse("reviews:review", kwargs={"pk": a.pk})),
        "review_post": ("post", reverse("reviews:review", kwargs={"pk": a.pk})),
        "conflicted_review": ("get", reverse("reviews:review", kwargs={"pk": w["conflicted_assignment"].pk})),
        "assignment_conflict": ("post", reverse("reviews:assignment_conflict", kwargs={"pk": a.pk})),
        "attachment": ("get", reverse("reviews:attachment", kwargs={"pk": a.pk, "attachment_pk": w["attachment"].pk})),
        "staff_reviewers": ("get", reverse("reviews:staff_reviewers", kwargs={"pk": call.pk})),
        "staff_pool_add": ("post", reverse("reviews:staff_pool_add", kwargs={"pk": call.pk})),
        "staff_pool_remove": (
            "post",
            reverse("reviews:staff_pool_remove", kwargs={"pk": call.pk, "user_pk": w["people"]["unassigned"].pk}),
        ),
        "staff_assign_auto": ("post", reverse("reviews:staff_assign_auto", kwargs={"pk": call.pk})),
        "staff_assign_manual": ("post", reverse("reviews:staff_assign_manual", kwargs={"pk": call.pk})),
        "staff_assignment_remove": ("post", reverse("reviews:staff_assignment_remove", kwargs={"pk": a.pk})),
        "staff_complete_review": ("post", reverse("reviews:staff_complete_review", kwargs={"pk": app.pk})),
        "staff_ranking": ("get", reverse("projects:staff_ranking", kwargs={"pk": call.pk})),
        "staff_screen": ("post", reverse("applications:staff_call_screen", kwargs={"pk": call.pk})),
    }


REVIEWERS = {"assigned", "unassigned", "conflicted"}
ALLOWED = {
    "queue": REVIEWERS,
    "conflicts": REVIEWERS,
    "review": {"assigned"},
    "review_post": {"assigned"},
    "conflicted_review": set(),
    "assignment_conflict": {"assigned"},
    "attachment": {"assigned"},
    **{
        name: {"staff"}
        for name in (
            "staff_reviewers",
            "staff_pool_add",
            "staff_pool_remove",
            "staff_assign_auto",
            "staff_assign_manual",
            "staff_assignment_remove",
            "staff_complete_review",
            "staff_ranking",
            "staff_screen",
        )
    },
}


def _allowed_outcome(w, url_name):
    """What an allowed person gets from the URL (requests carry no data): the status code, where a
    redirect leads, and what changes in (assignments, pool memberships, reviews, application status)."""
    reviewers = reverse("reviews:staff_reviewers", kwargs={"pk": w["call"].pk})
    pages = {"queue", "conflicts", "review", "attachment", "staff_reviewers", "staff_ranking"}
    if url_name in pages:
        return 200, None, (0, 0, 0, S.IN_REVIEW)
    return {
        # An empty POST is not a submission: the review page again, nothing saved.
        "review_post": (200, None, (0, 0, 0, S.IN_REVIEW)),
        # Without a reason the conflict is refused and the reviewer is sent back to the review.
        "assignment_conflict": (
            302,
            reverse("reviews:review", kwargs={"pk": w["assignment"].pk}),
            (0, 0, 0, S.IN_REVIEW),
        ),
        "staff_pool_add": (302, reviewers, (0, 0, 0, S.IN_REVIEW)),  # no reviewer chosen
        "staff_pool_remove": (302, reviewers, (0, -1, 0, S.IN_REVIEW)),  # the unassigned reviewer leaves
        "staff_assign_auto": (302, reviewers, (0, 0, 0, S.IN_REVIEW)),  # both slots are already filled
        "staff_assign_manual": (302, reviewers, (0, 0, 0, S.IN_REVIEW)),  # nothing chosen
        "staff_assignment_remove": (302, reviewers, (-1, 0, 0, S.IN_REVIEW)),
        "staff_complete_review": (
            302,
            reverse("applications:detail", kwargs={"pk": w["application"].pk}),
            (0, 0, 0, S.REVIEWED),
        ),
        "staff_screen": (  # nothing chosen: back to the list, nothing screened
            302,
            reverse("applications:staff_call_applications", kwargs={"pk": w["call"].pk}),
            (0, 0, 0, S.IN_REVIEW),
        ),
    }[url_name]


def _counts():
    return (
        Assignment.objects.count(),
        PoolMembership.objects.count(),
        Review.objects.count(),
        Application.objects.get().status,
    )


@pytest.mark.parametrize("who", ["applicant", "assigned", "unassigned", "conflicted", "mentor", "staff", "anonymous"])
@pytest.mark.parametrize("url_name", sorted(ALLOWED))
def test_access_matrix(client, world, who, url_name):
    person = world["people"][who]
    if person:
        client.force_login(person)
    method, url = _urls(world)[url_name]
    before = _counts()
    response = getattr(client, method)(url)
    after = _counts()
    if who in ALLOWED[url_name]:
        status, location, change = _allowed_outcome(world, url_name)
        assert response.status_code == status
        assert response.get("Location") == location
        expected = tuple(b + d for b, d in zip(before[:3], change[:3], strict=True)) + (change[3],)
        assert after == expected
        if url_name == "attachment":
            # the reviewer's copy, rewritten without metadata: still the same one-page PDF
            body = b"".join(response.streaming_content)
            assert body.startswith(b"%PDF") and len(PdfReader(io.BytesIO(body)).pages) == 1
    elif who == "anonymous" and url_name.startswith("staff_"):
        # A logged-out visit to a staff page leads to the log-in page (staff follow e-mailed links).
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert after == before
    else:
        assert response.status_code == 404
        assert after == before


def test_a_reviewer_must_declare_conflicts_before_seeing_applications(client):
    call = CompetitionFactory()
    application = ApplicationFactory(competition=call, status=S.SUBMITTED, screened_at=timezone.now())
    reviewer = in_pool(call, declared=False)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff_user())
    client.force_login(reviewer)
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert "declare your conflicts of interest" in queue
    assert client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).status_code == 404
    page = client.get(reverse("reviews:conflicts", kwargs={"pk": call.pk}), {"q": application.group.name}).content
    page = page.decode()
    assert application.group.name in page  # the groups that applied, to declare against
    response = client.post(reverse("reviews:conflicts", kwargs={"pk": call.pk}), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("reviews:queue")
    membership = PoolMembership.objects.get(competition=call, reviewer=reviewer)
    assert membership.conflicts_declared_at is not None
    assert not Conflict.objects.filter(reviewer=reviewer).exists()  # nothing ticked, nothing declared
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert "declare your conflicts of interest" not in queue
    assert reverse("reviews:review", kwargs={"pk": assignment.pk}) in queue
    assert client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).status_code == 200


def test_declaring_a_conflict_on_the_form_enforces_it(client):
    call = CompetitionFactory()
    application = ApplicationFactory(competition=call, status=S.SUBMITTED, screened_at=timezone.now())
    reviewer = in_pool(call, declared=False)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff_user())
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:conflicts", kwargs={"pk": call.pk}), {"confirm": "on", "groups": [application.group.pk]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("reviews:queue")
    conflict = Conflict.objects.get(reviewer=reviewer)
    assert (conflict.competition, conflict.group) == (call, application.group)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).status_code == 404


def test_the_blind_review_page_hides_the_applicant(client, world):
    client.force_login(world["people"]["assigned"])
    html = client.get(reverse("reviews:review", kwargs={"pk": world["assignment"].pk})).content.decode()
    assert "Hidden Group" not in html and world["application"].group.contact_email not in html
    assert "Attachment 1" in html and world["application"].title in html
    download = client.get(
        reverse("reviews:attachment", kwargs={"pk": world["assignment"].pk, "attachment_pk": world["attachment"].pk})
    )
    assert download["Content-Disposition"] == (
        f'attachment; filename="{world["application"].reference}-attachment-1.pdf"'
    )


def test_an_open_call_shows_the_applicant(client, world):
    world["call"].blind_review = False
    world["call"].save()
    client.force_login(world["people"]["assigned"])
    html = client.get(reverse("reviews:review", kwargs={"pk": world["assignment"].pk})).content.decode()
    assert "Hidden Group" in html and "Hidden Group budget.pdf" in html


def test_scoring_draft_then_submit_and_it_becomes_read_only(client, world):
    reviewer, assignment, relevance = world["people"]["assigned"], world["assignment"], world["relevance"]
    Assignment.objects.filter(pk=world["conflicted_assignment"].pk).delete()
    client.force_login(reviewer)
    url = reverse("reviews:review", kwargs={"pk": assignment.pk})
    bad = client.post(url, {f"score_{relevance.pk}": "9", "action": "save"})
    assert "Give a score from 0 to 5." in bad.content.decode()
    assert not Review.objects.exists()
    client.post(url, {f"score_{relevance.pk}": "4", f"comment_{relevance.pk}": "Clear need.", "action": "save"})
    review = Review.objects.get()
    assert (review.status, review.scores.get().score) == ("draft", 4)
    missing = client.post(
        url, {f"score_{relevance.pk}": "4", "overall_comment": "Kept as a draft.", "action": "submit"}
    )
    assert "Choose a recommendation before you submit." in missing.content.decode()
    review.refresh_from_db()
    assert review.status == "draft" and review.overall_comment == "Kept as a draft."
    response = client.post(
        url, {f"score_{relevance.pk}": "5", "recommendation": "fund", "overall_comment": "Fund it.", "action": "submit"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("reviews:queue")
    review.refresh_from_db()
    assert review.status == "submitted" and review.scores.get().score == 5
    world["application"].refresh_from_db()
    assert world["application"].status == S.REVIEWED
    again = client.post(
        url, {f"score_{relevance.pk}": "1", "recommendation": "do_not_fund", "action": "submit"}, follow=True
    )
    assert "can no longer be changed" in again.content.decode()
    assert review.scores.get().score == 5


def test_a_reviewer_never_sees_other_reviewers_scores(client, world):
    other = world["people"]["unassigned"]
    staff = world["people"]["staff"]
    second = services.assignment_create(application=world["application"], reviewer=other, by=staff)
    services.review_submit(
        assignment=second,
        by=other,
        scores={world["relevance"].pk: {"score": 1, "comment": "UNIQUE-REMARK"}},
        overall_comment="OTHER-OVERALL",
        recommendation="do_not_fund",
    )
    client.force_login(world["people"]["assigned"])
    html = client.get(reverse("reviews:review", kwargs={"pk": world["assignment"].pk})).content.decode()
    assert "UNIQUE-REMARK" not in html and "OTHER-OVERALL" not in html
    assert other.display_name not in html


def test_staff_screen_in_bulk(client):
    call = CompetitionFactory()
    first, second = ApplicationFactory.create_batch(2, competition=call, status=S.SUBMITTED)
    client.force_login(staff_user())
    url = reverse("applications:staff_call_screen", kwargs={"pk": call.pk})
    missing_reason = client.post(url, {"action": "ineligible", "applications": [first.pk]}, follow=True)
    assert "Tell the applicant why" in missing_reason.content.decode()
    client.post(url, {"action": "eligible", "applications": [first.pk, second.pk]})
    assert Application.objects.filter(screened_at__isnull=False).count() == 2
    third = ApplicationFactory(competition=call, status=S.SUBMITTED)
    client.post(url, {"action": "ineligible", "reason": "Outside the region.", "applications": [third.pk]})
    third.refresh_from_db()
    assert third.status == S.INELIGIBLE


def test_staff_pages_show_pool_loads_and_the_matrix(client, world):
    client.force_login(world["people"]["staff"])
    html = client.get(reverse("reviews:staff_reviewers", kwargs={"pk": world["call"].pk})).content.decode()
    assert world["application"].reference in html and "conflict" in html
    assert world["people"]["assigned"].display_name in html


def test_a_second_reviewer_of_another_group_is_refused_by_hand(client, world):
    """Manual assignment of a conflicted reviewer is refused with a clear message."""
    client.force_login(world["people"]["staff"])
    other_app = ApplicationFactory(
        competition=world["call"], status=S.SUBMITTED, screened_at=timezone.now(), group=world["application"].group
    )
    response = client.post(
        reverse("reviews:staff_assign_manual", kwargs={"pk": world["call"].pk}),
        {"application": other_app.reference, "reviewer": world["people"]["conflicted"].pk},
        follow=True,
    )
    assert "declared a conflict of interest" in response.content.decode()
    assert not Assignment.objects.filter(application=other_app).exists()
