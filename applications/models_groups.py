"""Groups that apply, their members and the invitations to join them."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels
from config.limits import SHORT_TEXT_MAX
from regions.models import Region

from .identity_log import new_code_name


class ApplicantGroup(ChoiceLabels, models.Model):
    """An informal group or a registered organisation that applies for grants."""

    class Kind(models.TextChoices):
        INFORMAL = "informal", _("Informal group")
        ORGANISATION = "organisation", _("Registered organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INFORMAL)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    registration_number = models.CharField(
        _("registration number"), max_length=60, blank=True, help_text=_("Only for registered organisations.")
    )
    description = models.TextField(_("about the group"), blank=True, max_length=SHORT_TEXT_MAX)
    language = models.CharField(
        _("language for e-mails"), max_length=10, choices=settings.ALL_LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # What reviewers, mentors and outsiders see of a confidential call's group (identity.py).
    code_name = models.CharField(_("code name"), max_length=12, unique=True, default=new_code_name, editable=False)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("applicant group")
        verbose_name_plural = _("applicant groups")
        ordering = ["name"]
        permissions = [("view_real_identity", _("Can see who the groups of confidential calls are"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("applications:group_detail", kwargs={"pk": self.pk})


class GroupMembership(ChoiceLabels, models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(ApplicantGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.role})"


def _invitation_token():
    return secrets.token_urlsafe(32)


class GroupInvitation(models.Model):
    group = models.ForeignKey(ApplicantGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.group}"
