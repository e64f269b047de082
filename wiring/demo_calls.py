"""The demo's calls other than the backyard one, each shaped like a programme the NGOs run: the
media's basic costs (a budget-heavy form, reviewed and decided), crisis support (an emergency
call decided by staff within days) and cross-border mini-projects in two stages. Used by
``wiring.demo.load_demo_data``."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications import services as application_services
from applications import stages
from applications.models import ApplicantGroup, Application
from grants.models import Competition
from grants.services import call_form_replace
from projects import awards

from .demo_forms import CONCEPT_QUESTIONS, CRISIS_QUESTIONS, FULL_QUESTIONS, MEDIA_QUESTIONS


def shape_media_call(call):
    """Media ask every year for their editorial office's basic costs: a budget-heavy form."""
    call_form_replace(
        competition=call,
        definition={"kind": "fixed", "stages": [{"key": "main", "questions": MEDIA_QUESTIONS}]},
        by=None,
    )


def draft_before_deadline(call, group, lead, regions, region, *, title, amount, stage=Application.Stage.FULL, **texts):
    """A draft written before the call's deadline (the services refuse to start one after it)."""
    start = max(timezone.localdate() + timedelta(days=30), call.project_start_earliest)
    application = Application.objects.create(
        competition=call,
        group=group,
        created_by=lead,
        stage=stage,
        title=title,
        summary=texts.get("summary", "What the group will do, in two sentences."),
        problem=texts.get("problem", "What the people around us lack."),
        activities=texts.get("activities", "Step by step, with the dates and who does what."),
        expected_results=texts.get("expected_results", "What will have changed, and for how many people."),
        beneficiaries=texts.get("beneficiaries", "The people of our town and the neighbouring one."),
        region=regions[region],
        planned_start=start,
        planned_end=min(start + timedelta(days=170), call.project_end_latest),
        requested_amount=amount,
        form_answers=texts.get("answers", {}),
        form_version=call.form_version,
    )
    application.reference = f"SG-{application.created_at.year}-{application.pk:04d}"
    application.save(update_fields=["reference"])
    return application


def _group(lead, name, region, regions, kind=ApplicantGroup.Kind.INFORMAL):
    return application_services.group_create(
        by=lead, name=name, kind=kind, region=regions[region], contact_email=lead.email
    )


def crisis_call(programme, phase, regions, users) -> Competition:
    """Crisis support for partners under repression: open all year, a short confidential form,
    decided by staff within five days; one request waits for a decision, one was granted."""
    now = timezone.now()
    today = timezone.localdate()
    call = Competition.objects.create(
        programme=programme,
        phase=phase,
        kind=Competition.Kind.EMERGENCY,
        title="Crisis support for civic partners",
        slug="crisis-support",
        description="Fast help for groups and independent journalists facing searches, fines or forced "
        "relocation: legal aid, replacing seized equipment, a safe place to work.",
        rules="Only partners known to the programme. Requests are answered within five days.",
        is_published=True,
        confidential=True,
        currency="EUR",
        budget_pool=Decimal("30000"),
        min_grant=Decimal("200"),
        max_grant=Decimal("3000"),
        group_year_cap=Decimal("5000"),
        decision_days=5,
        award_confirmation_threshold=Decimal("2000"),
        time_zone="Europe/Warsaw",
        opens_at=now - timedelta(days=120),
        closes_at=None,
        project_start_earliest=today - timedelta(days=120),
        project_end_latest=today + timedelta(days=245),
        max_applications_per_group=5,
        reviewers_per_application=1,
        budget_section=False,
    )
    call.eligible_regions.set([regions[n] for n in ("Brest", "Grodno", "Minsk", "Zakarpattia", "Lviv")])
    call_form_replace(
        competition=call,
        definition={"kind": "emergency", "stages": [{"key": "main", "questions": CRISIS_QUESTIONS}]},
        by=None,
    )
    lead = users["applicant@example.org"]
    staff = users["staff@example.org"]
    for index, (name, region, title, amount, days_ago) in enumerate(
        [
            ("Grodno Readers' Circle", "Grodno", "A lawyer after the search of our library", "1800.00", 9),
            ("Brest Independent Photo Desk", "Brest", "Replacing two seized cameras", "2400.00", 2),
        ]
    ):
        group = _group(lead, name, region, regions)
        request = draft_before_deadline(
            call,
            group,
            lead,
            regions,
            region,
            title=title,
            amount=Decimal(amount),
            summary="What happened, and what the money will change this month.",
            answers={"what_happened": "The police searched our premises and took our equipment.", "urgent": "yes"},
        )
        application_services.application_submit(application=request, by=lead, now=now - timedelta(days=days_ago))
        if index == 0:  # decided within its five days
            awards.award_decide(application=request, amount=request.requested_amount, by=staff)
    return call


def two_stage_call(programme, phase, regions, users) -> Competition:
    """Cross-border mini-projects in two stages: the concept notes are in, one group is invited to
    its full proposal (pre-filled from its concept), one is told why not, one waits."""
    now = timezone.now()
    today = timezone.localdate()
    call = Competition.objects.create(
        programme=programme,
        phase=phase,
        kind=Competition.Kind.TWO_STAGE,
        title="Carpathian cross-border mini-projects 2027",
        slug="cross-border-2027",
        description="Small joint projects of groups from both sides of a border: first a one-page idea, "
        "then, for the shortlisted, a full proposal with a budget.",
        is_published=True,
        currency="EUR",
        budget_pool=Decimal("40000"),
        min_grant=Decimal("1000"),
        max_grant=Decimal("8000"),
        time_zone="Europe/Kyiv",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=5),
        full_closes_at=now + timedelta(days=25),
        project_start_earliest=today + timedelta(days=40),
        project_end_latest=today + timedelta(days=330),
        reviewers_per_application=2,
    )
    call.eligible_regions.set([regions[n] for n in ("Zakarpattia", "Prešov", "Maramureș", "Podkarpackie")])
    call_form_replace(
        competition=call,
        definition={
            "kind": "two_stage",
            "stages": [
                {"key": "concept", "questions": CONCEPT_QUESTIONS},
                {"key": "full", "questions": FULL_QUESTIONS},
            ],
        },
        by=None,
    )
    lead, staff = users["member@example.org"], users["staff@example.org"]
    concepts = []
    for name, region, title in [
        ("Tisa Valley Scouts", "Zakarpattia", "A canoe trail shared by two river towns"),
        ("Prešov Makerspace", "Prešov", "Repair cafés on both sides of the border"),
        ("Maramureș Wooden Churches Friends", "Maramureș", "Volunteers' summer camp for wooden churches"),
    ]:
        concept = draft_before_deadline(
            call,
            _group(lead, name, region, regions),
            lead,
            regions,
            region,
            title=title,
            amount=Decimal("6000.00"),
            stage=Application.Stage.CONCEPT,
            answers={"idea": "Young people from both towns plan and run it together.", "partner_country": "sk"},
        )
        application_services.application_submit(application=concept, by=lead, now=call.closes_at - timedelta(days=2))
        concepts.append(concept)
    stages.application_invite(
        application=concepts[0], by=staff, comment="Please show the partner's part in the budget."
    )
    stages.application_not_invite(
        application=concepts[1],
        by=staff,
        feedback="A strong idea, but the programme cannot fund running costs of a makerspace.",
    )
    return call
