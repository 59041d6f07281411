"""A document's type is judged from its content, never from its name."""

import io
import struct
import zipfile
import zlib

import pytest

from exchange.applications.documents import ALLOWED_TYPES, DOCUMENT_KINDS, sniff_content_type

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TINY_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real PNG: signature, IHDR, one IDAT of white grey pixels, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The start of a JFIF JPEG: SOI, an APP0 segment, then the end-of-image marker."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
        }
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TINY_PDF, "application/pdf"),
        (png_bytes(), "image/png"),
        (png_bytes(3, 2), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (docx_bytes(), DOCX_TYPE),
    ],
    ids=["pdf", "png", "png-3x2", "jpeg", "docx"],
)
def test_real_files_are_recognised(data, expected):
    assert sniff_content_type(data) == expected
    assert expected in ALLOWED_TYPES


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF",  # too short to be a PDF header
        b"Dear committee, please accept me.\n",  # a letter typed in a text file
        b"<html><body>%PDF-1.4</body></html>",  # the marker, but not at the start
        b"GIF89a\x01\x00\x01\x00",  # a GIF: an image, but not one we take
        b"\x89PNG\r\n",  # a PNG signature cut short
        b"PK\x03\x04 not really a zip archive",
        zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
        zip_bytes({"word/document.xml": "<w:document/>"}),  # no [Content_Types].xml
        zip_bytes({"notes.txt": "hello"}),
    ],
    ids=[
        "empty",
        "short-pdf-marker",
        "text",
        "html",
        "gif",
        "short-png",
        "bad-zip",
        "xlsx",
        "zip-without-content-types",
        "plain-zip",
    ],
)
def test_other_content_is_not_recognised(data):
    assert sniff_content_type(data) is None


def test_the_name_does_not_matter():
    """What a file is called has no say: sniffing only ever sees its bytes."""
    png_named_pdf = png_bytes()
    text_named_pdf = b"This is not a PDF, whatever its name says."
    assert sniff_content_type(png_named_pdf) == "image/png"
    assert sniff_content_type(text_named_pdf) is None


def test_a_truncated_docx_is_not_recognised():
    data = docx_bytes()
    assert sniff_content_type(data[: len(data) // 2]) is None


def test_document_kinds_are_the_federation_s_list():
    assert DOCUMENT_KINDS == {
        "cv": "Curriculum vitae",
        "motivation_letter": "Motivation letter",
        "language_certificate": "Language certificate",
        "immunization_record": "Immunization record",
        "proof_of_enrollment": "Proof of enrollment",
        "photo": "Photo",
        "passport": "Passport copy",
        "insurance": "Proof of insurance",
    }
