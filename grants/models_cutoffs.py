"""The cut-off dates of a rolling call. Apart from ``models.py`` only to keep modules small;
``models`` imports it, so Django finds it as the app's model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallCutoff(models.Model):
    """A cut-off date of a rolling call: the applications submitted since the previous cut-off
    (and up to this one) form one review round, ranked on their own with their own funding line
    against what earlier rounds left of the pool. Each application records its round at submit."""

    competition = models.ForeignKey(
        "grants.Competition", verbose_name=_("call"), on_delete=models.CASCADE, related_name="cutoffs"
    )
    at = models.DateTimeField(_("cut-off"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cut-off date")
        verbose_name_plural = _("cut-off dates")
        ordering = ["competition", "at"]
        constraints = [models.UniqueConstraint(fields=["competition", "at"], name="cutoff_once_per_moment")]

    def __str__(self):
        return str(self.at)
