"""Fixtures shared by every test that needs the app.

The schema is built once per session by the real migrations (``flask db upgrade``), on a
temporary SQLite file, or on PostgreSQL when ``EXCHANGE_TEST_DATABASE_URL`` is set. Tests
commit for real, as requests do; after each test every table but the reference data
(regions, programs) is emptied.

Every test but the browser tests runs on the suite's clock (``SUITE_NOW``), so that no
result depends on the day the suite is run.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from flask_migrate import upgrade

from config import TestingConfig
from exchange.app import create_app
from exchange.extensions import cache, db

REFERENCE_TABLES = {"regions", "programs", "alembic_version"}
POSTGRES_URL = os.environ.get("EXCHANGE_TEST_DATABASE_URL", "")

# The suite's today: a spring day of season 2026/27, before the summer months (and their
# application deadlines) that the builders' data use. Time flows on from it during a
# test; a test that needs another day travels there itself. The browser tests keep the
# real clock: their server is another process, and they work from its today.
SUITE_NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
BROWSER_TESTS = Path(__file__).parent / "e2e"


@pytest.fixture(autouse=True)
def _suite_clock(request):
    if request.node.path.is_relative_to(BROWSER_TESTS):
        yield
        return
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


def pytest_report_header(config):
    where = POSTGRES_URL.split("@")[-1] if POSTGRES_URL else "a temporary SQLite file"
    return f"exchange test database: {where}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = str(tmp_path_factory.mktemp("uploads"))

    os.environ.setdefault("EXCHANGE_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    app = create_app(Config)
    with app.app_context():
        _drop_everything()
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _drop_everything() -> None:
    """Start from an empty database, whatever an earlier run left in it."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    metadata.drop_all(bind=db.engine)


def _empty_tables() -> None:
    # The suite's app lives through every test, and so does its cache: the next tests'
    # world has the same ids and the same frozen day, so nothing kept of this one stays.
    cache.clear()
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(request):
    if "app" not in request.fixturenames:
        yield
        return
    yield
    if "keep_tables" in request.fixturenames:
        db.session.remove()
        return
    _empty_tables()


@pytest.fixture
def keep_tables():
    """For a test that only reads rows which a class- or module-scoped fixture wrote once
    for several tests: the tables are not emptied after it (only its session is closed),
    and that fixture empties them once the last of those tests is done."""


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set EXCHANGE_TEST_DATABASE_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_app(app):
    """Build another app on the same test database with some settings changed; its
    connections are closed after the test."""
    made = []

    def _make(**settings):
        config = type(
            "Config",
            (TestingConfig,),
            {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **settings},
        )
        other = create_app(config)
        made.append(other)
        return other

    yield _make
    if made:
        # Flask-Limiter keeps one state (on or off, storage) for all apps it serves: give
        # it back the suite's settings by initialising it once more for such an app.
        made.append(
            create_app(
                type(
                    "Config",
                    (TestingConfig,),
                    {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]},
                )
            )
        )
    for other in made:
        with other.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
