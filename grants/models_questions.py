"""A call's own questions: the eligibility questions answered before a draft exists, and the
versions of the call's form. Apart from ``models.py`` only to keep modules small; ``models``
imports them, so Django finds them as the app's models."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.choices import ChoiceLabels

from .translations import translations_field


class EligibilityQuestion(ChoiceLabels, models.Model):
    """A question a group answers before it may start an application (yes/no or a choice), with
    the answers that qualify and the plain words that tell a group why another answer does not.

    Asked before a draft exists, so that nobody writes a whole application to learn at Submit that
    the call was never meant for them."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One choice from a list")

    competition = models.ForeignKey(
        "grants.Competition", verbose_name=_("call"), on_delete=models.CASCADE, related_name="eligibility_questions"
    )
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.YES_NO)
    options = models.TextField(
        _("choices"), blank=True, max_length=2000, help_text=_("For a choice: one answer per line.")
    )
    qualifying = models.TextField(
        _("answers that qualify"),
        blank=True,
        max_length=2000,
        help_text=_("For a choice: the qualifying answers, one per line, written as in the choices."),
    )
    yes_qualifies = models.BooleanField(
        _("“Yes” qualifies"),
        default=True,
        help_text=_("For a yes/no question: untick if “No” is the answer that qualifies."),
    )
    refusal = models.CharField(
        _("why another answer may not apply"),
        max_length=300,
        help_text=_(
            "Shown to a group whose answer does not qualify, e.g. "
            "“This call funds only groups of at least three people.”"
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    translations = translations_field()

    class Meta:
        verbose_name = _("eligibility question")
        verbose_name_plural = _("eligibility questions")
        ordering = ["competition", "position", "pk"]

    def __str__(self):
        return self.text

    @staticmethod
    def _lines(text) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def answer_choices(self) -> list[tuple[str, str]]:
        """(value, label) pairs: yes/no are stored as "yes"/"no" and shown translated."""
        if self.kind == self.Kind.YES_NO:
            return [("yes", _("Yes")), ("no", _("No"))]
        return [(option, option) for option in self._lines(self.options)]

    def qualifies(self, answer) -> bool:
        if self.kind == self.Kind.YES_NO:
            return answer == ("yes" if self.yes_qualifies else "no")
        return answer in self._lines(self.qualifying)

    def clean(self):
        if self.kind != self.Kind.CHOICE:
            return
        options, qualifying = self._lines(self.options), self._lines(self.qualifying)
        if len(options) < 2:
            raise ValidationError({"options": _("Give at least two choices, one per line.")})
        if len(set(options)) != len(options):
            raise ValidationError({"options": _("Each choice must be different.")})
        if not qualifying:
            raise ValidationError({"qualifying": _("Name at least one answer that qualifies.")})
        unknown = [answer for answer in qualifying if answer not in options]
        if unknown:
            raise ValidationError({"qualifying": _("“%(answer)s” is not one of the choices.") % {"answer": unknown[0]}})


class CallFormVersion(models.Model):
    """Every version of a call's own questions, kept so that the answers given to an older version
    stay readable with the questions they answered."""

    competition = models.ForeignKey("grants.Competition", on_delete=models.CASCADE, related_name="form_versions")
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("questions"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("version of a call's questions")
        verbose_name_plural = _("versions of a call's questions")
        constraints = [models.UniqueConstraint(fields=["competition", "version"], name="one_form_version_number")]

    def __str__(self):
        return f"{self.competition_id} v{self.version}"
