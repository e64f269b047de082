"""The programme's results for its donor (staff): money, indicators against targets, open data."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.decorators import staff_required
from grants.models import Programme

from . import exports, open_data, programme_results
from .charts import target_chart


@staff_required
def programme_results_page(request, pk):
    programme = get_object_or_404(Programme.objects.prefetch_related("funders", "phases", "regions"), pk=pk)
    calls = programme_results.programme_calls(programme)
    rollups = programme_results.indicator_rollups(programme)
    phases = list(programme.phases.all())
    regions = programme_results.rollup_regions(rollups)
    context = {
        "programme": programme,
        "money": programme_results.programme_money(programme, calls),
        "rollups": rollups,
        "chart": target_chart((r.indicator.name, r.achieved, r.target) for r in rollups),
        "by_call": programme_results.rollup_table(rollups, calls, "by_call"),
        "by_phase": programme_results.rollup_table(rollups, phases, "by_phase") if phases else [],
        "by_region": programme_results.rollup_table(rollups, regions, "by_region"),
        "export_tables": exports.TABLES.items(),
    }
    return render(request, "projects/staff/programme.html", context)


@staff_required
def programme_360giving(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    try:
        body = open_data.programme_package_json(programme)
    except open_data.NothingToPublish as empty:
        messages.warning(request, str(empty))
        return redirect("projects:staff_programme", pk=programme.pk)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="360giving-programme-{programme.pk}.json"'
    return response


@staff_required
def programme_export(request, pk, table, file_format):
    """One of the programme's tables as CSV or XLSX; an empty table sends staff back with a message."""
    programme = get_object_or_404(Programme, pk=pk)
    if table not in exports.BUILDERS or file_format not in exports.FORMATS:
        raise Http404
    try:
        data = exports.programme_table(programme, table, request.user)
    except exports.NothingToExport as empty:
        messages.warning(request, str(empty))
        return redirect("projects:staff_programme", pk=programme.pk)
    response = HttpResponse(exports.render(data, file_format), content_type=exports.CONTENT_TYPES[file_format])
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}-{table}.{file_format}"'
    return response
