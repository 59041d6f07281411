"""How fast the dashboards are at one season and at five: the server time of each page and
of its ``data.json``, and the SQL statements each request runs.

Run: ``.venv/bin/python benchmarks/dashboards.py [--requests 15] [--seasons-only 1|5]
[--reseed] [--server URL] [--database-prefix NAME]``.

It seeds the demo federation (``seed-demo --seasons N --applications 20000``) into two
PostgreSQL databases, ``<prefix>_1season`` and ``<prefix>_5seasons`` on ``--server``
(created when missing), and reuses them on the next run when they hold the same demo
(same seasons, applications and seed, ending with today's season); ``--reseed`` builds them
again. Then, with the Flask test client, the demo admin asks for the federation's
dashboard, the demo national officer for their NMO's, and the demo local officer for their
LC's: each page and its ``data.json``, after warm-up requests, several times, a request on
one database then on the other, so that both sizes meet the same moments of a noisy
machine. The time is the whole request inside the app (routing, SQL, rendering), without
the network.

The app keeps each season's figures in the cache (exchange.reports.recount: Redis, as in
production, when ``--redis`` answers), so each URL is measured three ways (MODES):
"served", as readers get it while nothing changes; "after a change", with today's season
counted again before each request, as after any write to what it counts (the ended
previous season stays kept); and "counted", with nothing kept.

Targets on PostgreSQL: at 5 seasons (100,000 applications) every dashboard's median is
under 150 ms as served, and 5 seasons take no more than 1.5 times 1 season, served and
after a change (history must not slow down the current season). "counted" is printed to
show what the cache saves, with no target. The exit status is 1 when a target is missed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import DevelopmentConfig
from exchange.app import create_app
from exchange.extensions import db

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SEASON_COUNTS = (1, 5)
APPLICATIONS = 20000
TARGET_MEDIAN_MS = 150
TARGET_RATIO = 1.5
MOST_SEEDING_SECONDS = 20 * 60  # for 5 seasons of 20,000: more is worth reporting
# What marks a database this benchmark seeded, in its COMMENT: the demo's parameters.
MARKER = "exchange dashboards benchmark"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# How each URL is measured (exchange.reports.recount keeps each season's figures):
# The modes each target is checked in.
MEDIAN_TARGET_MODES = ("served",)
RATIO_TARGET_MODES = ("served", "after a change")
MODES = {
    # as its readers get it while nothing changes: every season's figures kept
    "served": "figures kept from an earlier request",
    # as after any write to what the running season counts: today's season counted again,
    # the ended previous season kept
    "after a change": "today's season counted again before each request",
    # nothing kept: every season counted at each request
    "counted": "every season counted at each request",
}


@dataclass(frozen=True)
class Measured:
    """One URL's requests: their times in ms and the SQL statements of each."""

    seasons: int  # of the database
    dashboard: str  # "federation", "nmo" or "lc"
    what: str  # "page" or "data.json"
    mode: str  # one of MODES
    path: str
    milliseconds: tuple[float, ...]
    queries: tuple[int, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.milliseconds)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.milliseconds, n=10, method="inclusive")[-1]

    @property
    def query_count(self) -> str:
        """The statements per request: one number when every request ran the same."""
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("EXCHANGE_BENCHMARK_SERVER", DEFAULT_SERVER),
        help="PostgreSQL URL without the database name (default: $EXCHANGE_BENCHMARK_SERVER "
        f"or {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--database-prefix",
        default="exchange_benchmark",
        help="the databases are <prefix>_1season and <prefix>_5seasons",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("EXCHANGE_BENCHMARK_REDIS", DEFAULT_REDIS),
        help="the cache, as production has it (default: $EXCHANGE_BENCHMARK_REDIS or "
        f"{DEFAULT_REDIS}); the process's memory when it does not answer",
    )
    parser.add_argument("--seasons-only", type=int, choices=SEASON_COUNTS, help="run one size")
    parser.add_argument("--applications", type=int, default=APPLICATIONS, help="in each season")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=15, help="measured, per URL")
    parser.add_argument("--warm-ups", type=int, default=2, help="not measured, per URL")
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument("--seed-only", action="store_true", help="seed, measure nothing")
    parser.add_argument(
        "--no-upgrade",
        action="store_true",
        help="measure the schema as it stands, without migrating it to the latest revision "
        "(e.g. after `flask db downgrade 0009`, to see what the report indexes bring)",
    )
    arguments = parser.parse_args()
    if arguments.requests < 2:
        parser.error("--requests must be at least 2 (for the p90)")

    counts = (arguments.seasons_only,) if arguments.seasons_only else SEASON_COUNTS
    with tempfile.TemporaryDirectory(prefix="exchange-dashboards-") as folder:
        # The instance folder holds nothing the benchmark needs: keep it out of the project's.
        os.environ["EXCHANGE_INSTANCE_PATH"] = str(Path(folder) / "instance")
        apps = {}
        for seasons in counts:
            url = database_url(arguments.server, arguments.database_prefix, seasons)
            apps[seasons] = prepared_app(url, seasons, arguments)
        if arguments.seed_only:
            return 0
        try:
            results = measure(apps, arguments.requests, arguments.warm_ups)
        finally:
            for app in apps.values():
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
    return report(results, arguments.applications)


def database_url(server: str, prefix: str, seasons: int) -> str:
    name = f"{prefix}_{seasons}season{'s' if seasons > 1 else ''}"
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def prepared_app(url: str, seasons: int, arguments):
    """The app on the database of ``seasons`` seasons, seeded (or reused)."""
    create_database_if_missing(url)

    class BenchmarkConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False  # the test client logs in without reading the form
        RATELIMIT_ENABLED = False
        CACHE_KEY_PREFIX = "exchange-benchmark:"  # cleared between requests
        PUBLIC_URL = "http://localhost"

    if redis_answers(arguments.redis):
        BenchmarkConfig.CACHE_TYPE = "RedisCache"
        BenchmarkConfig.CACHE_REDIS_URL = arguments.redis
    else:
        print(f"{arguments.redis} does not answer: the cache is the process's memory")
        BenchmarkConfig.CACHE_TYPE = "SimpleCache"

    app = create_app(BenchmarkConfig)
    with app.app_context():
        seed(url, seasons, arguments)
        db.session.remove()
    return app


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def create_database_if_missing(url: str) -> None:
    parsed = make_url(url)
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        server.dispose()


def seed(url: str, seasons: int, arguments) -> None:
    """Seed the demo of ``seasons`` seasons, unless the database holds it already."""
    from flask_migrate import upgrade

    from exchange import clock
    from exchange.demo import seed_demo
    from exchange.organizations.seasons import season_code_of

    name = make_url(url).database
    wanted = (
        f"{MARKER}: seasons={seasons} applications={arguments.applications} "
        f"seed={arguments.seed} last_season={season_code_of(clock.today())}"
    )
    found = db.session.scalar(
        sa.text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
    )
    db.session.rollback()
    if not arguments.reseed and found and found.startswith(wanted + " "):
        print(f"{name}: reusing the demo seeded earlier ({found.removeprefix(MARKER + ': ')})")
        if not arguments.no_upgrade:
            upgrade()
        return

    print(f"{name}: seeding {seasons} season(s) of {arguments.applications} applications ...")
    with db.engine.begin() as connection:
        # Start from nothing, whatever an earlier run left there.
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    upgrade()
    started = time.perf_counter()
    summary = seed_demo(applications=arguments.applications, seed=arguments.seed, seasons=seasons)
    db.session.commit()
    seeded = time.perf_counter() - started
    print(summary)

    started = time.perf_counter()
    # Fresh tables have no planner statistics until autovacuum passes: gather them now, as
    # a database in use would have them, so that the plans are the ones production gets.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
        marker = f"{wanted} seeded={clock.today().isoformat()} in {seeded:.0f} s"
        connection.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'"))
    analysed = time.perf_counter() - started
    total = seasons * arguments.applications
    print(
        f"{name}: seeded in {seeded:.1f} s ({total / seeded:.0f} applications/s), "
        f"VACUUM ANALYZE {analysed:.1f} s"
    )
    if total >= 5 * APPLICATIONS and seeded > MOST_SEEDING_SECONDS:
        print(f"SLOW: seeding {total} applications took over {MOST_SEEDING_SECONDS // 60} min")


def dashboards() -> list[tuple[str, str, str]]:
    """(dashboard, login email, URL prefix) for the three dashboards the demo's users read."""
    from exchange.auth.models import Membership, Role, User
    from exchange.demo.data import ADMIN_EMAIL, LEO_EMAIL, NEO_EMAIL
    from exchange.organizations.models import NMO

    def membership(email: str, role: Role) -> Membership:
        found = db.session.scalars(
            sa.select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.email == email, Membership.role == role)
        ).first()
        if found is None:
            sys.exit(f"The demo has no {role.label.lower()} {email}: is the database seeded?")
        return found

    nmo = db.session.get(NMO, membership(NEO_EMAIL, Role.NATIONAL_OFFICER).nmo_id)
    lc_id = membership(LEO_EMAIL, Role.LOCAL_OFFICER).lc_id
    found = [
        ("federation", ADMIN_EMAIL, "/reports/"),
        ("nmo", NEO_EMAIL, f"/reports/nmos/{nmo.code}"),
        ("lc", LEO_EMAIL, f"/reports/lcs/{lc_id}"),
    ]
    db.session.rollback()
    return found


def measure(apps: dict, requests: int, warm_ups: int) -> list[Measured]:
    """Each dashboard's URLs in each mode, a request on each database in turn, so that the
    sizes are compared in the same moments of a noisy machine."""
    from exchange.demo import DEMO_PASSWORD
    from exchange.extensions import cache
    from exchange.reports.recount import REPORTS

    # What each mode does before a request.
    before = {"served": lambda: None, "after a change": REPORTS.renew, "counted": cache.clear}
    statements = []

    def count(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    urls = {}  # seasons: [(dashboard, what, path)]
    clients = {}  # (seasons, dashboard): its logged-in test client
    for seasons, app in apps.items():
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            urls[seasons] = []
            for dashboard, email, prefix in dashboards():
                client = app.test_client()
                response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
                if response.status_code != 302:
                    sys.exit(f"{email} could not log in: {response.status_code}")
                clients[(seasons, dashboard)] = client
                urls[seasons].append((dashboard, "page", prefix))
                urls[seasons].append((dashboard, "data.json", prefix.rstrip("/") + "/data.json"))
    results = []
    for index in range(len(next(iter(urls.values())))):
        for mode in MODES:
            times = {seasons: [] for seasons in apps}
            queries = {seasons: [] for seasons in apps}
            for round_ in range(warm_ups + requests):
                for seasons, app in apps.items():
                    dashboard, what, path = urls[seasons][index]
                    with app.app_context():
                        before[mode]()
                        statements.clear()
                        started = time.perf_counter()
                        response = clients[(seasons, dashboard)].get(path)
                        elapsed = (time.perf_counter() - started) * 1000
                        check(response, path, what)
                    if round_ >= warm_ups:
                        times[seasons].append(elapsed)
                        queries[seasons].append(len(statements))
            for seasons in apps:
                dashboard, what, path = urls[seasons][index]
                measured = Measured(
                    seasons,
                    dashboard,
                    what,
                    mode,
                    path,
                    tuple(times[seasons]),
                    tuple(queries[seasons]),
                )
                results.append(measured)
                print(
                    f"{seasons} season(s)  {dashboard:<10} {what:<9} {mode:<14} "
                    f"median {measured.median:7.1f} ms  p90 {measured.p90:7.1f} ms  "
                    f"{measured.query_count:>5} queries",
                    flush=True,
                )
    return results


def check(response, path: str, what: str) -> None:
    """Stop unless ``response`` is the dashboard itself: a 200, not a redirect to the login
    page nor an error page."""
    if response.status_code != 200:
        sys.exit(f"{path}: {response.status_code} {response.headers.get('Location', '')}")
    if what == "page":
        body = response.get_data(as_text=True)
        if response.mimetype != "text/html" or 'name="password"' in body:
            sys.exit(f"{path}: not the dashboard's page ({response.mimetype})")
    elif response.mimetype != "application/json" or not isinstance(response.get_json(), dict):
        sys.exit(f"{path}: not the dashboard's JSON ({response.mimetype})")


def report(measured: list[Measured], applications: int) -> int:
    """Print the summary table (Markdown, for the README) and check the targets."""
    print()
    counts = sorted({m.seasons for m in measured})
    results = {seasons: [m for m in measured if m.seasons == seasons] for seasons in counts}
    header = ["Dashboard"]
    for seasons in counts:
        label = f"{seasons} season{'s' if seasons > 1 else ''}"
        header += [f"{label}: median ms", f"{label}: p90 ms", f"{label}: queries"]
    both = len(counts) == 2
    if both:
        header.append(f"{counts[1]}/{counts[0]} seasons")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    missed = []
    rows = zip(*(results[seasons] for seasons in counts), strict=True)
    for row in rows:
        first = row[0]
        cells = [f"{first.dashboard} {first.what}, {first.mode}"]
        for measured in row:
            cells += [f"{measured.median:.0f}", f"{measured.p90:.0f}", measured.query_count]
        last = row[-1]
        name = f"{first.dashboard} {first.what}, {first.mode}"
        if both:
            ratio = row[1].median / row[0].median
            cells.append(f"{ratio:.2f}")
            if ratio > TARGET_RATIO and first.mode in RATIO_TARGET_MODES:
                missed.append(f"{name}: {ratio:.2f} x 1 season")
        slow = counts[-1] == 5 and last.median >= TARGET_MEDIAN_MS
        if slow and first.mode in MEDIAN_TARGET_MODES:
            missed.append(f"{name}: {last.median:.0f} ms at 5 seasons")
        print("| " + " | ".join(cells) + " |")
    print()
    print(
        f"{applications} applications a season; targets: median under {TARGET_MEDIAN_MS} ms "
        f"at 5 seasons ({', '.join(MEDIAN_TARGET_MODES)}), 5 seasons at most {TARGET_RATIO} x "
        f"1 season ({', '.join(RATIO_TARGET_MODES)})."
    )
    if applications != APPLICATIONS:
        print(f"(the targets are for {APPLICATIONS} applications a season)")
        return 0
    for miss in missed:
        print(f"MISSED: {miss}")
    if not missed:
        print("Both targets met." if both else "The 150 ms target is met at this size.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
