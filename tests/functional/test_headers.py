"""Headers of issue 14: HSTS in production, no-store on what a signed-in person sees,
and a Server header that names no software version (`make run`'s server; gunicorn says
"gunicorn" with no version)."""

import socket
import subprocess
import sys
import urllib.request

import pytest

from config import ProductionConfig
from tests.processes import exited_within, pause


def test_signed_in_pages_and_pdfs_are_not_kept_by_browsers(client, login, federation):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(federation.student)
    for path in ("/account", "/applications/", "/catalogue/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    # The app's own files stay cacheable for everyone.
    with client.get("/static/css/exchange.css") as style:
        assert "no-store" not in style.headers.get("Cache-Control", "")


def test_hsts_in_production_only(make_app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    production = make_app(HSTS_SECONDS=ProductionConfig.HSTS_SECONDS)
    header = production.test_client().get("/login").headers["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains"


def test_the_demo_server_does_not_name_werkzeug_or_python(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"EXCHANGE_INSTANCE_PATH": str(tmp_path), "FLASK_APP": "wsgi.py", "PATH": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "exchange", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as answer:
                    server_header = answer.headers["Server"]
                break
            except OSError:
                pause(0.2)
        else:
            pytest.fail("the development server did not answer")
    finally:
        server.terminate()
        if not exited_within(server, 10):
            server.kill()
            server.wait()
    assert server_header == "exchange"
