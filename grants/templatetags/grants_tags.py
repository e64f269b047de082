from django import template
from django.utils import timezone

from grants.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    """``{{ amount|money:call.currency }}``, formatted for the active locale."""
    return format_money(amount, currency)


@register.simple_tag
def time_left(moment):
    """Whole days and hours until ``moment`` (never negative)."""
    from django.utils.timesince import timeuntil

    if moment <= timezone.now():
        return ""
    return timeuntil(moment, depth=2)
