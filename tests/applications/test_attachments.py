"""Attachments: office documents recognised by their contents (not their names), and deleting a file."""

import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.attachments import validate_attachment
from applications.models import Attachment
from tests.factories import ApplicationFactory, GroupFactory, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
REFUSED = "This file type is not accepted"


def _zip(*members):
    """A ZIP built in memory; ``mimetype`` is stored uncompressed, as OpenDocument requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            kind = zipfile.ZIP_STORED if name in ("mimetype", "docProps/thumbnail.jpeg") else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def _odf(mime):
    return _zip(("mimetype", mime), ("content.xml", "<office:document-content/>"), ("META-INF/manifest.xml", "<m/>"))


def _ooxml(part):
    return _zip(("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", "<Relationships/>"), (part, "<doc/>"))


BIG_FIRST_MEMBER = random.Random(7).randbytes(12_000)  # pushes the document's parts past the sniffed head

# (file name, bytes, the content type we must detect)
ACCEPTED = [
    ("report.docx", _ooxml("word/document.xml"), DOCX),
    ("budget.xlsx", _ooxml("xl/workbook.xml"), XLSX),
    ("report.odt", _odf(ODT), ODT),
    ("budget.ods", _odf(ODS), ODS),
    ("UPPER CASE.DOCX", _ooxml("word/document.xml"), DOCX),
    # Not recognised from the first bytes: the archive's members decide.
    (
        "photos.docx",
        _zip(
            ("docProps/thumbnail.jpeg", BIG_FIRST_MEMBER),
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", "<doc/>"),
        ),
        DOCX,
    ),
    ("late.odt", _zip(("content.xml", "<x/>"), ("mimetype", ODT)), ODT),
]

REFUSED_FILES = [
    ("renamed.docx", _zip(("notes.txt", "just a zip"))),  # a ZIP renamed .docx
    ("renamed.xlsx", _zip(("[Content_Types].xml", CONTENT_TYPES), ("notes.txt", "no workbook"))),
    ("renamed.odt", _zip(("mimetype", "application/epub+zip"), ("content.xml", "<x/>"))),
    ("unknown.ods", _zip(("content.xml", "<x/>"), ("mimetype", "application/x-unknown"))),
    ("spreadsheet.docx", _ooxml("xl/workbook.xml")),  # a real XLSX under a DOCX name
    ("text.ods", _odf(ODT)),  # a real ODT under an ODS name
    ("report.pdf", _ooxml("word/document.xml")),  # a DOCX under a PDF name
    ("archive.zip", _zip(("notes.txt", "a zip is never accepted"))),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 40),  # looks like a ZIP, is not one
]


@pytest.mark.parametrize(("name", "content", "mime"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_office_documents_are_recognised_by_their_contents(name, content, mime):
    uploaded = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    assert validate_attachment(uploaded) == mime
    assert uploaded.read() == content  # the check leaves the file readable from its start


@pytest.mark.parametrize(("name", "content"), REFUSED_FILES, ids=[r[0] for r in REFUSED_FILES])
def test_archives_that_are_not_the_document_they_claim_are_refused(name, content):
    with pytest.raises(ValidationError, match=REFUSED) as error:
        validate_attachment(SimpleUploadedFile(name, content, content_type=DOCX))
    assert error.value.code == "bad_type"


@pytest.fixture
def draft():
    return ApplicationFactory()


@pytest.fixture
def member(draft):
    return member_of(draft.group)


@pytest.mark.parametrize(("name", "content", "mime"), ACCEPTED[:4], ids=[a[0] for a in ACCEPTED[:4]])
def test_the_upload_page_accepts_office_documents(client, draft, member, name, content, mime):
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", kwargs={"pk": draft.pk})
    attachment = draft.attachments.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, mime, len(content))
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    download = client.get(reverse("applications:attachment_download", kwargs={"pk": attachment.pk}))
    assert download["Content-Type"] == mime
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(("name", "content"), REFUSED_FILES[:3], ids=[r[0] for r in REFUSED_FILES[:3]])
def test_the_upload_page_refuses_a_zip_dressed_as_a_document(client, draft, member, name, content):
    client.force_login(member)
    response = client.post(
        reverse("applications:attachment_upload", kwargs={"pk": draft.pk}),
        {"file": SimpleUploadedFile(name, content, content_type=DOCX)},
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not draft.attachments.exists()
    assert not Attachment.objects.exists()


def _stored(attachment):
    return attachment.file.storage.exists(attachment.file.name)


def test_a_member_deletes_a_file_of_the_draft(client, draft, member, django_capture_on_commit_callbacks):
    kept = services.attachment_add(application=draft, uploaded_file=SimpleUploadedFile("kept.pdf", PDF), by=member)
    attachment = services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("plan.pdf", PDF), by=member
    )
    assert _stored(attachment) and _stored(kept)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("applications:attachment_delete", kwargs={"pk": attachment.pk}))
        assert _stored(attachment)  # the file goes only once the deletion is committed
    assert len(callbacks) == 1
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", kwargs={"pk": draft.pk})
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not _stored(attachment)
    assert list(draft.attachments.all()) == [kept] and _stored(kept)  # only that one
    page = client.get(response["Location"]).content.decode()
    assert "The file is removed." in page and "plan.pdf" not in page and "kept.pdf" in page


def test_another_groups_member_cannot_delete_a_file(client, draft, member, django_capture_on_commit_callbacks):
    attachment = services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("plan.pdf", PDF), by=member
    )
    other_group = GroupFactory()
    ApplicationFactory(group=other_group)
    outsider = member_of(other_group)
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("applications:attachment_delete", kwargs={"pk": attachment.pk}))
    assert response.status_code == 404
    assert callbacks == []
    assert Attachment.objects.filter(pk=attachment.pk).exists() and _stored(attachment)


def test_a_file_of_a_submitted_application_cannot_be_deleted(client, draft, member, django_capture_on_commit_callbacks):
    attachment = services.attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile("plan.pdf", PDF), by=member
    )
    services.application_submit(application=draft, by=member)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:attachment_delete", kwargs={"pk": attachment.pk}), follow=True)
    assert response.redirect_chain[0] == (reverse("applications:detail", kwargs={"pk": draft.pk}), 302)
    assert "can no longer be changed" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists() and _stored(attachment)
