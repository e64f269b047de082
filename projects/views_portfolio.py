"""The staff's home: every call with its applications, and the money per currency."""

from django.shortcuts import render

from accounts.decorators import staff_required
from notifications.selectors import failed_count

from . import selectors


@staff_required
def staff_dashboard(request):
    calls = list(selectors.staff_competitions())
    context = {"calls": calls, "money": selectors.money_by_currency(calls), "failed_emails": failed_count()}
    return render(request, "projects/staff/dashboard.html", context)
