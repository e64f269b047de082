"""Changes to calls. Times typed by staff are read in the call's time zone."""

from django.db import transaction
from django.utils import timezone


def _in_call_zone(moment, zone):
    if moment is None:
        return None
    naive = timezone.make_naive(moment) if timezone.is_aware(moment) else moment
    return timezone.make_aware(naive, zone)


@transaction.atomic
def competition_save(*, form, criteria_formset, by, indicator_formset=None):
    """Save a call and its rubric from validated forms; opening and deadline are in the call's zone."""
    interval_changed = "checkin_interval_weeks" in form.changed_data and form.instance.pk is not None
    competition = form.save(commit=False)
    competition.opens_at = _in_call_zone(form.cleaned_data["opens_at"], competition.tzinfo)
    competition.closes_at = _in_call_zone(form.cleaned_data["closes_at"], competition.tzinfo)
    competition.review_deadline = _in_call_zone(form.cleaned_data.get("review_deadline"), competition.tzinfo)
    competition.save()
    form.save_m2m()
    criteria_formset.instance = competition
    criteria_formset.save()
    if indicator_formset is not None:
        indicator_formset.instance = competition
        indicator_formset.save()
    if interval_changed:
        from .mentoring import reschedule_call

        reschedule_call(competition)
    return competition
