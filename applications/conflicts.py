"""Two editors of one draft: what the stale page typed next to what is saved, field by field.

The stale save is refused (``services.DraftConflict``); the page then shows both texts so the
writer can merge them by hand, and keeps everything they typed in the form (and in the browser).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .call_questions import answers_from_cleaned
from .forms import ApplicationForm
from .question_files import FileAnswerField
from .question_table import TableField

VERSION_FIELD = "draft_version"
OVERWRITE_FIELD = "overwrite_version"


class DraftConflict(Exception):
    """Someone saved the draft since this page loaded it; ``saved`` is the draft as now stored."""

    def __init__(self, saved):
        super().__init__("stale draft")
        self.saved = saved


def _line(row_or_line):
    get = row_or_line.get if isinstance(row_or_line, dict) else lambda name: getattr(row_or_line, name)
    return (get("category"), get("description"), get("quantity"), get("unit_cost"))


def _same_as_saved(locked, fields, budget_lines) -> bool:
    for name, value in (fields or {}).items():
        if hasattr(locked, name) and getattr(locked, name) != value:
            return False
    saved_answers = locked.form_answers or {}
    if any(saved_answers.get(key) != value for key, value in answers_from_cleaned(fields or {}).items()):
        return False
    if budget_lines is not None:
        typed = sorted(_line(row) for row in budget_lines if not row.get("DELETE"))
        if typed != sorted(_line(line) for line in locked.budget_lines.all()):
            return False
    return True


def version_check(locked, expected, fields=None, budget_lines=None) -> None:
    """Refuse a save from a page loaded before another save (``DraftConflict``), unless the page
    holds exactly what is saved: the other save was then this browser's own (an autosave still on
    its way when the page was reloaded), and there is nothing to merge."""
    if expected is None or expected == locked.draft_version:
        return
    if fields is None and budget_lines is None or not _same_as_saved(locked, fields, budget_lines):
        raise DraftConflict(locked)


def expected_version(post) -> int | None:
    """The version the page was loaded with; ``overwrite_version`` (the writer has seen both texts
    and chose theirs) wins. ``None`` when the page sent none (no check)."""
    raw = post.get(OVERWRITE_FIELD) or post.get(VERSION_FIELD)
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _normal(value) -> str:
    return str(value if value is not None else "").replace("\r\n", "\n").strip()


def _number(value) -> str:
    """``1.00`` and ``1`` are the same amount; anything else stays as typed."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return _normal(value)


def _choice_label(field, value) -> str:
    labels = {str(key): label for key, label in field.choices}
    return str(labels.get(str(value), value or ""))


def _lines_text(lines) -> str:
    return "\n".join(
        f"{_normal(line['description'])}: {_number(line['quantity'])} × {_number(line['unit_cost'])}" for line in lines
    )


def _typed_lines(post) -> list[dict]:
    try:
        total = min(int(post.get("lines-TOTAL_FORMS", 0)), 100)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        prefix = f"lines-{index}-"
        if post.get(prefix + "DELETE") or not post.get(prefix + "description"):
            continue
        rows.append({k: post.get(prefix + k, "") for k in ("description", "quantity", "unit_cost")})
    return rows


def draft_differences(saved, post) -> list[dict]:
    """``[{"label", "saved", "yours"}]`` for each field whose typed value differs from the saved one."""
    form = ApplicationForm(instance=saved, competition=saved.competition)
    differences = []
    for name, field in form.fields.items():
        saved_value, typed = form[name].value(), post.get(name, "")
        if isinstance(field, FileAnswerField):
            continue  # a file is saved by its own form, never by the stale page
        if isinstance(field, TableField):
            saved_shown, typed_shown = (
                field.as_text(saved_value),
                field.as_text(field.widget.value_from_datadict(post, {}, name)),
            )
        elif hasattr(field, "queryset") or getattr(field, "choices", None):
            saved_shown, typed_shown = _choice_label(field, saved_value), _choice_label(field, typed)
        else:
            saved_shown, typed_shown = _normal(form[name].field.prepare_value(saved_value)), _normal(typed)
        if _number(saved_shown) != _number(typed_shown):
            differences.append({"label": field.label, "saved": saved_shown, "yours": typed_shown})
    saved_lines = _lines_text(saved.budget_lines.values("description", "quantity", "unit_cost"))
    typed_lines = _lines_text(_typed_lines(post))
    if _normal(saved_lines) != _normal(typed_lines):
        differences.append({"label": _("Budget lines"), "saved": saved_lines, "yours": typed_lines})
    return differences
