"""How a group appears to whom: the one rule, for every page, e-mail, PDF and export.

A confidential call (``Competition.confidential``) protects grantees who may face repression:
reviewers, mentors, outsiders and staff without the permission below see only a code name and no
contacts. The group's own members see themselves. Staff who hold ``IDENTITY_PERMISSION`` see the
real name and contacts, and every time they do is written to the access log (who, when, which
group, where), which staff can read at ``applications:staff_identity_log``.
"""

from dataclasses import dataclass

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.rules import is_programme_staff

from .identity_log import IdentityDisclosure
from .rules import is_group_member

# The one permission (a Django permission: give it to a user or a Django group in the admin).
IDENTITY_PERMISSION = "applications.view_real_identity"


@dataclass(frozen=True)
class GroupIdentity:
    name: str
    contact_email: str
    contact_phone: str
    is_real: bool

    def __str__(self):
        return self.name


def code_label(group) -> str:
    return _("Group %(code)s") % {"code": group.code_name}


def may_see_real_identity(user, group, competition) -> bool:
    """``user`` ``None`` is an outsider (an export, a public page)."""
    if not competition.confidential:
        return True
    if user is None or not user.is_authenticated:
        return False
    if is_programme_staff(user) and user.has_perm(IDENTITY_PERMISSION):
        return True
    return is_group_member(user, group)


def _needs_log(user, group, competition) -> bool:
    return competition.confidential and user is not None and not is_group_member(user, group)


def _identity(group, real: bool) -> GroupIdentity:
    if real:
        return GroupIdentity(group.name, group.contact_email, group.contact_phone, True)
    return GroupIdentity(code_label(group), "", "", False)


def group_identity(group, competition, user, *, purpose: str, application=None) -> GroupIdentity:
    """How ``group`` (applying to ``competition``) appears to ``user`` on ``purpose`` (a short
    name of the page or export, kept in the log)."""
    real = may_see_real_identity(user, group, competition)
    if real and _needs_log(user, group, competition):
        IdentityDisclosure.objects.create(shown_to=user, group=group, application=application, purpose=purpose)
    return _identity(group, real)


def application_identities(applications, user, *, purpose: str) -> dict[int, GroupIdentity]:
    """``{application pk: identity}`` for a list (group and competition loaded), logged in one query."""
    identities, disclosures = {}, []
    for application in applications:
        group, call = application.group, application.competition
        real = may_see_real_identity(user, group, call)
        if real and _needs_log(user, group, call):
            disclosures.append(IdentityDisclosure(shown_to=user, group=group, application=application, purpose=purpose))
        identities[application.pk] = _identity(group, real)
    IdentityDisclosure.objects.bulk_create(disclosures)
    return identities


def application_identity(application, user, *, purpose: str) -> GroupIdentity:
    return group_identity(application.group, application.competition, user, purpose=purpose, application=application)


def export_group_names(competition, user, entries, *, purpose: str) -> dict[int, str]:
    """For exports built from plain rows: ``entries`` are ``(application pk, group pk, real name,
    code name)``; returns ``{application pk: name to print}``. ``user`` ``None``: an outsider."""
    staff_may = user is not None and is_programme_staff(user) and user.has_perm(IDENTITY_PERMISSION)
    if not competition.confidential:
        return {pk: name for pk, _group, name, _code in entries}
    if not staff_may:
        return {pk: _("Group %(code)s") % {"code": code} for pk, _group, _name, code in entries}
    IdentityDisclosure.objects.bulk_create(
        IdentityDisclosure(shown_to=user, group_id=group, application_id=pk, purpose=purpose)
        for pk, group, _name, _code in entries
    )
    return {pk: name for pk, _group, name, _code in entries}


def group_page_identity(group, user, *, purpose: str) -> GroupIdentity:
    """A group's own page: confidential when any of its applications is to a confidential call."""
    confidential = group.applications.filter(competition__confidential=True).select_related("competition").first()
    if confidential is None:
        return _identity(group, True)
    return group_identity(group, confidential.competition, user, purpose=purpose)


# --- open data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataRecipient:
    """How a group is published in open data (360Giving): the world is the outsider."""

    id: str
    name: str
    anonymised: bool


def open_data_recipient(group, competition, *, prefix: str) -> OpenDataRecipient:
    """Confidential and emergency calls' grantees get a generic name and a stable pseudonymous id
    (an HMAC of the group, keyed by the site's secret: the same group keeps the same id from one
    file to the next, yet nobody can go back from the id to the group)."""
    if competition.confidential or competition.emergency:  # never named in open data
        digest = salted_hmac("open-data-recipient", str(group.pk)).hexdigest()[:16]
        return OpenDataRecipient(f"360G-{prefix}-{digest}", _("Anonymous community group"), True)
    return OpenDataRecipient(f"360G-{prefix}-group-{group.pk}", group.name, False)
