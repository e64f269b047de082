"""Code names of groups and the log of every time a confidential group's real identity was shown.
Models of ``applications`` (imported by ``models.py``); the rule itself is in ``identity.py``."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code name is read aloud and typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code_name() -> str:
    """Eight characters of 31 (31^8 = 8.5e11): two of 10,000 groups share one with a chance of
    6e-5 (six characters gave 5.6 %, and the second group's save failed on the unique index)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


class IdentityDisclosure(models.Model):
    """Who saw the real name and contacts of a confidential call's group, when, and where."""

    shown_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    shown_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    group = models.ForeignKey(
        "applications.ApplicantGroup", verbose_name=_("group"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("where"), max_length=60)

    class Meta:
        verbose_name = _("identity shown")
        verbose_name_plural = _("identities shown")
        ordering = ["-shown_at", "-pk"]

    def __str__(self):
        return f"{self.shown_to_id} saw group {self.group_id} ({self.purpose})"
