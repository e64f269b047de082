"""Demo data: a programme with four calls shaped like the programmes the NGOs run (backyard
initiatives with a short form, the media's basic costs, crisis support, two-stage cross-border
mini-projects), users for every role, groups with applications in realistic states. Used by
``manage.py demo``; safe to run twice."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import grant_role
from applications import services as application_services
from applications.clarifications import clarification_ask
from applications.models import ApplicantGroup, GroupMembership
from grants.models import (
    Competition,
    EligibilityQuestion,
    Indicator,
    Programme,
    ProgrammeFunder,
    ProgrammeIndicator,
    ProgrammePhase,
    RubricCriterion,
)
from grants.services import call_form_replace
from projects import awards, mentoring
from regions.models import Region
from reviews import services as review_services
from reviews.models import PoolMembership

from .demo_calls import crisis_call, draft_before_deadline, shape_media_call, two_stage_call
from .demo_forms import BACKYARD_QUESTIONS

DEMO_PASSWORD = "demo-grants-2026"
DEMO_USERS = [
    ("staff@example.org", "Ewa Programme-Officer", [settings.ROLE_STAFF]),
    ("reviewer@example.org", "Olena Reviewer", [settings.ROLE_REVIEWER]),
    ("reviewer2@example.org", "Tomasz Reviewer", [settings.ROLE_REVIEWER]),
    ("mentor@example.org", "Andrei Mentor", [settings.ROLE_MENTOR]),
    ("applicant@example.org", "Kasia Applicant", [settings.ROLE_APPLICANT]),
    ("member@example.org", "Marek Member", [settings.ROLE_APPLICANT]),
]
REGIONS = [
    ("PL", ["Małopolskie", "Podkarpackie", "Lubelskie", "Mazowieckie", "Podlaskie"]),
    ("UA", ["Zakarpattia", "Lviv", "Ivano-Frankivsk", "Chernivtsi"]),
    ("BY", ["Brest", "Grodno", "Minsk"]),
    ("SK", ["Prešov", "Košice"]),
    ("RO", ["Maramureș", "Suceava"]),
]
RUBRIC = [
    ("Relevance to local needs", "Does the project answer a real need of the community?", Decimal("3"), 5),
    ("Feasibility", "Are the plan, timeline and people realistic?", Decimal("2"), 5),
    ("Budget", "Are the costs reasonable and necessary?", Decimal("1"), 5),
    ("Community involvement", "Are volunteers and neighbours involved?", Decimal("2"), 5),
]


def _user(email, name, roles):
    user, created = User.objects.get_or_create(
        email=email, defaults={"username": email.split("@")[0], "full_name": name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    for role in roles:
        grant_role(user, role)
    return user


@transaction.atomic
def load_demo_data() -> dict:
    users = {email: _user(email, name, roles) for email, name, roles in DEMO_USERS}
    regions = {}
    for country, names in REGIONS:
        for name in names:
            regions[name], _ = Region.objects.get_or_create(country=country, name=name)
    if Programme.objects.exists():
        return users
    now = timezone.now()
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Carpathian Neighbourhood Fund",
        funder_name="Foundation for Local Democracy (demo)",
        description="Small grants for informal groups that make their neighbourhood better.",
        currency="EUR",
        total_budget=Decimal("667111.40"),
        donor_share=Decimal("500000"),
        co_funding=Decimal("167111.40"),
        starts_on=today - timedelta(days=400),
        ends_on=today + timedelta(days=1060),
    )
    programme.regions.set(regions.values())
    ProgrammeFunder.objects.create(
        programme=programme, name="Foundation for Local Democracy (demo)", contribution=Decimal("500000")
    )
    ProgrammeFunder.objects.create(
        programme=programme, name="Regional co-funders (demo)", contribution=Decimal("167111.40")
    )
    first_phase = ProgrammePhase.objects.create(
        programme=programme, name="Phase 1", starts_on=today - timedelta(days=400), ends_on=today + timedelta(days=60)
    )
    second_phase = ProgrammePhase.objects.create(
        programme=programme, name="Phase 2", starts_on=today + timedelta(days=61), ends_on=today + timedelta(days=1060)
    )
    targets = [
        ProgrammeIndicator.objects.create(programme=programme, name=name, target=target, position=position)
        for position, (name, target) in enumerate(
            [
                ("Participants", 5000),
                ("Volunteers engaged", 130),
                ("Training events", 500),
                ("Initiatives carried out", 59),
            ]
        )
    ]
    open_call = Competition.objects.create(
        programme=programme,
        phase=second_phase,
        title="Backyard initiatives 2027",
        slug="backyard-2027",
        description="Up to 5 000 EUR for informal groups improving shared spaces: yards, squares, "
        "libraries, community rooms.",
        translations={
            "title": {"uk": "Ініціативи подвір'їв 2027", "pl": "Inicjatywy podwórkowe 2027"},
            "description": {
                "uk": "До 5 000 EUR для неформальних груп, які облаштовують спільні простори: подвір'я, "
                "сквери, бібліотеки, громадські кімнати.",
                "pl": "Do 5 000 EUR dla nieformalnych grup, które zmieniają wspólne przestrzenie: podwórka, "
                "skwery, biblioteki, świetlice.",
            },
        },
        email_note="Questions? Write to backyard@example.org or call +48 12 000 00 00 on weekdays.",
        rules="Informal groups of at least three people and small NGOs may apply. Projects last 3 to 9 months.",
        is_published=True,
        currency="EUR",
        budget_pool=Decimal("60000"),
        min_grant=Decimal("500"),
        max_grant=Decimal("5000"),
        time_zone="Europe/Warsaw",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=21),
        project_start_earliest=today + timedelta(days=45),
        project_end_latest=today + timedelta(days=320),
        max_applications_per_group=1,
        reviewers_per_application=2,
        blind_review=True,
        checkin_interval_weeks=4,
    )
    open_call.eligible_regions.set(
        [regions[n] for n in ("Małopolskie", "Podkarpackie", "Zakarpattia", "Lviv", "Prešov", "Maramureș")]
    )
    _shape_backyard_call(open_call)
    closed_call = Competition.objects.create(
        programme=programme,
        phase=first_phase,
        title="Independent local media 2026: basic costs",
        slug="local-media-2026",
        description="A year of an editorial office's basic costs (people, rent, equipment) for small "
        "independent local media and citizen journalism.",
        is_published=True,
        currency="PLN",
        budget_pool=Decimal("120000"),
        min_grant=Decimal("2000"),
        max_grant=Decimal("15000"),
        time_zone="Europe/Warsaw",
        opens_at=now - timedelta(days=70),
        closes_at=now - timedelta(days=10),
        review_deadline=now + timedelta(days=7),
        award_confirmation_threshold=Decimal("10000"),
        project_start_earliest=today,
        project_end_latest=today + timedelta(days=240),
        max_applications_per_group=2,
        reviewers_per_application=2,
    )
    shape_media_call(closed_call)
    crisis = crisis_call(programme, second_phase, regions, users)
    two_stage = two_stage_call(programme, second_phase, regions, users)
    for call in (open_call, closed_call, crisis, two_stage):
        for position, target in enumerate(targets):
            Indicator.objects.create(competition=call, name=target.name, programme_indicator=target, position=position)
        for position, (name, description, weight, max_score) in enumerate(RUBRIC):
            RubricCriterion.objects.create(
                competition=call,
                name=name,
                description=description,
                weight=weight,
                max_score=max_score,
                position=position,
            )

    applicant = users["applicant@example.org"]
    group = application_services.group_create(
        by=applicant,
        name="Friends of the Zabłocie Yard",
        kind=ApplicantGroup.Kind.INFORMAL,
        region=regions["Małopolskie"],
        contact_email="applicant@example.org",
        description="Neighbours who look after the courtyard between four tenement houses.",
    )
    GroupMembership.objects.get_or_create(group=group, user=users["member@example.org"])
    draft = application_services.application_create(
        competition=open_call,
        group=group,
        by=applicant,
        eligibility_answers={q.pk: "yes" for q in open_call.eligibility_questions.all()},
    )
    application_services.application_update_draft(
        application=draft,
        by=applicant,
        fields={
            "title": "A green courtyard for everyone",
            "summary": "We turn a car park into a garden.",
            "requested_amount": Decimal("3200.00"),
        },
        budget_lines=[
            {
                "category": "materials",
                "description": "Plants and soil",
                "quantity": Decimal("1"),
                "unit_cost": Decimal("1800.00"),
            },
            {
                "category": "equipment",
                "description": "Benches",
                "quantity": Decimal("4"),
                "unit_cost": Decimal("350.00"),
            },
        ],
    )
    # The reviewers are in both calls' pools; they declare their conflicts when they first log in.

    for call in (open_call, closed_call, two_stage):
        for email in ("reviewer@example.org", "reviewer2@example.org"):
            PoolMembership.objects.get_or_create(competition=call, reviewer=users[email])
    # Past applications to the closed call, as staff would find them.
    submitted = []
    for index, (name, region) in enumerate(
        [
            ("Lublin Street Voices", "Lubelskie"),
            ("Podlasie Radio Club", "Podlaskie"),
            ("Grodno Newsletter Circle", "Grodno"),
        ]
    ):
        lead = users["member@example.org"] if index == 0 else applicant
        other = application_services.group_create(
            by=lead,
            name=name,
            kind=ApplicantGroup.Kind.INFORMAL,
            region=regions[region],
            contact_email=lead.email,
        )
        application = draft_before_deadline(
            closed_call,
            other,
            lead,
            regions,
            region,
            title=f"{name}: a year of local news",
            amount=Decimal("8000.00"),
            summary="Regular reporting on the town council and local life.",
            problem="No local newspaper is left.",
            activities="Weekly bulletin, training for volunteers.",
            expected_results="40 issues, 6 volunteers.",
            beneficiaries="Residents of the town.",
            answers={
                "outlet": name,
                "monthly_audience": 4000 + 1500 * index,
                "team": [
                    {"role": "Editor", "hours": "30", "cost": "500.00"},
                    {"role": "Reporter", "hours": "20", "cost": "300.00"},
                ],
                "other_funding": "1200.00",
                "independence": "Our statute forbids advertising by the town hall; two editors sign every issue.",
            },
        )
        application.budget_lines.create(
            category="personnel", description="Editor fees", quantity=Decimal("10"), unit_cost=Decimal("800.00")
        )
        application_services.application_submit(
            application=application, by=lead, now=closed_call.closes_at - timedelta(days=1)
        )
        submitted.append(application)
    _review_closed_call(closed_call, submitted, users)
    _fund_one(submitted[0], users)
    clarification_ask(
        application=submitted[-1],
        by=users["staff@example.org"],
        body="Who else reports on the town council today, and how will your bulletin differ?",
    )
    return users


def _shape_backyard_call(call):
    """The backyard call asks first whether the group has three people, then a short form."""
    EligibilityQuestion.objects.create(
        competition=call,
        text="Does your group have at least three members who live nearby?",
        refusal="This call funds groups of at least three neighbours; a single person may not apply.",
        position=1,
    )
    call_form_replace(
        competition=call,
        definition={"kind": "fixed", "stages": [{"key": "main", "questions": BACKYARD_QUESTIONS}]},
        by=None,
    )


def _fund_one(application, users):
    """Award the best-reviewed application, plan its payments and give it a mentor."""

    staff = users["staff@example.org"]
    application.refresh_from_db()
    awards.award_decide(
        application=application,
        amount=application.requested_amount,
        by=staff,
        conditions="Send the photos of every issue with the final report.",
    )
    first = (application.requested_amount * Decimal("0.8")).quantize(Decimal("0.01"))
    tranche, _rest = awards.tranches_set(
        application=application,
        by=staff,
        rows=[
            {"label": "On signature of the contract", "amount": first},
            {"label": "After the final report is accepted", "amount": application.requested_amount - first},
        ],
    )
    awards.tranche_mark_paid(tranche=tranche, paid_on=timezone.localdate(), by=staff)
    mentoring.mentor_assign(application=application, mentor=users["mentor@example.org"], by=staff)


def _review_closed_call(call, applications, users):
    """Screen the closed call, assign both reviewers, and score all but the last review, so staff
    find a ranking to decide on and a reviewer finds one review still to do."""

    staff = users["staff@example.org"]
    reviewers = [users["reviewer@example.org"], users["reviewer2@example.org"]]
    PoolMembership.objects.filter(competition=call).update(conflicts_declared_at=timezone.now())
    for application in applications:
        application_services.application_mark_eligible(application=application, by=staff)
    review_services.assign_automatically(competition=call, by=staff)
    criteria = list(call.criteria.all())
    for index, application in enumerate(applications):
        for reviewer_index, reviewer in enumerate(reviewers):
            if index == len(applications) - 1 and reviewer_index == 1:
                continue  # left for the demo reviewer to do
            assignment = application.assignments.get(reviewer=reviewer)
            scores = {c.pk: {"score": max(0, c.max_score - index - reviewer_index), "comment": ""} for c in criteria}
            review_services.review_submit(
                assignment=assignment,
                by=reviewer,
                scores=scores,
                recommendation="fund" if index < 2 else "maybe",
                overall_comment="A realistic plan with local support.",
            )
