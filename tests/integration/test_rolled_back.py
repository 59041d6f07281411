"""The rolled-back session: what a test commits stays in its transaction and is gone after.

The suite empties the tables after every test that uses the app, which would hide a
rollback that did not happen; so these look from a second connection while the test
runs, and at the table as soon as the fixture has ended, before that emptying.
"""

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.organizations.models import NMO
from tests import builders
from tests.integration.conftest import rolled_back_session


def _nmos_seen_from_another_connection(code: str) -> int:
    with db.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(NMO).where(NMO.code == code))


def _nmos_in_the_session(code: str) -> int:
    return db.session.scalar(select(func.count()).select_from(NMO).where(NMO.code == code))


def test_what_a_test_commits_is_gone_when_the_fixture_ends(app):
    app_session = db.session
    with rolled_back_session() as session:
        assert db.session is session and session is not app_session
        builders.nmo("ROLLBACK1")
        db.session.commit()
        builders.nmo("ROLLBACK2")
        db.session.commit()

        assert _nmos_in_the_session("ROLLBACK1") == 1
        assert _nmos_in_the_session("ROLLBACK2") == 1
        # The commits were savepoints: no other connection sees the rows.
        assert _nmos_seen_from_another_connection("ROLLBACK1") == 0

    assert db.session is app_session
    for code in ("ROLLBACK1", "ROLLBACK2"):
        assert _nmos_in_the_session(code) == 0
        assert _nmos_seen_from_another_connection(code) == 0


def test_a_rollback_in_the_test_undoes_only_what_came_after_the_last_commit(app):
    with rolled_back_session():
        builders.nmo("KEPT")
        db.session.commit()
        builders.nmo("UNDONE")
        db.session.rollback()

        assert _nmos_in_the_session("KEPT") == 1
        assert _nmos_in_the_session("UNDONE") == 0
        # The session goes on after the rollback, in the same outer transaction.
        builders.nmo("AFTER")
        db.session.commit()
        assert _nmos_in_the_session("AFTER") == 1

    assert _nmos_in_the_session("KEPT") == 0
    assert _nmos_in_the_session("AFTER") == 0


def test_the_fixture_keeps_a_test_s_commits_from_other_connections(rolled_back):
    builders.nmo("INVISIBLE")
    rolled_back.commit()

    assert _nmos_in_the_session("INVISIBLE") == 1
    assert _nmos_seen_from_another_connection("INVISIBLE") == 0


def test_count_queries_counts_each_statement_of_the_block_and_only_those(
    rolled_back, count_queries
):
    builders.nmo("COUNTED")
    rolled_back.commit()

    with count_queries() as counted:
        assert _nmos_in_the_session("COUNTED") == 1
        assert _nmos_in_the_session("COUNTED") == 1
    _nmos_in_the_session("COUNTED")

    # The first statement after a commit opens the session's next savepoint.
    assert counted.value == 3
    assert counted.statements[0].startswith("SAVEPOINT")
    assert all(s.startswith("SELECT count(*)") for s in counted.statements[1:])
