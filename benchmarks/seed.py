"""How long the demo seed takes: builds a fresh database and times ``seed_demo`` plus the commit.

Run: ``.venv/bin/python benchmarks/seed.py [--applications 20000] [--seasons 1]
[--database-url URL]``. Without a URL it uses a temporary SQLite file; with one, it drops
everything there first. The target: 20,000 applications a season in under 60 seconds a
season (the reports' benchmark, 5 seasons of 20,000 on PostgreSQL: under 5 minutes).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import DevelopmentConfig
from exchange.app import create_app
from exchange.extensions import db

TARGET_APPLICATIONS = 20000
TARGET_SECONDS_PER_SEASON = 60


def main() -> int:
    """Parse the arguments, build the app on a fresh database, and run the benchmark."""
    parser = argparse.ArgumentParser(description="Time the demo seed.")
    parser.add_argument(
        "--applications", type=int, default=TARGET_APPLICATIONS, help="in each season"
    )
    parser.add_argument("--seasons", type=int, default=1, help="ending with today's season")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="exchange-seed-") as folder:
        url = arguments.database_url or f"sqlite:///{Path(folder) / 'seed.sqlite'}"
        os.environ["EXCHANGE_INSTANCE_PATH"] = str(Path(folder) / "instance")

        class BenchmarkConfig(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(BenchmarkConfig)
        with app.app_context():
            try:
                return run(url, arguments.applications, arguments.seasons, arguments.seed)
            finally:
                db.session.remove()
                db.engine.dispose()


def run(url: str, applications: int, seasons: int, seed: int) -> int:
    """Seed ``seasons`` seasons of ``applications`` applications on an empty schema; print
    the figures."""
    from flask_migrate import upgrade

    from exchange.demo import seed_demo

    # Start from nothing, whatever an earlier run left at the URL.
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    metadata.drop_all(bind=db.engine)
    upgrade()

    where = url.split("@")[-1]
    print(f"Seeding {seasons} season(s) of {applications} applications into {where} ...")
    started = time.perf_counter()
    summary = seed_demo(applications=applications, seed=seed, seasons=seasons)
    seeded = time.perf_counter()
    db.session.commit()
    finished = time.perf_counter()

    total = finished - started
    target = TARGET_SECONDS_PER_SEASON * seasons
    print(summary)
    print()
    print(f"seed_demo: {seeded - started:.1f} s, commit: {finished - seeded:.1f} s")
    print(f"total: {total:.1f} s, {seasons * applications / total:.0f} applications/s")
    goal = f"{seasons} x {TARGET_APPLICATIONS} applications in under {target} s"
    if applications < TARGET_APPLICATIONS:
        print(f"(the target is {goal})")
        return 0
    met = total < target
    print(f"{'meets' if met else 'MISSES'} the target: {goal}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
