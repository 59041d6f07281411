"""A bounded mixed load on the served app (issue 14, point 6): gunicorn with 4 workers in
production's configuration, on PostgreSQL with the demo federation, rate limits and caches
in Redis; 50 simulated people for 60 seconds on loopback.

    .venv/bin/python -m benchmarks.load [--postgres URL] [--redis URL] [--users 50]
        [--seconds 60] [--workers 4] [--applications 2000]

Each person logs in through the login form and then, until the time is up, does what
their role does, waiting 1 to 3 seconds between two requests as a person reads a page
(locust's ``between(1, 3)``; ``--think 0`` for none):

- students (60%): the catalogue, a host's catalogue page, their own applications, their
  application's page; those with a draft also save its form and upload a CV to it;
- national officers (30%): the outgoing and incoming queues, the contracts, their NMO's
  dashboard, and nominating a submitted student of theirs (the first try nominates, later
  ones are refused politely: full months and nominated students are the app's answers);
- admins (10%): the federation's dashboard and the NMO directory.

An error is a 5xx, a refused connection or a timeout, a 429 (a rate limit that a person
would meet), or a page that sends the person back to the login page. It prints, overall
and by task: requests, requests a second, p50, p95 and p99 latency, and errors. The target:
no error, and p95 under 300 ms. The client runs in threads of this process on the same
2 cores as the server: its own work is in the figures.

Rate limits stay on (in Redis), but uploads are allowed EXCHANGE_UPLOAD_RATE_LIMIT=100000
an hour: every simulated person comes from 127.0.0.1, where a real federation's come from
thousands of addresses.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from benchmarks.pages import HOST, Browser, Server, app_settings, port_is_free

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TARGET_P95_MS = 300
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOKEN = re.compile(rb'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="a server to make a database on"
    )
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--port", type=int, default=5091)
    parser.add_argument(
        "--think", default="1-3", help="seconds between a person's requests, e.g. 1-3 or 0"
    )
    arguments = parser.parse_args()
    if not port_is_free(arguments.port):
        sys.exit(f"Port {arguments.port} is in use: choose another with --port.")

    url, drop = fresh_database(arguments.postgres)
    folder = Path(tempfile.mkdtemp(prefix="exchange-load-"))
    settings = app_settings(url, arguments.port, folder, arguments.redis) | {
        "EXCHANGE_RATELIMIT_ENABLED": "true",
        "EXCHANGE_UPLOAD_RATE_LIMIT": "100000 per hour",
        "FLASK_APP": "wsgi.py",
    }
    try:
        print(f"Seeding the demo federation ({arguments.applications} applications) …")
        for command in (
            ["db", "upgrade"],
            ["exchange", "seed-demo", "--applications", str(arguments.applications)],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "flask", *command],
                env=os.environ | settings,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
        people = cast(url, arguments.users)
        server = Server("app", "wsgi:app", arguments.port, settings, folder, arguments.workers)
        try:
            server.wait_until_ready()
            low, _, high = arguments.think.partition("-")
            think = (float(low), float(high or low))
            results = run_load(people, arguments.port, arguments.seconds, think)
        finally:
            server.stop()
    finally:
        drop()
    return report(results, arguments)


def fresh_database(server_url: str):
    """A new PostgreSQL database on ``server_url``'s server, and how to drop it."""
    name = f"exchange_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def cast(url: str, users: int) -> list[dict]:
    """Who takes part: demo students (with their drafts, where they have one), national
    officers (with their NMO and submitted students), admins."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        students = connection.execute(
            sa.text(
                "SELECT u.email, a.code, a.state FROM users u JOIN applications a "
                "ON a.student_id = u.id JOIN seasons s ON s.id = a.season_id "
                "WHERE u.is_active ORDER BY (a.state = 'draft') DESC, s.starts_on DESC, u.id"
            )
        ).all()
        officers = connection.execute(
            sa.text(
                "SELECT u.email, n.code, n.id FROM memberships m JOIN users u ON u.id = m.user_id "
                "JOIN nmos n ON n.id = m.nmo_id WHERE m.role = 'national_officer' "
                "AND u.is_active ORDER BY u.id"
            )
        ).all()
        admins = connection.execute(
            sa.text(
                "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id "
                "WHERE m.role = 'admin' AND u.is_active ORDER BY u.id"
            )
        ).all()
        hosts = [row.code for row in connection.execute(sa.text("SELECT code FROM nmos LIMIT 40"))]
        submitted = defaultdict(list)
        for row in connection.execute(
            sa.text(
                "SELECT home_nmo_id, code FROM applications WHERE state = 'submitted' ORDER BY id"
            )
        ):
            submitted[row.home_nmo_id].append(row.code)
    engine.dispose()
    seen, people = set(), []
    counts = {"student": round(users * 0.6), "officer": round(users * 0.3)}
    counts["admin"] = users - counts["student"] - counts["officer"]
    for row in students:
        if len([p for p in people if p["role"] == "student"]) >= counts["student"]:
            break
        if row.email not in seen:
            seen.add(row.email)
            people.append(
                {"role": "student", "email": row.email, "code": row.code, "state": row.state}
            )
    officer_rows = [r for r in officers if submitted.get(r.id)] + list(officers)
    for row in officer_rows:
        if len([p for p in people if p["role"] == "officer"]) >= counts["officer"]:
            break
        if row.email not in seen:
            seen.add(row.email)
            people.append(
                {
                    "role": "officer",
                    "email": row.email,
                    "nmo": row.code,
                    "submitted": submitted[row.id],
                }
            )
    for index in range(counts["admin"]):
        people.append({"role": "admin", "email": admins[index % len(admins)].email})
    for person in people:
        person["hosts"] = hosts
    return people


class Person:
    """One simulated person: their browser and what they do."""

    def __init__(self, who: dict, port: int, seed: int):
        self.who, self.browser, self.random = who, Browser(port), random.Random(seed)
        self.token = None

    def log_in(self) -> None:
        self.browser.log_in(self.who["email"])
        self.token = self._token("/account")

    def _token(self, path: str) -> str | None:
        _status, _, body = self.browser.get(path)
        found = TOKEN.search(body)
        return found.group(1).decode() if found else None

    def next_task(self) -> tuple[str, callable]:
        role, pick = self.who["role"], self.random.random()
        if role == "student":
            host = self.random.choice(self.who["hosts"])
            code = self.who["code"]
            tasks = [
                ("catalogue", lambda: self.browser.get("/catalogue/")),
                ("host's catalogue", lambda: self.browser.get(f"/catalogue/{host}/SCOPE")),
                ("own applications", lambda: self.browser.get("/applications/")),
                ("application page", lambda: self.browser.get(f"/applications/{code}")),
            ]
            if self.who["state"] == "draft":
                tasks += [("save the draft", self.save_draft), ("upload a CV", self.upload)]
        elif role == "officer":
            tasks = [
                ("outgoing queue", lambda: self.browser.get("/applications/?queue=outgoing")),
                ("incoming queue", lambda: self.browser.get("/applications/?queue=incoming")),
                ("contracts", lambda: self.browser.get("/contracts/")),
                ("NMO dashboard", lambda: self.browser.get(f"/reports/nmos/{self.who['nmo']}")),
            ]
            if self.who["submitted"]:
                tasks.append(("nominate", self.nominate))
        else:
            tasks = [
                ("federation dashboard", lambda: self.browser.get("/reports/")),
                ("NMO directory", lambda: self.browser.get("/nmos/")),
            ]
        return tasks[int(pick * len(tasks))]

    def save_draft(self):
        code = self.who["code"]
        _status, _, body = self.browser.get(f"/applications/{code}/edit")
        months = re.findall(rb'name="months"[^>]*value="(\d+)"[^>]*checked', body)
        form = {
            "csrf_token": self.token,
            "months": months[0].decode() if months else "7",
            "study_year": "4",
            "motivation": "I would like to learn how another health system works.",
        }
        return self.browser.request("POST", f"/applications/{code}/edit", form)

    def upload(self):
        boundary = uuid.uuid4().hex
        parts = [
            (b'name="document-csrf_token"', self.token.encode()),
            (b'name="document-kind"', b"cv"),
            (b'name="document-file"; filename="cv.pdf"\r\nContent-Type: application/pdf', PDF),
        ]
        body = (
            b"".join(
                b"--"
                + boundary.encode()
                + b"\r\nContent-Disposition: form-data; "
                + head
                + b"\r\n\r\n"
                + value
                + b"\r\n"
                for head, value in parts
            )
            + b"--"
            + boundary.encode()
            + b"--\r\n"
        )
        return self.browser.raw(
            "POST",
            f"/applications/{self.who['code']}/documents",
            body,
            f"multipart/form-data; boundary={boundary}",
        )

    def nominate(self):
        code = self.random.choice(self.who["submitted"])
        form = {"csrf_token": self.token, "month": self.random.choice(["7", "8", "9"])}
        return self.browser.request("POST", f"/applications/{code}/nominate", form)


def run_load(
    people: list[dict], port: int, seconds: int, think: tuple[float, float]
) -> dict[str, list]:
    """Each person's requests until the time is up: (task, milliseconds, error or None)."""
    results = defaultdict(list)
    lock = threading.Lock()
    persons = [Person(who, port, seed) for seed, who in enumerate(people)]
    print(f"Logging in {len(persons)} people …")
    for person in persons:
        person.log_in()
    start_line = threading.Barrier(len(persons) + 1)
    deadline = [0.0]

    def work(person: Person):
        start_line.wait()
        while time.monotonic() < deadline[0]:
            task, action = person.next_task()
            began = time.perf_counter()
            error = None
            try:
                status, location, _ = action()
                if status >= 500 or status == 429:
                    error = f"HTTP {status}"
                elif "/login" in location:
                    error = "sent to the login page"
            except OSError as failure:
                error = type(failure).__name__
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                results[task].append((elapsed, error))
            pause = person.random.uniform(*think)
            if pause:
                time.sleep(min(pause, max(0.0, deadline[0] - time.monotonic())))

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in persons]
    for thread in threads:
        thread.start()
    print(f"Loading for {seconds} s …")
    deadline[0] = time.monotonic() + seconds
    start_line.wait()
    for thread in threads:
        thread.join(seconds + 180)
    results["_seconds"] = [seconds]
    return results


def _percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share) - 1]


def report(results: dict[str, list], arguments) -> int:
    seconds = results.pop("_seconds")[0]
    everything = [item for items in results.values() for item in items]
    print(
        f"\n{arguments.users} people, {seconds} s, gunicorn {arguments.workers} workers, "
        f"PostgreSQL, Redis, {arguments.applications} demo applications, {arguments.think} s "
        f"between a person's requests, on {HOST}\n"
    )
    columns = ("requests", 8), ("req/s", 7), ("p50 ms", 7), ("p95 ms", 7), ("p99 ms", 7)
    print(f"{'task':<22} " + " ".join(f"{name:>{width}}" for name, width in columns) + " errors")
    rows = [*sorted(results.items()), ("all", everything)]
    for task, items in rows:
        times = sorted(ms for ms, _ in items)
        errors = sum(1 for _, error in items if error)
        print(
            f"{task:<22} {len(items):>8} {len(items) / seconds:>7.1f} "
            f"{_percentile(times, 50):>7.0f} {_percentile(times, 95):>7.0f} "
            f"{_percentile(times, 99):>7.0f} {errors:>6}"
        )
    kinds = defaultdict(int)
    for _, error in everything:
        if error:
            kinds[error] += 1
    if kinds:
        print("errors:", ", ".join(f"{kind}: {count}" for kind, count in kinds.items()))
    p95 = _percentile(sorted(ms for ms, _ in everything), 95)
    met = not kinds and p95 < TARGET_P95_MS
    print(f"\nTarget (no error, p95 under {TARGET_P95_MS} ms): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
