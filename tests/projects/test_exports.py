"""A programme's tables as CSV (UTF-8 with a BOM) and XLSX, read back; confidential groups by code
name for outsiders; reviewer names for staff only; an empty programme gives a message."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from projects import exports
from projects.models import PaymentTranche, ProgrammeExport
from tests.factories import (
    ApplicationFactory,
    CompetitionFactory,
    CriterionFactory,
    GroupFactory,
    ProgrammeFactory,
    RegionFactory,
    funded_application,
    reviewer_user,
    staff_user,
    submitted_review,
)
from tests.projects.export_flow import body, export_download, exports_url, latest, request_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="Громада")
    call = CompetitionFactory(programme=programme, title="Łódź courtyards")
    secret = CompetitionFactory(programme=programme, title="Quiet help", confidential=True)
    funded = funded_application(competition=call, group=GroupFactory(name="Żółta Łąka"), amount=Decimal("800"))
    PaymentTranche.objects.create(application=funded, label="Підписання", amount=Decimal("800"))
    hidden = ApplicationFactory(
        competition=secret,
        group=GroupFactory(name="Secret Circle", region=RegionFactory(name="Hrodna district")),
        status="submitted",
    )
    CriterionFactory(competition=call)
    submitted_review(
        ApplicationFactory(competition=call, status="reviewed"),
        reviewer_user(first_name="Reviewer", last_name="Kowalska"),
        [4],
    )
    return {"programme": programme, "funded": funded, "hidden": hidden}


def _csv_rows(body: bytes):
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_applications_csv_names_confidential_groups_by_code_for_outsiders(programme):
    rows = _csv_rows(exports.render(exports.programme_table(programme["programme"], "applications", None), "csv"))
    text = "\n".join(",".join(row) for row in rows)
    assert "Żółta Łąka" in text and "Łódź courtyards" in text
    assert "Secret Circle" not in text
    assert f"Group {programme['hidden'].group.code_name}" in text
    assert rows[0][0] == "Reference"
    assert programme["hidden"].summary not in text  # outsiders never get the answers
    assert programme["hidden"].group.region.name not in text


def test_staff_get_the_answers_but_not_of_confidential_calls_without_the_permission(programme):
    table = exports.programme_table(programme["programme"], "applications", staff_user())
    by_reference = {row[0]: row for row in table.rows}
    summary_column = table.header.index("summary")
    assert by_reference[programme["funded"].reference][summary_column] == programme["funded"].summary
    assert by_reference[programme["hidden"].reference][summary_column] == ""


def test_reviewer_names_only_for_staff(programme):
    staff_rows = exports.programme_table(programme["programme"], "reviews", staff_user())
    outsider_rows = exports.programme_table(programme["programme"], "reviews", None)
    assert "Reviewer" in staff_rows.header and "Reviewer Kowalska" in staff_rows.rows[0]
    assert "Reviewer" not in outsider_rows.header
    assert "Kowalska" not in repr(outsider_rows.rows)


def test_awards_xlsx_reads_back_with_openpyxl(programme):
    body = exports.render(exports.programme_table(programme["programme"], "awards", None), "xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Call", "Group")
    assert rows[1][2] == "Żółta Łąka" and rows[1][5] == "Підписання" and Decimal(str(rows[1][6])) == 800


def test_a_formula_in_a_name_is_written_as_text(programme):
    group = programme["funded"].group
    group.name = "=HYPERLINK(1)"
    group.save()
    body = exports.render(exports.programme_table(programme["programme"], "awards", None), "csv")
    assert "'=HYPERLINK(1)" in body.decode("utf-8-sig")


def test_empty_programme_gives_a_clear_message(client, tmp_path):
    empty = ProgrammeFactory(name="Empty")
    with pytest.raises(CommandError, match="nothing to export"):
        call_command("export_programme", programme=empty.pk, table="reports", output=str(tmp_path / "r.xlsx"))
    assert not (tmp_path / "r.xlsx").exists()
    client.force_login(staff_user())
    request_export(client, empty, "reports", "csv")
    assert latest(empty).status == ProgrammeExport.Status.EMPTY and not latest(empty).file
    assert "nothing to export" in client.get(exports_url(empty)).content.decode()


def test_command_and_staff_download(programme, client, tmp_path):
    out = tmp_path / "applications.csv"
    call_command("export_programme", programme=programme["programme"].pk, table="applications", output=str(out))
    assert "Żółta Łąka" in out.read_bytes().decode("utf-8-sig")
    client.force_login(staff_user())
    response = export_download(client, programme["programme"], "awards", "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="programme-{programme["programme"].pk}-awards.xlsx"' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(body(response))).active.max_row == 2
    bad = request_export(client, programme["programme"], "secrets", "csv")
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert ProgrammeExport.objects.filter(programme=programme["programme"]).count() == 1
