"""The decision meeting's page: the ranking of a call with the funding line, the proposals waiting
for a second pair of eyes, and decisions in bulk; and the ranking as CSV."""

import csv
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import staff_required
from applications.identity import export_group_names
from grants.models import Competition
from reviews.selectors import RANKING_SORTS
from reviews.selectors import ranking as ranking_of

from . import selectors
from .forms_decisions import BulkDecisionForm


def _call(pk):
    return get_object_or_404(Competition.objects.select_related("programme"), pk=pk)


RANKING_PAGE_SIZE = 100


@staff_required
def ranking(request, pk):
    call = _call(pk)
    sort = request.GET.get("sort", "mean")
    if sort not in RANKING_SORTS:
        sort = "mean"
    rounds, cutoff = _rounds(call, request.GET.get("round"))
    pool_left = selectors.round_pool_left(call, cutoff) if cutoff else None
    rows = ranking_of(call, sort=sort, cutoff=cutoff, pool=pool_left)
    if request.GET.get("format") == "csv":
        return _ranking_csv(call, rows, request.user)
    proposals = selectors.pending_proposals(call)
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/staff/ranking.html",
        {
            "call": call,
            "page": page,
            "rows": page.object_list,
            "first_rank": page.start_index(),
            "sort": sort,
            "rounds": rounds,
            "cutoff": cutoff,
            "pool_left": pool_left,
            "query": urlencode({"sort": sort, **({"round": cutoff.pk} if cutoff else {})}),
            "summary": selectors.money_summary(call),
            "proposals": proposals,
            "bulk_form": BulkDecisionForm(),
        },
    )


def _rounds(call, chosen):
    """A rolling call's rounds and the one shown: the one chosen, else the latest whose cut-off
    has passed (the round to decide), else the first. Other calls: no rounds."""
    if not call.rolling:
        return [], None
    rounds = list(call.cutoffs.all())
    by_pk = {str(c.pk): c for c in rounds}
    if chosen in by_pk:
        return rounds, by_pk[chosen]
    now = timezone.now()
    passed = [c for c in rounds if c.at <= now]
    return rounds, (passed[-1] if passed else (rounds[0] if rounds else None))


def _ranking_csv(call, rows, user):
    """The CSV leaves the site: a confidential call's groups are named only for staff who may."""
    names = export_group_names(
        call, user, [(r.pk, r.group_id, r.group_name, r.group_code) for r in rows], purpose="ranking CSV"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ranking-{call.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Rank"),
            _("Reference"),
            _("Title"),
            _("Group"),
            _("Region"),
            _("Status"),
            _("Reviews"),
            _("Mean score"),
            _("Spread"),
            _("Normalised score"),
            _("Disputed"),
            _("Requested amount"),
            _("Cumulative"),
            _("Currency"),
            _("Within budget"),
        ]
    )
    for rank, row in enumerate(rows, start=1):
        writer.writerow(
            [
                rank,
                row.reference,
                row.title,
                names[row.pk],
                row.region_name or "",
                row.status_label,
                row.reviews,
                row.mean or "",
                row.spread or "",
                row.normalised if row.normalised is not None else "",
                "yes" if row.disputed else "",
                row.requested_amount,
                row.cumulative,
                call.currency,
                "yes" if row.within_budget else "no",
            ]
        )
    return response
