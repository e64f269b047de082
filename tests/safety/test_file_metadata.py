"""Uploaded files lose their metadata for reviewers and outsiders; staff and the group keep the
original."""

import io
import zipfile

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import services
from applications.metadata import strip_metadata
from projects import mentoring
from reviews import services as review_services
from tests.factories import ApplicationFactory, UserFactory, funded_application, in_pool, member_of, staff_user

pytestmark = pytest.mark.django_db

SECRET = "Olena Kovalenko <olena@example.org>"


def pdf_with_metadata() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = SECRET
    pdf.docinfo["/Title"] = "Budget of the Free Voices group"
    pdf.docinfo["/Creator"] = "LibreOffice on olena-laptop"
    with pdf.open_metadata() as xmp:
        xmp["dc:creator"] = [SECRET]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = SECRET  # Artist
    gps = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", SECRET)
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def docx_with_author() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Our plan</w:document>")
        archive.writestr(
            "docProps/core.xml", f"<cp:coreProperties><dc:creator>{SECRET}</dc:creator></cp:coreProperties>"
        )
    return out.getvalue()


def _pdf_metadata(data: bytes) -> str:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        xmp = str(pdf.open_metadata())
    return f"{info} {xmp}"


def test_the_clean_pdf_has_no_author_title_creator_or_xmp():
    original = pdf_with_metadata()
    assert SECRET in _pdf_metadata(original)
    clean = strip_metadata(original, "application/pdf")
    assert SECRET.encode() not in clean and b"Free Voices" not in clean and b"olena-laptop" not in clean
    assert "Olena" not in _pdf_metadata(clean)
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        assert len(pdf.pages) == 1


def test_the_clean_photo_has_no_exif_and_no_gps():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    clean = Image.open(io.BytesIO(strip_metadata(original, "image/jpeg")))
    assert not clean.getexif() and "exif" not in clean.info
    assert clean.size == (40, 30)
    png = Image.open(io.BytesIO(strip_metadata(png_with_text(), "image/png")))
    assert "Author" not in png.info and png.size == (10, 10)


def test_the_clean_office_file_has_no_author_but_keeps_the_text():
    clean = strip_metadata(
        docx_with_author(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        assert SECRET.encode() not in archive.read("docProps/core.xml")
        assert archive.read("word/document.xml") == b"<w:document>Our plan</w:document>"


def test_a_damaged_file_gets_no_clean_copy():
    assert strip_metadata(b"%PDF-1.4 garbage", "application/pdf") is None


@pytest.fixture
def world():
    draft = ApplicationFactory()
    member = member_of(draft.group)
    pdf = services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("budget.pdf", pdf_with_metadata()), by=member
    )
    photo = services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("site.jpg", jpeg_with_gps()), by=member
    )
    return draft, member, pdf, photo


def _body(response):
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_staff_and_the_group_download_the_original(client, world):
    draft, member, pdf, photo = world
    for user in (member, staff_user()):
        client.force_login(user)
        assert SECRET in _pdf_metadata(_body(client.get(pdf.get_absolute_url())))
        assert Image.open(io.BytesIO(_body(client.get(photo.get_absolute_url())))).getexif().get_ifd(0x8825)


def test_a_reviewer_downloads_only_the_clean_copies(client, world):
    draft, member, pdf, photo = world
    staff = staff_user()
    services.application_submit(application=draft, by=member)
    draft.refresh_from_db()
    draft.screened_at = timezone.now()
    draft.save(update_fields=["screened_at"])
    reviewer = in_pool(draft.competition)
    assignment = review_services.assignment_create(application=draft, reviewer=reviewer, by=staff)
    client.force_login(reviewer)
    download = lambda a: _body(  # noqa: E731
        client.get(reverse("reviews:attachment", kwargs={"pk": assignment.pk, "attachment_pk": a.pk}))
    )
    body = download(pdf)
    assert body.startswith(b"%PDF") and "Olena" not in _pdf_metadata(body) and SECRET.encode() not in body
    image = Image.open(io.BytesIO(download(photo)))
    assert not image.getexif() and image.size == (40, 30)


def test_a_mentor_downloads_the_clean_copy_of_a_report_photo(client):
    funded = funded_application()
    member = member_of(funded.group)
    mentor = UserFactory(roles=["mentor"])
    mentoring.mentor_assign(application=funded, mentor=mentor, by=staff_user())
    from projects.reports import report_attachment_add

    photo = report_attachment_add(
        report=funded.reports.get(), uploaded_file=SimpleUploadedFile("done.jpg", jpeg_with_gps()), by=member
    )
    client.force_login(mentor)
    assert not Image.open(io.BytesIO(_body(client.get(photo.get_absolute_url())))).getexif()
    client.force_login(member)
    assert Image.open(io.BytesIO(_body(client.get(photo.get_absolute_url())))).getexif()


def test_removing_an_attachment_removes_both_files(world, django_capture_on_commit_callbacks):
    draft, member, pdf, _photo = world
    storage, names = pdf.file.storage, (pdf.file.name, pdf.clean_file.name)
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=pdf, by=member)
    assert not any(storage.exists(name) for name in names)
