"""Steps of the application cycle through the real forms, shared by the tests, and the
``world`` they run in: two NMOs with a contract, exchange conditions and departments."""

import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from exchange.applications.codes import CODE_PATTERN
from exchange.applications.models import Application
from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.placements.models import Department
from tests import builders
from tests.functional.conftest import Federation, log_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Before the season: the July deadline (8 weeks ahead) has not passed.
SPRING = "2026-03-02 09:00:00+00:00"


@dataclass
class World:
    federation: Federation
    host_neo: User
    host_leo: User
    department: Department
    other_department: Department

    @property
    def student(self):
        return self.federation.student

    @property
    def home_neo(self):
        return self.federation.national_officer


@pytest.fixture
def world(federation) -> World:
    host_lc = federation.host_lc
    builders.contract(federation.home, federation.host, slots={7: 1, 8: 1})
    builders.exchange_conditions(federation.host, required_documents=("cv",))
    other_lc = builders.lc(federation.host, "LC Maribor", "Maribor")
    made = World(
        federation=federation,
        host_neo=builders.user(
            Role.NATIONAL_OFFICER, email="host-neo@example.org", nmo_=federation.host
        ),
        host_leo=builders.user(Role.LOCAL_OFFICER, email="host-leo@example.org", lc_=host_lc),
        department=builders.department(host_lc, "Cardiology", capacity={7: 1, 8: 1}),
        other_department=builders.department(other_lc, "Surgery", capacity={7: 1}),
    )
    db.session.commit()
    return made


@pytest.fixture
def spring():
    with time_machine.travel(SPRING, tick=False):
        yield


def as_user(client, user):
    client.post("/logout")
    assert log_in(client, user.email).status_code == 302
    return client


def start_application(client, world) -> str:
    as_user(client, world.student)
    page = client.get("/applications/new?host=SLOMSIC&program=SCOPE").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.federation.host.id}"', page) or (
        f'value="{world.federation.host.id}" selected' in page
    )
    response = client.post(
        "/applications/new",
        data={
            "season_id": builders.season().id,
            "program_id": builders.program().id,
            "host_nmo_id": world.federation.host.id,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    code = re.search(rf"/applications/({CODE_PATTERN})/edit", response.headers["Location"]).group(1)
    assert code.startswith("P-2627-")
    return code


def fill_in(client, world, code, **changes):
    data = {
        "months": ["7"],
        "study_year": "4",
        "motivation": "I want to learn cardiology.",
        "placement_ids": [str(world.department.id)],
    }
    data.update(changes)
    return client.post(f"/applications/{code}/edit", data=data)


def personal_form(changes: dict | None = None, **fields) -> dict:
    """The personal data form as a student fills it in: builders.PERSONAL_DATA and
    LANGUAGES (``languages-<row>-language`` and ``-level``), with ``changes``."""
    data = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in builders.PERSONAL_DATA.items()
    }
    data |= {"allergies": "", "medical_notes": ""}
    for row, language in enumerate(builders.LANGUAGES):
        data[f"languages-{row}-language"] = language["language"]
        data[f"languages-{row}-level"] = language["level"]
    return data | (changes or {}) | fields


def fill_in_personal(client, code, changes: dict | None = None, **fields):
    """Post the personal data page (``personal_form``); a field set to None is left out."""
    data = {k: v for k, v in personal_form(changes, **fields).items() if v is not None}
    return client.post(f"/applications/{code}/personal", data=data)


def upload(client, code, kind="cv", content=PDF, name="cv.pdf"):
    return client.post(
        f"/applications/{code}/documents",
        data={"document-kind": kind, "document-file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def submitted_application(client, world) -> Application:
    code = start_application(client, world)
    assert fill_in(client, world, code).status_code == 302
    assert fill_in_personal(client, code).status_code == 302
    upload(client, code)
    response = client.post(f"/applications/{code}/submit", follow_redirects=True)
    assert "is submitted" in response.get_data(as_text=True)
    return db.session.scalar(select(Application).where(Application.code == code))


def nominate(client, world, application, month=7):
    as_user(client, world.home_neo)
    return client.post(
        f"/applications/{application.code}/nominate", data={"month": month}, follow_redirects=True
    )


def accept(client, officer, application, placement, starts_on="2026-07-06"):
    as_user(client, officer)
    return client.post(
        f"/applications/{application.code}/accept",
        data={
            "placement_id": placement.id,
            "starts_on": starts_on,
            "contact_person": "Dr. Maja Kos",
            "contact_email": "maja.kos@example.org",
        },
        follow_redirects=True,
    )
