"""The award letter as a PDF, rendered from a template in the group's language.

fpdf2 (pure Python) draws the PDF; the DejaVu font (fetched with the other static assets at
set-up) covers Polish, Ukrainian and Belarusian letters.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fpdf import FPDF

FONT_DIR = settings.BASE_DIR / "static" / "vendor" / "dejavu"


def award_letter_pdf(application, viewer) -> bytes:
    """``viewer``: who downloads it (a confidential call's group is named only for those who may)."""
    call = application.competition
    with translation.override(application.group.language), timezone.override(call.tzinfo):
        html = render_to_string(
            "projects/award_letter.html",
            {
                "application": application,
                "call": call,
                "programme": call.programme,
                "tranches": list(application.tranches.all()),
                "first_report": application.reports.order_by("due_on").first(),
                "today": timezone.localdate(),
                "identity_viewer": viewer,
            },
        )
        title = translation.gettext("Award letter %(ref)s") % {"ref": application.reference}
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(call.programme.funder_name)
    pdf.set_creator("Small Grants")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_font("DejaVu", size=11)
    pdf.write_html(html, font_family="DejaVu")
    return bytes(pdf.output())
