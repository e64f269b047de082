"""Sections that the layers above add to pages this app owns (pretix's ``order_info`` idea), so
that this app never imports them: the decision, mentoring and reports (``projects``) and the
reviewers' shared comments (``reviews``) on the application's page, the money of a call on the
staff's list of its applications.

A section is a callable ``section(request, obj, viewer) -> str``: rendered HTML, or ``""`` when it
has nothing to show to this viewer. It runs a constant number of queries.
"""

from dataclasses import dataclass

from django.utils.safestring import mark_safe

from accounts.rules import is_programme_staff
from config.registry import Registry

from .rules import is_group_member

# Above the application's read-only text: decisions, follow-up.
application_sections = Registry("application page sections")
# In the side column, for staff: what to do next with the application.
application_staff_actions = Registry("application page staff actions")
# At the top of the staff's list of a call's applications.
call_applications_sections = Registry("call applications page sections")


@dataclass(frozen=True)
class Viewer:
    user: object
    is_member: bool
    is_staff: bool


def viewer_of(request, application) -> Viewer:
    return Viewer(
        user=request.user,
        is_member=is_group_member(request.user, application),
        is_staff=is_programme_staff(request.user),
    )


def render_sections(registry, request, obj, viewer=None) -> list[str]:
    rendered = (section(request, obj, viewer) for section in registry)
    return [mark_safe(html) for html in rendered if html]
