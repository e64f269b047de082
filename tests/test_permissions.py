"""The permission matrix: every URL of our apps against every kind of user.

After pretix's ``src/tests/control/test_permissions.py``. Two guarantees:

* ``test_every_route_is_in_the_matrix`` walks the URL resolver: a named route of our apps that is
  neither in ``MATRIX`` nor ``PUBLIC`` fails the suite, so no new view ships without someone saying
  who may open it. A ``MATRIX`` entry for a route that no longer exists fails too.
* ``test_permission_matrix`` runs every (route, actor) pair against one fixture world: a call; group
  Alpha's applications (a draft with a file, one under review, a funded and mentored one, with its
  report, check-ins and payment tranche); group Beta's award waiting for a second pair of eyes; a
  pending invitation to Alpha; and one user per actor below.

Outcomes: ``ok`` (the page or action works, and the route's check proves it served the right
object), ``404`` (the page does not exist for this user: the house rule for other people's objects
and for missing roles), ``login`` (redirected to the log-in page, for ``login_required`` pages), and
``405`` for a GET on a POST-only route once the user is past the view's guard decorator. POST-only
routes are checked with both a GET and a harmless POST. Refused requests must change nothing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import (
    ApplicantGroup,
    Application,
    Attachment,
    BudgetLine,
    GroupInvitation,
    GroupMembership,
)
from audit.models import AuditEntry
from grants.models import CallCutoff, Competition
from grants.services import call_form_replace
from notifications.models import OutboxMessage
from projects import awards, export_jobs, mentoring
from projects.models import AwardProposal, CheckIn, GoodPractice, PaymentTranche, ProgrammeExport, Report
from reviews import services as review_services
from reviews.models import Assignment, Conflict, PoolMembership, Review
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    UserFactory,
    funded_application,
    in_pool,
    member_of,
    minimal_pdf,
    staff_user,
)

S = Application.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the actors --------------------------------------------------------------------------------

ACTORS = (
    "anonymous",
    "member",  # a member of group Alpha, whose applications the world is about
    "other_member",  # a member of group Beta only
    "reviewer",  # in the call's pool, conflicts declared, assigned to Alpha's application under review
    "other_reviewer",  # in the same pool, conflicts declared, assigned nothing
    "mentor",  # mentor of Alpha's funded project
    "other_mentor",  # a mentor of nothing here
    "staff",
)
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
EVERYONE = frozenset(ACTORS)

# --- the guards: what a route's outermost decorator does to someone it refuses ------------------

PUBLIC_VIEW = "public"  # no guard
LOGIN = "login"  # login_required: anonymous users are redirected to the log-in page
MEMBER = "member"  # member_required (or its equivalent in the view): anonymous users get a 404
STAFF = "staff"  # staff_required: everyone but programme staff gets a 404

OK, NOT_FOUND, TO_LOGIN, NOT_ALLOWED = "ok", "404", "login", "405"


def _passes_guard(guard, actor):
    if guard == PUBLIC_VIEW:
        return True
    if guard == STAFF:
        return actor == "staff"
    return actor != "anonymous"


def _refusal(guard, actor):
    # Logged-out visitors of log-in pages and of staff pages are sent to log in (staff follow links).
    return TO_LOGIN if guard in (LOGIN, STAFF) and actor == "anonymous" else NOT_FOUND


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    today = timezone.localdate()
    call = CompetitionFactory(
        title="Courtyard Gardens 2027",
        award_confirmation_threshold=Decimal("3000"),
        max_applications_per_group=5,  # Alpha's draft may still be submitted next to its other two
        project_start_earliest=today - timedelta(days=30),
        project_end_latest=today + timedelta(days=400),
    )
    CriterionFactory(competition=call, name="Relevance")
    staff = staff_user()
    plan_question = {"key": "plan", "type": "file", "label": {"en": "Your plan"}, "file_types": ["pdf"]}
    call_form_replace(competition=call, definition={"stages": [{"questions": [plan_question]}]}, by=staff)
    alpha = GroupFactory(name="Alpha Gardeners")
    beta = GroupFactory(name="Beta Builders")
    member = member_of(alpha)
    other_member = member_of(beta)

    draft = ApplicationFactory(competition=call, group=alpha, title="Alpha draft plan")
    attachment = application_services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("alpha-plan.pdf", PDF), by=member
    )

    under_review = ApplicationFactory(
        competition=call, group=alpha, title="Alpha under review", status=S.SUBMITTED, screened_at=timezone.now()
    )
    review_attachment = Attachment.objects.create(
        application=under_review,
        file=SimpleUploadedFile("x", minimal_pdf()),
        original_name="alpha-budget.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    reviewer = in_pool(call)
    other_reviewer = in_pool(call)
    assignment = review_services.assignment_create(application=under_review, reviewer=reviewer, by=staff)

    funded = funded_application(
        competition=call, group=alpha, title="Alpha funded garden", start=today - timedelta(days=10), staff=staff
    )
    mentor = UserFactory(roles=[settings.ROLE_MENTOR])
    mentoring.mentor_assign(application=funded, mentor=mentor, by=staff)
    (tranche,) = awards.tranches_set(
        application=funded, rows=[{"label": "All", "amount": funded.awarded_amount}], by=staff
    )

    proposed = ApplicationFactory(
        competition=call,
        group=beta,
        title="Beta big proposal",
        status=S.REVIEWED,
        requested_amount=Decimal("4000"),
        lines=[(1, Decimal("4000"))],
    )
    proposal = awards.award_decide(application=proposed, amount=Decimal("4000"), by=staff)
    assert isinstance(proposal, AwardProposal)

    invitation = application_services.group_invite(group=alpha, email="newcomer@example.org", by=member)
    failed_email = OutboxMessage.objects.create(
        recipient_email="signup@example.org", kind="account:signup", dedupe_key="failed", subject="Confirm", body="b"
    )
    OutboxMessage.objects.filter(pk=failed_email.pk).update(status=OutboxMessage.Status.FAILED)
    # Staff's applications table, prepared as the task does (built before bench/pages_data.py pads
    # the world: the same small file at every size).
    export = ProgrammeExport.objects.create(
        programme=call.programme, requested_by=staff, what="applications", file_format="csv", language="en"
    )
    assert export_jobs.export_build(export.pk) == ProgrammeExport.Status.READY

    return SimpleNamespace(
        call=call,
        programme=call.programme,
        alpha=alpha,
        beta=beta,
        draft=draft,
        attachment=attachment,
        under_review=under_review,
        review_attachment=review_attachment,
        assignment=assignment,
        funded=funded,
        checkin=funded.checkins.order_by("due_on").first(),
        report=funded.reports.get(),
        tranche=tranche,
        proposal=proposal,
        invitation=invitation,
        failed_email=failed_email,
        export=export,
        cutoff=CallCutoff.objects.create(competition=call, at=timezone.now() + timedelta(days=30)),
        people={
            "anonymous": None,
            "member": member,
            "other_member": other_member,
            "reviewer": reviewer,
            "other_reviewer": other_reviewer,
            "mentor": mentor,
            "other_mentor": UserFactory(roles=[settings.ROLE_MENTOR]),
            "staff": staff,
        },
    )


# --- checks that an allowed request did its job ------------------------------------------------


def shows(*needles, absent=()):
    """A 200 HTML page that contains every needle (each ``world -> str``) and none of ``absent``."""

    def check(response, w, actor):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        for needle in needles:
            assert needle(w) in html, needle(w)
        for needle in absent:
            assert needle(w) not in html, needle(w)

    return check


def answers_json(expected):
    """A 200 JSON answer equal to ``expected``."""

    def check(response, w, actor):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/json"
        assert response.json() == expected

    return check


def downloads(filename, content_type, starts_with):
    """A private download: the right file name, type and bytes."""

    def check(response, w, actor):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == content_type
        assert f'filename="{filename(w)}"' in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(starts_with)

    return check


def redirects(target, then=None):
    """A 302 to exactly ``target(world)``; ``then(world)`` asserts the effect in the database."""

    def check(response, w, actor):
        assert response.status_code == 302, response.status_code
        assert response["Location"] == target(w)
        if then:
            then(w)

    return check


def url(name, **kwargs):
    """``world -> reverse(name)`` with kwargs given as ``world -> value`` callables."""
    return lambda w: reverse(name, kwargs={k: v(w) for k, v in kwargs.items()})


def _dashboard_check(response, w, actor):
    # Every signed-in user has a dashboard; only Alpha's members see Alpha's applications on it.
    if actor == "member":
        shows(lambda w: w.alpha.name, lambda w: w.draft.title)(response, w, actor)
    elif actor == "other_member":
        shows(lambda w: w.beta.name, absent=[lambda w: w.alpha.name, lambda w: w.draft.title])(response, w, actor)
    else:
        shows(lambda w: "My applications", absent=[lambda w: w.alpha.name, lambda w: w.draft.title])(response, w, actor)


def _queue_check(response, w, actor):
    if actor == "reviewer":
        shows(lambda w: w.under_review.reference, lambda w: w.under_review.title)(response, w, actor)
    else:
        shows(lambda w: "My reviews", absent=[lambda w: w.under_review.reference])(response, w, actor)


def _mentor_dashboard_check(response, w, actor):
    if actor == "mentor":
        shows(lambda w: w.funded.reference, lambda w: w.funded.title)(response, w, actor)
    else:
        shows(lambda w: "My mini-projects", absent=[lambda w: w.funded.reference])(response, w, actor)


def _autosave_check(response, w, actor):
    shows(lambda w: "Draft saved at")(response, w, actor)
    w.draft.refresh_from_db()
    assert w.draft.title == "Alpha draft, renamed"


def _group_create_check(response, w, actor):
    # The form offers the user's own e-mail as the group's contact.
    shows(lambda w: w.people[actor].email)(response, w, actor)


def _started(w):
    new = Application.objects.filter(competition=w.call, group=w.alpha).latest("pk")
    assert new.status == S.DRAFT and new.created_by == w.people["member"]
    return reverse("applications:edit", kwargs={"pk": new.pk})


def _application_form_data(application):
    line = application.budget_lines.get()
    return {
        "title": application.title,
        "summary": application.summary,
        "problem": application.problem,
        "activities": application.activities,
        "expected_results": application.expected_results,
        "beneficiaries": application.beneficiaries,
        "region": application.region_id,
        "planned_start": application.planned_start.isoformat(),
        "planned_end": application.planned_end.isoformat(),
        "requested_amount": str(application.requested_amount),
        "own_contribution": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-id": line.pk,
        "lines-0-category": line.category,
        "lines-0-description": line.description,
        "lines-0-quantity": str(line.quantity),
        "lines-0-unit_cost": str(line.unit_cost),
    }


def _status(name, status):
    def then(w):
        obj = getattr(w, name)
        obj.refresh_from_db()
        assert obj.status == status, obj.status

    return then


def exists(query, expected=True):
    """``then`` check: the queryset ``query(world)`` has rows (or, with ``expected=False``, none)."""

    def then(w):
        assert query(w).exists() is expected

    return then


# --- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Who may use a route, and how to prove it worked for them.

    ``ok``: the actors for whom it works; everyone else gets the guard's refusal (``_refusal``).
    ``post``: for POST-only routes, the data of a harmless POST (``world -> dict``).
    """

    guard: str
    ok: frozenset
    check: Callable
    kwargs: dict = field(default_factory=dict)  # name -> (world -> value)
    post: Callable | None = None

    def expected(self, actor):
        return OK if actor in self.ok else _refusal(self.guard, actor)

    def expected_get_of_post_only(self, actor):
        """A GET on a POST-only route: the guard decorator answers first, then ``require_POST``."""
        return NOT_ALLOWED if _passes_guard(self.guard, actor) else _refusal(self.guard, actor)


def public(check, **kwargs):
    return Route(guard=PUBLIC_VIEW, ok=EVERYONE, check=check, kwargs=kwargs)


def staff_page(check, **kwargs):
    return Route(guard=STAFF, ok=frozenset({"staff"}), check=check, kwargs=kwargs)


def staff_post(check, post=lambda w: {}, **kwargs):
    return Route(guard=STAFF, ok=frozenset({"staff"}), check=check, kwargs=kwargs, post=post)


CALL = {"pk": lambda w: w.call.pk}
DRAFT = {"pk": lambda w: w.draft.pk}
FUNDED = {"pk": lambda w: w.funded.pk}
ASSIGNMENT = {"pk": lambda w: w.assignment.pk}
call_title = lambda w: w.call.title  # noqa: E731
funded_decide = url("projects:staff_decide", pk=lambda w: w.funded.pk)
staff_reviewers = url("reviews:staff_reviewers", pk=lambda w: w.call.pk)

# Routes anonymous visitors may open. Declared twice on purpose: opening a page to the world is a
# decision, and ``test_public_routes_are_declared`` holds the matrix to this list.
PUBLIC = {
    "admin:login",
    "healthz",
    "grants:home",
    "grants:call_list",
    "grants:call_detail",
    "projects:good_practices",
}


def _home_by_role(response, w, actor):
    """After log-in each role lands on its own page (staff, reviewers, mentors, applicants)."""
    home = {
        "staff": "projects:staff_dashboard",
        "reviewer": "reviews:queue",
        "other_reviewer": "reviews:queue",
        "mentor": "projects:mentor_dashboard",
        "other_mentor": "projects:mentor_dashboard",
    }.get(actor, "applications:dashboard")
    redirects(url(home))(response, w, actor)


MATRIX = {
    # wiring: where log-in lands (LOGIN_REDIRECT_URL): each role's own page
    "dashboard": Route(guard=LOGIN, ok=SIGNED_IN, check=_home_by_role),
    # accounts: the admin's log-in is allauth's (second factor, rate limits), for anyone
    "admin:login": public(redirects(lambda w: reverse("account_login") + "?next=%2Fadmin%2F")),
    # wiring: the health check of the load balancer, the same small JSON for everyone
    "healthz": public(answers_json({"status": "ok", "database": "ok", "broker": "ok"})),
    # grants: the public pages
    "grants:home": public(shows(call_title)),
    "grants:call_list": public(shows(call_title)),
    "grants:call_detail": public(shows(call_title), slug=lambda w: w.call.slug),
    # grants: staff pages of a call
    "grants:staff_call_create": staff_page(shows(lambda w: "New call")),
    "grants:staff_call_edit": staff_page(shows(call_title), **CALL),
    "grants:staff_outbox": staff_page(shows(call_title), **CALL),
    "grants:staff_call_log": staff_page(shows(call_title), **CALL),
    "grants:staff_call_questions": staff_page(shows(call_title, lambda w: "Add a question"), **CALL),
    "grants:staff_call_cutoffs": staff_page(shows(call_title, lambda w: "Cut-off dates"), **CALL),
    "grants:staff_cutoff_remove": staff_post(
        redirects(url("grants:staff_call_cutoffs", **CALL)), pk=lambda w: w.cutoff.pk
    ),
    "grants:staff_call_questions_copy": staff_post(
        redirects(url("grants:staff_call_questions", pk=lambda w: w.call.pk)), **CALL
    ),
    "grants:staff_call_translations": staff_page(shows(call_title, lambda w: "What is translated"), **CALL),
    # applications: the applicant's pages
    "applications:dashboard": Route(guard=LOGIN, ok=SIGNED_IN, check=_dashboard_check),
    "applications:start": Route(
        guard=LOGIN,
        ok=frozenset({"member"}),
        kwargs={"slug": lambda w: w.call.slug},
        post=lambda w: {"group": w.alpha.pk},
        check=redirects(_started),
    ),
    "applications:detail": Route(
        guard=MEMBER,
        ok=frozenset({"member", "mentor", "staff"}),
        kwargs=FUNDED,
        check=shows(lambda w: w.funded.reference, lambda w: w.funded.title),
    ),
    "applications:edit": Route(
        guard=MEMBER, ok=frozenset({"member"}), kwargs=DRAFT, check=shows(lambda w: w.draft.title)
    ),
    "applications:autosave": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs=DRAFT,
        post=lambda w: _application_form_data(w.draft) | {"title": "Alpha draft, renamed"},
        check=_autosave_check,
    ),
    "applications:clarification_answer": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs=FUNDED,
        post=lambda w: {"body": "Our answer."},
        check=redirects(url("applications:detail", pk=lambda w: w.funded.pk)),
    ),
    "applications:staff_clarification_ask": staff_post(
        redirects(url("applications:detail", pk=lambda w: w.funded.pk)), post=lambda w: {"body": "Why?"}, **FUNDED
    ),
    "applications:submit": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs=DRAFT,
        post=lambda w: _application_form_data(w.draft),
        check=redirects(url("applications:detail", **DRAFT), then=_status("draft", S.SUBMITTED)),
    ),
    "applications:withdraw": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs=DRAFT,
        post=lambda w: {"comment": "We found other money."},
        check=redirects(url("applications:detail", **DRAFT), then=_status("draft", S.WITHDRAWN)),
    ),
    "applications:attachment_upload": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs=DRAFT,
        post=lambda w: {"file": SimpleUploadedFile("more.pdf", PDF, content_type="application/pdf")},
        check=redirects(
            url("applications:edit", **DRAFT),
            then=exists(lambda w: w.draft.attachments.filter(original_name="more.pdf")),
        ),
    ),
    "applications:question_file": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs={**DRAFT, "key": lambda w: "plan"},
        post=lambda w: {"file": SimpleUploadedFile("answer.pdf", PDF, content_type="application/pdf")},
        check=redirects(
            url("applications:edit", **DRAFT),
            then=exists(lambda w: w.draft.attachments.filter(original_name="answer.pdf", question="plan")),
        ),
    ),
    "applications:attachment_download": Route(
        guard=MEMBER,
        ok=frozenset({"member", "staff"}),
        kwargs={"pk": lambda w: w.attachment.pk},
        check=downloads(lambda w: "alpha-plan.pdf", "application/pdf", PDF),
    ),
    "applications:attachment_delete": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs={"pk": lambda w: w.attachment.pk},
        post=lambda w: {},
        check=redirects(
            url("applications:edit", **DRAFT),
            then=exists(lambda w: Attachment.objects.filter(pk=w.attachment.pk), False),
        ),
    ),
    # applications: staff's list of a call's applications, and screening (an empty POST is refused
    # by the form and sent back to the list)
    "applications:staff_call_applications": staff_page(shows(call_title, lambda w: w.under_review.reference), **CALL),
    "applications:staff_call_screen": staff_post(
        redirects(url("applications:staff_call_applications", **CALL)), **CALL
    ),
    # applications: a two-stage call's concept note invited or not (an empty POST is refused by the
    # form and sent back to the application's page, nothing changed)
    "applications:staff_stage_decide": staff_post(
        redirects(
            url("applications:detail", pk=lambda w: w.under_review.pk), then=_status("under_review", S.IN_REVIEW)
        ),
        pk=lambda w: w.under_review.pk,
    ),
    # applications: who saw a confidential group's real identity (every staff member may read it)
    "applications:staff_identity_log": staff_page(shows(lambda w: "Who saw the identity of confidential groups")),
    # applications: staff erase a group on its request (an empty POST is refused by the form)
    "applications:staff_group_erase": staff_post(
        redirects(
            lambda w: w.alpha.get_absolute_url(),
            then=exists(lambda w: ApplicantGroup.objects.filter(pk=w.alpha.pk, erased_at__isnull=True)),
        ),
        pk=lambda w: w.alpha.pk,
    ),
    # accounts: everyone signed in may delete their own account (the page asks for the password)
    "erase_my_account": Route(guard=LOGIN, ok=SIGNED_IN, check=shows(lambda w: "Delete my account")),
    # applications: groups and invitations
    "applications:group_create": Route(guard=LOGIN, ok=SIGNED_IN, check=_group_create_check),
    "applications:group_detail": Route(
        guard=MEMBER,
        ok=frozenset({"member", "staff"}),
        kwargs={"pk": lambda w: w.alpha.pk},
        check=shows(lambda w: w.alpha.name),
    ),
    "applications:group_edit": Route(
        guard=MEMBER, ok=frozenset({"member"}), kwargs={"pk": lambda w: w.alpha.pk}, check=shows(lambda w: w.alpha.name)
    ),
    "applications:group_invite": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs={"pk": lambda w: w.alpha.pk},
        post=lambda w: {"email": "friend@example.org"},
        check=redirects(
            lambda w: w.alpha.get_absolute_url(),
            then=exists(lambda w: w.alpha.invitations.filter(email="friend@example.org")),
        ),
    ),
    # The invitation's token is its secret: whoever holds the link sees whom it invites (and may join).
    "applications:invitation_accept": Route(
        guard=LOGIN,
        ok=SIGNED_IN,
        kwargs={"token": lambda w: w.invitation.token},
        check=shows(lambda w: w.alpha.name, lambda w: w.invitation.email),
    ),
    # reviews: the reviewer's pages
    "reviews:queue": Route(guard=MEMBER, ok=frozenset({"reviewer", "other_reviewer"}), check=_queue_check),
    "reviews:conflicts": Route(
        guard=MEMBER, ok=frozenset({"reviewer", "other_reviewer"}), kwargs=CALL, check=shows(call_title)
    ),
    "reviews:review": Route(
        guard=MEMBER,
        ok=frozenset({"reviewer"}),
        kwargs=ASSIGNMENT,
        check=shows(lambda w: w.under_review.title),
    ),
    # An empty declaration is refused by the form and sent back to the review page.
    "reviews:assignment_conflict": Route(
        guard=MEMBER,
        ok=frozenset({"reviewer"}),
        kwargs=ASSIGNMENT,
        post=lambda w: {},
        check=redirects(url("reviews:review", **ASSIGNMENT)),
    ),
    "reviews:attachment": Route(
        guard=MEMBER,
        ok=frozenset({"reviewer"}),
        kwargs={**ASSIGNMENT, "attachment_pk": lambda w: w.review_attachment.pk},
        # The reviewer gets the copy without metadata (tests/safety/test_file_metadata.py).
        check=downloads(lambda w: "alpha-budget.pdf", "application/pdf", b"%PDF-"),
    ),
    # reviews: staff's pages (empty POSTs are refused by their forms and go back to the pool page)
    "reviews:staff_reviewers": staff_page(shows(call_title, lambda w: w.people["reviewer"].display_name), **CALL),
    "reviews:staff_pool_add": staff_post(redirects(staff_reviewers), **CALL),
    "reviews:staff_pool_remove": staff_post(
        redirects(
            staff_reviewers,
            then=exists(
                lambda w: PoolMembership.objects.filter(competition=w.call, reviewer=w.people["other_reviewer"]), False
            ),
        ),
        **CALL,
        user_pk=lambda w: w.people["other_reviewer"].pk,
    ),
    "reviews:staff_assign_auto": staff_post(redirects(staff_reviewers), **CALL),
    "reviews:staff_assign_manual": staff_post(redirects(staff_reviewers), **CALL),
    "reviews:staff_assignment_remove": staff_post(
        redirects(staff_reviewers, then=exists(lambda w: Assignment.objects.filter(pk=w.assignment.pk), False)),
        **ASSIGNMENT,
    ),
    "reviews:staff_complete_review": staff_post(
        redirects(url("applications:detail", pk=lambda w: w.under_review.pk)), pk=lambda w: w.under_review.pk
    ),
    # projects: staff's dashboard, ranking and decisions
    "projects:staff_dashboard": staff_page(shows(call_title)),
    "projects:staff_emergency": staff_page(shows(lambda w: "Emergency requests awaiting a decision")),
    "projects:staff_portfolio": staff_page(shows(lambda w: w.funded.reference, lambda w: w.funded.title)),
    "projects:staff_programme": staff_page(shows(lambda w: w.programme.name), pk=lambda w: w.programme.pk),
    # A staff member's exports of the programme (and asking for one: tests/projects/test_export_jobs.py);
    # the file only for the staff member who asked for it.
    "projects:staff_programme_exports": staff_page(
        shows(lambda w: w.programme.name, lambda w: w.export.filename, lambda w: "Ask for a file"),
        pk=lambda w: w.programme.pk,
    ),
    "projects:staff_programme_export_download": staff_page(
        downloads(lambda w: f"programme-{w.programme.pk}-applications.csv", "text/csv; charset=utf-8", b"\xef\xbb\xbf"),
        pk=lambda w: w.programme.pk,
        export_pk=lambda w: w.export.pk,
    ),
    # The world has no good practice: staff are sent back to the programme with a message.
    "projects:staff_programme_brochure": staff_page(
        redirects(url("projects:staff_programme", pk=lambda w: w.programme.pk)), pk=lambda w: w.programme.pk
    ),
    "projects:staff_ranking": staff_page(shows(call_title, lambda w: w.under_review.reference), **CALL),
    "projects:staff_bulk_decide": staff_post(redirects(url("projects:staff_ranking", **CALL)), **CALL),
    "projects:staff_decide": staff_page(shows(lambda w: w.funded.reference, lambda w: w.funded.title), **FUNDED),
    "projects:staff_proposal": staff_post(
        redirects(
            url("projects:staff_decide", pk=lambda w: w.proposal.application_id),
            then=_status("proposal", AwardProposal.Status.CANCELLED),
        ),
        pk=lambda w: w.proposal.pk,
        verdict=lambda w: "cancel",
    ),
    "projects:staff_tranche_paid": staff_post(redirects(funded_decide), pk=lambda w: w.tranche.pk),
    # notifications: the e-mails given up on, and sending one again
    "notifications:failed": staff_page(shows(lambda w: "Failed e-mails", lambda w: w.failed_email.recipient_email)),
    "notifications:resend": staff_post(
        redirects(url("notifications:failed"), then=_status("failed_email", OutboxMessage.Status.PENDING)),
        pk=lambda w: w.failed_email.pk,
    ),
    # projects: mentoring
    "projects:mentor_dashboard": Route(
        guard=MEMBER, ok=frozenset({"mentor", "other_mentor"}), check=_mentor_dashboard_check
    ),
    "projects:checkin_record": Route(
        guard=MEMBER,
        ok=frozenset({"mentor"}),
        kwargs={"pk": lambda w: w.checkin.pk},
        check=shows(lambda w: w.funded.reference, lambda w: w.funded.title),
    ),
    "projects:staff_mentor_assign": staff_post(redirects(funded_decide), **FUNDED),
    "projects:staff_project_dates": staff_post(redirects(funded_decide), **FUNDED),
    # projects: reports
    "projects:report": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs={"pk": lambda w: w.report.pk},
        check=shows(lambda w: w.funded.reference, lambda w: w.funded.title),
    ),
    # Without a file the upload is refused by the form and sent back to the report.
    "projects:report_attachment": Route(
        guard=MEMBER,
        ok=frozenset({"member"}),
        kwargs={"pk": lambda w: w.report.pk},
        post=lambda w: {},
        check=redirects(url("projects:report", pk=lambda w: w.report.pk)),
    ),
    "projects:staff_report": staff_page(
        shows(lambda w: w.funded.reference, lambda w: w.funded.title), pk=lambda w: w.report.pk
    ),
    "projects:good_practices": public(shows(lambda w: w.programme.name), pk=lambda w: w.programme.pk),
    # The letter is for those who may open the application: its group, its mentor and staff.
    "projects:award_letter": Route(
        guard=MEMBER,
        ok=frozenset({"member", "mentor", "staff"}),
        kwargs=FUNDED,
        check=downloads(lambda w: f"award-letter-{w.funded.reference}.pdf", "application/pdf", b"%PDF"),
    ),
}


# --- the URL resolver --------------------------------------------------------------------------

OUR_APPS = ("regions", "accounts", "audit", "notifications", "grants", "applications", "reviews", "projects", "wiring")


def _routes(patterns=None, namespace=None, top_level=True):
    """Yield ``(full name, view module, declared in the root URLconf)`` for every named route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, inner, top_level=False)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            view = getattr(pattern.callback, "view_class", pattern.callback)
            yield name, view.__module__, top_level


def our_routes():
    """Routes served by our apps' views, plus the ones wiring/urls.py declares itself (such as the
    ``dashboard`` redirect, whose view is Django's). Admin, allauth, i18n and other third-party
    routes are someone else's."""
    return {
        name
        for name, module, top_level in _routes()
        if module.split(".")[0] in OUR_APPS or (top_level and not name.startswith("admin:"))
    }


def test_every_route_is_in_the_matrix():
    unguarded = our_routes() - set(MATRIX) - PUBLIC
    assert not unguarded, f"Routes with no entry in tests/test_permissions.py MATRIX: {sorted(unguarded)}"


def test_the_matrix_names_only_existing_routes():
    existing = {name for name, _module, _top in _routes()}
    assert not set(MATRIX) - existing, f"MATRIX names routes that no longer exist: {sorted(set(MATRIX) - existing)}"
    assert not PUBLIC - existing, f"PUBLIC names routes that no longer exist: {sorted(PUBLIC - existing)}"
    assert our_routes() >= set(MATRIX)


def test_public_routes_are_declared():
    """A route anonymous visitors may use is in PUBLIC, and a PUBLIC route is open to everyone."""
    open_to_anonymous = {name for name, route in MATRIX.items() if "anonymous" in route.ok}
    assert open_to_anonymous == PUBLIC
    assert all(MATRIX[name].ok == EVERYONE for name in PUBLIC)


def test_the_resolver_walk_finds_our_routes_and_skips_third_party_ones():
    routes = our_routes()
    assert {"dashboard", "grants:home", "applications:detail", "reviews:review", "projects:report"} <= routes
    # The admin's log-in is ours now (it hands over to allauth); the rest of the admin is Django's.
    assert not {name for name in routes - {"admin:login"} if re.match(r"(admin:|account_|mfa_|set_language$)", name)}


# --- the matrix, case by case ------------------------------------------------------------------


def _state():
    """Everything a request could change, to prove a refused one changed nothing."""
    models = (
        Competition,
        ApplicantGroup,
        GroupMembership,
        GroupInvitation,
        Application,
        BudgetLine,
        Attachment,
        PoolMembership,
        Conflict,
        Assignment,
        Review,
        AwardProposal,
        PaymentTranche,
        CheckIn,
        Report,
        GoodPractice,
        ProgrammeExport,
    )
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    state["audit"] = AuditEntry.objects.count()
    state["outbox"] = OutboxMessage.objects.count()
    return state


def _assert_outcome(response, expected, path):
    if expected == NOT_FOUND:
        assert response.status_code == 404, response.status_code
    elif expected == NOT_ALLOWED:
        assert response.status_code == 405, response.status_code
    elif expected == TO_LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={quote(path)}"
    else:  # pragma: no cover
        raise AssertionError(expected)


CASES = [pytest.param(name, actor, id=f"{name}-{actor}") for name in MATRIX for actor in ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "actor"), CASES)
def test_permission_matrix(client, world, name, actor):
    route = MATRIX[name]
    user = world.people[actor]
    if user is not None:
        client.force_login(user)
    path = reverse(name, kwargs={key: value(world) for key, value in route.kwargs.items()})
    expected = route.expected(actor)
    before = _state()

    if route.post is not None:
        response = client.get(path)
        _assert_outcome(response, route.expected_get_of_post_only(actor), path)
        assert _state() == before
        response = client.post(path, route.post(world))
    else:
        response = client.get(path)

    if expected == OK:
        route.check(response, world, actor)
    else:
        _assert_outcome(response, expected, path)
        assert _state() == before, "a refused request changed the database"
