"""Two officers at the same moment never overbook: the database guards the last place.

These run real concurrent requests against PostgreSQL (SQLite serialises writers, so the
race cannot happen there), each thread with its own client, connection and transaction.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.contracts.models import ContractSlot
from exchange.extensions import db
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.conftest import log_in

pytestmark = pytest.mark.postgres
RACERS = 6


def _race(app, requests):
    """Send each (user email, url, form) at once, from its own thread and client."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)
    errors = []

    def run(index, email, url, data):
        try:
            client = app.test_client()
            assert log_in(client, email).status_code == 302
            barrier.wait(timeout=30)
            statuses[index] = client.post(url, data=data).status_code
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


def _world(slots: int, capacity: int, state: State):
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    home_lc, host_lc = builders.lc(home, "LC Zagreb"), builders.lc(host, "LC Ljubljana")
    contract = builders.contract(home, host, slots={7: slots})
    department = builders.department(host_lc, "Cardiology", capacity={7: capacity})
    officers = [
        builders.user(Role.NATIONAL_OFFICER, nmo_=home if state == State.SUBMITTED else host)
        for _ in range(RACERS)
    ]
    now = clock.now()
    applications = []
    for _ in range(RACERS):
        student = builders.user(Role.STUDENT, lc_=home_lc)
        columns = {"state": state, "submitted_at": now, "months": [7]}
        if state == State.NOMINATED:
            columns |= {
                "contract_id": contract.id,
                "exchange_month": 7,
                "nominated_at": now,
                "ca_due_on": date(2026, 5, 6),
            }
        applications.append(builders.application(student, host, **columns))
    if state == State.NOMINATED:
        contract.slots[0].used = RACERS
    db.session.commit()
    return officers, applications, department


def test_concurrent_acceptances_never_exceed_a_placements_capacity(app):
    officers, applications, department = _world(RACERS, capacity=1, state=State.NOMINATED)
    form = {
        "placement_id": department.id,
        "starts_on": "2026-07-06",
        "contact_person": "Dr. Kos",
    }
    _race(
        app,
        [
            (officer.email, f"/applications/{application.code}/accept", form)
            for officer, application in zip(officers, applications, strict=True)
        ],
    )
    db.session.expire_all()
    accepted = db.session.scalars(
        select(Application).where(Application.state == State.ACCEPTED)
    ).all()
    assert len(accepted) == 1
    used = db.session.scalar(
        select(PlacementCapacity.used).where(PlacementCapacity.placement_id == department.id)
    )
    assert used == 1


def test_concurrent_nominations_never_exceed_a_contracts_slots(app):
    officers, applications, _ = _world(slots=2, capacity=RACERS, state=State.SUBMITTED)
    _race(
        app,
        [
            (officer.email, f"/applications/{application.code}/nominate", {"month": 7})
            for officer, application in zip(officers, applications, strict=True)
        ],
    )
    db.session.expire_all()
    nominated = db.session.scalars(
        select(Application).where(Application.state == State.NOMINATED)
    ).all()
    assert len(nominated) == 2
    assert db.session.scalar(select(ContractSlot.used)) == 2


def test_two_nominations_of_the_same_application_take_one_slot(app):
    """A double click, or two officers at once: the second finds the state moved on."""
    officers, applications, _ = _world(slots=RACERS, capacity=RACERS, state=State.SUBMITTED)
    application = applications[0]
    home_officer = officers[0]
    _race(
        app,
        [(home_officer.email, f"/applications/{application.code}/nominate", {"month": 7})] * RACERS,
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == State.NOMINATED
    assert db.session.scalar(select(ContractSlot.used)) == 1
    steps = db.session.get(Application, application.id).history
    assert [s.to_state for s in steps] == [State.NOMINATED]


def test_racing_new_applications_make_one_live_application(app):
    """Ten "new application" requests of one student at once: the partial unique index
    lets one through, and every other request is told which application exists."""
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    student = builders.user(Role.STUDENT, lc_=builders.lc(home, "LC Zagreb"))
    builders.contract(home, host)
    builders.exchange_conditions(host)
    season, program = builders.season(), builders.program()
    db.session.commit()
    racers = 10
    barrier = threading.Barrier(racers)
    pages, errors = [None] * racers, []
    form = {"season_id": season.id, "program_id": program.id, "host_nmo_id": host.id}
    email = student.email

    def run(index):
        try:
            client = app.test_client()
            assert log_in(client, email).status_code == 302
            barrier.wait(timeout=30)
            response = client.post("/applications/new", data=form, follow_redirects=True)
            pages[index] = (response.status_code, response.get_data(as_text=True))
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    db.session.expire_all()
    (application,) = db.session.scalars(select(Application)).all()
    assert application.state == State.DRAFT
    assert [status for status, _ in pages] == [200] * racers
    started = [page for _, page in pages if f"{application.code} is started" in page]
    refused = [
        page
        for _, page in pages
        if f"You have application {application.code} for SCOPE 2026/27 already" in page
    ]
    assert (len(started), len(refused)) == (1, racers - 1)


def test_simultaneous_registrations_of_one_address_answer_like_any_other(app):
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    lc = builders.lc(home, "LC Zagreb")
    db.session.commit()
    form = {
        "name": "Ana Horvat",
        "email": "ana@example.org",
        "nmo_id": home.id,
        "lc_id": lc.id,
        "year_of_study": 4,
        "password": "a long enough password",
        "password_again": "a long enough password",
    }
    barrier = threading.Barrier(10)
    statuses, errors = [], []

    def register():
        try:
            client = app.test_client()
            barrier.wait(timeout=30)
            statuses.append(client.post("/register", data=form).status_code)
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert statuses == [302] * 10
    db.session.expire_all()
    (account,) = db.session.scalars(select(User).where(User.email == "ana@example.org")).all()
    assert account.email_confirmed_at is None
