"""factory_boy factories for the whole suite."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.roles import grant_role
from applications.models import ApplicantGroup, Application, BudgetLine, GroupMembership
from grants.models import Competition, Programme, RubricCriterion
from regions.models import Region

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or [settings.ROLE_APPLICANT]:
            grant_role(obj, role)


def staff_user(**kwargs):
    return UserFactory(roles=[settings.ROLE_STAFF], **kwargs)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("country", "name")

    country = "PL"
    name = factory.Sequence(lambda n: f"Region {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    funder_name = "Demo Foundation"


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    description = "Small grants for neighbourhood projects."
    is_published = True
    currency = "EUR"
    budget_pool = Decimal("10000.00")
    min_grant = Decimal("500.00")
    max_grant = Decimal("5000.00")
    time_zone = "Europe/Warsaw"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    project_start_earliest = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    project_end_latest = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    max_score = 5


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    kind = ApplicantGroup.Kind.INFORMAL
    region = factory.SubFactory(RegionFactory)
    contact_email = factory.Sequence(lambda n: f"group{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = GroupMembership.Role.LEAD


def member_of(group, **kwargs):
    return MembershipFactory(group=group, **kwargs).user


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft that passes every submission check (one budget line equal to the request)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    competition = factory.SubFactory(CompetitionFactory)
    group = factory.SubFactory(GroupFactory)
    reference = factory.Sequence(lambda n: f"SG-2026-{n + 1:04d}")
    title = "A green courtyard"
    summary = "We turn a car park into a garden."
    problem = "There is no green space."
    activities = "Planting, benches, a neighbours' day."
    expected_results = "A garden used by 200 people."
    beneficiaries = "Residents of four houses."
    region = factory.SelfAttribute("group.region")
    planned_start = factory.LazyAttribute(lambda o: o.competition.project_start_earliest)
    planned_end = factory.LazyAttribute(lambda o: o.competition.project_end_latest)
    requested_amount = Decimal("1500.00")

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if not create:
            return
        for quantity, unit_cost in extracted if extracted is not None else [(Decimal("3"), Decimal("500.00"))]:
            BudgetLine.objects.create(
                application=obj, description="Plants", category="materials", quantity=quantity, unit_cost=unit_cost
            )


def reviewer_user(**kwargs):
    return UserFactory(roles=[settings.ROLE_REVIEWER], **kwargs)


def in_pool(competition, reviewer=None, declared=True):
    from reviews.models import PoolMembership

    reviewer = reviewer or reviewer_user()
    PoolMembership.objects.create(
        competition=competition, reviewer=reviewer, conflicts_declared_at=timezone.now() if declared else None
    )
    return reviewer


def submitted_review(application, reviewer, scores, recommendation="fund"):
    """A submitted review with ``scores`` in the call's criterion order, created directly (fast)."""
    from reviews.models import Assignment, CriterionScore, Review
    from reviews.scoring import weighted_scores_refresh
    from reviews.services import pool_recount

    assignment, _ = Assignment.objects.get_or_create(
        application=application, reviewer=reviewer, stage=application.stage
    )
    review = Review.objects.create(
        assignment=assignment,
        status=Review.Status.SUBMITTED,
        submitted_at=timezone.now(),
        recommendation=recommendation,
    )
    Assignment.objects.filter(pk=assignment.pk).update(submitted_at=review.submitted_at)  # as review_submit does
    criteria = list(application.competition.criteria.all())
    CriterionScore.objects.bulk_create(
        [CriterionScore(review=review, criterion=c, score=s) for c, s in zip(criteria, scores, strict=True)]
    )
    weighted_scores_refresh(review_ids=[review.pk])  # as review_submit does
    pool_recount(application.competition)  # and its pool counters
    return review


def funded_application(*, start=None, end=None, amount=Decimal("1000"), staff=None, **kwargs):
    """An awarded application with the given project dates (the call's period is stretched to fit)."""
    from projects import awards

    start = start or timezone.localdate() - timedelta(days=10)
    end = end or start + timedelta(days=90)
    call = kwargs.pop("competition", None) or CompetitionFactory(
        project_start_earliest=start - timedelta(days=365), project_end_latest=end + timedelta(days=365)
    )
    application = ApplicationFactory(
        competition=call,
        status="reviewed",
        planned_start=start,
        planned_end=end,
        requested_amount=amount,
        lines=[(1, amount)],
        **kwargs,
    )
    awards.award_decide(application=application, amount=amount, by=staff or staff_user())
    application.refresh_from_db()
    return application


def minimal_pdf() -> bytes:
    """A one-page PDF that a parser reads (reviewers get a copy rewritten without metadata)."""
    import io

    import pikepdf

    pdf, out = pikepdf.new(), io.BytesIO()
    pdf.add_blank_page()
    pdf.save(out)
    return out.getvalue()
