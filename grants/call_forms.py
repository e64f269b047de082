"""A call's own form: its questions as a JSON definition, checked before it is stored.

A definition is ``{"kind": "fixed", "stages": [{"key": "main", "questions": [...]}]}``: one stage,
except a two-stage call's two (``STAGES_OF_TWO``: the concept note, then the full proposal), each
with its own questions (a key may repeat across stages: the full form starts with the concept's
answer of the same key). The kind is the call's (``Competition.kind``); a question
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

from .models import Competition

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
CALL_KINDS = tuple(Competition.Kind.values)
TWO_STAGE = Competition.Kind.TWO_STAGE.value
ONE_STAGE = ("main",)
STAGES_OF_TWO = ("concept", "full")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_QUESTIONS = 200
# A table's cells are simple types; a file question accepts some of the attachments' file types.
TABLE_CELL_TYPES = ("short_text", "number", "money", "date", "email", "yes_no")
MAX_COLUMNS = 12
MAX_ROWS = 100
FILE_TYPES = ("pdf", "png", "jpg", "docx", "xlsx", "odt", "ods")


def stage_keys(kind) -> tuple[str, ...]:
    return STAGES_OF_TWO if kind == TWO_STAGE else ONE_STAGE


def empty_definition(kind="fixed") -> dict:
    return {"kind": kind, "stages": [{"key": key, "questions": []} for key in stage_keys(kind)]}


def definition_for_kind(definition, kind) -> dict:
    """``definition`` with the stages of ``kind`` (a call whose kind changed after its questions
    were written): a one-stage form becomes the full proposal's, and back."""
    definition = definition or empty_definition(kind)
    stages = {stage["key"]: stage.get("questions", []) for stage in definition.get("stages", [])}
    if tuple(stages) == stage_keys(kind):
        return {**definition, "kind": kind}
    last = list(stages.values())[-1] if stages else []
    if kind == TWO_STAGE:
        return {"kind": kind, "stages": [{"key": "concept", "questions": []}, {"key": "full", "questions": last}]}
    return {"kind": kind, "stages": [{"key": "main", "questions": last}]}


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
    keys = stage_keys(kind)
    if not isinstance(stages, list) or len(stages) != len(keys):
        if kind == TWO_STAGE:
            raise ValidationError(_("A two-stage call's form has two stages: “concept” and “full”."))
        raise ValidationError(_("A call's form has exactly one stage."))
    cleaned = []
    for expected, stage in zip(keys, stages, strict=True):
        stage = stage if isinstance(stage, dict) else {}
        key = str(stage.get("key") or expected)
        if key != expected:
            raise ValidationError(
                _("Stage “%(key)s”: the stages of this kind of call are %(keys)s, in this order.")
                % {"key": key, "keys": ", ".join(keys)}
            )
        raw_questions = stage.get("questions")
        if not isinstance(raw_questions, list) or len(raw_questions) > MAX_QUESTIONS:
            raise ValidationError(_("A stage lists its questions, at most %(count)s.") % {"count": MAX_QUESTIONS})
        seen: set[str] = set()  # a key is unique within its stage
        cleaned.append({"key": key, "questions": [_question(raw, seen) for raw in raw_questions]})
    return {"kind": kind, "stages": cleaned}


def questions_of(definition, stage=None) -> list[dict]:
    """The questions of every stage, or of ``stage`` (``"concept"`` or ``"full"``). A one-stage
    form's questions are those of its full proposal, as the application is one."""
    stages = (definition or {}).get("stages") or []
    if stage is not None and len(stages) > 1:
        stages = [s for s in stages if s.get("key") == stage]
    elif stage == "concept":
        return []
    return [question for s in stages for question in s.get("questions", [])]


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
