from django import template
from django.utils import timezone

from grants.money import format_money
from grants.translations import call_missing_languages, translated

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


@register.filter(name="translated")
def translated_filter(obj, field):
    """``{{ call|translated:"title" }}``: the text in the reader's language, else the call's main
    one (``grants.translations.translated``)."""
    return translated(obj, field) if obj else ""


@register.simple_tag
def missing_languages(call):
    """``{% missing_languages call as missing %}``: the languages the call still lacks texts in."""
    return call_missing_languages(call)
