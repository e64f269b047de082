"""Public pages: open calls and a call's rules. Nothing here names a grantee."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from applications.selectors import applications_visible_to, groups_of
from applications.services import COMMITTED_STATUSES

from . import selectors
from .letters import award_letter_pdf
from .models import Competition


def home(request):
    return render(request, "grants/home.html", {"open_calls": selectors.open_competitions()})


def call_list(request):
    now = timezone.now()
    calls = list(selectors.public_competitions())
    return render(
        request,
        "grants/call_list.html",
        {
            "open_calls": [c for c in calls if c.opens_at <= now <= c.closes_at],
            "upcoming_calls": [c for c in calls if now < c.opens_at],
            "closed_calls": [c for c in calls if c.closes_at < now],
        },
    )


def call_detail(request, slug):
    call = get_object_or_404(
        Competition.objects.published().select_related("programme").prefetch_related("criteria", "eligible_regions"),
        slug=slug,
    )
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "is_open": call.is_open(),
            "now": timezone.now(),
            "my_groups": list(groups_of(request.user)),
        },
    )


def award_letter(request, pk):
    """The award letter, for the group's members and staff only (another group's letter is a 404)."""
    if not request.user.is_authenticated:
        raise Http404
    application = get_object_or_404(
        applications_visible_to(request.user)
        .filter(status__in=COMMITTED_STATUSES)
        .select_related("competition__programme"),
        pk=pk,
    )
    response = HttpResponse(award_letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="award-letter-{application.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
