"""Questions from staff to a group about a submitted application, and the group's answers: one
thread per application. A model of ``applications`` (imported by ``models.py``); the services
are in ``clarifications.py``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.limits import LONG_TEXT_MAX


class ClarificationMessage(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="clarifications")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_staff = models.BooleanField(_("a question from staff"))
    body = models.TextField(_("message"), max_length=LONG_TEXT_MAX)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("clarification message")
        verbose_name_plural = _("clarification messages")
        ordering = ["application", "created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self):
        return self.body[:60]


def awaits_answer(messages) -> bool:
    """The thread waits for the group when its last message is a question from staff."""
    return bool(messages) and messages[-1].from_staff
