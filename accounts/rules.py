"""Predicates for roles, shared by every app's rules."""

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied

from .roles import user_role_names


@rules.predicate
def is_programme_staff(user):
    return settings.ROLE_STAFF in user_role_names(user)


@rules.predicate
def is_reviewer(user):
    return settings.ROLE_REVIEWER in user_role_names(user)


@rules.predicate
def is_mentor(user):
    return settings.ROLE_MENTOR in user_role_names(user)


def require_staff(user) -> None:
    """For services only programme staff may call."""
    if not is_programme_staff(user):
        raise PermissionDenied
