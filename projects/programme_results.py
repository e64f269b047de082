"""What a programme achieved, for its donor: money per call, phase and currency, and its indicators
rolled up from accepted reports. A fixed number of grouped queries whatever the programme's size.

Money is never converted: every total is kept per currency, and the programme's budget is only set
against the calls in its own currency.

Indicators: only ACCEPTED reports count (drafts, submitted reports and reports sent back do not).
A project's figure is that of its accepted final report; while the final is not accepted, that of its
accepted interim report (a final report states the project's totals, so adding both would count the
interim figures twice).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from applications.models import Application
from grants.models import Competition, ProgrammeIndicator
from regions.models import Region

from .models import IndicatorValue, PaymentTranche, Report
from .selectors import COMMITTED_STATUSES

ZERO = Decimal("0")


@dataclass
class Money:
    """Pool, committed, paid and remaining of some calls, all in ``currency``."""

    currency: str
    pool: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.pool - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    def add(self, other: "Money") -> None:
        self.pool += other.pool
        self.committed += other.committed
        self.paid += other.paid


@dataclass
class ProgrammeMoney:
    calls: list  # (call, Money)
    phases: list  # (phase or None, [Money per currency])
    currencies: list  # [Money], one per currency, sorted
    budget: Money | None  # the programme's own budget against its calls in the programme's currency


def programme_calls(programme):
    return list(Competition.objects.filter(programme=programme).select_related("phase").order_by("opens_at", "pk"))


def application_counts(programme) -> list[tuple]:
    """One grouped scan of the programme's applications, drafts left out: rows ``(call_id,
    status, region_id, count, awarded)``, from which the page takes its committed money, its
    applications per call and its awards by region (three scans of the same rows before)."""
    return list(
        Application.objects.filter(competition__programme=programme)
        .exclude(status=Application.Status.DRAFT)
        .values_list("competition_id", "status", "region_id")
        .annotate(n=Count("pk"), awarded=Sum("awarded_amount"))
        .order_by()
    )


def programme_money(programme, calls=None, counts=None) -> ProgrammeMoney:
    """3 queries (1 when ``calls`` and ``counts`` are given)."""
    calls = programme_calls(programme) if calls is None else calls
    counts = application_counts(programme) if counts is None else counts
    committed = defaultdict(lambda: ZERO)
    for call_id, status, _region_id, _n, awarded in counts:
        if status in COMMITTED_STATUSES:
            committed[call_id] += awarded or ZERO
    paid = dict(
        PaymentTranche.objects.filter(application__competition__programme=programme, paid_on__isnull=False)
        .values_list("application__competition_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    per_call, per_phase, per_currency = [], {}, {}
    for call in calls:
        money = Money(call.currency, call.budget_pool, committed.get(call.pk) or ZERO, paid.get(call.pk) or ZERO)
        per_call.append((call, money))
        phase_totals = per_phase.setdefault(call.phase_id, (call.phase, {}))[1]
        phase_totals.setdefault(call.currency, Money(call.currency)).add(money)
        per_currency.setdefault(call.currency, Money(call.currency)).add(money)
    phases = sorted(
        ((phase, sorted(totals.values(), key=lambda m: m.currency)) for phase, totals in per_phase.values()),
        key=lambda item: (item[0] is None, item[0].starts_on if item[0] else None, item[0].pk if item[0] else 0),
    )
    budget = None
    if programme.total_budget is not None:
        own = per_currency.get(programme.currency, Money(programme.currency))
        budget = Money(programme.currency, programme.total_budget, own.committed, own.paid)
    return ProgrammeMoney(per_call, phases, sorted(per_currency.values(), key=lambda m: m.currency), budget)


@dataclass
class IndicatorRollup:
    indicator: ProgrammeIndicator
    achieved: int = 0
    by_phase: dict = field(default_factory=lambda: defaultdict(int))  # phase id (or None) -> sum
    by_call: dict = field(default_factory=lambda: defaultdict(int))  # call id -> sum
    by_region: dict = field(default_factory=lambda: defaultdict(int))  # region id (or None) -> sum

    @property
    def target(self) -> int:
        return self.indicator.target

    @property
    def percent(self) -> int | None:
        return round(100 * self.achieved / self.target) if self.target else None


def counted_values(programme):
    """The indicator values that count: accepted reports only, the final report over the interim."""
    accepted_final = Report.objects.filter(
        application=OuterRef("report__application"), kind=Report.Kind.FINAL, status=Report.Status.ACCEPTED
    )
    return IndicatorValue.objects.filter(
        report__status=Report.Status.ACCEPTED,
        indicator__programme_indicator__programme=programme,
    ).filter(Q(report__kind=Report.Kind.FINAL) | ~Exists(accepted_final))


def indicator_rollups(programme) -> list[IndicatorRollup]:
    """2 queries: the programme's indicators, and the counted values summed in SQL per indicator,
    call, phase and region (rows: indicators x calls x regions, never one per project)."""
    rollups = {pi.pk: IndicatorRollup(pi) for pi in ProgrammeIndicator.objects.filter(programme=programme)}
    sums = (
        counted_values(programme)
        .values(
            "indicator__programme_indicator_id",
            "report__application__competition_id",
            "report__application__competition__phase_id",
            "report__application__region_id",
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in sums:
        rollup = rollups[row["indicator__programme_indicator_id"]]
        total = row["total"] or 0
        rollup.achieved += total
        rollup.by_call[row["report__application__competition_id"]] += total
        rollup.by_phase[row["report__application__competition__phase_id"]] += total
        rollup.by_region[row["report__application__region_id"]] += total
    return list(rollups.values())


def rollup_regions(rollups) -> list:
    """The regions the roll-ups reach (1 query)."""
    ids = {region for rollup in rollups for region in rollup.by_region if region is not None}
    return list(Region.objects.filter(pk__in=ids).order_by("country", "name"))


def rollup_table(rollups, keys, by: str) -> list[dict]:
    """Rows ``{"key": key, "values": [achieved per indicator]}`` for ``keys`` (calls, phases or
    regions, ``None`` for "no phase"/"no region"), read from each roll-up's ``by`` mapping."""
    return [
        {"key": key, "values": [getattr(rollup, by).get(getattr(key, "pk", key), 0) for rollup in rollups]}
        for key in keys
    ]


def applications_per_call(calls, counts) -> list[dict]:
    """Per call, the number of applications in each status (drafts left out), from
    ``application_counts``."""
    titles = {call.pk: call.title for call in calls}
    per_call: dict[int, dict] = {}
    for call_id, status, _region_id, n, _awarded in counts:
        entry = per_call.setdefault(call_id, {"title": titles[call_id], "statuses": defaultdict(int), "total": 0})
        entry["statuses"][str(Application.Status(status).label)] += n
        entry["total"] += n
    for entry in per_call.values():
        entry["statuses"] = dict(entry["statuses"])
    return sorted(per_call.values(), key=lambda entry: entry["title"])


def awards_by_region(calls, counts) -> list[dict]:
    """Awards per region and currency (count and amount), from ``application_counts``: 1 query
    (the regions' names)."""
    currencies = {call.pk: call.currency for call in calls}
    totals: dict[tuple, list] = {}
    for call_id, status, region_id, n, awarded in counts:
        if status in COMMITTED_STATUSES:
            total = totals.setdefault((region_id, currencies[call_id]), [0, ZERO])
            total[0] += n
            total[1] += awarded or ZERO
    regions = Region.objects.in_bulk({region_id for region_id, _currency in totals if region_id is not None})
    rows = [
        (regions.get(region_id), currency, count, amount) for (region_id, currency), (count, amount) in totals.items()
    ]
    rows.sort(key=lambda row: (row[0] is None, row[0].country if row[0] else "", row[0].name if row[0] else "", row[1]))
    return [
        {
            "region": f"{region.name} ({region.country})" if region else "—",
            "currency": currency,
            "count": count,
            "amount": amount,
        }
        for region, currency, count, amount in rows
    ]


def payments_per_month(programme) -> list[dict]:
    """Money paid out per month and currency: 1 grouped query."""
    rows = (
        PaymentTranche.objects.filter(application__competition__programme=programme, paid_on__isnull=False)
        .annotate(month=TruncMonth("paid_on"))
        .values("month", "application__competition__currency")
        .annotate(amount=Sum("amount"))
        .order_by("month", "application__competition__currency")
    )
    return [
        {"month": row["month"], "currency": row["application__competition__currency"], "amount": row["amount"]}
        for row in rows
    ]
