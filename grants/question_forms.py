"""The staff's builder of a call's own questions: one row per question, a label and help text in
every language the site offers, turned into the JSON definition that ``services.call_form_replace``
checks. Options are written one per line (in the main language; other languages come with
``call_form import``, and are kept when the builder saves the same option again)."""

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .call_forms import QUESTION_TYPES, in_language, questions_of
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
}


class QuestionRowForm(forms.Form):
    key = forms.SlugField(label=_("Key (for exports)"), max_length=50)
    type = forms.ChoiceField(label=_("Type"), choices=[(t, TYPE_LABELS[t]) for t in QUESTION_TYPES])
    options = forms.CharField(
        label=_("Choices, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    max_words = forms.IntegerField(label=_("At most this many words"), required=False, min_value=1)
    max_chars = forms.IntegerField(label=_("At most this many characters"), required=False, min_value=1)
    required = forms.BooleanField(label=_("Required"), required=False)
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


QuestionFormSet = formset_factory(QuestionRowForm, extra=1, can_delete=True, max_num=200)


def initial_rows(definition, stage=None) -> list[dict]:
    rows = []
    for q in questions_of(definition, stage):
        row = {
            k: q.get(k) for k in ("key", "type", "required", "identifying", "reviewers_see", "max_words", "max_chars")
        }
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
    stages = [{"key": key, "questions": _questions(formset, known_options)} for key, formset in formsets.items()]
    return {"kind": kind, "stages": stages}


def _questions(formset, known_options) -> list[dict]:
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
        }
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
