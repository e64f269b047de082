"""The staff's list of open emergency requests, by decision deadline, overdue ones flagged."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.decorators import staff_required

from .emergency import open_emergency_requests

PAGE_SIZE = 50


@staff_required
def emergency_requests(request):
    page = Paginator(open_emergency_requests(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/staff/emergency.html", {"page": page, "now": timezone.now()})
