"""Copies of uploaded files without their metadata, for everyone but staff and the group itself.

A PDF's Author, Title and Creator, a photo's EXIF (GPS included) and an office file's author name
the applicant, their group or where they were: blind review and grantees at risk need them gone.
The original stays for staff; reviewers, mentors and exports get the clean copy.
"""

import io
import logging
import re
import zipfile

import pikepdf
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

EMPTY_OOXML_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
)
EMPTY_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
# Parts of an office file that hold who wrote it and with what; emptied, never dropped (the
# package's manifest still names them).
OFFICE_METADATA_PARTS = {"docProps/core.xml": EMPTY_OOXML_CORE, "docProps/app.xml": None, "meta.xml": EMPTY_ODF_META}
OOXML_APP_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)


def _pdf(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for page in pdf.pages:
            if "/Metadata" in page.obj:
                del page.obj["/Metadata"]
        out = io.BytesIO()
        pdf.remove_unreferenced_resources()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _image(data: bytes, format_name: str) -> bytes:
    with Image.open(io.BytesIO(data)) as original:
        upright = ImageOps.exif_transpose(original)  # keep how it looks, drop the EXIF that said so
        # A new image from the pixels alone: no EXIF, XMP, text chunks, comments or ICC profile.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P":
            clean.putpalette(upright.getpalette())
        out = io.BytesIO()
        clean.save(out, format=format_name, **({"quality": 92} if format_name == "JPEG" else {}))
        return out.getvalue()


def _office(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in OFFICE_METADATA_PARTS:
                content = OFFICE_METADATA_PARTS[item.filename] or OOXML_APP_EMPTY
            compress = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0)), content, compress)
    return out.getvalue()


def strip_metadata(data: bytes, content_type: str) -> bytes | None:
    """The file without its metadata, or ``None`` when it cannot be read (then no one but staff
    and the group may download it)."""
    try:
        if content_type == "application/pdf":
            return _pdf(data)
        if content_type in ("image/jpeg", "image/png"):
            return _image(data, "JPEG" if content_type == "image/jpeg" else "PNG")
        if re.search(r"officedocument|opendocument", content_type):
            return _office(data)
    except Exception:  # a damaged file: refuse to hand it out rather than leak what it holds
        logger.warning("Could not strip the metadata of a %s file", content_type, exc_info=True)
        return None
    return None
