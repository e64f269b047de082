"""A person deletes their own account: their personal data goes, the records they took part in
stay (anonymised). Higher layers (a group's membership, its applications) act on
``account_erasing``, sent inside the erasure's transaction, so this layer imports none of them."""

import uuid

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

# ``sender=User, user=...``: receivers remove what they hold of the person and log the erasure
# (``applications``: memberships, the last member's group; the audit entry), in the transaction.
account_erasing = Signal()


@transaction.atomic
def account_erase(*, user, by) -> None:
    if by.pk != user.pk:
        raise PermissionError("Only the person may delete their own account here.")
    account_erasing.send(sender=type(user), user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    placeholder = f"erased-{uuid.uuid4().hex[:12]}"
    user.username = placeholder
    user.email = f"{placeholder}@invalid"
    user.full_name = _("Erased user")
    user.first_name = user.last_name = ""
    user.time_zone = ""
    user.home_region = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
