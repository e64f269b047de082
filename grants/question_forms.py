"""The staff's builder of a call's own questions: one row per question, a label and help text in
every language the site offers, turned into the JSON definition that ``services.call_form_replace``
checks. Options are written one per line (in the main language; other languages come with
``call_form import``, and are kept when the builder saves the same option again)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .call_forms import (
    FILE_TYPES,
    QUESTION_TYPES,
    TABLE_CELL_TYPES,
    file_options,
    in_language,
    questions_of,
    table_options,
)
from .models import Competition

TYPE_LABELS = {
    "short_text": _("Short text"),
    "long_text": _("Long text"),
    "number": _("Number"),
    "money": _("Amount of money (in the call's currency)"),
    "date": _("Date"),
    "single_choice": _("One choice from a list"),
    "multiple_choice": _("Several choices from a list"),
    "yes_no": _("Yes or no"),
    "email": _("E-mail address"),
    "url": _("Web address"),
    "file": _("A file to upload"),
    "table": _("A table of rows (e.g. team members or partners)"),
}


class QuestionRowForm(forms.Form):
    key = forms.SlugField(label=_("Key (for exports)"), max_length=50)
    type = forms.ChoiceField(label=_("Type"), choices=[(t, TYPE_LABELS[t]) for t in QUESTION_TYPES])
    options = forms.CharField(
        label=_("Choices, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    max_words = forms.IntegerField(label=_("At most this many words"), required=False, min_value=1)
    max_chars = forms.IntegerField(label=_("At most this many characters"), required=False, min_value=1)
    file_types = forms.MultipleChoiceField(
        label=_("For a file: the accepted types (none ticked: all)"),
        required=False,
        choices=[(t, t.upper()) for t in FILE_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )
    max_mb = forms.IntegerField(label=_("For a file: at most this many MB"), required=False)
    columns = forms.CharField(
        label=_("For a table: the columns, one per line as “key | type | label”"),
        help_text=_("Types: %(types)s.") % {"types": ", ".join(TABLE_CELL_TYPES)},
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_rows = forms.IntegerField(label=_("For a table: at least this many rows"), required=False)
    max_rows = forms.IntegerField(label=_("For a table: at most this many rows"), required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    in_letter = forms.BooleanField(label=_("Printed in the award letter"), required=False)
    identifying = forms.BooleanField(label=_("Identifies the group (hidden in blind review)"), required=False)
    reviewers_see = forms.BooleanField(label=_("Reviewers see it"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                required=code == settings.LANGUAGE_CODE,
                max_length=2000,
            )
            self.fields[f"help_{code}"] = forms.CharField(
                label=_("Help text (%(language)s)") % {"language": name}, required=False, max_length=2000
            )

    def clean(self):
        """A file's or a table's options checked here, so that the error sits on its field."""
        data = super().clean()
        where = _("Question “%(key)s”") % {"key": data.get("key") or "?"}
        try:
            if data.get("type") == "file":
                options = {"file_types": data.get("file_types") or []}
                file_options(
                    {**options, **({"max_mb": data["max_mb"]} if data.get("max_mb") is not None else {})}, where
                )
            if data.get("type") == "table":
                rows = {n: data[n] for n in ("min_rows", "max_rows") if data.get(n) is not None}
                table_options({"columns": _columns(data.get("columns"), {}), **rows}, where)
        except ValidationError as error:
            self.add_error("max_mb" if data.get("type") == "file" else "columns", error)
        return data


QuestionFormSet = formset_factory(QuestionRowForm, extra=1, can_delete=True, max_num=200)


ROW_KEYS = (
    "key", "type", "required", "identifying", "reviewers_see", "in_letter", "max_words", "max_chars",
    "file_types", "max_mb", "min_rows", "max_rows",
)  # fmt: skip


def _columns(text, known) -> list[dict]:
    """The table's columns from lines of “key | type | label”; a line that does not say all three
    becomes a column the definition's check refuses by name. Labels in other languages are kept."""
    columns = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, kind, label = ([part.strip() for part in line.split("|", 2)] + ["", ""])[:3]
        columns.append({"key": key, "type": kind, "label": {**known.get(key, {}), settings.LANGUAGE_CODE: label}})
    return columns


def initial_rows(definition, stage=None) -> list[dict]:
    rows = []
    for q in questions_of(definition, stage):
        row = {k: q.get(k) for k in ROW_KEYS}
        row["columns"] = "\n".join(
            f"{c['key']} | {c['type']} | {in_language(c['label'], settings.LANGUAGE_CODE)}"
            for c in q.get("columns", [])
        )
        row["options"] = "\n".join(in_language(o["label"], settings.LANGUAGE_CODE) for o in q.get("options", []))
        for code, _name in settings.LANGUAGES:
            row[f"label_{code}"] = q["label"].get(code, "")
            row[f"help_{code}"] = (q.get("help") or {}).get(code, "")
        rows.append(row)
    return rows


def definition_from(formsets, current, kind="fixed") -> dict:
    """The definition the rows of each stage describe (``formsets``: stage key → formset); option
    labels in other languages are kept from ``current`` when an option of the same value is saved
    again."""
    known_options = {(q["key"], o["value"]): o["label"] for q in questions_of(current) for o in q.get("options", [])}
    stages = [
        {"key": key, "questions": _questions(formset, known_options, current)} for key, formset in formsets.items()
    ]
    return {"kind": kind, "stages": stages}


def _questions(formset, known_options, current) -> list[dict]:
    questions = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        question = {
            "key": data["key"].replace("-", "_"),
            "type": data["type"],
            "label": {c: data[f"label_{c}"] for c, _n in settings.LANGUAGES if data.get(f"label_{c}")},
            "help": {c: data[f"help_{c}"] for c, _n in settings.LANGUAGES if data.get(f"help_{c}")},
            "required": data["required"],
            "identifying": data["identifying"],
            "reviewers_see": data["reviewers_see"],
            "in_letter": data["in_letter"],
        }
        if data["type"] == "file":
            question["file_types"] = data.get("file_types") or []
            if data.get("max_mb") is not None:
                question["max_mb"] = data["max_mb"]
        if data["type"] == "table":
            known = {
                c["key"]: c["label"]
                for q in questions_of(current)
                if q["key"] == question["key"]
                for c in q.get("columns", [])
            }
            question["columns"] = _columns(data.get("columns"), known)
            question.update({n: data[n] for n in ("min_rows", "max_rows") if data.get(n) is not None})
        for limit in ("max_words", "max_chars"):
            if data.get(limit):
                question[limit] = data[limit]
        if data["type"] in ("single_choice", "multiple_choice"):
            values = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
            question["options"] = [
                {"value": v, "label": {**known_options.get((question["key"], v), {}), settings.LANGUAGE_CODE: v}}
                for v in values
            ]
        questions.append(question)
    return questions


class CopyQuestionsForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy the questions of"), queryset=Competition.objects.none())

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Competition.objects.exclude(pk=call.pk).exclude(form_definition={})
