"""The staff's home (the calls, a page at a time, and the money per currency) and the portfolio
across calls (funded projects, tranches, reports due, check-ins overdue), filtered and exportable."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.decorators import staff_required
from applications.identity import application_identities
from grants.money import format_money
from notifications.selectors import failed_count

from . import exports, portfolio, selectors

CALLS_PAGE_SIZE = 25
PORTFOLIO_PAGE_SIZE = 50


@staff_required
def staff_dashboard(request):
    page = Paginator(selectors.staff_competitions(), CALLS_PAGE_SIZE).get_page(request.GET.get("page"))
    calls = list(page.object_list)
    selectors.application_counts(calls)
    context = {"calls": calls, "page": page, "money": selectors.money_by_currency(), "failed_emails": failed_count()}
    return render(request, "projects/staff/dashboard.html", context)


def _header(which) -> list:
    common = [_("Reference"), _("Group"), _("Call")]
    return {
        "projects": [*common, _("Project title"), _("Region"), _("Mentor"), _("Awarded"), _("Paid"), _("Status")],
        "tranches": [*common, _("Tranche"), _("Due"), _("Amount"), _("Paid on")],
        "reports": [*common, _("Report"), _("Status"), _("Due")],
        "checkins": [*common, _("Mentor"), _("Due")],
    }[which]


def _cells(which, row, name, for_file) -> list:
    """One row's cells: numbers and dates as such in a file, formatted for the page."""
    application = portfolio.application_of(row)
    call = application.competition

    def money(amount):
        return amount if for_file else format_money(amount, call.currency)

    def day(value):
        return value if for_file or value is None else formats.date_format(value, "SHORT_DATE_FORMAT")

    common = [application.reference, name, call.title]
    if which == "projects":
        mentor = application.mentor.get_full_name() or application.mentor.email if application.mentor else ""
        region = application.region.name if application.region_id else ""
        status = application.get_status_display()
        return [
            *common,
            application.title,
            region,
            mentor,
            money(application.awarded_amount),
            money(row.paid or 0),
            status,
        ]
    if which == "tranches":
        return [*common, row.label, day(row.due_on), money(row.amount), day(row.paid_on)]
    if which == "reports":
        return [*common, row.get_kind_display(), row.get_status_display(), day(row.due_on)]
    mentor = application.mentor.get_full_name() or application.mentor.email if application.mentor else ""
    return [*common, mentor, day(row.due_on)]


def _overdue(which, row, today) -> bool:
    if which == "tranches":
        return row.paid_on is None and row.due_on is not None and row.due_on < today
    if which in ("reports", "checkins"):
        return row.due_on < today
    return False


@staff_required
def staff_portfolio(request):
    which = request.GET.get("list") if request.GET.get("list") in portfolio.LISTS else "projects"
    form = portfolio.PortfolioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = portfolio.SELECTORS[which](filters, request.user)
    if request.GET.get("format") == "csv":
        return _portfolio_csv(request, which, queryset)
    page = Paginator(queryset, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = application_identities([portfolio.application_of(r) for r in rows], request.user, purpose="portfolio")
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    filters_only = query.copy()
    filters_only.pop("list", None)
    context = {
        "form": form,
        "which": which,
        "lists": portfolio.LISTS.items(),
        "header": _header(which),
        "rows": [
            {
                "application": portfolio.application_of(r),
                "cells": _cells(which, r, names[portfolio.application_of(r).pk].name, False),
                "overdue": _overdue(which, r, today),
            }
            for r in rows
        ],
        "page": page,
        "query": query.urlencode(),
        "filters_query": filters_only.urlencode(),
    }
    return render(request, "projects/staff/portfolio.html", context)


def _portfolio_csv(request, which, queryset):
    """What is filtered, every page of it, as CSV (UTF-8 with BOM), names by the identity rule."""
    rows = list(queryset)
    names = application_identities(
        [portfolio.application_of(r) for r in rows], request.user, purpose="portfolio export"
    )
    table = exports.Table(
        str(portfolio.LISTS[which]),
        _header(which),
        [_cells(which, r, names[portfolio.application_of(r).pk].name, True) for r in rows],
    )
    response = HttpResponse(exports.as_csv(table), content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="portfolio-{which}.csv"'
    return response
