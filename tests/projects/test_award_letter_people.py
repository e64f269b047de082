"""The award letter names who signs it, whom to contact, and when the first report is due."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from projects.letters import award_letter_pdf
from tests.factories import CompetitionFactory, funded_application, staff_user

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_letter_has_a_signatory_a_contact_and_the_first_report_date():
    start = date(2027, 1, 10)
    call = CompetitionFactory(
        letter_signatory="Anna Kowalska, programme director",
        contact_person="Piotr Nowak, piotr@example.org",
        interim_report_due=date(2027, 3, 15),
        project_start_earliest=start - timedelta(days=30),
        project_end_latest=start + timedelta(days=365),
    )
    application = funded_application(start=start, end=start + timedelta(days=120), competition=call, staff=staff_user())
    text = _text(award_letter_pdf(application, staff_user()))
    assert "Anna Kowalska, programme director" in text
    assert "Piotr Nowak, piotr@example.org" in text
    assert "First report due: Interim report, 15 March 2027" in text


def test_a_letter_without_them_says_nothing_empty():
    application = funded_application(staff=staff_user())
    text = _text(award_letter_pdf(application, staff_user()))
    assert "contact person" not in text.lower()
    assert "First report due: Final report" in text
