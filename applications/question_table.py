"""A table question (team members, partners ...): rows of simple cells, typed in plain inputs
named ``q_<key>-<row>-<column>``, an empty row always offered and "add a row" cloning it, so the
table works without JavaScript. Each cell is checked by the same Django field as a question of
its type, and an error names its row and column."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from grants.call_forms import in_language

from .question_files import invalid_attrs


def cell_field(column, currency) -> forms.Field:
    kind = column["type"]
    if kind == "number":
        return forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    if kind == "money":
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False)
    if kind == "date":
        return forms.DateField(required=False)
    if kind == "email":
        return forms.EmailField(required=False)
    if kind == "yes_no":
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], required=False)
    return forms.CharField(max_length=300, required=False)


def _input_type(kind) -> str:
    return {"number": "number", "money": "number", "date": "date", "email": "email"}.get(kind, "text")


class TableWidget(forms.Widget):
    """Rows of inputs; the posted rows come back as a list of ``{column: text}``, empty rows left out."""

    def __init__(self, question, currency, attrs=None):
        super().__init__(attrs)
        self.question, self.currency = question, currency

    def value_from_datadict(self, data, files, name):
        rows: dict[int, dict] = {}
        keys = [c["key"] for c in self.question["columns"]]
        for field_name in data:
            parts = field_name[len(name) + 1 :].split("-") if field_name.startswith(name + "-") else []
            if len(parts) == 2 and parts[0].isdigit() and parts[1] in keys:
                rows.setdefault(int(parts[0]), {})[parts[1]] = str(data.get(field_name) or "").strip()
        return [row for _index, row in sorted(rows.items()) if any(row.values())]

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return ""  # the table's inputs have labels of their own

    def render(self, name, value, attrs=None, renderer=None):
        columns = [
            {
                **column,
                "title": in_language(column["label"]),
                "input_type": _input_type(column["type"]),
                "step": "0.01" if column["type"] in ("number", "money") else "",
            }
            for column in self.question["columns"]
        ]
        rows = [row for row in (value or []) if isinstance(row, dict)]

        def cells(index, row):
            return [{**c, "name": f"{name}-{index}-{c['key']}", "value": row.get(c["key"], "")} for c in columns]

        shown = [{"number": i + 1, "cells": cells(i, row)} for i, row in enumerate(rows)]
        if len(rows) < self.question.get("max_rows", 100):
            shown.append({"number": len(rows) + 1, "cells": cells(len(rows), {})})
        context = {
            "name": name,
            "columns": columns,
            "rows": shown,
            "total": len(shown),
            "template_cells": cells("__prefix__", {}),
            "currency": self.currency,
            "invalid": invalid_attrs(attrs),  # shows the error crispy writes beside it
        }
        return render_to_string("applications/_table_question.html", context)


class TableField(forms.Field):
    """The rows, each cell cleaned by its column's field; the answer is a list of ``{column: value}``
    (dates and amounts as text, like every answer)."""

    def __init__(self, question, currency, **kwargs):
        self.question, self.currency = question, currency
        super().__init__(widget=TableWidget(question, currency), **kwargs)

    def as_text(self, rows) -> str:
        """The rows as lines of “a, b”, to set a stale page's table beside the saved one."""
        keys = [c["key"] for c in self.question["columns"]]
        return "\n".join(", ".join(str(row.get(k, "")) for k in keys) for row in rows or [] if isinstance(row, dict))

    def clean(self, value):
        rows = [row for row in (value or []) if isinstance(row, dict)]
        most = self.question.get("max_rows", 100)
        if len(rows) > most:
            raise ValidationError(_("Give at most %(count)s rows.") % {"count": most}, code="max_rows")
        errors, cleaned = [], []
        for number, row in enumerate(rows, start=1):
            answer = {}
            for column in self.question["columns"]:
                try:
                    answer[column["key"]] = _as_json(
                        cell_field(column, self.currency).clean(row.get(column["key"], ""))
                    )
                except ValidationError as error:
                    for message in error.messages:
                        errors.append(
                            _("Row %(row)s, “%(column)s”: %(error)s")
                            % {"row": number, "column": in_language(column["label"]), "error": message}
                        )
            cleaned.append(answer)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _as_json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else value
