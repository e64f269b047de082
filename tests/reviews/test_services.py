"""Review services: the pool, enforced conflicts, balanced assignment, scoring and completion."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm_log.models import StateLog

from applications import services as application_services
from applications.models import Application
from reviews import services
from reviews.models import Assignment, Conflict, Review
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    RegionFactory,
    UserFactory,
    in_pool,
    reviewer_user,
    staff_user,
)

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def staff():
    return staff_user()


def _eligible(call, count, **kwargs):
    return ApplicationFactory.create_batch(
        count, competition=call, status=S.SUBMITTED, screened_at=timezone.now(), **kwargs
    )


def test_only_reviewers_join_a_pool(staff):
    call = CompetitionFactory()
    with pytest.raises(ValidationError):
        services.pool_add(competition=call, reviewer=UserFactory(), by=staff)
    with pytest.raises(PermissionDenied):
        services.pool_add(competition=call, reviewer=reviewer_user(), by=UserFactory())


def test_screening_out_tells_the_group_why(staff, django_capture_on_commit_callbacks):
    from tests.factories import member_of

    application = ApplicationFactory(status=S.SUBMITTED)
    member = member_of(application.group)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_screen_out(application=application, by=staff, reason="Outside the region.")
    application.refresh_from_db()
    assert application.status == S.INELIGIBLE
    assert mail.outbox[0].to == [member.email] and "Outside the region." in mail.outbox[0].body
    with pytest.raises(ValidationError):
        application_services.application_screen_out(
            application=ApplicationFactory(status=S.SUBMITTED), by=staff, reason=" "
        )


def test_assigning_starts_the_review_and_tells_the_reviewer(staff, django_capture_on_commit_callbacks):
    call = CompetitionFactory(review_deadline=timezone.now() + timezone.timedelta(days=20))
    reviewer = in_pool(call)
    (application,) = _eligible(call, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert assignment.due_at == call.review_deadline
    assert mail.outbox[0].to == [reviewer.email] and application.reference in mail.outbox[0].subject
    log = StateLog.objects.get(object_id=application.pk, transition="start_review")
    assert log.by == staff


def test_unscreened_or_unpooled_or_conflicted_cannot_be_assigned(staff):
    call = CompetitionFactory()
    unscreened = ApplicationFactory(competition=call, status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="Screen the application"):
        services.assignment_create(application=unscreened, reviewer=in_pool(call), by=staff)
    (application,) = _eligible(call, 1)
    with pytest.raises(ValidationError, match="not in the call's reviewer pool"):
        services.assignment_create(application=application, reviewer=reviewer_user(), by=staff)
    conflicted = in_pool(call)
    services.conflicts_declare(competition=call, by=conflicted, groups=[application.group])
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.assignment_create(application=application, reviewer=conflicted, by=staff)
    assert not Assignment.objects.exists()


def test_a_region_conflict_covers_the_groups_region(staff):
    call = CompetitionFactory()
    region = RegionFactory(name="Lviv", country="UA")
    (application,) = _eligible(call, 1, group=GroupFactory(region=region), region=RegionFactory(name="Other"))
    reviewer = in_pool(call)
    services.conflicts_declare(competition=call, by=reviewer, regions=[region])
    assert services.is_conflicted(reviewer, application)


def test_declaring_a_conflict_later_removes_unsubmitted_assignments(staff):
    call = CompetitionFactory()
    reviewer = in_pool(call)
    first, second = _eligible(call, 2)
    services.assignment_create(application=first, reviewer=reviewer, by=staff)
    services.assignment_create(application=second, reviewer=reviewer, by=staff)
    services.conflicts_declare(competition=call, by=reviewer, groups=[first.group])
    assert list(Assignment.objects.values_list("application_id", flat=True)) == [second.pk]


def test_a_conflict_on_an_assigned_application_removes_it_and_records_why(staff):
    call = CompetitionFactory()
    reviewer = in_pool(call)
    (application,) = _eligible(call, 1)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff)
    with pytest.raises(PermissionDenied):
        services.conflict_declare_on_assignment(assignment=assignment, by=reviewer_user(), reason="x")
    services.conflict_declare_on_assignment(assignment=assignment, by=reviewer, reason="My cousin leads it.")
    assert not Assignment.objects.exists()
    conflict = Conflict.objects.get()
    assert (conflict.application, conflict.reason) == (application, "My cousin leads it.")
    # ... and the automatic assignment never gives it back.
    services.assign_automatically(competition=call, by=staff)
    assert not Assignment.objects.filter(reviewer=reviewer).exists()


@pytest.mark.parametrize(("applications", "reviewers", "per_application"), [(10, 4, 3), (30, 7, 2), (9, 3, 3)])
def test_automatic_assignment_balances_loads_within_one(staff, applications, reviewers, per_application):
    call = CompetitionFactory(reviewers_per_application=per_application)
    pool = [in_pool(call) for _ in range(reviewers)]
    _eligible(call, applications)
    result = services.assign_automatically(competition=call, by=staff)
    assert result == {"created": applications * per_application, "unfilled": []}
    loads = [Assignment.objects.filter(reviewer=r).count() for r in pool]
    assert max(loads) - min(loads) <= 1
    for application in Application.objects.filter(competition=call):
        assert application.assignments.count() == per_application
        assert application.status == S.IN_REVIEW


def test_automatic_assignment_respects_conflicts_and_regions_and_fills_only_gaps(staff):
    call = CompetitionFactory(reviewers_per_application=2)
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    a, b, c, d = in_pool(call), in_pool(call), in_pool(call), in_pool(call, reviewer_user(home_region=north))
    apps = _eligible(call, 4, group=GroupFactory(region=south), region=south)
    northern = _eligible(call, 2, group=GroupFactory(region=north), region=north)
    services.conflicts_declare(competition=call, by=a, groups=[apps[0].group])
    services.assignment_create(application=northern[0], reviewer=b, by=staff)  # by hand first
    services.assign_automatically(competition=call, by=staff, avoid_same_region=True)
    assert not Assignment.objects.filter(reviewer=a, application__group=apps[0].group).exists()
    assert not Assignment.objects.filter(reviewer=d, application__in=northern).exists()
    assert Assignment.objects.filter(application=northern[0]).count() == 2
    assert Assignment.objects.filter(application=northern[0], reviewer=b).exists()
    before = set(Assignment.objects.values_list("pk", flat=True))
    again = services.assign_automatically(competition=call, by=staff, avoid_same_region=True)
    assert again == {"created": 0, "unfilled": []}
    assert set(Assignment.objects.values_list("pk", flat=True)) == before
    # A new reviewer joins and an assignment is removed: only that gap is filled.
    Assignment.objects.filter(application=apps[1]).first().delete()
    assert services.assign_automatically(competition=call, by=staff)["created"] == 1
    assert c  # used in the pool above


def test_unfilled_slots_are_reported(staff):
    call = CompetitionFactory(reviewers_per_application=3)
    in_pool(call), in_pool(call)
    (application,) = _eligible(call, 1)
    assert services.assign_automatically(competition=call, by=staff) == {
        "created": 2,
        "unfilled": [application.reference],
    }


def _scored_call():
    call = CompetitionFactory(reviewers_per_application=2)
    CriterionFactory(competition=call, name="Relevance", weight=Decimal("2"), max_score=5)
    CriterionFactory(competition=call, name="Budget", weight=Decimal("1"), max_score=10)
    return call


def test_scores_outside_the_range_are_refused_and_nothing_changes(staff):
    call = _scored_call()
    reviewer = in_pool(call)
    (application,) = _eligible(call, 1)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff)
    relevance, budget = call.criteria.all()
    with pytest.raises(ValidationError) as error:
        services.review_save(
            assignment=assignment, by=reviewer, scores={relevance.pk: {"score": 6}, budget.pk: {"score": 3}}
        )
    assert error.value.message_dict == {f"score_{relevance.pk}": ["Give a score from 0 to 5."]}
    assert not Review.objects.exists()


def test_the_last_review_completes_the_application_exactly_once(staff):
    call = _scored_call()
    first_reviewer, second_reviewer = in_pool(call), in_pool(call)
    (application,) = _eligible(call, 1)
    relevance, budget = call.criteria.all()
    scores = {relevance.pk: {"score": 4, "comment": "Good"}, budget.pk: {"score": 7}}
    first = services.assignment_create(application=application, reviewer=first_reviewer, by=staff)
    second = services.assignment_create(application=application, reviewer=second_reviewer, by=staff)
    with pytest.raises(ValidationError) as incomplete:
        services.review_submit(assignment=first, by=first_reviewer, scores={relevance.pk: {"score": 4}})
    assert set(incomplete.value.message_dict) == {f"score_{budget.pk}", "recommendation"}
    services.review_submit(assignment=first, by=first_reviewer, scores=scores, recommendation="fund")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    with pytest.raises(ValidationError, match="submitted and can no longer be changed"):
        services.review_save(assignment=first, by=first_reviewer, scores=scores)
    services.review_submit(assignment=second, by=second_reviewer, scores=scores, recommendation="maybe")
    application.refresh_from_db()
    assert application.status == S.REVIEWED
    log = StateLog.objects.get(object_id=application.pk, transition="complete_review")
    assert log.by is None and log.description == "All assigned reviews are submitted."


def test_staff_can_force_the_review_complete(staff):
    application = ApplicationFactory(status=S.IN_REVIEW)
    services.application_complete_review(application=application, by=staff, comment="One reviewer left.")
    application.refresh_from_db()
    assert application.status == S.REVIEWED


def test_someone_elses_assignment_cannot_be_reviewed(staff):
    call = _scored_call()
    reviewer = in_pool(call)
    (application,) = _eligible(call, 1)
    assignment = services.assignment_create(application=application, reviewer=reviewer, by=staff)
    with pytest.raises(PermissionDenied):
        services.review_save(assignment=assignment, by=in_pool(call), scores={})
