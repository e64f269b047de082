"""Read queries for calls."""

from django.db.models import Count, Q
from django.utils import timezone

from applications.models import Application

from .models import Competition


def open_competitions(moment=None):
    return Competition.objects.open_at(moment or timezone.now()).select_related("programme").order_by("closes_at")


def public_competitions():
    """Published calls: open ones first (by deadline), then upcoming, then closed."""
    return Competition.objects.published().select_related("programme").order_by("-closes_at")


def staff_competitions():
    submitted = ~Q(applications__status=Application.Status.DRAFT)
    return (
        Competition.objects.select_related("programme")
        .annotate(
            application_count=Count("applications", filter=submitted),
            draft_count=Count("applications", filter=Q(applications__status=Application.Status.DRAFT)),
        )
        .order_by("-closes_at")
    )
