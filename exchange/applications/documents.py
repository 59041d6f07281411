"""Documents attached to an application: checked by their content, stored outside the static
folder under a random name, and kept in step with the database.

Files follow the transaction that records them. A file written for a new document is
removed again when the flush fails or the transaction rolls back; the file of a replaced or
deleted document is removed only once the transaction commits, so a rollback never leaves a
row that points to a missing file. Who may upload is the callers' business (the services).
"""

import hashlib
import io
import logging
import re
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePath

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from exchange.applications.models import MAX_DOCUMENT_BYTES, Application, Document
from exchange.auth.models import User
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.web.uploads import size_of, too_large

log = logging.getLogger(__name__)

DOCUMENT_KINDS: dict[str, str] = {
    "cv": "Curriculum vitae",
    "motivation_letter": "Motivation letter",
    "language_certificate": "Language certificate",
    "immunization_record": "Immunization record",
    "proof_of_enrollment": "Proof of enrollment",
    "photo": "Photo",
    "passport": "Passport copy",
    "insurance": "Proof of insurance",
}

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# MIME type -> what a person calls it. The same four types as the Document CHECK constraint.
ALLOWED_TYPES: dict[str, str] = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", DOCX: "DOCX"}
ALLOWED_TYPES_TEXT = "PDF, JPG, PNG or DOCX"
# For the file input's ``accept`` attribute: a hint to the browser, never trusted.
ACCEPT_EXTENSIONS = ".pdf,.jpg,.jpeg,.png,.docx"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_SIGNATURE = b"PK\x03\x04"
_DOCX_MEMBERS = {"[Content_Types].xml", "word/document.xml"}
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_FILENAME_LENGTH = 255  # Document.original_filename

# session.info keys: files to remove when the transaction ends one way or the other.
_REMOVE_ON_COMMIT = "exchange.documents.remove_on_commit"
_REMOVE_ON_ROLLBACK = "exchange.documents.remove_on_rollback"


class DocumentRefused(DomainError):
    """A file that cannot be attached as it is; ``field`` names the form field at fault
    (``file`` or ``kind``), so that the page says it beside that field."""

    status_code = 422

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field


class DocumentTooLarge(DocumentRefused):
    """A file over MAX_DOCUMENT_BYTES."""

    status_code = 413


def sniff_content_type(data: bytes) -> str | None:
    """The MIME type of ``data`` judged from its content (never its name), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_ZIP_SIGNATURE) and _is_docx(data):
        return DOCX
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist()) >= _DOCX_MEMBERS
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


# A DOCX is a zip archive: what it unpacks to is checked, not only what it weighs. Real
# ones (text and pictures) unpack to a few times their size; a "zip bomb" to thousands.
MAX_DOCX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_DOCX_RATIO = 100  # unpacked bytes per packed byte, over the whole archive
_UNPACK_CHUNK = 1024 * 1024


def docx_problem(data: bytes) -> str | None:
    """Why the DOCX ``data`` is refused, or None: it unpacks to more than
    MAX_DOCX_UNPACKED_BYTES, or more than MAX_DOCX_RATIO times its size. The members are
    unpacked (and the unpacking stopped at the limit), so sizes its index lies about count
    as what they are."""
    limit = min(MAX_DOCX_UNPACKED_BYTES, MAX_DOCX_RATIO * len(data))
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while chunk := stream.read(_UNPACK_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            return (
                                f"unpacks to more than {limit // (1024 * 1024) or 1} MB, "
                                "far more than a document holds; save it again from your "
                                "word processor, or as a PDF"
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return "is a damaged DOCX file; save it again, or as a PDF"
    return None


def document_path(document: Document) -> Path:
    """Where the file of ``document`` lives on disk."""
    if not _STORED_NAME.fullmatch(document.stored_name or ""):
        # Only names made by store_document are ever joined to the upload folder.
        raise ValueError(f"Document {document.id} has an unexpected stored name.")
    return _upload_folder() / document.stored_name


def store_document(
    application: Application, kind: str, upload: FileStorage, uploaded_by: User
) -> Document:
    """Check ``upload``, store it and record it as the application's document of ``kind``,
    replacing the one of that kind it had. Flushes; raises DocumentRefused for a file refused."""
    shown_name = _shown_name(upload.filename)
    if kind not in DOCUMENT_KINDS:
        raise DocumentRefused(
            f"{shown_name} cannot be attached: {kind!r} is not a kind of document "
            f"(choose one of: {', '.join(DOCUMENT_KINDS.values())}).",
            field="kind",
        )
    data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
    if not data:
        raise DocumentRefused(f"{shown_name} is empty; choose the file again.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(too_large(max(len(data), size_of(upload)), MAX_DOCUMENT_BYTES))
    content_type = sniff_content_type(data)
    if content_type not in ALLOWED_TYPES:
        raise DocumentRefused(f"{shown_name} is not a {ALLOWED_TYPES_TEXT} file.")
    if content_type == DOCX and (problem := docx_problem(data)):
        raise DocumentRefused(f"{shown_name} {problem}.")

    # Find the document it replaces before writing anything: a failure here leaves no file.
    replaced = [doc for doc in application.documents if doc.kind == kind]

    folder = _upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    with path.open("xb") as file:  # "x": never overwrite another document's file
        file.write(data)

    session = db.session()
    try:
        for old in replaced:
            application.documents.remove(old)  # delete-orphan removes the row
        document = Document(
            kind=kind,
            original_filename=_original_filename(upload.filename),
            stored_name=stored_name,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=uploaded_by.id,
        )
        application.documents.append(document)
        session.add(document)  # also when the application is not in the session yet
        session.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _after_transaction(session, remove_on_rollback=[path])
    _after_transaction(session, remove_on_commit=[_stored_path(old) for old in replaced])
    return document


def delete_document(document: Document) -> None:
    """Delete the document's row now and its file when the transaction commits."""
    path = _stored_path(document)
    session = db.session()
    session.delete(document)
    session.flush()
    _after_transaction(session, remove_on_commit=[path])


def _upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _stored_path(document: Document) -> Path | None:
    try:
        return document_path(document)
    except ValueError:
        log.warning("Document %s has no file of its own to remove.", document.id)
        return None


def _shown_name(filename: str | None) -> str:
    """The file's name as the person chose it, for messages (templates escape it)."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    if not name:
        return "The file"
    return f'"{name[:80]}..."' if len(name) > 80 else f'"{name}"'


def _original_filename(filename: str | None) -> str:
    name = secure_filename(filename or "") or "document"
    if len(name) > _FILENAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        if dot and len(suffix) <= 10:
            name = stem[: _FILENAME_LENGTH - len(suffix) - 1] + "." + suffix
        else:
            name = name[:_FILENAME_LENGTH]
    return name


def _after_transaction(
    session: Session,
    remove_on_commit: Iterable[Path | None] = (),
    remove_on_rollback: Iterable[Path | None] = (),
) -> None:
    """Remember files to remove when the session's transaction commits or rolls back."""
    if not event.contains(session, "after_commit", _remove_after_commit):
        event.listen(session, "after_commit", _remove_after_commit)
        event.listen(session, "after_transaction_end", _remove_after_rollback)
    session.info.setdefault(_REMOVE_ON_COMMIT, []).extend(p for p in remove_on_commit if p)
    session.info.setdefault(_REMOVE_ON_ROLLBACK, []).extend(p for p in remove_on_rollback if p)


def _remove_after_commit(session: Session) -> None:
    session.info.pop(_REMOVE_ON_ROLLBACK, None)  # those files are now recorded for good
    _remove(session.info.pop(_REMOVE_ON_COMMIT, []))


def _remove_after_rollback(session: Session, transaction) -> None:
    # Runs after _remove_after_commit when the transaction committed, so whatever is still
    # listed here belongs to a transaction that ended without a commit (rollback or close).
    if transaction.parent is not None:
        return
    session.info.pop(_REMOVE_ON_COMMIT, None)
    _remove(session.info.pop(_REMOVE_ON_ROLLBACK, []))


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("Could not remove the document file %s", path)
