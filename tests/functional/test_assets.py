"""plotly.js, served by the app from the ``plotly`` package: at a versioned URL, to anyone,
gzipped for a browser that accepts it, cached for a year, and 304 when the browser has it."""

import gzip
import re
from importlib import resources

import pytest
from flask import current_app, url_for

from exchange.web.assets import CACHE_CONTROL, plotly_bundle

SHIPPED = resources.files("plotly") / "package_data" / "plotly.min.js"


@pytest.fixture
def plotly_url(app) -> str:
    with current_app.test_request_context():
        return url_for("assets.plotly", version=plotly_bundle().version)


def test_the_url_names_the_version_of_plotly_js_it_serves():
    bundle = plotly_bundle()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", bundle.version)
    assert f"plotly.js v{bundle.version}" in SHIPPED.read_text(encoding="utf-8")[:500]


def test_the_bundle_is_served_to_anyone_as_it_ships(client, plotly_url):
    response = client.get(plotly_url)
    assert response.status_code == 200
    assert response.content_type == "text/javascript; charset=utf-8"
    assert "Content-Encoding" not in response.headers
    assert response.data == SHIPPED.read_bytes()
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["ETag"] == f'"{plotly_bundle().etag}"'


def test_a_browser_that_accepts_gzip_gets_it_compressed(client, plotly_url):
    response = client.get(plotly_url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content_type == "text/javascript; charset=utf-8"
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert len(response.data) < len(SHIPPED.read_bytes()) / 2
    assert gzip.decompress(response.data) == SHIPPED.read_bytes()
    # Another representation, another ETag.
    assert response.headers["ETag"] == f'"{plotly_bundle().etag}-gzip"'
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_gzip_refused_by_the_browser_is_not_sent(client, plotly_url):
    response = client.get(plotly_url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == SHIPPED.read_bytes()


def test_it_is_compressed_once_per_process():
    assert plotly_bundle() is plotly_bundle()


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_browser_with_the_same_bundle_gets_304(client, plotly_url, encoding):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = client.get(plotly_url, headers=headers)
    again = client.get(plotly_url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == CACHE_CONTROL
    # A weak validator matches too (If-None-Match compares weakly), another one does not.
    weak = client.get(
        plotly_url, headers={**headers, "If-None-Match": "W/" + first.headers["ETag"]}
    )
    assert weak.status_code == 304
    other = client.get(plotly_url, headers={**headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_the_plain_bundle_etag_does_not_validate_the_gzipped_one(client, plotly_url):
    plain = client.get(plotly_url).headers["ETag"]
    response = client.get(plotly_url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("version", ["0.0.1", "latest", "1.58.5"])
def test_another_version_is_not_found(client, version):
    assert client.get(f"/assets/plotly-{version}.min.js").status_code == 404


def test_the_bundle_names_the_inline_styles_the_report_pages_stand_in_for():
    # plotly.js writes the map traces' CSS into a <style> at load unless an element with
    # its id is there; the CSP would refuse that style, so the pages need the id.
    ids = plotly_bundle().inline_style_ids
    assert ids
    body = SHIPPED.read_text(encoding="utf-8")
    for style_id in ids:
        assert f'document.getElementById("{style_id}")' in body
