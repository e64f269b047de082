"""The call's own questions as form fields, and their answers as JSON on the application.

Built from the call's definition (``grants.call_forms``) already loaded with the call, so a form of
40 questions costs no query more than one of none. Every field is optional while drafting (as
today's fields are); required questions are checked at Submit."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grants.call_forms import in_language, questions_of
from grants.models import CallFormVersion

from .question_files import KEEP, FileAnswerField
from .question_table import TableField

PREFIX = "q_"


def _word_limit(limit):
    def check(value):
        words = len((value or "").split())
        if words > limit:
            raise ValidationError(
                ngettext(
                    "Write at most %(limit)s word (you wrote %(words)s).",
                    "Write at most %(limit)s words (you wrote %(words)s).",
                    limit,
                )
                % {"limit": limit, "words": words}
            )

    return check


def field_for(question, currency, application=None):
    """A Django form field for one question; its errors are Django's own, translated."""
    kind = question["type"]
    label = in_language(question["label"])
    common = {"label": label, "required": False, "help_text": in_language(question.get("help") or {})}
    if kind == "table":
        return TableField(question, currency, **common)
    if kind == "file":
        return FileAnswerField(application, question, **common)
    choices = [(o["value"], in_language(o["label"])) for o in question.get("options", [])]
    if kind == "short_text":
        return forms.CharField(max_length=300, **common)
    if kind == "long_text":
        validators = [_word_limit(question["max_words"])] if question.get("max_words") else []
        return forms.CharField(
            max_length=question.get("max_chars") or 20000,
            widget=forms.Textarea(attrs={"rows": 4}),
            validators=validators,
            **common,
        )
    if kind == "number":
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == "money":
        common["label"] = f"{label} ({currency})"
        return forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=Decimal("0"),
            widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
            **common,
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == "single_choice":
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "multiple_choice":
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == "yes_no":
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if kind == "email":
        return forms.EmailField(**common)
    return forms.URLField(assume_scheme="https", **common)


def add_question_fields(form, competition, answers, stage=None):
    """Add the call's questions of ``stage`` (every one: ``None``) to ``form`` (names
    ``q_<key>``), showing the saved ``answers``."""
    for question in questions_of(competition.form_definition, stage):
        name = PREFIX + question["key"]
        form.fields[name] = field_for(question, competition.currency, form.instance)
        if question["key"] in answers:
            form.initial[name] = answers[question["key"]]


def answers_from_cleaned(cleaned_data) -> dict:
    """The answers among a form's valid data, as JSON values (dates and amounts as text)."""
    answers = {}
    for name, value in cleaned_data.items():
        if not name.startswith(PREFIX) or value is KEEP:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        answers[name[len(PREFIX) :]] = value
    return answers


def missing_required(competition, answers, stage=None) -> dict[str, str]:
    """``{form field: message}`` for the questions (of ``stage``) not answered as Submit needs: a
    required one left empty, a table with fewer rows than it asks for."""
    problems = {}
    for q in questions_of(competition.form_definition, stage):
        value = answers.get(q["key"])
        if q["required"] and value in (None, "", [], {}):
            problems[PREFIX + q["key"]] = _("This field is required before you submit.")
        elif q["type"] == "table" and value and len(value) < q.get("min_rows", 0):
            problems[PREFIX + q["key"]] = ngettext(
                "Give at least %(count)s row.", "Give at least %(count)s rows.", q["min_rows"]
            ) % {"count": q["min_rows"]}
    return problems


def definition_answered(application, competition, version=None) -> dict:
    """The questions as they were when ``application`` answered them (or answered ``version``,
    its concept note's): the call's current ones, or an older version (one query, only then)."""
    version = version or application.form_version
    if not version or version == competition.form_version:
        return competition.form_definition
    older = CallFormVersion.objects.filter(competition=competition, version=version).values_list("definition")
    return next(iter(older), (competition.form_definition,))[0]


def answers_to_show(
    definition, answers, *, for_reviewer=False, hide_identifying=False, in_letter=False, stage=None
) -> list[dict]:
    """The answers with their questions' labels in the reader's language, in the form's order;
    a reviewer sees only the questions meant for reviewers, and no identifying one in a blind call;
    the award letter only the questions marked for it. A file's answer is ``file`` (its attachment's
    id, name and size), a table's ``table`` (column titles and rows of values)."""
    shown = []
    for question in questions_of(definition, stage):
        if for_reviewer and not question["reviewers_see"]:
            continue
        if hide_identifying and question["identifying"]:
            continue
        if in_letter and not question.get("in_letter"):
            continue
        value = answers.get(question["key"])
        item = {"key": question["key"], "label": in_language(question["label"]), "type": question["type"]}
        if question["type"] == "file":
            shown.append({**item, "file": value if isinstance(value, dict) else None, "value": ""})
            continue
        if question["type"] == "table":
            item["table"] = _table_to_show(question, value)
            shown.append({**item, "value": ""})
            continue
        shown.append({**item, "value": _plain(question, value)})
    return shown


def _yes_no(value):
    return {"yes": _("Yes"), "no": _("No")}.get(value, value)


def _plain(question, value) -> str:
    options = {o["value"]: in_language(o["label"]) for o in question.get("options", [])}
    if question["type"] == "yes_no":
        options = {"yes": _("Yes"), "no": _("No")}
    if isinstance(value, list):
        return ", ".join(str(options.get(v, v)) for v in value)
    if value in (None, ""):
        return ""
    return options.get(value, value) if isinstance(value, str) else str(value)


def _table_to_show(question, rows) -> dict:
    columns = question.get("columns", [])
    return {
        "columns": [in_language(c["label"]) for c in columns],
        "rows": [
            [_yes_no(row.get(c["key"], "")) if c["type"] == "yes_no" else row.get(c["key"], "") for c in columns]
            for row in (rows if isinstance(rows, list) else [])
            if isinstance(row, dict)
        ],
    }


def answer_as_text(question, value) -> str:
    """One cell of a spreadsheet: a file's name, a table's rows as “a, b; c, d”."""
    if question["type"] == "file":
        return value.get("name", "") if isinstance(value, dict) else ""
    if question["type"] == "table":
        return "; ".join(", ".join(str(cell) for cell in row) for row in _table_to_show(question, value)["rows"])
    return _plain(question, value)


def answer_file_readable(attachment, user, *, for_reviewer: bool) -> bool:
    """May this reader have the file answering a question? Staff and the group: unless it
    identifies a confidential call's group they may only know by its code name; a reviewer (and
    anyone else) only a question reviewers see, and no identifying one in a blind call."""
    from .identity import may_see_real_identity  # it reads the models, which read this module

    application = attachment.application
    call = application.competition
    shown = answers_to_show(
        definition_answered(application, call),
        application.form_answers or {},
        for_reviewer=for_reviewer,
        hide_identifying=(for_reviewer and call.hides_groups_from_reviewers)
        or not may_see_real_identity(user, application.group, call),
    )
    return any(a.get("file") and a["file"].get("attachment") == attachment.pk for a in shown)


def full_form_prefill(definition, concept_answers) -> dict:
    """The full proposal's answers to start from: the concept's answers to questions of the same
    key (and the same type, so an answer always fits its field)."""
    concept_types = {q["key"]: q["type"] for q in questions_of(definition, "concept")}
    return {
        q["key"]: concept_answers[q["key"]]
        for q in questions_of(definition, "full")
        if q["key"] in concept_answers and concept_types.get(q["key"]) == q["type"]
    }
