"""Who may do what with groups and applications. Every permission of this app is named here.

Pages scope their querysets (``selectors.applications_visible_to``); these predicates guard the
services and the state machine's transitions."""

import rules

from accounts.rules import is_programme_staff


@rules.predicate
def is_group_member(user, obj):
    """``obj`` is an ApplicantGroup or anything with a ``group_id`` (an application)."""
    if obj is None or not user.is_authenticated:
        return False
    loaded = getattr(obj, "loaded_member_ids", None)
    if loaded is not None:  # a service that read the group's members already (submit) asks them
        return user.pk in loaded
    group_id = obj.group_id if hasattr(obj, "group_id") else obj.pk
    return group_id in member_group_ids(user)


def member_group_ids(user) -> set[int]:
    """The ids of the groups ``user`` belongs to, asked once per user object. (Through the user's
    reverse relation: this module is imported by ``models``, so it imports no model.)"""
    if "_member_group_ids" not in user.__dict__:
        user.__dict__["_member_group_ids"] = set(user.group_memberships.values_list("group_id", flat=True))
    return user.__dict__["_member_group_ids"]


def forget_member_groups(user) -> None:
    user.__dict__.pop("_member_group_ids", None)


# django-fsm-2 permission callables: (instance, user) -> bool. ``user`` None is the system itself
# (for example ``complete_review`` fired when the last review comes in).
def can_act_for_group(instance, user) -> bool:
    return user is not None and is_group_member(user, instance)


def can_withdraw(instance, user) -> bool:
    """The group withdraws its application; staff may record that a grantee declined its award."""
    if user is None:
        return False
    return can_act_for_group(instance, user) or (
        instance.status == instance.Status.AWARDED and is_programme_staff(user)
    )


def can_decide(instance, user) -> bool:
    return user is not None and is_programme_staff(user)


def can_complete_review(instance, user) -> bool:
    return user is None or is_programme_staff(user)
