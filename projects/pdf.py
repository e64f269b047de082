"""HTML rendered from our templates into an A4 PDF: the one way the award letter, the donor report
and the brochure are drawn. fpdf2 is pure Python; the DejaVu font (fetched with the other static
assets at set-up) covers Polish, Belarusian, Ukrainian and Russian letters."""

from django.conf import settings
from fpdf import FPDF

FONT_DIR = settings.BASE_DIR / "static" / "vendor" / "dejavu"


def html_to_pdf(html: str, *, title: str, author: str = "", margin: int = 15, font_size: int = 10) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_creator("Small Grants")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_margins(margin, margin, margin)
    pdf.set_font("DejaVu", size=font_size)
    pdf.write_html(html, font_family="DejaVu")
    return bytes(pdf.output())
