"""A programme's money per call, phase and currency, and its indicators rolled up from accepted
reports only, against hand-computed figures."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants.models import Indicator, ProgrammeIndicator, ProgrammePhase
from projects import programme_results
from projects.models import IndicatorValue, PaymentTranche, Report
from tests.factories import (
    CompetitionFactory,
    GroupFactory,
    ProgrammeFactory,
    RegionFactory,
    funded_application,
    staff_user,
)

pytestmark = pytest.mark.django_db
R = Report.Status
# The programme page: session and user, the programme with its funders, phases and regions, the calls,
# committed, paid, indicators, counted sums, regions, applications per call, awards by region,
# payments per month: the same count at any size.
QUERIES = 15


def _call(programme, phase=None, currency="EUR", pool="10000.00"):
    start = timezone.localdate() - timedelta(days=400)
    return CompetitionFactory(
        programme=programme,
        phase=phase,
        currency=currency,
        budget_pool=Decimal(pool),
        project_start_earliest=start,
        project_end_latest=start + timedelta(days=800),
    )


def _report(application, kind, status, values):
    """The award already scheduled the reports: set this one's status and figures."""
    report, _created = Report.objects.update_or_create(
        application=application, kind=kind, defaults={"status": status, "due_on": date(2026, 6, 1)}
    )
    report.indicator_values.all().delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator, value=value) for indicator, value in values.items()
    )
    return report


@pytest.fixture
def world():
    programme = ProgrammeFactory(total_budget=Decimal("667111.40"), donor_share=Decimal("500000"), currency="EUR")
    one = ProgrammePhase.objects.create(
        programme=programme, name="Phase 1", starts_on=date(2025, 1, 1), ends_on=date(2026, 6, 30)
    )
    two = ProgrammePhase.objects.create(
        programme=programme, name="Phase 2", starts_on=date(2026, 7, 1), ends_on=date(2028, 12, 31)
    )
    participants = ProgrammeIndicator.objects.create(programme=programme, name="Participants", target=500)
    volunteers = ProgrammeIndicator.objects.create(programme=programme, name="Volunteers", target=130)
    call_a, call_b = _call(programme, one), _call(programme, two)
    call_uah = _call(programme, two, currency="UAH", pool="200000.00")
    # Call A applies both programme indicators, call B only participants; UAH none.
    a_part = Indicator.objects.create(competition=call_a, name="Participants", programme_indicator=participants)
    a_vol = Indicator.objects.create(competition=call_a, name="Volunteers", programme_indicator=volunteers)
    b_part = Indicator.objects.create(competition=call_b, name="People", programme_indicator=participants)
    b_own = Indicator.objects.create(competition=call_b, name="Call B's own figure")
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    staff = staff_user()
    p1 = funded_application(competition=call_a, amount=Decimal("1000"), staff=staff, region=north)
    p2 = funded_application(competition=call_a, amount=Decimal("2000"), staff=staff, region=south)
    p3 = funded_application(competition=call_b, amount=Decimal("1500"), staff=staff, region=north)
    p4 = funded_application(competition=call_b, amount=Decimal("500"), staff=staff, region=south)
    p5 = funded_application(competition=call_uah, amount=Decimal("40000"), staff=staff, region=south)
    # p1: interim accepted (10/2), final accepted (40/5): the final's figures count -> 40 / 5.
    _report(p1, Report.Kind.INTERIM, R.ACCEPTED, {a_part: 10, a_vol: 2})
    _report(p1, Report.Kind.FINAL, R.ACCEPTED, {a_part: 40, a_vol: 5})
    # p2: interim accepted (7/3), final sent back (99/99): the interim counts -> 7 / 3.
    _report(p2, Report.Kind.INTERIM, R.ACCEPTED, {a_part: 7, a_vol: 3})
    _report(p2, Report.Kind.FINAL, R.CHANGES_REQUESTED, {a_part: 99, a_vol: 99})
    # p3: final accepted 25 participants and 1000 of a figure outside the programme's indicators.
    _report(p3, Report.Kind.FINAL, R.ACCEPTED, {b_part: 25, b_own: 1000})
    # p4: a draft and a submitted report: nothing counts.
    _report(p4, Report.Kind.INTERIM, R.SUBMITTED, {b_part: 300})
    _report(p4, Report.Kind.FINAL, R.DRAFT, {b_part: 400})
    PaymentTranche.objects.create(application=p1, label="On signature", amount=Decimal("600"), paid_on=date(2026, 1, 1))
    PaymentTranche.objects.create(application=p1, label="After the report", amount=Decimal("400"))
    PaymentTranche.objects.create(
        application=p5, label="On signature", amount=Decimal("40000"), paid_on=date(2026, 1, 1)
    )
    return locals()


def test_indicators_count_accepted_reports_only_final_over_interim(world):
    rollups = {r.indicator.name: r for r in programme_results.indicator_rollups(world["programme"])}
    participants, volunteers = rollups["Participants"], rollups["Volunteers"]
    assert (participants.achieved, participants.target, participants.percent) == (40 + 7 + 25, 500, 14)
    assert (volunteers.achieved, volunteers.target, volunteers.percent) == (5 + 3, 130, 6)
    call_a, call_b = world["call_a"], world["call_b"]
    assert dict(participants.by_call) == {call_a.pk: 47, call_b.pk: 25}
    assert dict(participants.by_phase) == {world["one"].pk: 47, world["two"].pk: 25}
    assert dict(participants.by_region) == {world["north"].pk: 40 + 25, world["south"].pk: 7}
    assert dict(volunteers.by_region) == {world["north"].pk: 5, world["south"].pk: 3}


def test_money_per_call_phase_and_currency_never_converted(world):
    money = programme_results.programme_money(world["programme"])
    per_call = {call.pk: row for call, row in money.calls}
    assert (per_call[world["call_a"].pk].committed, per_call[world["call_a"].pk].paid) == (
        Decimal("3000"),
        Decimal("600"),
    )
    assert per_call[world["call_b"].pk].remaining == Decimal("8000")
    assert [(m.currency, m.committed, m.paid) for m in money.currencies] == [
        ("EUR", Decimal("5000"), Decimal("600")),
        ("UAH", Decimal("40000"), Decimal("40000")),
    ]
    phase_two = dict((phase.name, totals) for phase, totals in money.phases)["Phase 2"]
    assert [(m.currency, m.pool, m.committed) for m in phase_two] == [
        ("EUR", Decimal("10000"), Decimal("2000")),
        ("UAH", Decimal("200000"), Decimal("40000")),
    ]
    # The programme's budget is set against its own currency only: the UAH grant is not in it.
    assert (money.budget.committed, money.budget.remaining) == (Decimal("5000"), Decimal("662111.40"))


def test_a_call_may_not_take_another_programmes_phase(world):
    other = _call(ProgrammeFactory(), phase=None)
    other.phase = world["one"]
    with pytest.raises(ValidationError):
        other.full_clean()


def test_programme_page_shows_figures_and_says_only_accepted_reports_count(client, world):
    client.force_login(staff_user())
    page = client.get(reverse("projects:staff_programme", kwargs={"pk": world["programme"].pk})).content.decode()
    assert "Only accepted reports count" in page
    assert "<svg" in page and 'id="indicators"' in page
    assert ">72<" in page and ">8<" in page  # achieved participants and volunteers
    assert "UAH" in page
    assert 'id="paid-per-month-EUR"' in page and 'id="paid-per-month-UAH"' in page
    assert 'id="applications-per-call"' in page and 'id="awards-by-region"' in page


def test_activity_figures(world):
    programme = world["programme"]
    calls = programme_results.programme_calls(programme)
    counts = programme_results.application_counts(programme)
    per_call = {entry["title"]: entry for entry in programme_results.applications_per_call(calls, counts)}
    assert per_call[world["call_a"].title]["total"] == 2
    regions = {
        (r["region"], r["currency"]): (r["count"], r["amount"])
        for r in programme_results.awards_by_region(calls, counts)
    }
    assert regions[("North (PL)", "EUR")] == (2, Decimal("2500"))
    assert regions[("South (PL)", "UAH")] == (1, Decimal("40000"))
    months = [(m["month"], m["currency"], m["amount"]) for m in programme_results.payments_per_month(programme)]
    assert months == [(date(2026, 1, 1), "EUR", Decimal("600")), (date(2026, 1, 1), "UAH", Decimal("40000"))]


def _grow(world, n):
    call, indicator, staff = world["call_a"], world["a_part"], staff_user()
    for _ in range(n):
        application = funded_application(competition=call, amount=Decimal("500"), staff=staff)
        _report(application, Report.Kind.FINAL, R.ACCEPTED, {indicator: 3})


def test_programme_page_uses_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(staff_user())
    url = reverse("projects:staff_programme", kwargs={"pk": world["programme"].pk})
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    _grow(world, 6)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url).status_code == 200


def test_a_call_chooses_among_its_own_programmes_indicators(world):
    from grants.forms import IndicatorFormSet

    ProgrammeIndicator.objects.create(programme=ProgrammeFactory(), name="Elsewhere", target=1)
    choices = IndicatorFormSet(instance=world["call_b"], prefix="indicators").forms[0].fields["programme_indicator"]
    assert {pi.name for pi in choices.queryset} == {"Participants", "Volunteers"}


def _bulk_awarded(call, n):
    """``n`` awarded applications in ``call``, inserted in bulk (the page must not care how many)."""
    from applications.models import Application

    groups = [GroupFactory() for _ in range(20)]
    Application.objects.bulk_create(
        Application(
            competition=call,
            group=groups[i % 20],
            region=groups[i % 20].region,
            reference=f"BULK-{i:05d}",
            title="Bulk",
            status=Application.Status.AWARDED,
            requested_amount=Decimal("100"),
            awarded_amount=Decimal("100"),
        )
        for i in range(n)
    )


def test_programme_page_and_portfolio_queries_at_10000_applications(client, world, django_assert_max_num_queries):
    client.force_login(staff_user())
    programme_url = reverse("projects:staff_programme", kwargs={"pk": world["programme"].pk})
    portfolio_url = reverse("projects:staff_portfolio")
    with django_assert_max_num_queries(QUERIES):
        assert client.get(programme_url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(portfolio_url).status_code == 200
    _bulk_awarded(world["call_a"], 10_000)
    with django_assert_max_num_queries(QUERIES):
        page = client.get(programme_url).content.decode()
    assert "10,002" in page or "10002" in page  # the call's applications counted in SQL
    with django_assert_max_num_queries(14):
        assert client.get(portfolio_url).status_code == 200
