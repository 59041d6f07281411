"""The applications blueprint and what its view modules share: the application the viewer
may see, and the way back to its page."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange.applications import queries
from exchange.applications.models import Application
from exchange.applications.permissions import actors_for

bp = Blueprint("applications", __name__, url_prefix="/applications")


def upload_rate_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def application_or_404(code: str, *options) -> Application:
    """The application, if the viewer may see it; 404 otherwise, so codes reveal nothing."""
    application = queries.application_by_code(code, *options)
    if application is None or not actors_for(current_user, application):
        abort(404)
    return application


def to_page(application: Application) -> Response:
    return redirect(url_for("applications.show", code=application.code))


def refused(message: str, application: Application) -> Response:
    """A form that did not validate: nothing was changed."""
    flash(message, "danger")
    return to_page(application)
