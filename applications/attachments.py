"""What an uploaded file must be: within the size limit and of an accepted type, detected from
its bytes (never from its name or the browser's word). Used for application and report files."""

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .metadata import strip_metadata
from .models import Attachment

# Content types we accept, detected from the file's bytes (never from its name or the browser).
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}


def validate_attachment(uploaded_file) -> str:
    """Return the detected content type, or raise ValidationError with a clear message."""
    if uploaded_file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(uploaded_file.size / 1024 / 1024, 1),
                "limit": round(settings.ATTACHMENT_MAX_BYTES / 1024 / 1024, 1),
            },
            code="too_large",
        )
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/zip" and uploaded_file.name.lower().endswith((".docx", ".xlsx", ".odt", ".ods")):
        mime = _office_type(uploaded_file)
    name = uploaded_file.name.lower()
    if mime not in ALLOWED_ATTACHMENT_TYPES or not name.endswith(ALLOWED_ATTACHMENT_TYPES[mime]):
        raise ValidationError(
            _("This file type is not accepted. Upload a PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS file."),
            code="bad_type",
        )
    return mime


def _office_type(uploaded_file) -> str:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode() if "mimetype" in names else ""
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return ""
    finally:
        uploaded_file.seek(0)
    if mimetype in ALLOWED_ATTACHMENT_TYPES:
        return mimetype
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return ""


def attachment_create(*, application, uploaded_file, by, purpose):
    """Check ``uploaded_file`` and store it as a private attachment of ``application``, with a copy
    without its metadata for everyone but staff and the group."""
    content_type = validate_attachment(uploaded_file)
    attachment = Attachment(
        application=application,
        purpose=purpose,
        file=uploaded_file,
        original_name=uploaded_file.name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )
    uploaded_file.seek(0)
    _store_clean_copy(attachment, uploaded_file.read())
    uploaded_file.seek(0)
    attachment.save()
    return attachment


def _store_clean_copy(attachment, data: bytes) -> None:
    clean = strip_metadata(data, attachment.content_type)
    if clean is not None:
        attachment.clean_file.save("clean", ContentFile(clean), save=False)


def attachment_for_download(attachment, *, original: bool):
    """The file to hand out: the original (staff, the group's own members) or the copy without
    metadata (everyone else); made now for files stored before copies existed. ``None``: this
    viewer may not have the file (it could not be cleaned)."""
    if original:
        return attachment.file
    if not attachment.clean_file:
        with attachment.file.open("rb") as handle:
            _store_clean_copy(attachment, handle.read())
        if not attachment.clean_file:
            return None
        attachment.save(update_fields=["clean_file"])
    return attachment.clean_file
