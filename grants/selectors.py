"""Read queries for calls."""

from django.db.models import F, Q
from django.utils import timezone

from .models import Competition


def open_competitions(moment=None):
    """Calls open now for the public pages (never emergency ones), nearest deadline first and
    calls without a deadline last."""
    return (
        Competition.objects.open_at(moment or timezone.now())
        .exclude(kind=Competition.Kind.EMERGENCY)
        .select_related("programme")
        .order_by(F("closes_at").asc(nulls_last=True), "pk")
    )


def public_competitions():
    """Published calls anyone may see (never emergency ones), latest deadline first."""
    return Competition.objects.public().select_related("programme").order_by(F("closes_at").desc(nulls_first=True))


def public_competitions_current(moment):
    """Public calls open at ``moment`` or opening later: as many as the programmes run at once."""
    return public_competitions().filter(Q(closes_at__isnull=True) | Q(closes_at__gte=moment))


def public_competitions_closed(moment):
    """Public calls past their deadline, the latest closed first: an archive that grows every
    year, so the page reads it a page at a time."""
    return public_competitions().filter(closes_at__lt=moment)
