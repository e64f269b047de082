"""The staff's form of a call's texts in one language: one field per text of the main language,
as long as the column it translates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.limits import LimitedForm

from .translations import translation_of

SHORT_TEXT = 300  # up to this length a text is typed on one line


class CallTranslationForm(LimitedForm):
    def __init__(self, *args, rows, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            limit = row["obj"]._meta.get_field(row["field"]).max_length
            widget = forms.TextInput if limit and limit <= SHORT_TEXT else forms.Textarea(attrs={"rows": 3})
            self.fields[row["key"]] = forms.CharField(
                label=row["label"],
                required=False,
                max_length=limit,
                widget=widget,
                initial=translation_of(row["obj"], row["field"], language),
                help_text=_("In the main language: %(text)s") % {"text": row["main"]},
            )
