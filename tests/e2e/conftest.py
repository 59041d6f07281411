"""Browser tests: Debian's Chromium, driven by Playwright, against the app served by a real
``flask run`` process on loopback, on a fresh SQLite database built by the real migrations.

Playwright's own browser download is never used: the tests launch the Chromium at
``EXCHANGE_CHROMIUM`` (default /usr/bin/chromium) and are skipped, with the reason in the
summary, where it or Playwright is missing.

Every page a test opens is watched: a console error, an uncaught script error, a failed
request for a stylesheet, script, image or font, or any server error fails the test.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.processes import exited_within, pause, run_process

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("EXCHANGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SERVER_START_TIMEOUT = 30  # seconds
# Requests for these are the page's assets: any failure of one is a broken page.
ASSET_TYPES = {"stylesheet", "script", "image", "font", "media"}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
    if sync_playwright is None:
        return (
            "Playwright for Python is not installed: browser tests skipped "
            "(pip install -e '.[dev]')"
        )
    return None


def pytest_collection_modifyitems(config, items):
    # A skip marker rather than pytest.skip() at import: the reason then shows in the -ra
    # summary however pytest is called (a conftest named on the command line is imported
    # before collection, where a module-level skip would abort the run).
    reason = _missing()
    if reason is None:
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(skip)


@dataclass
class LiveServer:
    url: str
    world: dict  # what tests/e2e/seed_world.py made: accounts, month and dates


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(instance: Path) -> dict[str, str]:
    """This process's environment without any EXCHANGE_/FLASK_ setting (the test suite's own
    ones included), plus the live server's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EXCHANGE_", "FLASK_"))
    }
    env.update(
        FLASK_APP="wsgi.py",
        EXCHANGE_ENV="development",
        EXCHANGE_INSTANCE_PATH=str(instance),
        EXCHANGE_DATABASE_URL=f"sqlite:///{instance / 'e2e.sqlite'}",
        EXCHANGE_SECRET_KEY="e2e-tests-only-not-secret-0123456789abcdef",
        EXCHANGE_RATELIMIT_ENABLED="false",
        EXCHANGE_MAIL_BACKEND="log",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> str:
    """Run a setup command to its end; its stdout, or a failure that shows its output."""
    result = run_process(command, env=env, cwd=PROJECT_ROOT)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The server stopped ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        pause(0.2)
    pytest.fail(f"The server did not answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app, served by ``flask run`` on a free loopback port, with its world seeded."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    env = _server_env(instance)
    _run([sys.executable, "-m", "flask", "db", "upgrade"], env)
    output = _run([sys.executable, "-m", "tests.e2e.seed_world"], env)
    world = json.loads(output.strip().splitlines()[-1])
    with serving(instance, env, world) as server:
        yield server


def demo_server(tmp_path_factory, *seed_options: str):
    """For a module's own ``live_server`` fixture: the app with the demo federation
    (``seed-demo`` with ``seed_options``), served like conftest's small world."""
    from exchange.demo import DEMO_PASSWORD, demo_logins

    instance = tmp_path_factory.mktemp("e2e-demo-instance")
    env = _server_env(instance)
    _run([sys.executable, "-m", "flask", "db", "upgrade"], env)
    _run([sys.executable, "-m", "flask", "exchange", "seed-demo", *seed_options], env)
    world = {"password": DEMO_PASSWORD, "logins": dict(demo_logins())}
    with serving(instance, env, world) as server:
        yield server


@contextmanager
def serving(instance: Path, env: dict[str, str], world: dict):
    """``flask run`` on a free loopback port with ``env``, until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance / "server.log"
    # The server writes into a file, never into a pipe: nothing to drain, nothing blocks.
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, server, log)
        yield LiveServer(url=url, world=world)
    finally:
        died = server.poll()
        if died is None:
            server.terminate()
            if not exited_within(server, 10):
                server.kill()
                server.wait()
        else:
            print(f"\nThe live server had stopped ({died}):\n{log.read_text()}", file=sys.stderr)


def _browser_env() -> dict[str, str]:
    """The browser's environment: the suite's, on the machine's real clock. Where the suite
    runs under libfaketime (as CI's pass at a season's turn does), only the app is moved in
    time; Chromium's own timers hang on a faked clock."""
    faked = {"LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"}
    return {name: value for name, value in os.environ.items() if name not in faked}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, env=_browser_env()
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the pages of one test, in words."""

    console_errors: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [
            *(f"console error: {e}" for e in self.console_errors),
            *(f"uncaught script error: {e}" for e in self.script_errors),
            *(f"request failed: {e}" for e in self.failed_requests),
            *(f"bad response: {e}" for e in self.bad_responses),
        ]


def _watch(page, problems: PageProblems) -> None:
    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            problems.console_errors.append(
                f"{message.text} ({location.get('url', '?')}:{location.get('lineNumber', '?')},"
                f" on {page.url})"
            )

    def on_request_failed(request):
        failure = request.failure or "unknown failure"
        # A document request (a page, a form post) is aborted when the test itself moves on,
        # e.g. a navigation replaced by the next one, or a download instead of a page. That
        # says nothing about the app. An asset is never excused: the tests wait for each page
        # to load before acting on it, so an aborted stylesheet or script is a real failure.
        if request.resource_type not in ASSET_TYPES and "net::ERR_ABORTED" in failure:
            return
        problems.failed_requests.append(
            f"{request.method} {request.url} ({request.resource_type}): {failure}"
        )

    def on_response(response):
        request = response.request
        if (request.resource_type in ASSET_TYPES and response.status >= 400) or (
            response.status >= 500
        ):
            problems.bad_responses.append(
                f"{request.method} {response.url} ({request.resource_type}): {response.status}"
            )

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.script_errors.append(f"{error} (on {page.url})"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def page(browser, live_server, page_problems):
    """A page in a fresh browser context (no cookies shared between tests), based at the live
    server; the test fails if any page it opened showed a problem."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    made = context.new_page()
    _watch(made, page_problems)
    try:
        yield made
    finally:
        context.close()
    problems = page_problems.all()
    assert not problems, "The pages showed problems:\n" + "\n".join(problems)
