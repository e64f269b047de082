"""Sections that the layers above add to the public call page (e.g. ``applications`` adds the
"apply" box), so that grants never imports them. A section is ``section(request, call) -> str``."""

from django.utils.safestring import mark_safe

from config.registry import Registry

call_page_sections = Registry("call page sections")


def render_call_sections(request, call) -> list[str]:
    return [mark_safe(html) for html in (section(request, call) for section in call_page_sections) if html]
