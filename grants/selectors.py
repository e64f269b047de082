"""Read queries for calls."""

from django.utils import timezone

from .models import Competition


def open_competitions(moment=None):
    return Competition.objects.open_at(moment or timezone.now()).select_related("programme").order_by("closes_at")


def public_competitions():
    """Published calls: open ones first (by deadline), then upcoming, then closed."""
    return Competition.objects.published().select_related("programme").order_by("-closes_at")
