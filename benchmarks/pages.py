"""How many requests a second the app's busiest pages serve under gunicorn, beside a bare
Flask "Hello, World!" served the same way in the same run (issue 12).

Run: ``.venv/bin/python benchmarks/pages.py [--postgres URL] [--seasons 1 5]
[--applications 20000] [--duration 8] [--pages SUBSTRING] [--reseed] [--folder DIR]``
(``--help`` lists the rest: wrk's connections and threads, gunicorn's workers, the ports).
A quick try: ``--applications 2000 --seasons 1 --duration 2``. It needs gunicorn
(``.venv/bin/pip install -e '.[production]'``) and wrk (``apt-get install wrk``).

The data: the demo federation (``seed_demo(applications=20000, seed=2026, seasons=N)``:
5,000+ departments, contracts, every application's history) of 1 season and of 5, in
SQLite files ``<prefix>_1season.sqlite`` and ``<prefix>_5seasons.sqlite`` in ``--folder``,
or, with ``--postgres postgresql+psycopg://postgres@127.0.0.1:5432``, in the PostgreSQL
databases ``<prefix>_1season`` and ``<prefix>_5seasons`` (created when missing). A database
is reused on the next run when it holds the same demo (seasons, applications, seed, ending
with today's season): a marker file beside the SQLite file, the database's COMMENT on
PostgreSQL, as in benchmarks/dashboards.py. ``--reseed`` builds it again.

The pages (``find_pages``; ``--pages`` keeps those whose URL contains a substring):
as the demo national officer, the outgoing queue in every state, the incoming queue, the
contracts, the placements, one of the NMO's applications, the NMO directory and the NMO's
dashboard; as the demo student, their applications, the catalogue and the catalogue of the
host with the most departments; the federation's dashboard as the admin, the LC's as the
local officer; and a matching proposal, made anew by each run (the matching services' own
incoming run) for the officer's NMO, or, when fewer than 100 nominated students wait there,
for the NMO where the most wait, read by its national officer. The demo stands on today's
date, so late in a season few students wait: the run prints how many the proposal holds.

The servers: the hello app (``benchmarks.pages:hello``) and the app on each database
(``exchange.app:create_app()``), each in its own gunicorn with the same settings (``--workers``
sync workers, on 127.0.0.1, ports from ``--port`` up), all started before the first load and
stopped at the end. The app runs with its production configuration (EXCHANGE_ENV=production,
a random secret key), as it is deployed, except for what plain HTTP on loopback needs: the
session cookie without the Secure flag, which the client would not send back over HTTP;
rate limits off (the load comes from one address); mail written to the log. The cache is
Redis at ``--redis`` when it answers, as in production; each worker's memory otherwise.

The load: the demo users log in (POST /login with the CSRF token of the login page); each
page is fetched once as its reader to note its size, then wrk drives it for ``--duration``
seconds (``wrk -t2 -c16 --latency``: a bounded load on loopback) with that reader's Cookie and
User-Agent headers (session_protection="strong" binds the session to the User-Agent). Every
page's run comes between two runs of the hello app, so each page is compared with hello in
the same minutes of a machine that may be busy; with two sizes, each page is loaded at 1
season then at 5 in a row. A wrk Lua script checks every response: status 200 and the
page's size within 3% (CSRF tokens and times vary), never the login page; a page with any
other response, or any socket error or timeout, is reported FAILED instead of a figure.

Printed for each page: requests a second, that as a share of hello's (the mean of the hello
runs just before and just after), the median and 95th percentile latency, and the page's
size; then a Markdown table for the README. Targets, at 20,000 applications a season: every
page serves at least 15% of hello's requests a second at 1 season, and at 5 seasons at least
80% of what it serves at 1 season (history must not slow down the running season). The exit
status is 1 when a target is missed or a page FAILED.
"""

import argparse
import http.client
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dashboards import create_database_if_missing, database_url, redis_answers
from config import DevelopmentConfig
from exchange.app import create_app
from exchange.extensions import db

ROOT = Path(__file__).resolve().parent.parent
APPLICATIONS = 20000
SEASON_COUNTS = (1, 5)
DEFAULT_FOLDER = "/tmp/exchange-pages-benchmark"
DEFAULT_PREFIX = "exchange_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
MARKER = "exchange pages benchmark"
TARGET_SHARE_OF_HELLO = 15  # percent, at 1 season
TARGET_RATIO = 0.8  # 5 seasons' requests a second over 1 season's, at least
SIZE_TOLERANCE = 0.03  # a response's body may differ this much from the page's size
MATCHING_STUDENTS = 100  # the matching proposal's size, about
HOST = "127.0.0.1"
HELLO_APP = "benchmarks.pages:hello"  # gunicorn's name of the bare app below
APP = "exchange.app:create_app()"
# What every request says it is: the session is bound to it (session_protection="strong").
USER_AGENT = "exchange-pages-benchmark/1 (wrk)"
WRK_TIMEOUT = "30s"  # a request slower than this counts as a socket error: the page FAILS
RESULT_TAG = "PAGESBENCH"

# The wrk script: counts the responses that are not the page (a status other than 200, a
# body whose length is out of [low, high]) in each thread, and prints one parseable line
# with the counts and the latency percentiles (microseconds). The counters are globals,
# which thread:get reads from each thread's Lua state.
WRK_SCRIPT = """
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   low, high = tonumber(args[1]), tonumber(args[2])
   wrong_status, wrong_size = 0, 0
end

function response(status, headers, body)
   if status ~= 200 then
      wrong_status = wrong_status + 1
   elseif #body < low or #body > high then
      wrong_size = wrong_size + 1
   end
end

function done(summary, latency, requests)
   local statuses, sizes = 0, 0
   for _, thread in ipairs(threads) do
      statuses = statuses + thread:get("wrong_status")
      sizes = sizes + thread:get("wrong_size")
   end
   local errors = summary.errors
   io.write(string.format(
      "%s requests=%d duration_us=%d p50_us=%d p95_us=%d wrong_status=%d wrong_size=%d "
         .. "socket_errors=%d\\n",
      "RESULT_TAG", summary.requests, summary.duration, latency:percentile(50),
      latency:percentile(95), statuses, sizes,
      errors.connect + errors.read + errors.write + errors.timeout))
end
""".replace("RESULT_TAG", RESULT_TAG)

# The bare app every page is compared with: what Flask and gunicorn cost by themselves.
hello = Flask("hello")


@hello.route("/")
def hello_world() -> str:
    return "Hello, World!"


@dataclass(frozen=True)
class Page:
    """A page as one reader gets it: ``name`` the same in every database, ``path`` this
    database's URL (its ids and codes)."""

    name: str
    reader: str  # who reads it, in words
    email: str
    path: str


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    wrong_status: int
    wrong_size: int
    socket_errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def faults(self) -> str | None:
        """What went wrong, in words; None when every response was the page."""
        faults = [
            f"{count} {what}"
            for count, what in (
                (self.wrong_status, "responses not 200"),
                (self.wrong_size, "responses of another size"),
                (self.socket_errors, "socket errors or timeouts"),
            )
            if count
        ]
        if not self.requests:
            faults.append("no response")
        return ", ".join(faults) or None


@dataclass(frozen=True)
class Measured:
    """One page at one size, beside hello."""

    seasons: int
    page: Page
    size: int  # bytes of the page's body
    load: Load | None  # None when the page could not even be fetched once
    hello: float  # hello's requests a second, the mean of the runs before and after
    failed: str | None  # why the figures are not the page's, if they are not

    @property
    def share(self) -> float:
        """Requests a second as a percentage of hello's."""
        return 100 * self.load.per_second / self.hello


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server without the database name, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432 (default: SQLite files in --folder)",
    )
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="the databases are <prefix>_1season and <prefix>_5seasons (default: %(default)s)",
    )
    parser.add_argument(
        "--folder",
        default=DEFAULT_FOLDER,
        help="where the SQLite files and the run's files go (default: %(default)s)",
    )
    parser.add_argument(
        "--seasons",
        type=int,
        nargs="+",
        default=list(SEASON_COUNTS),
        choices=range(1, 11),
        metavar="N",
        help="the sizes to measure, in seasons of history (default: 1 5)",
    )
    parser.add_argument("--applications", type=int, default=APPLICATIONS, help="in each season")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument(
        "--duration", type=int, default=8, help="seconds of load per run (default: 8)"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk's (default: 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's (default: 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's (default: 2)")
    parser.add_argument(
        "--pages",
        metavar="SUBSTRING",
        help="only the pages whose URL, as the table names it, contains it",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=5810,
        help="hello's port; the app's on each database the next ones (default: %(default)s)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("EXCHANGE_BENCHMARK_REDIS", DEFAULT_REDIS),
        help="the app's cache when it answers (default: $EXCHANGE_BENCHMARK_REDIS or "
        f"{DEFAULT_REDIS})",
    )
    arguments = parser.parse_args()
    if arguments.duration < 1 or arguments.connections < arguments.threads:
        parser.error("--duration must be at least 1, --connections at least --threads")
    counts = sorted(set(arguments.seasons))
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: apt-get install wrk")
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        sys.exit("gunicorn is missing: .venv/bin/pip install -e '.[production]'")
    redis_url = arguments.redis if redis_answers(arguments.redis) else None
    if redis_url is None:
        print(f"{arguments.redis} does not answer: the cache is each worker's memory")

    folder = Path(arguments.folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="run-", dir=folder) as run_folder:
        run_folder = Path(run_folder)
        os.environ["EXCHANGE_INSTANCE_PATH"] = str(run_folder / "instance")
        databases, pages = {}, {}
        for seasons in counts:
            databases[seasons] = prepared_database(seasons, folder, redis_url, arguments)
            pages[seasons] = pages_of(databases[seasons], redis_url, arguments.pages)
        if not pages[counts[0]]:
            sys.exit(f"No page's URL contains {arguments.pages!r}.")
        script = run_folder / "check.lua"
        script.write_text(WRK_SCRIPT)
        servers = []
        try:
            hello_port = arguments.port
            servers.append(
                Server("hello", HELLO_APP, hello_port, {}, run_folder, arguments.workers)
            )
            ports = {}
            for number, seasons in enumerate(counts, start=1):
                ports[seasons] = port = arguments.port + number
                settings = app_settings(databases[seasons], port, run_folder, redis_url)
                servers.append(
                    Server(f"app-{seasons}", APP, port, settings, run_folder, arguments.workers)
                )
            for server in servers:
                server.wait_until_ready()
            loader = Loader(wrk, script, arguments)
            results = measure(loader, hello_port, ports, pages)
        finally:
            for server in servers:
                server.stop()
    return report(results, counts, arguments.applications)


# The databases


def prepared_database(seasons: int, folder: Path, redis_url: str | None, arguments) -> str:
    """The URL of the database of ``seasons`` seasons, seeded (or reused)."""
    if arguments.postgres:
        url = database_url(arguments.postgres, arguments.prefix, seasons)
        create_database_if_missing(url)
        marker = PostgresMarker(url)
    else:
        name = f"{arguments.prefix}_{seasons}season{'s' if seasons > 1 else ''}"
        path = folder / f"{name}.sqlite"
        url = f"sqlite:///{path}"
        marker = SqliteMarker(path)
    with app_on(url, redis_url).app_context():
        seed(marker, seasons, arguments)
        db.session.remove()
        db.engine.dispose()
    return url


def app_on(url: str, redis_url: str | None) -> Flask:
    """The app in this process, on ``url``: for seeding and for finding the pages' ids.
    It shares the servers' cache, so that the seed's commit makes them count again."""

    class BenchmarkConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        REDIS_URL = redis_url

    return create_app(BenchmarkConfig)


class SqliteMarker:
    """What demo a SQLite file holds: a marker file beside it, written once it is seeded."""

    def __init__(self, path: Path):
        self.path = path
        self.marker = path.with_name(path.name + ".marker")
        self.name = path.name

    def read(self) -> str | None:
        if not (self.path.exists() and self.marker.exists()):
            return None
        return self.marker.read_text().strip()

    def clear(self) -> None:
        """Start from an empty file, whatever an earlier run left there."""
        self.marker.unlink(missing_ok=True)
        db.engine.dispose()
        for leftover in (self.path, *self.path.parent.glob(self.path.name + "-*")):
            leftover.unlink(missing_ok=True)

    def write(self, text: str) -> None:
        # SQLite has no planner statistics unless someone runs ANALYZE: left as the app
        # leaves it.
        self.marker.write_text(text + "\n")


class PostgresMarker:
    """What demo a PostgreSQL database holds: its COMMENT, as in benchmarks/dashboards.py."""

    def __init__(self, url: str):
        self.name = sa.engine.make_url(url).database

    def read(self) -> str | None:
        found = db.session.scalar(
            sa.text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
        )
        db.session.rollback()
        return found

    def clear(self) -> None:
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))

    def write(self, text: str) -> None:
        # Fresh tables have no planner statistics until autovacuum passes: gather them, as
        # a database in use has them.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
            connection.execute(sa.text(f"COMMENT ON DATABASE \"{self.name}\" IS '{text}'"))


def seed(marker, seasons: int, arguments) -> None:
    """Seed the demo of ``seasons`` seasons, unless the database holds it already."""
    from flask_migrate import upgrade

    from exchange import clock
    from exchange.demo import seed_demo
    from exchange.organizations.seasons import season_code_of

    wanted = (
        f"{MARKER}: seasons={seasons} applications={arguments.applications} "
        f"seed={arguments.seed} last_season={season_code_of(clock.today())}"
    )
    found = marker.read()
    if not arguments.reseed and found and found.startswith(wanted + " "):
        print(
            f"{marker.name}: reusing the demo seeded earlier ({found.removeprefix(MARKER + ': ')})"
        )
        upgrade()
        return

    print(f"{marker.name}: seeding {seasons} season(s) of {arguments.applications} applications")
    marker.clear()
    upgrade()
    started = time.perf_counter()
    seed_demo(applications=arguments.applications, seed=arguments.seed, seasons=seasons)
    db.session.commit()
    seeded = time.perf_counter() - started
    marker.write(f"{wanted} seeded={clock.today().isoformat()} in {seeded:.0f} s")
    print(f"{marker.name}: seeded in {seeded:.1f} s", flush=True)


# The pages


def pages_of(url: str, redis_url: str | None, wanted: str | None) -> list[Page]:
    """The pages measured, with this database's ids and codes in their URLs; only those
    whose name contains ``wanted``, when given."""
    with app_on(url, redis_url).app_context():
        try:
            return find_pages(lambda name: not wanted or wanted.lower() in name.lower())
        finally:
            db.session.remove()
            db.engine.dispose()


def find_pages(selected) -> list[Page]:
    from exchange.demo.data import ADMIN_EMAIL, LEO_EMAIL, NEO_EMAIL, STUDENT_EMAIL

    neo = membership_of(NEO_EMAIL, "NATIONAL_OFFICER")
    leo = membership_of(LEO_EMAIL, "LOCAL_OFFICER")
    student = membership_of(STUDENT_EMAIL, "STUDENT")
    officer, student_reader = "national officer", "student"
    found = []

    def add(name: str, reader: str, email: str, path=None) -> None:
        if selected(name):
            # ``path`` is a function when finding it costs something (the matching run).
            path = name if path is None else path() if callable(path) else path
            found.append(Page(name, reader, email, path))

    add("/applications/?queue=outgoing&state=", officer, NEO_EMAIL)
    add("/applications/?queue=incoming", officer, NEO_EMAIL)
    add("/applications/", student_reader, STUDENT_EMAIL)
    add("/catalogue/", student_reader, STUDENT_EMAIL)
    host = busiest_host(student.nmo_id)
    add("/catalogue/<host>/SCOPE", student_reader, STUDENT_EMAIL, f"/catalogue/{host}/SCOPE")
    add("/contracts/", officer, NEO_EMAIL)
    add("/placements/", officer, NEO_EMAIL)
    add("/applications/<code>", officer, NEO_EMAIL, lambda: f"/applications/{application_of(neo)}")
    if selected("/matching/<run>"):
        path, email, reader = matching_proposal(neo)
        add("/matching/<run>", reader, email, path)
    add("/nmos/", officer, NEO_EMAIL)
    add("/reports/", "admin", ADMIN_EMAIL)
    add("/reports/nmos/<NMO>", officer, NEO_EMAIL, f"/reports/nmos/{neo.nmo.code}")
    add("/reports/lcs/<LC>", "local officer", LEO_EMAIL, f"/reports/lcs/{leo.lc_id}")
    return found


def membership_of(email: str, role: str):
    """The demo user's membership in ``role`` (a Role's name)."""
    from exchange.auth.models import Membership, Role, User

    statement = (
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(User.email == email, Membership.role == Role[role])
    )
    found = db.session.scalars(statement).first()
    if found is None:
        sys.exit(f"The demo has no {role.lower()} {email}: is the database seeded?")
    return found


def busiest_host(own_nmo_id: int) -> str:
    """The code of the host with the most open departments, other than the student's NMO."""
    from exchange.organizations.models import NMO
    from exchange.placements.models import Placement, PlacementKind

    count = sa.func.count(Placement.id)
    nmo_id = db.session.execute(
        sa.select(Placement.nmo_id)
        .where(
            Placement.kind == PlacementKind.DEPARTMENT,
            Placement.closed_at.is_(None),
            Placement.nmo_id != own_nmo_id,
        )
        .group_by(Placement.nmo_id)
        .order_by(count.desc(), Placement.nmo_id)
        .limit(1)
    ).scalar_one()
    return db.session.get(NMO, nmo_id).code


def application_of(neo) -> str:
    """The code of one of the officer's NMO's applications this season, far on in its life
    (confirmed: a card of acceptance, a CC, a long history), received as the host."""
    from exchange.applications.models import Application
    from exchange.applications.states import State
    from exchange.organizations.queries import current_season

    mine = sa.or_(Application.host_nmo_id == neo.nmo_id, Application.home_nmo_id == neo.nmo_id)
    confirmed = sa.and_(Application.host_nmo_id == neo.nmo_id, Application.state == State.CONFIRMED)
    code = db.session.scalar(
        sa.select(Application.code)
        .where(
            mine,
            Application.program_id == neo.program_id,
            Application.season_id == current_season().id,
        )
        .order_by(sa.case((confirmed, 0), else_=1), Application.id)
        .limit(1)
    )
    if code is None:
        sys.exit(f"The demo's NMO {neo.nmo.code} has no application this season.")
    return code


def matching_proposal(neo) -> tuple[str, str, str]:
    """A new incoming matching proposal, as the matching page makes it: the URL of its page,
    the email of the national officer who reads it, and who they are in words.

    Of the officer's NMO when it has at least MATCHING_STUDENTS nominated students waiting
    this season, else of the NMO that has the most."""
    from exchange.applications.models import Application
    from exchange.applications.states import State
    from exchange.auth.models import Membership, Role
    from exchange.matching import services
    from exchange.matching.models import MatchingKind, Ranking
    from exchange.organizations.models import NMO, Program
    from exchange.organizations.queries import current_season

    season = current_season()
    program = db.session.get(Program, neo.program_id)
    waiting = dict(
        db.session.execute(
            sa.select(Application.host_nmo_id, sa.func.count(Application.id))
            .where(
                Application.program_id == program.id,
                Application.season_id == season.id,
                Application.state == State.NOMINATED,
            )
            .group_by(Application.host_nmo_id)
        ).all()
    )
    nmo_id = neo.nmo_id
    if waiting.get(nmo_id, 0) < MATCHING_STUDENTS:
        nmo_id = max(waiting, key=lambda key: (waiting[key], -key))
    nmo = db.session.get(NMO, nmo_id)
    officer = db.session.scalars(
        sa.select(Membership).where(
            Membership.nmo_id == nmo_id,
            Membership.program_id == program.id,
            Membership.role == Role.NATIONAL_OFFICER,
        )
    ).first()
    run = services.run_matching(
        officer.user, MatchingKind.INCOMING, nmo, program, season, Ranking.POINTS
    )
    db.session.commit()
    reader = "national officer" if nmo_id == neo.nmo_id else f"national officer of {nmo.code}"
    print(
        f"matching proposal {run.id}: {len(run.proposal)} students nominated to {nmo.code} "
        f"({program.code}, {season.code}), read by {officer.user.email}"
    )
    return f"/matching/{run.id}", officer.user.email, reader


# The servers


def app_settings(url: str, port: int, run_folder: Path, redis_url: str | None) -> dict:
    """The app's environment: production's configuration, on loopback over plain HTTP."""
    settings = {
        "EXCHANGE_ENV": "production",
        "EXCHANGE_SECRET_KEY": secrets.token_hex(32),
        "EXCHANGE_DATABASE_URL": url,
        "EXCHANGE_INSTANCE_PATH": str(run_folder / f"instance-{port}"),
        # Plain HTTP: a Secure cookie would never come back.
        "EXCHANGE_SESSION_COOKIE_SECURE": "false",
        # Every request comes from one address.
        "EXCHANGE_RATELIMIT_ENABLED": "false",
        "EXCHANGE_MAIL_BACKEND": "log",
        "EXCHANGE_PUBLIC_URL": f"http://{HOST}:{port}",
    }
    if redis_url:
        settings["EXCHANGE_REDIS_URL"] = redis_url
    return settings


class Server:
    """A gunicorn serving ``application`` on ``port`` in its own process group."""

    def __init__(
        self, name: str, application: str, port: int, settings: dict, folder: Path, workers: int
    ):
        self.name, self.port = name, port
        self.log = folder / f"{name}.log"
        self.ready_path = "/" if name == "hello" else "/login"
        if not port_is_free(port):
            sys.exit(f"Port {port} is in use: choose others with --port.")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--chdir",
            str(ROOT),
            "--error-logfile",
            str(self.log),
            application,
        ]
        self.process = subprocess.Popen(
            command,
            env=os.environ | settings,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stop() ends the workers too
        )

    def wait_until_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} stopped at start:\n{self.log_tail()}")
            try:
                status, _, _ = Browser(self.port).get(self.ready_path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        sys.exit(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-30:]) if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # As gunicorn binds: a port whose last connections are closing is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


class Browser:
    """One reader over HTTP: their cookies, sent back as a browser would, and the
    User-Agent that wrk sends too."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        return headers

    def get(self, path: str, keep_cookies: bool = True) -> tuple[int, str, bytes]:
        return self.request("GET", path, keep_cookies=keep_cookies)

    def request(
        self, method: str, path: str, form: dict | None = None, keep_cookies: bool = True
    ) -> tuple[int, str, bytes]:
        """(status, Location, body); redirects are not followed."""
        if form is None:
            return self.raw(method, path, None, None, keep_cookies)
        body = urlencode(form).encode()
        return self.raw(method, path, body, "application/x-www-form-urlencoded", keep_cookies)

    def raw(
        self,
        method: str,
        path: str,
        body: bytes | None,
        content_type: str | None,
        keep_cookies: bool = True,
    ) -> tuple[int, str, bytes]:
        """``request`` with a body of any type (a multipart upload)."""
        headers = self.headers()
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
            if keep_cookies:
                for header in response.msg.get_all("Set-Cookie") or []:
                    self._keep(header)
            return response.status, response.getheader("Location", ""), content
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if not morsel.value or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def log_in(self, email: str) -> None:
        from exchange.demo import DEMO_PASSWORD

        status, _, body = self.get("/login")
        field = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', body)
        token = re.search(rb'value="([^"]*)"', field.group()) if field else None
        if status != 200 or token is None:
            sys.exit(f"The login page has no CSRF token ({status}).")
        form = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1).decode()}
        status, location, _ = self.request("POST", "/login", form)
        if status != 302:
            sys.exit(f"{email} could not log in on port {self.port}: {status}")
        # Read the page after the login, as a browser does: it takes the welcome off the
        # session, which every page would show again otherwise.
        self.get(urlsplit(location).path or "/")


# The load


class Loader:
    """Runs wrk on one URL with the arguments' load."""

    def __init__(self, wrk: str, script: Path, arguments):
        self.wrk, self.script, self.arguments = wrk, script, arguments

    def load(self, port: int, path: str, size: int, headers: dict[str, str]) -> Load:
        low = math.floor(size * (1 - SIZE_TOLERANCE))
        high = math.ceil(size * (1 + SIZE_TOLERANCE))
        command = [
            self.wrk,
            f"-t{self.arguments.threads}",
            f"-c{self.arguments.connections}",
            f"-d{self.arguments.duration}s",
            "--latency",
            "--timeout",
            WRK_TIMEOUT,
            "-s",
            str(self.script),
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command += [f"http://{HOST}:{port}{path}", "--", str(low), str(high)]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=self.arguments.duration + 120
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith(RESULT_TAG)), None)
        if done.returncode != 0 or line is None:
            sys.exit(f"wrk failed on {path}:\n{done.stdout}\n{done.stderr}")
        figures = dict(part.split("=") for part in line.split()[1:])
        return Load(
            requests=int(figures["requests"]),
            seconds=int(figures["duration_us"]) / 1e6,
            p50_ms=int(figures["p50_us"]) / 1000,
            p95_ms=int(figures["p95_us"]) / 1000,
            wrong_status=int(figures["wrong_status"]),
            wrong_size=int(figures["wrong_size"]),
            socket_errors=int(figures["socket_errors"]),
        )


def measure(
    loader: Loader, hello_port: int, ports: dict[int, int], pages: dict[int, list[Page]]
) -> list[Measured]:
    """Each page at each size, each run between two runs of hello."""
    counts = list(ports)
    browsers = {}  # (seasons, email): the reader logged in on that database's app
    for seasons, port in ports.items():
        for page in pages[seasons]:
            if (seasons, page.email) not in browsers:
                browser = Browser(port)
                browser.log_in(page.email)
                browsers[(seasons, page.email)] = browser
        # A first request of each page, for the cookies it sets (a CSRF token in the
        # session), for each worker's first templates and for the dashboards' cache.
        for page in pages[seasons]:
            browsers[(seasons, page.email)].get(page.path)

    hello_headers = {"User-Agent": USER_AGENT}
    hello_size = len(Browser(hello_port).get("/")[2])

    def run_hello() -> float:
        load = loader.load(hello_port, "/", hello_size, hello_headers)
        if load.faults():
            sys.exit(f"The hello app did not answer as it should: {load.faults()}")
        return load.per_second

    results = []
    before = run_hello()
    for index in range(len(pages[counts[0]])):
        for seasons in counts:
            page = pages[seasons][index]
            browser = browsers[(seasons, page.email)]
            headers = browser.headers()
            # The page as wrk will get it: the same cookies, not kept from this response.
            status, location, body = browser.get(page.path, keep_cookies=False)
            failed, load = None, None
            if status != 200:
                failed = f"{status} {location}".strip()
            elif b'name="password"' in body:
                failed = "the login page"
            else:
                load = loader.load(ports[seasons], page.path, len(body), headers)
                failed = load.faults()
            after = run_hello()
            measured = Measured(seasons, page, len(body), load, (before + after) / 2, failed)
            before = after
            results.append(measured)
            print(line_of(measured), flush=True)
    return results


# The report


def label(seasons: int) -> str:
    return f"{seasons} season{'s' if seasons > 1 else ''}"


def line_of(measured: Measured) -> str:
    where = f"{label(measured.seasons):<10} {measured.page.path:<42} {measured.page.reader:<17}"
    if measured.failed:
        return f"{where} FAILED: {measured.failed}"
    load = measured.load
    return (
        f"{where} {load.per_second:7.1f} req/s = {measured.share:5.1f}% of hello "
        f"({measured.hello:.0f} req/s)  p50 {load.p50_ms:6.0f} ms  p95 {load.p95_ms:6.0f} ms  "
        f"{measured.size:>7} bytes  ({load.requests} requests)"
    )


def report(results: list[Measured], counts: list[int], applications: int) -> int:
    """Print the Markdown table for the README, and check the targets."""
    rows = {}  # page name: {seasons: Measured}
    for measured in results:
        rows.setdefault(measured.page.name, {})[measured.seasons] = measured
    ratio_between = (1, 5) if {1, 5} <= set(counts) else None
    header = ["Page", "As"]
    for seasons in counts:
        header += [
            f"{label(seasons)}: req/s",
            "% of hello",
            "p50 ms",
            "p95 ms",
            "bytes",
        ]
    if ratio_between:
        header.append("5/1 seasons")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) + "|")
    missed, failed = [], []
    for name, by_seasons in rows.items():
        first = by_seasons[counts[0]]
        cells = [f"`{name}`", first.page.reader]
        for seasons in counts:
            measured = by_seasons[seasons]
            if measured.failed:
                cells += ["FAILED", "", "", "", str(measured.size)]
                failed.append(f"{name} at {label(seasons)}: {measured.failed}")
                continue
            load = measured.load
            cells += [
                f"{load.per_second:.1f}",
                f"{measured.share:.1f}%",
                f"{load.p50_ms:.0f}",
                f"{load.p95_ms:.0f}",
                str(measured.size),
            ]
            if seasons == 1 and measured.share < TARGET_SHARE_OF_HELLO:
                missed.append(
                    f"{name} ({first.page.reader}): {measured.share:.1f}% of hello at 1 season"
                )
        if ratio_between:
            one, five = (by_seasons[seasons] for seasons in ratio_between)
            if one.failed or five.failed:
                cells.append("")
            else:
                ratio = five.load.per_second / one.load.per_second
                cells.append(f"{ratio:.2f}")
                if ratio < TARGET_RATIO:
                    missed.append(f"{name} ({first.page.reader}): 5 seasons {ratio:.2f} x 1 season")
        print("| " + " | ".join(cells) + " |")
    print()
    print(
        f"{applications} applications a season. Targets: every page at least "
        f"{TARGET_SHARE_OF_HELLO}% of hello at 1 season; at 5 seasons at least {TARGET_RATIO} "
        "x its requests a second at 1 season."
    )
    for fault in failed:
        print(f"FAILED: {fault}")
    for miss in missed:
        print(f"MISSED: {miss}")
    if applications != APPLICATIONS:
        print(f"(the targets are for {APPLICATIONS} applications a season: not checked)")
        return 1 if failed else 0
    if not (missed or failed):
        print("Every target is met.")
    return 1 if missed or failed else 0


if __name__ == "__main__":
    sys.exit(main())
