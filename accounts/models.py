from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels


class User(ChoiceLabels, AbstractUser):
    """A person. Log-in is by e-mail (allauth); the username is generated and never shown."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.ALL_LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    home_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("home region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used to keep reviewers away from applications of their own region."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email or self.username

    @property
    def display_name(self):
        return str(self)
