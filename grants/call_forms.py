"""A call's own form: its questions as a JSON definition, checked before it is stored.

A definition is ``{"kind": "fixed", "stages": [{"key": "main", "questions": [...]}]}``; a question
is ``{"key", "type", "label": {language code: text}, "help": {...}, "required", "identifying",
"reviewers_see", "in_letter", "options": [{"value", "label": {...}}], "max_words", "max_chars"}``;
a file question adds ``"file_types": ["pdf", ...], "max_mb"``, a table ``"columns": [{"key", "type",
"label"}], "min_rows", "max_rows"`` (its cells are simple types, ``TABLE_CELL_TYPES``).

Labels are per-language JSON beside the definition (not django-modeltranslation columns): a
question is not a database row, so its translations travel with it, in exports, imports and
versions, and a language added to the site needs no migration."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

QUESTION_TYPES = (
    "short_text",
    "long_text",
    "number",
    "money",
    "date",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "email",
    "url",
    "file",
    "table",
)
CHOICE_TYPES = ("single_choice", "multiple_choice")
CALL_KINDS = ("fixed",)
KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_QUESTIONS = 200
# A table's cells are simple types; a file question accepts some of the attachments' file types.
TABLE_CELL_TYPES = ("short_text", "number", "money", "date", "email", "yes_no")
MAX_COLUMNS = 12
MAX_ROWS = 100
FILE_TYPES = ("pdf", "png", "jpg", "docx", "xlsx", "odt", "ods")


def empty_definition() -> dict:
    return {"kind": "fixed", "stages": [{"key": "main", "questions": []}]}


def _texts(value, where, *, required) -> dict:
    """A text per language code: ``{"en": "...", "uk": "..."}``; a plain string counts as the
    site's main language."""
    if isinstance(value, str):
        value = {settings.LANGUAGE_CODE: value}
    if value in (None, {}) and not required:
        return {}
    if not isinstance(value, dict) or not value:
        raise ValidationError(_("%(where)s needs a text in at least one language.") % {"where": where})
    known = {code for code, _name in settings.LANGUAGES}
    texts = {}
    for code, text in value.items():
        if code not in known:
            raise ValidationError(
                _("%(where)s has a text in “%(code)s”, which this site does not offer.")
                % {"where": where, "code": code}
            )
        if not isinstance(text, str) or not text.strip() or len(text) > 2000:
            raise ValidationError(_("%(where)s has an empty or too long text.") % {"where": where})
        texts[code] = text.strip()
    return texts


def _limit(question, name, where):
    value = question.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(
            _("%(where)s: the limit “%(name)s” must be a whole number above zero.") % {"where": where, "name": name}
        )
    return value


def _question(raw, seen) -> dict:
    key = raw.get("key") if isinstance(raw, dict) else None
    where = _("Question “%(key)s”") % {"key": key or "?"}
    if not isinstance(key, str) or not KEY.match(key):
        raise ValidationError(
            _("%(where)s: a key is lower-case letters, digits and underscores, starting with a letter.")
            % {"where": where}
        )
    if key in seen:
        raise ValidationError(_("%(where)s: this key is used twice.") % {"where": where})
    seen.add(key)
    kind = raw.get("type")
    if kind not in QUESTION_TYPES:
        raise ValidationError(
            _("%(where)s: “%(type)s” is not a known type of question.") % {"where": where, "type": kind}
        )
    question = {
        "key": key,
        "type": kind,
        "label": _texts(raw.get("label"), where, required=True),
        "help": _texts(raw.get("help"), where, required=False),
        "required": bool(raw.get("required", False)),
        "identifying": bool(raw.get("identifying", False)),
        "reviewers_see": bool(raw.get("reviewers_see", True)),
        "in_letter": bool(raw.get("in_letter", False)),
    }
    if kind == "file":
        question.update(file_options(raw, where))
    if kind == "table":
        question.update(table_options(raw, where))
    if kind == "long_text":
        for name in ("max_words", "max_chars"):
            limit = _limit(raw, name, where)
            if limit:
                question[name] = limit
    if kind in CHOICE_TYPES:
        options = raw.get("options") or []
        if len(options) < 2:
            raise ValidationError(_("%(where)s: a choice needs at least two options.") % {"where": where})
        values = set()
        question["options"] = []
        for option in options:
            value = option.get("value") if isinstance(option, dict) else None
            if not isinstance(value, str) or not value or value in values:
                raise ValidationError(_("%(where)s: every option needs its own value.") % {"where": where})
            values.add(value)
            question["options"].append({"value": value, "label": _texts(option.get("label"), where, required=True)})
    return question


def file_options(raw, where) -> dict:
    """The accepted file types (all the attachments' types if none is named) and the size limit in
    MB, never above the site's limit for any attachment."""
    types = raw.get("file_types") or list(FILE_TYPES)
    if not isinstance(types, list) or any(t not in FILE_TYPES for t in types):
        raise ValidationError(
            _("%(where)s: the accepted file types are some of %(types)s.")
            % {"where": where, "types": ", ".join(FILE_TYPES)}
        )
    most = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    max_mb = raw.get("max_mb", most)
    if isinstance(max_mb, bool) or not isinstance(max_mb, int) or not 0 < max_mb <= most:
        raise ValidationError(
            _("%(where)s: the size limit is a whole number of MB from 1 to %(most)s.") % {"where": where, "most": most}
        )
    return {"file_types": [t for t in FILE_TYPES if t in types], "max_mb": max_mb}


def table_options(raw, where) -> dict:
    """The table's columns (each a key, a simple type and a label) and how many rows it takes."""
    columns = raw.get("columns")
    if not isinstance(columns, list) or not columns:
        raise ValidationError(_("%(where)s: a table needs at least one column.") % {"where": where})
    if len(columns) > MAX_COLUMNS:
        raise ValidationError(
            _("%(where)s: a table has at most %(count)s columns.") % {"where": where, "count": MAX_COLUMNS}
        )
    cleaned, keys = [], set()
    for column in columns:
        column = column if isinstance(column, dict) else {}
        key = column.get("key")
        if not isinstance(key, str) or not KEY.match(key) or key in keys:
            raise ValidationError(_("%(where)s: every column needs its own key.") % {"where": where})
        keys.add(key)
        if column.get("type") not in TABLE_CELL_TYPES:
            raise ValidationError(
                _("%(where)s: a column is short text, a number, money, a date, an e-mail or yes/no.") % {"where": where}
            )
        cleaned.append({"key": key, "type": column["type"], "label": _texts(column.get("label"), where, required=True)})
    rows = {}
    for name in ("min_rows", "max_rows"):
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROWS:
            raise ValidationError(
                _("%(where)s: the number of rows is a whole number from 0 to %(most)s.")
                % {"where": where, "most": MAX_ROWS}
            )
        rows[name] = value
    if rows.get("max_rows") == 0 or rows.get("min_rows", 0) > rows.get("max_rows", MAX_ROWS):
        raise ValidationError(
            _("%(where)s: the most rows must be above zero and not below the fewest.") % {"where": where}
        )
    return {"columns": cleaned, "min_rows": rows.get("min_rows", 0), "max_rows": rows.get("max_rows", MAX_ROWS)}


def validate_definition(data) -> dict:
    """The definition cleaned, or ``ValidationError`` naming the question at fault."""
    if not isinstance(data, dict):
        raise ValidationError(_("A call's form is a JSON object with “kind” and “stages”."))
    kind = data.get("kind", "fixed")
    if kind not in CALL_KINDS:
        raise ValidationError(_("“%(kind)s” is not a kind of call this site runs.") % {"kind": kind})
    stages = data.get("stages")
    if not isinstance(stages, list) or len(stages) != 1:
        raise ValidationError(_("A call's form has exactly one stage (two-stage calls are not available yet)."))
    stage = stages[0] if isinstance(stages[0], dict) else {}
    raw_questions = stage.get("questions")
    if not isinstance(raw_questions, list) or len(raw_questions) > MAX_QUESTIONS:
        raise ValidationError(_("A stage lists its questions, at most %(count)s.") % {"count": MAX_QUESTIONS})
    seen: set[str] = set()
    questions = [_question(raw, seen) for raw in raw_questions]
    return {"kind": kind, "stages": [{"key": str(stage.get("key") or "main"), "questions": questions}]}


def questions_of(definition) -> list[dict]:
    stages = (definition or {}).get("stages") or []
    return [question for stage in stages for question in stage.get("questions", [])]


def in_language(texts: dict, language=None) -> str:
    """The text in ``language`` (the current one), else the site's main language, else any."""
    if not texts:
        return ""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))


def missing_translations(definition) -> list[dict]:
    """For each question, the offered languages its label has no text in, so staff see what is
    still to translate (the applicant then reads the main language)."""
    names = dict(settings.LANGUAGES)
    missing = []
    for question in questions_of(definition):
        absent = [names[code] for code in names if code not in question["label"]]
        if absent:
            missing.append({"question": in_language(question["label"]), "languages": absent})
    return missing
