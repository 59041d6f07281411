"""An application's documents: listed and downloaded by those who see the application,
uploaded by its student while it is a draft, with the form's checks of each file."""

from flask import abort, send_file
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from exchange.api.base import blueprint
from exchange.api.schemas import DocumentSchema
from exchange.applications import services
from exchange.applications.documents import DOCUMENT_KINDS, document_path
from exchange.applications.models import Application, Document
from exchange.applications.pages import application_or_404, upload_rate_limit
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role
from exchange.extensions import db, limiter
from exchange.web.transaction import attempt

bp = blueprint("Documents", "/applications", "The documents of an application.")


class DocumentKindSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_KINDS)))


class DocumentFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "PDF, JPEG, PNG or DOCX"})


def _document_or_404(application: Application, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.application_id != application.id:
        abort(404, f"{application.code} has no document {document_id}.")
    return document


@bp.route("/<code>/documents")
@login_required
@bp.response(200, DocumentSchema(many=True))
def list_documents(code: str):
    """The application's documents, by kind."""
    application = application_or_404(code)
    return sorted(application.documents, key=lambda document: (document.kind, document.id))


@bp.route("/<code>/documents", methods=["POST"])
@role_required(Role.STUDENT)
@limiter.limit(upload_rate_limit)
@bp.arguments(DocumentKindSchema, location="form")
@bp.arguments(DocumentFileSchema, location="files")
@bp.response(201, DocumentSchema)
def upload_document(form, files, code: str):
    """Attach a document of a kind to the student's draft; it replaces one of that kind."""
    application = application_or_404(code)
    if application.student_id != current_user.id:
        abort(404, f"There is no application {code} of yours.")
    with attempt():
        document = services.attach_document(current_user, application, form["kind"], files["file"])
    return document


@bp.route("/<code>/documents/<int:document_id>")
@login_required
@bp.response(200, {"format": "binary", "type": "string"}, content_type="application/octet-stream")
def download_document(code: str, document_id: int):
    """The file as it was uploaded."""
    document = _document_or_404(application_or_404(code), document_id)
    return send_file(
        document_path(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_filename,
    )
