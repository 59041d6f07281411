"""Storing, replacing and deleting an application's documents: rows and files in step."""

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from exchange.applications.documents import (
    DocumentRefused,
    DocumentTooLarge,
    delete_document,
    document_path,
    store_document,
)
from exchange.applications.models import MAX_DOCUMENT_BYTES, Application, Document
from exchange.auth.models import Role
from exchange.errors import DomainError
from exchange.extensions import db
from tests import builders
from tests.unit.test_documents_sniffing import TINY_PDF, docx_bytes, png_bytes

MB = 1024 * 1024


@pytest.fixture
def application(app) -> Application:
    home = builders.nmo(country_code="HR", country_name="Croatia")
    host = builders.nmo(country_code="SI", country_name="Slovenia")
    home_lc = builders.lc(home)
    student = builders.user(Role.STUDENT, lc_=home_lc)
    made = Application(
        code="P-2627-00001",
        number=1,
        student=student,
        program=builders.program("SCOPE"),
        season=builders.season(),
        home_nmo_id=home.id,
        home_lc_id=home_lc.id,
        host_nmo_id=host.id,
    )
    db.session.add(made)
    db.session.commit()
    return made


@pytest.fixture
def folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def upload(data: bytes, filename: str | None = "cv.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def pdf_of_size(size: int) -> bytes:
    return TINY_PDF + b"%" * (size - len(TINY_PDF))


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_a_pdf_is_stored_under_a_random_name_outside_the_static_folder(app, application, folder):
    document = store_document(
        application, "cv", upload(TINY_PDF, "../My CV (2026).pdf"), application.student
    )
    db.session.commit()

    path = document_path(document)
    assert path.parent == folder
    assert path.read_bytes() == TINY_PDF
    assert re.fullmatch(r"[0-9a-f]{32}", document.stored_name)  # no extension, no user input
    assert not path.is_relative_to(Path(app.static_folder))
    saved = db.session.scalar(select(Document).where(Document.id == document.id))
    assert saved.application_id == application.id
    assert saved.kind == "cv"
    assert saved.original_filename == "My_CV_2026.pdf"
    assert saved.content_type == "application/pdf"
    assert saved.size_bytes == len(TINY_PDF)
    assert saved.sha256 == hashlib.sha256(TINY_PDF).hexdigest()
    assert saved.uploaded_by_id == application.student.id


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "stored_filename"),
    [
        (png_bytes(), "photo.pdf", "image/png", "photo.pdf"),  # the content decides
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo", "image/jpeg", "photo"),
        (
            docx_bytes(),
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "letter.docx",
        ),
        (TINY_PDF, "Łukasz Nowak.pdf", "application/pdf", "ukasz_Nowak.pdf"),
        (TINY_PDF, "自己紹介", "application/pdf", "document"),
        (TINY_PDF, None, "application/pdf", "document"),
    ],
    ids=["png-named-pdf", "jpeg-without-extension", "docx", "polish-name", "cjk-name", "no-name"],
)
def test_the_type_comes_from_the_content_and_the_name_is_sanitised(
    application, data, filename, content_type, stored_filename
):
    document = store_document(application, "photo", upload(data, filename), application.student)
    assert document.content_type == content_type
    assert document.original_filename == stored_filename
    assert document_path(document).read_bytes() == data


def test_exactly_four_megabytes_is_allowed(application):
    data = pdf_of_size(MAX_DOCUMENT_BYTES)
    document = store_document(application, "cv", upload(data), application.student)
    db.session.commit()
    assert document.size_bytes == 4 * MB
    assert document_path(document).stat().st_size == 4 * MB


@pytest.mark.parametrize(
    ("kind", "data", "filename", "message"),
    [
        (
            "cv",
            pdf_of_size(4 * MB + 1),
            "big.pdf",
            "The file is 4,194,305 bytes; the limit is 4,194,304 bytes.",
        ),
        ("cv", pdf_of_size(int(5.2 * MB)), "scan.pdf", "The file is 5.2 MB; the limit is 4 MB."),
        ("cv", b"", "cv.pdf", '"cv.pdf" is empty'),
        ("cv", b"I am a text file.\n", "cv.pdf", '"cv.pdf" is not a PDF, JPG, PNG or DOCX file'),
        ("cv", b"GIF89a\x01\x00\x01\x00", "me.gif", '"me.gif" is not a PDF, JPG, PNG or DOCX'),
        ("diploma", TINY_PDF, "diploma.pdf", '"diploma.pdf" cannot be attached'),
    ],
    ids=["four-megabytes-and-one-byte", "five-megabytes", "empty", "text", "gif", "unknown-kind"],
)
def test_refused_files_leave_nothing_behind(application, folder, kind, data, filename, message):
    before = files_in(folder)
    with pytest.raises(DomainError, match=re.escape(message)):
        store_document(application, kind, upload(data, filename), application.student)
    db.session.commit()
    assert files_in(folder) == before
    assert db.session.scalars(select(Document)).all() == []


@pytest.mark.parametrize(
    ("kind", "data", "refusal", "status", "field"),
    [
        ("cv", pdf_of_size(int(6.2 * MB)), DocumentTooLarge, 413, "file"),
        ("cv", b"", DocumentRefused, 422, "file"),
        ("cv", b"I am a text file.\n", DocumentRefused, 422, "file"),
        ("diploma", TINY_PDF, DocumentRefused, 422, "kind"),
    ],
    ids=["too-large", "empty", "text", "unknown-kind"],
)
def test_a_refusal_names_the_field_at_fault_and_its_status(
    application, kind, data, refusal, status, field
):
    with pytest.raises(refusal) as refused:
        store_document(application, kind, upload(data), application.student)
    assert (refused.value.status_code, refused.value.field) == (status, field)
    if refusal is DocumentTooLarge:
        assert str(refused.value) == "The file is 6.2 MB; the limit is 4 MB."
    else:
        assert not isinstance(refused.value, DocumentTooLarge)


def test_replacing_a_document_removes_the_old_row_and_file_once_committed(application):
    old = store_document(application, "cv", upload(TINY_PDF, "old.pdf"), application.student)
    db.session.commit()
    old_path = document_path(old)

    new = store_document(application, "cv", upload(png_bytes(), "new.png"), application.student)
    # Until the transaction commits, the old file stays: a rollback would bring its row back.
    assert old_path.exists()
    db.session.commit()

    assert not old_path.exists()
    assert document_path(new).read_bytes() == png_bytes()
    rows = db.session.scalars(select(Document)).all()
    assert [(row.kind, row.original_filename) for row in rows] == [("cv", "new.png")]


def test_a_replacement_rolled_back_keeps_the_old_document(application, folder):
    old = store_document(application, "cv", upload(TINY_PDF, "old.pdf"), application.student)
    db.session.commit()
    old_id, old_path = old.id, document_path(old)
    before = files_in(folder)

    new = store_document(application, "cv", upload(png_bytes(), "new.png"), application.student)
    new_path = document_path(new)
    assert new_path.exists()
    db.session.rollback()

    assert not new_path.exists()
    assert old_path.read_bytes() == TINY_PDF
    assert files_in(folder) == before
    assert [row.id for row in db.session.scalars(select(Document))] == [old_id]


def test_other_kinds_are_kept_when_one_is_replaced(application):
    cv = store_document(application, "cv", upload(TINY_PDF, "cv.pdf"), application.student)
    photo = store_document(application, "photo", upload(png_bytes(), "me.png"), application.student)
    db.session.commit()
    store_document(application, "cv", upload(TINY_PDF, "cv2.pdf"), application.student)
    db.session.commit()
    assert not document_path(cv).exists()
    assert document_path(photo).exists()
    kinds = sorted(row.kind for row in db.session.scalars(select(Document)))
    assert kinds == ["cv", "photo"]


def test_deleting_removes_the_row_and_the_file(application):
    document = store_document(application, "cv", upload(TINY_PDF), application.student)
    db.session.commit()
    path = document_path(document)

    delete_document(document)
    db.session.commit()

    assert not path.exists()
    assert db.session.scalars(select(Document)).all() == []


def test_a_deletion_rolled_back_keeps_the_file(application):
    document = store_document(application, "cv", upload(TINY_PDF), application.student)
    db.session.commit()
    path = document_path(document)

    delete_document(document)
    db.session.rollback()

    assert path.read_bytes() == TINY_PDF
    assert len(db.session.scalars(select(Document)).all()) == 1


def test_a_failing_flush_leaves_no_file_for_an_application_never_saved(application, folder):
    never_saved = Application()  # no code, no student: the database refuses the row
    before = files_in(folder)
    with pytest.raises(sa.exc.IntegrityError):
        store_document(never_saved, "cv", upload(TINY_PDF), application.student)
    assert files_in(folder) == before
    db.session.rollback()
    assert db.session.scalars(select(Document)).all() == []
    assert files_in(folder) == before


def test_a_failing_flush_leaves_no_file_for_an_application_deleted_meanwhile(
    app, application, folder
):
    student = application.student
    assert application.documents == []  # loaded, as a page showing it would have
    # Someone else deletes the application at the same moment, on another connection.
    with db.engine.begin() as other:
        other.execute(sa.delete(Application.__table__).where(Application.id == application.id))
    before = files_in(folder)

    with pytest.raises(sa.exc.IntegrityError):
        store_document(application, "cv", upload(TINY_PDF), student)
    assert files_in(folder) == before
    db.session.rollback()
    assert db.session.scalars(select(Document)).all() == []


def _docx_with(member: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        archive.writestr("word/media/image1.bin", member)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "member",
    [b"\0" * (50 * MB), b"<w:p/>" * (6 * MB)],
    ids=["50 MB of zeros", "36 MB of XML"],
)
def test_a_docx_that_unpacks_to_far_more_than_it_weighs_is_refused(application, folder, member):
    bomb = _docx_with(member)
    assert len(bomb) < MB  # small enough to pass the size check
    before = files_in(folder)
    with pytest.raises(DocumentRefused, match="unpacks to more than"):
        store_document(application, "cv", upload(bomb, "cv.docx"), application.student)
    db.session.rollback()
    assert files_in(folder) == before
    assert db.session.scalar(select(sa.func.count()).select_from(Document)) == 0


def test_a_docx_of_pictures_that_do_not_compress_is_taken(application):
    pictures = _docx_with(os.urandom(3 * MB), compression=zipfile.ZIP_STORED)
    document = store_document(application, "cv", upload(pictures, "cv.docx"), application.student)
    assert document.size_bytes == len(pictures)
