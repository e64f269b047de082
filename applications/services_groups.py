"""Groups: creating one, editing it, inviting members and accepting an invitation."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import outbox_enqueue

from .models import ApplicantGroup, GroupInvitation, GroupMembership
from .rules import forget_member_groups, is_group_member


@transaction.atomic
def group_create(*, by, **fields) -> ApplicantGroup:
    group = ApplicantGroup.objects.create(**fields)
    GroupMembership.objects.create(group=group, user=by, role=GroupMembership.Role.LEAD)
    forget_member_groups(by)
    return group


def group_update(*, group, by, **fields) -> ApplicantGroup:
    if not is_group_member(by, group):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    return group


@transaction.atomic
def group_invite(*, group, email, by) -> GroupInvitation:
    if not is_group_member(by, group):
        raise PermissionDenied
    email = email.strip().lower()
    if group.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the group.")})
    invitation = GroupInvitation.objects.create(group=group, email=email, invited_by=by)
    from accounts.models import User

    recipient = User.objects.filter(email__iexact=email).first() or User(email=email, language=group.language)
    outbox_enqueue(
        user=recipient,
        kind="group_invitation",
        dedupe_key=f"group-invitation:{invitation.pk}",
        template="applications/email/invitation",
        context={
            "group": group,
            "invited_by": by,
            "accept_url": settings.SITE_BASE_URL
            + reverse("applications:invitation_accept", kwargs={"token": invitation.token}),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token, by) -> GroupMembership:
    invitation = GroupInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation does not exist or was withdrawn."))
    if invitation.accepted_at and invitation.accepted_by_id != by.pk:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.lower() != (by.email or "").lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Log in as %(email)s.") % {"email": invitation.email}
        )
    membership, _created = GroupMembership.objects.get_or_create(group=invitation.group, user=by)
    invitation.accepted_at = invitation.accepted_at or timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_member_groups(by)
    return membership
