"""Faults leave nothing half-written: a database error after a service's first write
rolls all of it back (nominate, accept, approve, CSV import), and an upload cut off
mid-way leaves no file and no row. Issue 14, point 3."""

import io
import os
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from exchange import clock
from exchange.applications.models import Application, Document
from exchange.applications.states import State
from exchange.contracts.models import Contract
from exchange.extensions import db
from tests import builders
from tests.functional.steps import PDF, accept, as_user, nominate
from tests.functional.test_matching import _nominated, _run
from tests.functional.test_placements import HEADER, import_file
from tests.functional.test_route_fuzz import _fingerprint

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def database_fails_after(writes: int = 1):
    """Every INSERT, UPDATE or DELETE after the first ``writes`` fails, as when the
    database goes away in the middle of a request. Yields the count of writes tried."""
    tried = [0]

    def fail(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            tried[0] += 1
            if tried[0] > writes:
                raise OperationalError(statement, parameters, Exception("injected fault"))

    event.listen(db.engine, "before_cursor_execute", fail)
    try:
        yield tried
    finally:
        event.remove(db.engine, "before_cursor_execute", fail)


def _fails_leaving_nothing(request) -> None:
    """``request()`` meets the fault after its first write, and the database is as before."""
    db.session.expire_all()
    before = _fingerprint()
    with database_fails_after(1) as tried, pytest.raises(OperationalError, match="injected"):
        request()
    assert tried[0] >= 2, "the request wrote once at most: the fault came too late to test"
    # The request's own rollback (web.transaction.attempt) undid its first write.
    db.session.expire_all()
    assert _fingerprint() == before


def _submitted(world) -> Application:
    application = builders.application(
        world.student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    db.session.commit()
    return application


def test_a_fault_inside_nominate_leaves_no_trace(client, world, spring):
    application = _submitted(world)
    as_user(client, world.home_neo)
    _fails_leaving_nothing(lambda: nominate(client, world, application))
    assert db.session.get(Application, application.id).state == State.SUBMITTED
    # And the same request, without the fault, goes through.
    assert "nominated" in nominate(client, world, application).get_data(as_text=True)


def test_a_fault_inside_accept_leaves_no_trace(client, world, spring):
    contract = db.session.scalar(select(Contract))
    application = builders.application(
        world.student,
        world.federation.host,
        state=State.NOMINATED,
        submitted_at=clock.now(),
        months=[7],
        contract_id=contract.id,
        exchange_month=7,
        nominated_at=clock.now(),
        ca_due_on=date(2026, 5, 6),
    )
    contract.slots[0].used = 1
    db.session.commit()
    as_user(client, world.host_neo)
    _fails_leaving_nothing(lambda: accept(client, world.host_neo, application, world.department))
    assert db.session.get(Application, application.id).state == State.NOMINATED
    accept(client, world.host_neo, application, world.department)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == State.ACCEPTED


def test_a_fault_inside_approving_a_proposal_leaves_no_trace(client, world, spring):
    applications = _nominated(world, ["90", "60"], [world.department, world.other_department])
    run = _run(client, world, "incoming", world.host_neo)
    _fails_leaving_nothing(lambda: client.post(f"/matching/{run.id}/approve"))
    db.session.expire_all()
    assert [db.session.get(Application, a.id).state for a in applications] == [
        State.NOMINATED,
        State.NOMINATED,
    ]


def test_a_fault_inside_a_csv_import_leaves_no_trace(federation, login):
    content = "\n".join(
        [
            HEADER,
            ",Neurology,Neurology,KBC Zagreb,,LC Zagreb,English,,no,,,,1,1,,,,,,,",
            ",Pathology,Pathology,KBC Zagreb,Zagreb,LC Zagreb,,,no,,,,2,,,,,,,,",
        ]
    )
    client = login(federation.local_officer)
    _fails_leaving_nothing(lambda: import_file(client, content))
    assert import_file(client, content).status_code == 302


# Werkzeug's form parser leaves the cut-off part's spooled temporary file to the garbage
# collector when the client goes away (werkzeug.formparser, on ClientDisconnected): it is
# in memory or in /tmp, never in the upload folder, and gone when collected.
@pytest.mark.filterwarnings("ignore:Exception ignored in.*SpooledTemporaryFile")
@pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile")
def test_an_upload_cut_off_mid_way_leaves_no_file_and_no_row(app, client, world, spring):
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    as_user(client, world.student)
    folder = app.config["UPLOAD_FOLDER"]
    files_before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    boundary = "cut-off"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="document-kind"\r\n\r\ncv\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document-file"; '
        'filename="cv.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode() + PDF[:20]
    response = client.post(
        f"/applications/{application.code}/documents",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(len(body) + 4096)},  # the rest never comes
    )
    assert 400 <= response.status_code < 500
    assert db.session.scalar(select(Document)) is None
    files_after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert files_after == files_before
