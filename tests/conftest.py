"""Fixtures shared by every test that needs the app.

The schema is built once per session by the real migrations (``flask db upgrade``), on a
temporary SQLite file, or on PostgreSQL when ``EXCHANGE_TEST_DATABASE_URL`` is set. Tests
commit for real, as requests do; after each test every table but the reference data
(regions, programs) is emptied.
"""

import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from exchange import create_app
from exchange.extensions import db

REFERENCE_TABLES = {"regions", "programs", "alembic_version"}
POSTGRES_URL = os.environ.get("EXCHANGE_TEST_DATABASE_URL", "")


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
    _empty_tables()


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
