"""A student's copy of all their data, and an admin's erasure of it that leaves the
reports' figures as they were. Issue 14, point 4."""

import io
import json
import zipfile

import time_machine
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from exchange import clock
from exchange.applications.documents import document_path, store_document
from exchange.applications.models import Application, Document
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.outbox import OutboxMessage, queue_email
from tests import builders
from tests.functional.steps import PDF, as_user, submitted_application


def _zip(client) -> zipfile.ZipFile:
    response = client.get("/account/data.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_a_student_downloads_all_their_data_and_only_theirs(client, world, spring):
    application = submitted_application(client, world)
    other = builders.user(Role.STUDENT, email="other@example.org", lc_=world.federation.home_lc)
    theirs = builders.application(other, world.federation.host)
    queue_email(world.student.email, "Hello", "A message for the student.")
    db.session.commit()

    archive = _zip(as_user(client, world.student))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == world.student.email
    assert data["account"]["roles"] == ["Student of LC Zagreb, CROMSIC"]
    (mine,) = data["applications"]
    assert mine["code"] == application.code
    assert mine["passport_number"] == builders.PERSONAL_DATA["passport_number"]
    assert [step["to"] for step in mine["history"]][-1] == "submitted"
    assert any(m["subject"] == "Hello" for m in data["messages"])
    (document,) = mine["documents"]
    assert archive.read(document["file"]) == PDF
    assert theirs.code not in archive.read("data.json").decode()


def _figures(client) -> str:
    response = client.get("/reports/figures.csv?season=2026/27")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_admin_erases_a_students_personal_data_and_the_figures_stay(app, client, world, spring):
    application = submitted_application(client, world)
    student_id = world.student.id
    document = db.session.scalar(select(Document))
    path = document_path(document)
    assert path.is_file()
    as_user(client, world.federation.admin)
    before = _figures(client)

    page = client.get(f"/admin/users/{student_id}").get_data(as_text=True)
    assert "Erase personal data" in page
    response = client.post(f"/admin/users/{student_id}/erase", follow_redirects=True)
    assert "is erased" in response.get_data(as_text=True)

    db.session.expire_all()
    student = db.session.get(User, student_id)
    assert (student.name, student.email) == (
        f"Erased student {student_id}",
        f"erased-{student_id}@erased.invalid",
    )
    assert not student.is_active
    erased = db.session.get(Application, application.id)
    assert erased.state == application.state
    assert erased.passport_number is None and erased.date_of_birth is None
    assert erased.medical_notes == "" and erased.motivation == ""
    assert db.session.scalar(select(Document)) is None
    assert not path.exists()
    assert (
        db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address == "student@example.org")
        )
        is None
    )
    assert _figures(client) == before
    # Once is enough: the page offers it no more, and a second request says why.
    assert "Erase personal data" not in client.get(f"/admin/users/{student_id}").get_data(
        as_text=True
    )
    again = client.post(f"/admin/users/{student_id}/erase", follow_redirects=True)
    assert "erased already" in again.get_data(as_text=True)


def test_an_officers_account_is_not_erased_here(client, world):
    as_user(client, world.federation.admin)
    response = client.post(
        f"/admin/users/{world.home_neo.id}/erase", follow_redirects=True
    ).get_data(as_text=True)
    assert "account is erased here" in response
    db.session.expire_all()
    assert db.session.get(User, world.home_neo.id).email == world.home_neo.email


def test_purge_documents_deletes_ended_applications_files_past_retention(app, world):
    old_season = builders.season("2025/26")
    ended = builders.application(
        world.student,
        world.federation.host,
        season_code="2025/26",
        state=State.WITHDRAWN,
        closed_at=clock.now(),
        closing_reason="Changed plans",
    )
    still_open = builders.application(world.student, world.federation.host)
    for application in (ended, still_open):
        store_document(application, "cv", _pdf(), world.student)
    db.session.commit()
    paths = {d.application_id: document_path(d) for d in db.session.scalars(select(Document))}
    runner = app.test_cli_runner()

    # The season ended on 31 March 2026: 365 days later is not yet "more than 365".
    with time_machine.travel("2027-03-31 12:00Z", tick=False):
        result = runner.invoke(args=["exchange", "purge-documents"])
    assert "Deleted 0 documents" in result.output, result.output
    with time_machine.travel("2027-04-02 12:00Z", tick=False):
        result = runner.invoke(args=["exchange", "purge-documents"])
    assert "Deleted 1 documents" in result.output, result.output
    db.session.expire_all()
    assert [d.application_id for d in db.session.scalars(select(Document))] == [still_open.id]
    assert not paths[ended.id].exists() and paths[still_open.id].exists()
    assert old_season.ends_on.isoformat() == "2026-03-31"


def _pdf():
    return FileStorage(stream=io.BytesIO(PDF), filename="cv.pdf")
