"""Roles are Django groups. Programme staff also get ``is_staff`` for the Django admin."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

ROLES = (settings.ROLE_APPLICANT, settings.ROLE_REVIEWER, settings.ROLE_MENTOR, settings.ROLE_STAFF)


def user_role_names(user) -> set[str]:
    """Role names of ``user``, cached on the instance so a page asks the database once."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(settings.ROLE_STAFF)
        user._role_names = cached
    return cached


def grant_role(user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role == settings.ROLE_STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)


def users_with_role(role: str):
    """Active users who hold ``role``."""
    return get_user_model().objects.filter(groups__name=role, is_active=True).distinct()
