"""Where one page's time goes: its queries and a cProfile of many requests (issue 12).

Run: ``.venv/bin/python benchmarks/profile_page.py --database URL --email E PATH
[--requests 200] [--top 30] [--sort cumulative]``. The database is one that
benchmarks/pages.py seeded (``sqlite:////tmp/exchange-pages-benchmark/
exchange_pages_1season.sqlite``). The app runs in this process with the production
configuration the benchmark serves, through Flask's test client: no server, no network, so
what it prints is the app's own cost: the queries one request makes (with the time of
each), the time of a request (the quickest of 5 rounds of 20), then the profile.
"""

import argparse
import cProfile
import pstats
import re
import secrets
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import ProductionConfig
from exchange.app import create_app
from exchange.extensions import db

USER_AGENT = "exchange-profile/1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--database", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--show-queries", action="store_true")
    arguments = parser.parse_args()

    class ProfiledConfig(ProductionConfig):
        SECRET_KEY = secrets.token_hex(32)
        SQLALCHEMY_DATABASE_URI = arguments.database
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        RATELIMIT_ENABLED = False
        MAIL_BACKEND = "log"
        REDIS_URL = None

    app = create_app(ProfiledConfig)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    log_in(client, arguments.email)

    first = client.get(arguments.path)
    if first.status_code != 200:
        sys.exit(f"{arguments.path} answered {first.status_code}")
    print(f"{arguments.path}: {len(first.data)} bytes")

    queries = []

    def note(conn, cursor, statement, parameters, context, executemany):
        context._started = time.perf_counter()

    def noted(conn, cursor, statement, parameters, context, executemany):
        queries.append((time.perf_counter() - context._started, statement))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    sa.event.listen(engine, "after_cursor_execute", noted)
    client.get(arguments.path)
    sa.event.remove(engine, "before_cursor_execute", note)
    sa.event.remove(engine, "after_cursor_execute", noted)
    print(f"{len(queries)} queries, {sum(q[0] for q in queries) * 1000:.1f} ms in the database")
    for seconds, statement in queries:
        text = " ".join(statement.split())
        print(f"  {seconds * 1000:6.2f} ms  {text if arguments.show_queries else text[:150]}")

    # The quickest of 5 rounds: on a busy machine the others measure the neighbours too.
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(20):
            client.get(arguments.path)
        rounds.append((time.perf_counter() - started) / 20)
    print(f"unprofiled: {min(rounds) * 1000:.1f} ms a request (the quickest of 5 rounds of 20)")

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(arguments.requests):
        client.get(arguments.path)
    profile.disable()
    spent = time.perf_counter() - started
    print(f"profiled: {spent / arguments.requests * 1000:.1f} ms a request")
    stats = pstats.Stats(profile)
    stats.sort_stats(arguments.sort).print_stats(arguments.top)
    return 0


def log_in(client, email: str) -> None:
    from exchange.demo import DEMO_PASSWORD

    page = client.get("/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]*)"', page.data)
    if token is None:
        token = re.search(rb'value="([^"]*)"[^>]*name="csrf_token"', page.data)
    answer = client.post(
        "/login",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1).decode()},
    )
    if answer.status_code != 302:
        sys.exit(f"{email} could not log in: {answer.status_code}")
    client.get(answer.headers["Location"])


if __name__ == "__main__":
    sys.exit(main())
