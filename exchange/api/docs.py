"""The API's interactive documentation: Swagger UI, served by the app from the files of
the ``swagger-ui-bundle`` package, never from a CDN.

The page's own script (static/js/api-docs.js) starts Swagger UI, so the CSP stays strict:
no inline script, nothing from elsewhere.
"""

import functools
import mimetypes
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request
from swagger_ui_bundle import swagger_ui_path

from exchange.auth.decorators import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

# Only what the page loads; the package holds source maps and a demo page besides.
SWAGGER_UI_FILES = {"swagger-ui-bundle.js", "swagger-ui.css"}
A_DAY = 24 * 3600


@functools.cache
def _swagger_ui_file(filename: str) -> bytes:
    """A file of the package, read once per process (the bundle is 1 MB)."""
    return (Path(swagger_ui_path) / filename).read_bytes()


@bp.route("/")
@public
def page():
    return render_template("api/docs.html")


@bp.route("/swagger-ui/<filename>")
@public
def swagger_ui_file(filename: str):
    if filename not in SWAGGER_UI_FILES:
        abort(404)
    response = Response(_swagger_ui_file(filename), mimetype=mimetypes.guess_type(filename)[0])
    response.cache_control.public = True
    response.cache_control.max_age = A_DAY
    response.add_etag()
    return response.make_conditional(request)
