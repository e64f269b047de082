from django import template

from ..status import BADGES

register = template.Library()


@register.filter
def status_badge(status) -> str:
    """``<span class="badge text-bg-{{ a.status|status_badge }}">``: one colour per status."""
    return BADGES.get(status, "secondary")
