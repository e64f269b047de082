"""Limits on what people type, shared by every model and form: no megabyte of text in a summary,
no check-in dated in the year 1. Enforced by forms (with translated errors on the field) and by
``full_clean``; the admin's forms get them too."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Characters. A page of text is about 3,000.
SHORT_TEXT_MAX = 2_000  # a summary, a reason, a comment
LONG_TEXT_MAX = 15_000  # a section of an application or of a report

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def sane_date(value) -> None:
    """Dates the programme can mean: between 2000 and 2100."""
    if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(
            _("Enter a date between %(start)s and %(end)s.")
            % {
                "start": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "end": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
            code="date_out_of_range",
        )


def limit_plain_form(form) -> None:
    """Give a plain form's text fields without a limit the short-text limit, and its dates the
    sane range (ModelForms inherit both from their models)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = SHORT_TEXT_MAX
            field.validators.append(MaxLengthValidator(SHORT_TEXT_MAX))
            field.widget.attrs.setdefault("maxlength", str(SHORT_TEXT_MAX))
        if isinstance(field, forms.DateField) and sane_date not in field.validators:
            field.validators.append(sane_date)


class LimitedForm(forms.Form):
    """A plain form whose text and date fields get the limits above, fields added in a
    subclass's ``__init__`` included (applied again just before validation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_plain_form(self)

    def full_clean(self):
        limit_plain_form(self)
        super().full_clean()
