"""A programme's tables for spreadsheets: applications, reviews, awards with their tranches, reports
with their indicators. Written as CSV (UTF-8 with a byte-order mark, so that Excel reads Polish and
Cyrillic text right) or XLSX (openpyxl).

Groups are named through ``applications.identity.export_group_names`` (a confidential call's
group is its code name unless ``user`` may see real identities; ``None`` is an outsider). Reviewer
names are written only for staff. Each table is a fixed number of queries, whatever its length.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.rules import is_programme_staff
from applications.call_questions import answer_as_text
from applications.identity import IDENTITY_PERMISSION, export_group_names
from applications.models import Application
from grants.call_forms import in_language, questions_of
from grants.models import Competition, Indicator
from reviews.models import Review

from .models import IndicatorValue, PaymentTranche, Report
from .models_exports import CONTENT_TYPES, ProgrammeExport  # noqa: F401 (CONTENT_TYPES: the files' types, one table)

# The tables one may export, keyed and named as the export model's choices (one list for both).
What = ProgrammeExport.What
TABLES = {what.value: what.label for what in (What.APPLICATIONS, What.REVIEWS, What.AWARDS, What.REPORTS)}
FORMATS = ("csv", "xlsx")


class NothingToExport(Exception):
    """The table has no row for this programme: say so rather than hand over an empty file."""


@dataclass
class Table:
    title: str
    header: list
    rows: list


def _group_names(programme, user, applications, purpose) -> dict:
    """``{application pk: name to print}`` over the programme's calls, by the one identity rule."""
    calls = {call.pk: call for call in Competition.objects.filter(programme=programme)}
    entries: dict[int, list] = {}
    for pk, call_id, group_id, name, code in applications:
        entries.setdefault(call_id, []).append((pk, group_id, name, code))
    names = {}
    for call_id, rows in entries.items():
        names.update(export_group_names(calls[call_id], user, rows, purpose=purpose))
    return names


def _applications(programme):
    return Application.objects.filter(competition__programme=programme).exclude(status=Application.Status.DRAFT)


def _identity_rows(queryset):
    return queryset.values_list("pk", "competition_id", "group_id", "group__name", "group__code_name")


# The answers of the application form, in its order.
ANSWER_FIELDS = ("summary", "problem", "activities", "expected_results", "beneficiaries")


def _may_read_answers(user, confidential: bool) -> bool:
    """Staff read the answers; a confidential call's (which may name people and places) only with
    the identity permission. Outsiders never: the file may travel."""
    if user is None or not is_programme_staff(user):
        return False
    return not confidential or user.has_perm(IDENTITY_PERMISSION)


def _question_columns(programme) -> list[dict]:
    """A column per question of the programme's calls (one query), in the calls' order; calls
    that share a key share its column."""
    columns: dict[str, dict] = {}
    for call_id, definition in (
        Competition.objects.filter(programme=programme).order_by("opens_at", "pk").values_list("pk", "form_definition")
    ):
        for question in questions_of(definition):
            column = columns.setdefault(question["key"], {"label": in_language(question["label"]), "by_call": {}})
            column["by_call"][call_id] = question
    return list(columns.values())


def _answer_cells(columns, a, readable: bool, named: bool) -> list:
    """The answers of one application; an identifying one only where the group is named."""
    cells = []
    for column in columns:
        question = column["by_call"].get(a["competition_id"])
        if question is None or not readable or (question["identifying"] and not named):
            cells.append("")
        else:
            cells.append(answer_as_text(question, (a["form_answers"] or {}).get(question["key"])))
    return cells


def applications_table(programme, user) -> Table:
    """Submitted applications with the answers of the form where the user may read them; a
    confidential call's region is left out where its group's name is."""
    applications = _applications(programme).order_by("competition__opens_at", "reference")
    names = _group_names(programme, user, _identity_rows(applications), "export: applications")
    fields = ("pk", "reference", "competition__title", "competition__confidential", "title", "status")
    fields += ("region__name", "requested_amount", "awarded_amount", "competition__currency", "submitted_at")
    fields += ("competition_id", "group__name", "form_answers")
    questions = _question_columns(programme)
    rows = []
    for a in applications.values(*fields, *ANSWER_FIELDS):
        confidential = a["competition__confidential"]
        readable = _may_read_answers(user, confidential)
        shown_region = readable or not confidential
        rows.append(
            [
                a["reference"],
                a["competition__title"],
                names[a["pk"]],
                a["title"] if readable or not confidential else "",
                str(Application.Status(a["status"]).label),
                (a["region__name"] or "") if shown_region else "",
                a["requested_amount"],
                a["awarded_amount"],
                a["competition__currency"],
                a["submitted_at"].date() if a["submitted_at"] else None,
            ]
            + [a[name] if readable else "" for name in ANSWER_FIELDS]
            + _answer_cells(questions, a, readable, names[a["pk"]] == a["group__name"])
        )
    header = [
        _("Reference"),
        _("Call"),
        _("Group"),
        _("Project title"),
        _("Status"),
        _("Region"),
        _("Requested"),
        _("Awarded"),
        _("Currency"),
        _("Submitted"),
    ]
    header += [str(Application._meta.get_field(name).verbose_name) for name in ANSWER_FIELDS]
    header += [column["label"] for column in questions]
    return Table(str(TABLES["applications"]), header, rows)


def reviews_table(programme, user) -> Table:
    """Scores of submitted reviews; the reviewer's name only for staff."""
    with_names = user is not None and is_programme_staff(user)
    reviews = (
        Review.objects.filter(assignment__application__competition__programme=programme, status=Review.Status.SUBMITTED)
        .order_by("assignment__application__reference", "pk")
        .values(
            "assignment__application__reference",
            "assignment__application__competition__title",
            "assignment__reviewer__first_name",
            "assignment__reviewer__last_name",
            "assignment__reviewer__email",
            "weighted_score",
            "recommendation",
            "submitted_at",
        )
    )
    header = [_("Reference"), _("Call")] + ([_("Reviewer")] if with_names else [])
    header += [_("Weighted score"), _("Recommendation"), _("Submitted")]
    rows = []
    for r in reviews:
        reviewer = " ".join(
            p for p in (r["assignment__reviewer__first_name"], r["assignment__reviewer__last_name"]) if p
        )
        row = [r["assignment__application__reference"], r["assignment__application__competition__title"]]
        row += [reviewer or r["assignment__reviewer__email"]] if with_names else []
        recommendation = str(Review.Recommendation(r["recommendation"]).label) if r["recommendation"] else ""
        row += [r["weighted_score"], recommendation, r["submitted_at"].date() if r["submitted_at"] else None]
        rows.append(row)
    return Table(str(TABLES["reviews"]), header, rows)


def awards_table(programme, user) -> Table:
    """One row per tranche (an award without tranches yet: one row with its amount)."""
    from .selectors import COMMITTED_STATUSES

    awarded = _applications(programme).filter(status__in=COMMITTED_STATUSES).order_by("reference")
    names = _group_names(programme, user, _identity_rows(awarded), "export: awards")
    tranches: dict[int, list] = {}
    for tranche in PaymentTranche.objects.filter(application__in=awarded).order_by("position", "pk"):
        tranches.setdefault(tranche.application_id, []).append(tranche)
    rows = []
    for a in awarded.values("pk", "reference", "competition__title", "awarded_amount", "competition__currency"):
        base = [
            a["reference"],
            a["competition__title"],
            names[a["pk"]],
            a["awarded_amount"],
            a["competition__currency"],
        ]
        for tranche in tranches.get(a["pk"], [None]):
            rows.append(base + ([tranche.label, tranche.amount, tranche.paid_on] if tranche else ["", None, None]))
    header = [
        _("Reference"),
        _("Call"),
        _("Group"),
        _("Awarded"),
        _("Currency"),
        _("Tranche"),
        _("Amount"),
        _("Paid on"),
    ]
    return Table(str(TABLES["awards"]), header, rows)


def reports_table(programme, user) -> Table:
    """One row per report, one column per indicator of the programme's calls."""
    indicators = list(
        Indicator.objects.filter(competition__programme=programme)
        .select_related("competition")
        .order_by("competition__opens_at", "position", "pk")
    )
    reports = list(
        Report.objects.filter(application__competition__programme=programme)
        .order_by("application__reference", "due_on")
        .values("pk", "application__reference", "application__competition__title", "kind", "status", "due_on")
    )
    values = {
        (v["report_id"], v["indicator_id"]): v["value"]
        for v in IndicatorValue.objects.filter(report__application__competition__programme=programme).values(
            "report_id", "indicator_id", "value"
        )
    }
    header = [_("Reference"), _("Call"), _("Report"), _("Status"), _("Due")]
    header += [f"{indicator.name} ({indicator.competition.title})" for indicator in indicators]
    rows = [
        [
            r["application__reference"],
            r["application__competition__title"],
            str(Report.Kind(r["kind"]).label),
            str(Report.Status(r["status"]).label),
            r["due_on"],
        ]
        + [values.get((r["pk"], indicator.pk)) for indicator in indicators]
        for r in reports
    ]
    return Table(str(TABLES["reports"]), header, rows)


BUILDERS = {
    "applications": applications_table,
    "reviews": reviews_table,
    "awards": awards_table,
    "reports": reports_table,
}


def programme_table(programme, name: str, user) -> Table:
    table = BUILDERS[name](programme, user)
    if not table.rows:
        raise NothingToExport(
            _("“%(programme)s” has nothing to export in “%(table)s” yet.")
            % {"programme": programme.name, "table": table.title}
        )
    return table


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text a spreadsheet would run as a formula (a group named "=HYPERLINK(...)") is written as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark: Excel then reads ł, ś and Cyrillic right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([[_cell(value) for value in row] for row in table.rows])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]  # Excel's limit on a sheet's name
    sheet.append(table.header)
    for row in table.rows:
        sheet.append([None if value is None else _cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(table: Table, file_format: str) -> bytes:
    return as_csv(table) if file_format == "csv" else as_xlsx(table)
