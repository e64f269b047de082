"""Read queries of funded projects: money against the pool, the mentor's projects, decisions
waiting for a second pair of eyes, and the public good practices. Never N+1."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, Q, Sum

from applications.identity import application_identity
from applications.models import Application
from grants.models import Competition

from .models import AwardProposal, CheckIn, GoodPractice, PaymentTranche

COMMITTED_STATUSES = (Application.Status.AWARDED, Application.Status.REPORTED, Application.Status.CLOSED)
FUNDED = (Application.Status.AWARDED, Application.Status.REPORTED)
DECIDABLE = (Application.Status.REVIEWED, Application.Status.WAITLISTED)


def is_decidable(application) -> bool:
    """Awaiting the staff's decision: after review, or, for an emergency call, straight after
    submission (decided by staff with no review panel)."""
    if application.status == Application.Status.SUBMITTED:
        return application.competition.emergency
    return application.status in DECIDABLE


def round_pool_left(competition, cutoff) -> Decimal:
    """What earlier rounds of a rolling call left of its pool: the pool minus the awards made to
    applications of the cut-offs before ``cutoff`` (the funding line of ``cutoff``'s round)."""
    earlier = competition.applications.filter(status__in=COMMITTED_STATUSES, cutoff__at__lt=cutoff.at)
    return competition.budget_pool - (earlier.aggregate(total=Sum("awarded_amount"))["total"] or Decimal("0"))


def committed_amount(competition) -> Decimal:
    total = competition.applications.filter(status__in=COMMITTED_STATUSES).aggregate(total=Sum("awarded_amount"))
    return total["total"] or Decimal("0")


def money_summary(competition) -> dict:
    """Pool, committed, paid and remaining for one call, in its currency."""
    committed = committed_amount(competition)
    paid = PaymentTranche.objects.filter(application__competition=competition, paid_on__isnull=False).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    pending = AwardProposal.objects.filter(
        application__competition=competition, status=AwardProposal.Status.PENDING
    ).aggregate(total=Sum("amount"))
    return {
        "currency": competition.currency,
        "pool": competition.budget_pool,
        "committed": committed,
        "paid": paid,
        "remaining": competition.budget_pool - committed,
        "pending": pending["total"] or Decimal("0"),
    }


def money_by_currency() -> list[dict]:
    """Pool, committed, paid and remaining summed per currency over every call (3 queries, summed
    in SQL: the dashboard shows one page of calls but the money of all of them)."""
    zero = Decimal("0")
    totals: dict[str, dict] = {}
    for item in Competition.objects.values("currency").annotate(pool=Sum("budget_pool")).order_by():
        totals[item["currency"]] = {"currency": item["currency"], "pool": item["pool"] or zero, "committed": zero}
        totals[item["currency"]]["paid"] = zero
    committed = (
        Application.objects.filter(status__in=COMMITTED_STATUSES)
        .values("competition__currency")
        .annotate(total=Sum("awarded_amount"))
        .order_by()
    )
    for item in committed:
        totals[item["competition__currency"]]["committed"] += item["total"] or zero
    paid = (
        PaymentTranche.objects.filter(paid_on__isnull=False)
        .values("application__competition__currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for item in paid:
        totals[item["application__competition__currency"]]["paid"] += item["total"] or zero
    for row in totals.values():
        row["remaining"] = row["pool"] - row["committed"]
    return sorted(totals.values(), key=lambda r: r["currency"])


def staff_competitions():
    """Every call, newest deadline first (the dashboard shows them a page at a time and counts
    the applications of that page's calls with ``application_counts``)."""
    return Competition.objects.select_related("programme").order_by("-closes_at", "-pk")


def application_counts(calls) -> None:
    """Set ``application_count`` (submitted, whatever happened next) and ``draft_count`` on each
    of ``calls``, in one grouped query over these calls' applications only: a page of calls never
    counts the applications of every call."""
    counts = {
        row["competition_id"]: row
        for row in Application.objects.filter(competition_id__in=[call.pk for call in calls])
        .order_by()
        .values("competition_id")
        .annotate(
            submitted=Count("pk", filter=~Q(status=Application.Status.DRAFT)),
            drafts=Count("pk", filter=Q(status=Application.Status.DRAFT)),
        )
    }
    for call in calls:
        row = counts.get(call.pk, {})
        call.application_count = row.get("submitted", 0)
        call.draft_count = row.get("drafts", 0)


def pending_proposals(competition):
    return AwardProposal.objects.filter(
        application__competition=competition, status=AwardProposal.Status.PENDING
    ).select_related("application", "proposed_by")


def pending_proposal(application):
    return (
        AwardProposal.objects.filter(application=application, status=AwardProposal.Status.PENDING)
        .select_related("proposed_by")
        .first()
    )


def mentor_projects(mentor):
    """The funded projects ``mentor`` mentors, the next open check-in first; each with that one
    check-in only (``next_checkins``, a list of at most one: a year's project has a dozen open)."""
    next_checkin = CheckIn.objects.filter(status=CheckIn.Status.OPEN).order_by("due_on", "pk")[:1]
    return (
        Application.objects.filter(mentor=mentor, status__in=FUNDED)
        .select_related("competition")
        .annotate(next_due=Min("checkins__due_on", filter=Q(checkins__status=CheckIn.Status.OPEN)))
        .prefetch_related(Prefetch("checkins", queryset=next_checkin, to_attr="next_checkins"))
        .order_by("next_due", "reference", "pk")
    )


@dataclass(frozen=True)
class PublicPractice:
    """A good practice as the public may see it: a confidential call's grantee is never named."""

    title: str
    byline: str
    summary: str


def public_good_practices(programme) -> list[PublicPractice]:
    """The programme's good practices, safe to publish. A confidential call's project shows only
    the call's name and the country; others the project's title, the group and the region.
    Emergency grants are never published."""
    practices = (
        GoodPractice.objects.filter(application__competition__programme=programme)
        .exclude(application__competition__kind=Competition.Kind.EMERGENCY)
        .select_related("application__competition", "application__group", "application__region")
    )
    shown = []
    for practice in practices:
        application = practice.application
        if application.competition.confidential:
            title = _practice_of(application.competition.title)
            byline = application.region.country if application.region_id else ""
        else:
            title = application.title
            # The public is an outsider: the one rule of applications/identity.py names the group.
            group = application_identity(application, None, purpose="good practices").name
            byline = " · ".join(p for p in (group, getattr(application.region, "name", "")) if p)
        shown.append(PublicPractice(title=title, byline=byline, summary=practice.summary))
    return shown


def _practice_of(call_title) -> str:
    from django.utils.translation import gettext

    return gettext("A project of “%(call)s”") % {"call": call_title}
