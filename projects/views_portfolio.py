"""The staff's home: the calls, a page at a time, with their applications, and the money per currency."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import staff_required
from notifications.selectors import failed_count

from . import selectors

CALLS_PAGE_SIZE = 25


@staff_required
def staff_dashboard(request):
    page = Paginator(selectors.staff_competitions(), CALLS_PAGE_SIZE).get_page(request.GET.get("page"))
    calls = list(page.object_list)
    selectors.application_counts(calls)
    context = {"calls": calls, "page": page, "money": selectors.money_by_currency(), "failed_emails": failed_count()}
    return render(request, "projects/staff/dashboard.html", context)
