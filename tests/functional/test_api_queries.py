"""The API's busiest lists make as many queries for a page of 2 rows as for a page of 12:
each row's NMOs, LC, student, months and events come with the page, not one by one."""

from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event

from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.extensions import db
from tests import builders
from tests.functional.test_api_applications import bearer

ROWS = 12


@contextmanager
def counted():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _queries(app, path: str, headers: dict, rows: int) -> int:
    client = app.test_client()
    # Once, first: the token's last use is written and the seasons are read the first time.
    assert client.get(f"{path}&per_page=1", headers=headers).status_code == 200
    db.session.expire_all()
    with counted() as statements:
        response = client.get(f"{path}&per_page={rows}", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["items"]) == rows
    return len(statements)


def test_the_outgoing_queue_reads_each_page_in_as_many_queries(app, federation):
    hosts = [builders.nmo(f"HOST{n}", f"Q{chr(65 + n)}", f"Country {n}") for n in range(3)]
    for n in range(ROWS):
        lc = builders.lc(federation.home, f"LC {n}", f"City {n}")
        student = builders.user(Role.STUDENT, email=f"s{n}@example.org", lc_=lc)
        builders.application(
            student,
            hosts[n % 3],
            state=State.SUBMITTED,
            submitted_at=datetime(2026, 3, 1, 9, n, tzinfo=UTC),
        )
    headers = bearer(federation.national_officer)
    path = "/api/v1/applications/?queue=outgoing&state=all"
    assert _queries(app, path, headers, 2) == _queries(app, path, headers, ROWS)


def test_the_contracts_list_reads_each_page_in_as_many_queries(app, federation):
    for n in range(ROWS):
        host = builders.nmo(f"HOST{n}", f"Q{chr(65 + n)}", f"Country {n}")
        builders.contract(federation.home, host, slots={7: 1, 8: n % 3})
    headers = bearer(federation.national_officer)
    path = "/api/v1/contracts/?season=2026/27"
    assert _queries(app, path, headers, 2) == _queries(app, path, headers, ROWS)
