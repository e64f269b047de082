"""The donor report (PDF and XLSX, per programme and per phase, in the chosen language): read back,
with the figures, and anonymous for confidential calls."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.models import Application
from grants.models import Indicator, ProgrammeIndicator, ProgrammePhase
from projects.models import GoodPractice, IndicatorValue, ProgrammeExport, Report
from tests.factories import CompetitionFactory, GroupFactory, ProgrammeFactory, funded_application, staff_user
from tests.projects.export_flow import body, export_download, exports_url, latest, request_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    programme = ProgrammeFactory(name="Civic hubs")
    one = ProgrammePhase.objects.create(
        programme=programme, name="Phase one", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    two = ProgrammePhase.objects.create(
        programme=programme, name="Phase two", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)
    )
    trainings = ProgrammeIndicator.objects.create(programme=programme, name="Training events", target=500)
    open_call = CompetitionFactory(programme=programme, phase=one, title="Hubs 2026")
    secret_call = CompetitionFactory(programme=programme, phase=two, title="Quiet hubs", confidential=True)
    indicator = Indicator.objects.create(competition=open_call, name="Trainings", programme_indicator=trainings)
    staff = staff_user()
    hub = funded_application(
        competition=open_call, group=GroupFactory(name="Львівський хаб"), title="Hub in Lviv", staff=staff
    )
    funded_application(competition=secret_call, group=GroupFactory(name="Hidden Hub"), title="Secret hub", staff=staff)
    report, _ = Report.objects.update_or_create(
        application=hub, kind=Report.Kind.FINAL, defaults={"status": Report.Status.ACCEPTED, "due_on": date(2026, 6, 1)}
    )
    IndicatorValue.objects.create(report=report, indicator=indicator, value=37)
    client.force_login(staff)
    return {"programme": programme, "one": one, "two": two}


def _get(client, world, file_format, phase=None, lang="en"):
    """The donor report asked for and downloaded as staff do."""
    return export_download(client, world["programme"], "donor_report", file_format, phase=phase, language=lang)


def test_pdf_reads_back_with_figures_and_no_confidential_name(client, world):
    response = _get(client, world, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="donor-report-{world["programme"].pk}.pdf"' in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body(response))).pages)
    assert "Civic hubs" in text and "Training events" in text and "37" in text
    assert "Львівський хаб" in text
    assert "Hidden Hub" not in text and "Secret hub" not in text


def test_xlsx_per_phase(client, world):
    response = _get(client, world, "xlsx", phase=world["two"])
    assert (
        f'filename="donor-report-{world["programme"].pk}-phase-{world["two"].pk}.xlsx"'
        in response["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Money", "Indicators", "Initiatives", "Good practices"]
    initiatives = list(workbook["Initiatives"].iter_rows(values_only=True))
    assert len(initiatives) == 2 and initiatives[1][0] == "Quiet hubs"
    assert "Hidden Hub" not in repr(initiatives) and initiatives[1][2] == "Anonymous community group"
    indicators = list(workbook["Indicators"].iter_rows(values_only=True))
    assert indicators[2] == ("Training events", 500, 0)  # phase two has no accepted figure
    money = list(workbook["Money"].iter_rows(values_only=True))
    assert [row[0] for row in money[2:]] == ["Quiet hubs", "Total"]


def test_in_the_chosen_language(client, world):
    response = _get(client, world, "xlsx", lang="uk")
    header = list(load_workbook(io.BytesIO(body(response))).worksheets[0].iter_rows(values_only=True))[1]
    assert header[0] == "Конкурс" and "Виплачено" in header


def test_another_programmes_phase_is_refused_and_empty_programme_a_message(client, world):
    other = ProgrammePhase.objects.create(
        programme=ProgrammeFactory(), name="Elsewhere", starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1)
    )
    refused = request_export(client, world["programme"], "donor_report", "pdf", phase=other)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not ProgrammeExport.objects.exists()
    empty = ProgrammeFactory(name="Nothing")
    request_export(client, empty, "donor_report", "pdf")
    assert latest(empty).status == ProgrammeExport.Status.EMPTY
    assert "nothing to report" in client.get(exports_url(empty)).content.decode()


def test_brochure_holds_the_public_good_practices_only(client, world):
    hidden = Application.objects.get(title="Secret hub")
    GoodPractice.objects.create(application=hidden, summary="A safe room for meetings.")
    url = reverse("projects:staff_programme_brochure", kwargs={"pk": world["programme"].pk})
    response = client.get(url)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "A safe room for meetings." in text and "Quiet hubs" in text
    assert "Hidden Hub" not in text and "Secret hub" not in text


def test_no_good_practices_gives_a_message(client, world):
    url = reverse("projects:staff_programme_brochure", kwargs={"pk": world["programme"].pk})
    assert "no brochure to make" in client.get(url, follow=True).content.decode()
