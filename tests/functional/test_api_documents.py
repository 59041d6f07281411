"""An application's documents through the API: the student uploads to their draft, the
officers concerned download, nobody else sees them."""

import io

from sqlalchemy import select

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.extensions import db
from tests.functional.steps import PDF
from tests.functional.test_api_applications import bearer


def _draft(api, token) -> str:
    response = api.post(
        "/api/v1/applications/", json={"program": "SCOPE", "host": "SLOMSIC"}, headers=token
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _upload(api, token, code, content=PDF, kind="cv", name="cv.pdf"):
    return api.post(
        f"/api/v1/applications/{code}/documents",
        data={"kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=token,
    )


def test_the_student_uploads_and_the_home_officer_downloads(app, world, spring):
    api, student = app.test_client(), bearer(world.student)
    code = _draft(api, student)
    uploaded = _upload(api, student, code)
    assert uploaded.status_code == 201, uploaded.get_json()
    document = uploaded.get_json()
    assert (document["kind"], document["filename"], document["content_type"]) == (
        "cv",
        "cv.pdf",
        "application/pdf",
    )
    listed = api.get(f"/api/v1/applications/{code}/documents", headers=student).get_json()
    assert [d["id"] for d in listed] == [document["id"]]

    url = f"/api/v1/applications/{code}/documents/{document['id']}"
    home_neo = bearer(world.home_neo)
    with api.get(url, headers=home_neo) as download:
        assert download.status_code == 404  # a draft is the student's own
    application = db.session.scalar(select(Application).where(Application.code == code))
    application.state, application.submitted_at = State.SUBMITTED, clock.now()
    db.session.commit()
    with api.get(url, headers=home_neo) as download:
        assert download.status_code == 200
        assert download.data == PDF
    with api.get(url, headers=student) as download:
        assert download.status_code == 200
        assert download.data == PDF
        assert "attachment" in download.headers["Content-Disposition"]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_kept(app, world, spring):
    api, student = app.test_client(), bearer(world.student)
    code = _draft(api, student)
    refused = _upload(api, student, code, content=b"MZ\x90\x00 not a pdf", name="cv.pdf")
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert "is not a" in refused.get_json()["detail"]
    assert api.get(f"/api/v1/applications/{code}/documents", headers=student).get_json() == []

    wrong_kind = _upload(api, student, code, kind="diary")
    assert wrong_kind.status_code == 422
    assert "kind" in wrong_kind.get_json()["errors"]


def test_nobody_else_sees_or_uploads_a_students_documents(app, world, spring):
    api, student = app.test_client(), bearer(world.student)
    code = _draft(api, student)
    document = _upload(api, student, code).get_json()
    stranger = bearer(world.host_neo)  # the host sees nothing before a nomination
    assert api.get(f"/api/v1/applications/{code}/documents", headers=stranger).status_code == 404
    url = f"/api/v1/applications/{code}/documents/{document['id']}"
    assert api.get(url, headers=stranger).status_code == 404
    assert _upload(api, stranger, code).status_code == 403
