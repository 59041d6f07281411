"""Assets that come from Python packages, served by the app itself: plotly.js, which draws
the reports' charts, from the bundle that ships inside the ``plotly`` package.

The bundle (4.8 MB, 1.5 MB gzipped) is read and compressed once per process and kept in
memory. Its URL carries its version, so browsers may keep it for a year: a new version of
the package is a new URL.
"""

import functools
import gzip
import hashlib
import re
from dataclasses import dataclass
from importlib import metadata, resources

from flask import Blueprint, Response, abort, request, url_for

from exchange.auth.decorators import public

bp = Blueprint("assets", __name__)

CACHE_CONTROL = "public, max-age=31536000, immutable"
JAVASCRIPT = "text/javascript; charset=utf-8"
# The bundle opens with "plotly.js v4.1.1" in its licence comment.
_VERSION = re.compile(rb"plotly\.js v(\d+\.\d+\.\d+[\w.-]*)")
# At load the bundle adds one <style> element of its own (map traces' CSS) unless an
# element with its id is there already; the CSP refuses inline styles, so the report pages
# put an empty element of each such id first (templates/reports/_plotly.html).
_INLINE_STYLE_ID = re.compile(
    rb'getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)'
)


@dataclass(frozen=True)
class Bundle:
    """A script as served: its bytes, gzipped too, with an ETag for each."""

    version: str
    body: bytes
    gzipped: bytes
    etag: str  # of the plain body; the gzipped one's ends in "-gzip"
    inline_style_ids: tuple[str, ...]


@functools.cache
def plotly_bundle() -> Bundle:
    """plotly.js as the ``plotly`` package ships it, read and compressed once."""
    body = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    found = _VERSION.search(body[:2000])
    # A bundle without its licence comment: the Python package's version stands for it.
    version = found.group(1).decode() if found else metadata.version("plotly")
    return Bundle(
        version=version,
        body=body,
        # mtime=0: the same bytes in every process, so every server's ETag agrees.
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag=hashlib.sha256(body).hexdigest()[:32],
        inline_style_ids=tuple(m.decode() for m in _INLINE_STYLE_ID.findall(body)),
    )


@bp.app_template_global()
def plotly_script_url() -> str:
    """The versioned URL of plotly.js, for a page's <script src>."""
    return url_for("assets.plotly", version=plotly_bundle().version)


@bp.app_template_global()
def plotly_inline_style_ids() -> tuple[str, ...]:
    """The ids of the <style> elements plotly.js would add at load (see above)."""
    return plotly_bundle().inline_style_ids


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


@bp.route("/assets/plotly-<version>.min.js")
@public
def plotly(version: str):
    """plotly.js, gzipped for a browser that accepts it; 304 when the browser has it."""
    bundle = plotly_bundle()
    if version != bundle.version:
        abort(404, "There is no such version of plotly.js here.")
    gzipped = _accepts_gzip()
    etag = f"{bundle.etag}-gzip" if gzipped else bundle.etag
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304, headers=headers)
    else:
        body = bundle.gzipped if gzipped else bundle.body
        response = Response(body, content_type=JAVASCRIPT, headers=headers)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    return response
