"""Places: the regions that groups, applications, reviewers and calls belong to.

The lowest layer of the domain, because everything else refers to a place: a user's home region
(to keep reviewers away from their own region), a group's region, a call's eligible regions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A place an application or group belongs to (a voivodeship, an oblast, a county...)."""

    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="region_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.country})"
