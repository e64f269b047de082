"""Public pages: open calls and a call's rules. Nothing here names a grantee."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import selectors
from .models import Competition
from .pages import render_call_sections


def home(request):
    return render(request, "grants/home.html", {"open_calls": selectors.open_competitions()})


CLOSED_PAGE_SIZE = 25


def call_list(request):
    """The calls open now and those opening soon, then the closed ones a page at a time."""
    now = timezone.now()
    current = list(selectors.public_competitions_current(now))
    closed = Paginator(selectors.public_competitions_closed(now), CLOSED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/call_list.html",
        {
            "open_calls": [c for c in current if c.opens_at <= now],
            "upcoming_calls": [c for c in current if now < c.opens_at],
            "closed": closed,
        },
    )


def call_detail(request, slug):
    """An emergency call's page is for signed-in people only (its groups find it on their
    dashboard): never a public page."""
    calls = Competition.objects.published() if request.user.is_authenticated else Competition.objects.public()
    call = get_object_or_404(
        calls.select_related("programme").prefetch_related("criteria", "eligible_regions"),
        slug=slug,
    )
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "is_open": call.is_open(),
            "now": timezone.now(),
            "sections": render_call_sections(request, call),
        },
    )
