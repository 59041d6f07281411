"""Turning errors into pages or JSON problems: a user never sees a traceback.

HTML requests get an error page or a flash message; requests under ``/api/`` get an
``application/problem+json`` body.
"""

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from exchange.errors import DomainError
from exchange.extensions import db

log = logging.getLogger(__name__)

ERROR_PAGES = {400, 403, 404, 405, 413, 429, 500}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    return response


def handle_http_error(error: HTTPException):
    if wants_json():
        return problem(error.code or 500, error.name, error.description)
    code = error.code if error.code in ERROR_PAGES else 500
    template = f"errors/{code}.html" if code in (400, 403, 404, 500) else "errors/generic.html"
    return render_template(template, error=error), error.code


def handle_csrf_error(error: CSRFError):
    if wants_json():
        return problem(400, "Bad Request", error.description)
    return render_template(
        "errors/400.html",
        error=error,
        detail="The form had expired or was sent from another page. "
        "Go back, reload the page and send it again.",
    ), 400


def handle_domain_error(error: DomainError):
    """A domain error that no ``attempt`` block caught: nothing is saved."""
    db.session.rollback()
    if wants_json():
        return problem(error.status_code, "Not possible", str(error))
    flash(str(error), "danger")
    return redirect(safe_referrer() or url_for("main.index"))


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def safe_referrer() -> str | None:
    """The page the request came from, when it is on this site."""
    referrer = request.referrer
    if referrer and referrer.startswith(request.host_url):
        return referrer
    return None


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    if not app.testing:
        # In tests an unexpected error must fail the test, not become a 500 page.
        app.register_error_handler(Exception, handle_unexpected_error)
