"""Services against the real database, each test inside a transaction that is rolled back.

``rolled_back`` binds ``db.session`` to one connection whose outer transaction is never
committed: the session's ``commit()`` only releases a savepoint (SQLAlchemy 2's
``join_transaction_mode="create_savepoint"``), and the outer transaction is rolled back
after the test, so whatever the test wrote is gone without emptying any table.
``count_queries`` counts the statements a call sends to the database.

``world`` is the small federation of ``steps.make_world``, inside that transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import scoped_session, sessionmaker

from exchange.extensions import db
from tests.integration.steps import World, make_world


class _OneConnectionSession(FlaskSession):
    """Flask-SQLAlchemy's session, on the test's connection instead of the app's engine
    (its ``get_bind`` picks the engine and would ignore the session's own ``bind``)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def rolled_back_session() -> Iterator[scoped_session]:
    """Swap ``db.session`` for one whose every commit is rolled back at the end.

    Needs an app context. On pysqlite the driver's own transaction handling is switched
    off for the connection and BEGIN sent by hand: otherwise pysqlite emits no BEGIN
    before a SAVEPOINT, SQLite then opens its transaction with the savepoint, and the
    session's commit (RELEASE) would commit for real (SQLAlchemy docs, pysqlite,
    "Serializable isolation / Savepoints / Transactional DDL").
    """
    connection: Connection = db.engine.connect()
    driver = connection.connection.driver_connection
    pysqlite = connection.dialect.name == "sqlite"
    if pysqlite:
        driver_level = driver.isolation_level
        driver.isolation_level = None
    outer = connection.begin()
    if pysqlite:
        connection.exec_driver_sql("BEGIN")
    app_session = db.session
    db.session = scoped_session(
        sessionmaker(
            class_=_OneConnectionSession,
            db=db,
            bind=connection,
            join_transaction_mode="create_savepoint",
        )
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = app_session
        outer.rollback()
        if pysqlite:
            driver.isolation_level = driver_level
        connection.close()


@pytest.fixture
def rolled_back(app) -> Iterator[scoped_session]:
    """``db.session`` for this test only: commits are savepoints, all is rolled back."""
    with rolled_back_session() as session:
        yield session


@dataclass
class Counted:
    """The statements sent while counting: ``value`` of them, ``statements`` to read."""

    statements: list[str] = field(default_factory=list)

    @property
    def value(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counted: ...`` then ``counted.value``: the statements the
    engine executed inside the block (SAVEPOINTs included)."""

    @contextmanager
    def counting() -> Iterator[Counted]:
        counted = Counted()

        def count(connection, cursor, statement, parameters, context, executemany):
            counted.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counted
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


@pytest.fixture
def world(rolled_back) -> World:
    """The federation of ``steps.make_world``, inside the rolled-back transaction."""
    return make_world()
