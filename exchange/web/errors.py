"""Turning errors into pages or JSON problems: a user never sees a traceback.

HTML requests get an error page or a flash message; requests under ``/api/`` get an
``application/problem+json`` body.
"""

import logging
import math
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    TooManyRequests,
)

from exchange import clock
from exchange.errors import DomainError
from exchange.extensions import db, limiter
from exchange.months import format_datetime
from exchange.web.uploads import format_size

log = logging.getLogger(__name__)

ERROR_PAGES = {400, 403, 404, 405, 413, 429, 500}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None, errors: dict | None = None):
    """An RFC 9457 problem; ``errors`` holds the messages of each field that was refused."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="exchange"'
    return response


def _field_errors(error: HTTPException) -> dict | None:
    """The messages of the fields that the API's argument parser (webargs) refused, keyed
    by field whichever part of the request (query, JSON body, form, files) held them."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return None
    fields: dict = {}
    for part in messages.values():
        if isinstance(part, dict):
            fields.update(part)
    return fields or None


def handle_http_error(error: HTTPException):
    if wants_json():
        errors = _field_errors(error)
        detail = error.description
        if errors:
            detail = "Some fields were refused: " + ", ".join(sorted(map(str, errors))) + "."
        elif error.code == 401:
            detail = (
                "Log in, or send a personal token (made on your account page) as "
                "'Authorization: Bearer <token>'."
            )
        return problem(error.code or 500, error.name, detail, errors)
    code = error.code if error.code in ERROR_PAGES else 500
    template = f"errors/{code}.html" if code in (400, 403, 404, 500) else "errors/generic.html"
    # What the view said when it refused (``abort(404, "No NMO has the code XY.")``), not
    # Werkzeug's general words for the status.
    said = error.description if error.description != type(error).description else None
    return render_template(template, error=error, detail=said), error.code


def handle_csrf_error(error: CSRFError):
    if wants_json():
        return problem(400, "Bad Request", error.description)
    return render_template(
        "errors/400.html",
        error=error,
        detail="The form had expired or was sent from another page. "
        "Go back, reload the page and send it again.",
    ), 400


def handle_request_too_large(error: RequestEntityTooLarge):
    """A request over MAX_CONTENT_LENGTH, refused before any of it is read: the page says
    the limit in words and leads back to where the upload came from."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    allowed = format_size(limit) if limit else None
    sent = request.content_length
    detail = "What was sent is larger than this site takes in one upload"
    detail += f" ({allowed})." if allowed else "."
    if wants_json():
        return problem(413, error.name, detail)
    return render_template(
        "errors/413.html",
        error=error,
        allowed=allowed,
        sent=format_size(sent) if sent and limit and sent > limit else None,
        back_url=safe_referrer(),
    ), 413


def _window(limit) -> str:
    """ "in a minute", "in an hour", "in 2 minutes": the window of a ``limits`` item."""
    name = limit.GRANULARITY.name
    if limit.multiples == 1:
        return f"in {'an' if name == 'hour' else 'a'} {name}"
    return f"in {limit.multiples} {name}s"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count != 1 else ''}"


def _wait(seconds: int) -> str:
    """ "40 seconds", "3 minutes", "2 hours": how long, rounded up."""
    if seconds <= 90:
        return _plural(seconds, "second")
    if seconds <= 90 * 60:
        return _plural(math.ceil(seconds / 60), "minute")
    return _plural(math.ceil(seconds / 3600), "hour")


def rate_limit_words(error: TooManyRequests) -> tuple[str, int | None]:
    """What a refused request is told of the limit it hit, and in how many seconds it may
    try again (None when the limit is not known): "Too many sign-in attempts: 10 in a
    minute. Try again in 40 seconds." A limit names what it counts with its
    ``error_message`` (the route's ``limiter.limit``)."""
    runtime_limit = getattr(error, "limit", None)
    if runtime_limit is None:
        return "Too many requests in a short time. Wait a moment and try again.", None
    counted = runtime_limit.error_message
    if callable(counted):
        counted = counted()
    item = runtime_limit.limit
    words = f"{counted or 'Too many requests'}: {item.amount} {_window(item)}."
    current = limiter.current_limit
    if current is None or current.limit != item:
        return f"{words} Wait a moment and try again.", None
    now = clock.now()
    reset_at = datetime.fromtimestamp(current.reset_at, UTC)
    # Whole seconds as flask-limiter's Retry-After header counts them, so both say the same.
    seconds = max(1, int((reset_at - now).total_seconds()))
    if seconds <= 90:
        return f"{words} Try again in {_wait(seconds)}.", seconds
    # The minute named is the first one the limit no longer holds.
    if reset_at.second or reset_at.microsecond:
        reset_at = reset_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    at = f"{reset_at:%H:%M} UTC" if reset_at.date() == now.date() else format_datetime(reset_at)
    return f"{words} Try again in {_wait(seconds)}, at {at}.", seconds


def handle_too_many_requests(error: TooManyRequests):
    """A rate limit was hit: say which, in words, and when to try again (Retry-After too)."""
    message, seconds = rate_limit_words(error)
    if wants_json():
        response = problem(429, error.name, message)
    else:
        response = current_app.make_response(
            (
                render_template(
                    "errors/429.html", error=error, message=message, back_url=safe_referrer()
                ),
                429,
            )
        )
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response


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
    app.register_error_handler(RequestEntityTooLarge, handle_request_too_large)
    app.register_error_handler(TooManyRequests, handle_too_many_requests)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    if not app.testing:
        # In tests an unexpected error must fail the test, not become a 500 page.
        app.register_error_handler(Exception, handle_unexpected_error)
