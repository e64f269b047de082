"""A call in several languages: its title, description, rules, e-mail note, rubric criteria and
eligibility questions, each written in the call's main language (the ordinary columns) and, per
offered language, in ``translations`` JSON beside them: ``{"title": {"uk": "…", "pl": "…"}}``.

The same shape as the labels of the call's own questions (``call_forms``): the texts travel with
the row they belong to, a language added to the site needs no migration and no new column, and
the page that shows a call already has them loaded (no query for a translation).

``translated`` is the one rule everyone reads through: the reader's language, else the call's
main language."""

from django.conf import settings
from django.db import models
from django.db.models import CharField, F, Value
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The texts each model offers to translate, with how staff name them.
CALL_FIELDS = {
    "title": _("Title"),
    "description": _("Description"),
    "rules": _("Rules"),
    "email_note": _("Note in the groups' e-mails"),
}
CRITERION_FIELDS = {"name": _("Name"), "description": _("Description")}
QUESTION_FIELDS = {"text": _("Question"), "refusal": _("Why another answer may not apply")}


def translations_field():
    return models.JSONField(_("translations"), default=dict, blank=True, editable=False)


def _main_language(obj) -> str | None:
    """The call's main language, read only from what is already loaded (never a query)."""
    if hasattr(obj, "main_language"):
        return obj.main_language
    field = obj._meta.get_field("competition")
    return field.get_cached_value(obj).main_language if field.is_cached(obj) else None


def translated(obj, field: str, language: str | None = None) -> str:
    """``obj.<field>`` in ``language`` (the active one): its translation when there is one, else
    the text in the call's main language."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    main = getattr(obj, field) or ""
    if language == _main_language(obj):
        return main
    return (obj.translations or {}).get(field, {}).get(language) or main


def translation_of(obj, field: str, language: str) -> str:
    """The stored translation only (no fallback): what staff typed for ``language``."""
    return (obj.translations or {}).get(field, {}).get(language, "")


def other_languages(call) -> list[tuple[str, str]]:
    """The offered languages a call can be translated into: all but its main one."""
    return [(code, name) for code, name in settings.LANGUAGES if code != call.main_language]


def texts_of(call, criteria, questions) -> list[dict]:
    """Every text of the call that has words in the main language, as rows
    ``{"obj", "field", "label", "main", "key", "translations"}``; the ``key`` names the input on the
    staff form."""
    rows = []

    def add(obj, fields, prefix, label_of):
        for name, label in fields.items():
            text = getattr(obj, name) or ""
            if text.strip():
                rows.append(
                    {
                        "obj": obj,
                        "field": name,
                        "label": label_of(label),
                        "main": text,
                        "key": f"{prefix}{name}",
                        "translations": obj.translations or {},
                    }
                )

    add(call, CALL_FIELDS, "call-", lambda label: label)
    for number, criterion in enumerate(criteria, 1):
        add(
            criterion,
            CRITERION_FIELDS,
            f"criterion-{criterion.pk}-",
            lambda label, n=number: _("Criterion %(number)s: %(text)s") % {"number": n, "text": label},
        )
    for number, question in enumerate(questions, 1):
        add(
            question,
            QUESTION_FIELDS,
            f"question-{question.pk}-",
            lambda label, n=number: _("Eligibility question %(number)s: %(text)s") % {"number": n, "text": label},
        )
    return rows


def missing_by_language(call, rows) -> dict[str, int]:
    """For each offered language other than the main one, how many of ``rows`` have no text."""
    missing = {}
    for code, _name in other_languages(call):
        count = sum(1 for row in rows if not row["translations"].get(row["field"], {}).get(code))
        if count:
            missing[code] = count
    return missing


def call_missing_languages(call) -> list[str]:
    """The names of the languages the call still lacks some text in, for the call's staff page:
    its criteria and questions read in one query (a UNION), whatever their number."""
    rows = [{"field": f, "translations": call.translations or {}} for f in CALL_FIELDS if getattr(call, f).strip()]
    fields = {"criterion": tuple(CRITERION_FIELDS), "question": tuple(QUESTION_FIELDS)}

    def texts(queryset, kind):
        first, second = fields[kind]
        return (
            queryset.order_by()
            .annotate(text_of=Value(kind, output_field=CharField()), first=F(first), second=F(second))
            .values_list("text_of", "first", "second", "translations")
        )

    children = texts(call.criteria, "criterion").union(texts(call.eligibility_questions, "question"), all=True)
    for kind, first, second, translations in children:
        for field, text in zip(fields[kind], (first, second), strict=True):
            if (text or "").strip():
                rows.append({"field": field, "translations": translations or {}})
    names = dict(settings.LANGUAGES)
    return [str(names[code]) for code in missing_by_language(call, rows)]
