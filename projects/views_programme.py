"""The programme's results for its donor (staff): money, indicators against targets, the buttons that
ask for its exports (prepared in the background: ``views_exports``) and its brochure."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import get_language

from accounts.decorators import staff_required
from grants.models import Programme
from grants.money import format_money

from . import donor_report, exports, open_data, programme_results
from .charts import bar_chart, target_chart


@staff_required
def programme_results_page(request, pk):
    programme = get_object_or_404(Programme.objects.prefetch_related("funders", "phases", "regions"), pk=pk)
    calls = programme_results.programme_calls(programme)
    counts = programme_results.application_counts(programme)  # read once, used three times
    rollups = programme_results.indicator_rollups(programme)
    phases = list(programme.phases.all())
    regions = programme_results.rollup_regions(rollups)
    context = {
        "programme": programme,
        "money": programme_results.programme_money(programme, calls, counts),
        "rollups": rollups,
        "chart": target_chart((r.indicator.name, r.achieved, r.target) for r in rollups),
        "by_call": programme_results.rollup_table(rollups, calls, "by_call"),
        "by_phase": programme_results.rollup_table(rollups, phases, "by_phase") if phases else [],
        "by_region": programme_results.rollup_table(rollups, regions, "by_region"),
        "export_tables": exports.TABLES.items(),
        **_activity_charts(programme, calls, counts),
    }
    return render(request, "projects/staff/programme.html", context)


def _activity_charts(programme, calls, counts) -> dict:
    """Applications per call, awards by region and money paid per month: each a chart and its table."""
    per_call = programme_results.applications_per_call(calls, counts)
    regions = programme_results.awards_by_region(calls, counts)
    months = programme_results.payments_per_month(programme)
    for month in months:
        month["label"] = date_format(month["month"], "YEAR_MONTH_FORMAT")
        month["text"] = format_money(month["amount"], month["currency"])
    for region in regions:
        region["text"] = format_money(region["amount"], region["currency"])
    return {
        "per_call": per_call,
        "per_call_chart": bar_chart((e["title"], e["total"], str(e["total"])) for e in per_call),
        "regions": regions,
        "regions_chart": bar_chart((f"{r['region']} {r['currency']}", r["count"], str(r["count"])) for r in regions),
        "money_charts": _per_currency(months),
    }


def _per_currency(months) -> list[tuple]:
    """``(currency, chart, rows)``: amounts in two currencies are never drawn on one scale."""
    by_currency: dict[str, list] = {}
    for month in months:
        by_currency.setdefault(month["currency"], []).append(month)
    return [
        (currency, bar_chart((m["label"], m["amount"], m["text"]) for m in rows), rows)
        for currency, rows in sorted(by_currency.items())
    ]


@staff_required
def programme_brochure(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    language = request.GET.get("lang") if request.GET.get("lang") in dict(settings.LANGUAGES) else get_language()
    try:
        body = donor_report.brochure_pdf(programme, language)
    except open_data.NothingToPublish as empty:
        messages.warning(request, str(empty))
        return redirect("projects:staff_programme", pk=programme.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="good-practices-{programme.pk}.pdf"'
    return response
