"""A two-stage call whose concept notes are reviewed: the full proposal is reviewed anew, by the
same reviewers if staff wish, and only its own reviews count (its completion, the matrix, the
ranking); the concept's reviews stay as they were."""

from datetime import timedelta
from decimal import Decimal

import pytest

from applications import services as application_services
from applications import stages
from applications.models import Application
from grants.models import Competition
from reviews import services
from reviews.selectors import matrix_applications, ranking
from tests.factories import CompetitionFactory, CriterionFactory, GroupFactory, in_pool, member_of, staff_user

pytestmark = pytest.mark.django_db
S = Application.Status


def _review(application, reviewer, score):
    (criterion,) = application.competition.criteria.all()
    assignment = application.assignments.get(reviewer=reviewer, stage=application.stage)
    services.review_submit(
        assignment=assignment, by=reviewer, scores={criterion.pk: {"score": score}}, recommendation="fund"
    )


def test_a_reviewed_concept_notes_full_proposal_is_reviewed_anew_and_only_its_reviews_count():
    call = CompetitionFactory(kind=Competition.Kind.TWO_STAGE, reviewers_per_application=1)
    call.full_closes_at = call.closes_at + timedelta(days=30)
    call.save()
    CriterionFactory(competition=call, max_score=10)
    staff, reviewer = staff_user(), None
    reviewer = in_pool(call)
    group = GroupFactory()
    member = member_of(group)
    application = application_services.application_create(competition=call, group=group, by=member)
    for name, value in {"title": "Canoe trail", "summary": "Two towns.", "problem": "No river access."}.items():
        setattr(application, name, value)
    application.region, application.requested_amount = group.region, Decimal("1500")
    application.save()
    application_services.application_submit(application=application, by=member, budget_lines=[])
    application.refresh_from_db()
    application_services.application_mark_eligible(application=application, by=staff)

    # Stage 1: the concept note reviewed (score 2 of 10).
    services.assign_automatically(competition=call, by=staff)
    _review(application, reviewer, 2)
    application.refresh_from_db()
    assert application.status == S.REVIEWED
    assert [(row.pk, row.reviews, row.mean) for row in ranking(call)] == [(application.pk, 1, Decimal("20.00"))]

    # Stage 2: invited, the full proposal submitted and screened; the same reviewer may review it.
    stages.application_invite(application=application, by=staff)
    application.refresh_from_db()
    application.planned_start, application.planned_end = call.project_start_earliest, call.project_end_latest
    for name in ("activities", "expected_results", "beneficiaries"):
        setattr(application, name, "Written.")
    application.save()
    lines = [{"id": None, "category": "other", "description": "Canoes", "quantity": 1, "unit_cost": Decimal("1500")}]
    application_services.application_submit(application=application, by=member, budget_lines=lines)
    application.refresh_from_db()
    application_services.application_mark_eligible(application=application, by=staff)
    assert services.assign_automatically(competition=call, by=staff)["created"] == 1
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW  # the concept's submitted review does not complete it
    assert sorted(application.assignments.values_list("stage", flat=True)) == ["concept", "full"]
    (row,) = matrix_applications(call, show="missing")
    assert row.pk == application.pk
    assert [(r.pk, r.reviews, r.mean) for r in ranking(call)] == [(application.pk, 0, None)]

    _review(application, reviewer, 9)
    application.refresh_from_db()
    assert application.status == S.REVIEWED
    assert [(r.pk, r.reviews, r.mean) for r in ranking(call)] == [(application.pk, 1, Decimal("90.00"))]
    assert not matrix_applications(call, show="missing").exists()
