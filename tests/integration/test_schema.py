"""The migrations build the models' schema, and the database itself guards the invariants."""

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Membership, Role
from exchange.contracts.models import ContractSlot
from exchange.extensions import db
from exchange.organizations.models import Program, Region, Season
from exchange.placements.models import Department, PlacementCapacity
from tests import builders


def test_models_and_migrations_agree(app):
    """What autogenerate would write for the models against the migrated schema: nothing."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_reference_data_comes_with_the_schema(app):
    assert db.session.scalars(sa.select(Program.code).order_by(Program.code)).all() == [
        "SCOPE",
        "SCORE",
    ]
    assert len(db.session.scalars(sa.select(Region)).all()) == 5


def _refused(make) -> None:
    """``make`` adds something the database must refuse; nothing of it stays."""
    with pytest.raises(IntegrityError), db.session.begin_nested():
        make()
        db.session.flush()


def test_database_refuses_broken_invariants(app):
    nmo = builders.nmo()
    other = builders.nmo(country_code="SI", country_name="Slovenia")
    lc = builders.lc(nmo)
    other_lc = builders.lc(other)
    season = builders.season()
    contract = builders.contract(nmo, other)
    student = builders.user(Role.STUDENT, lc_=lc)

    _refused(lambda: db.session.add(ContractSlot(contract=contract, month=9, slots=-1)))
    _refused(lambda: db.session.add(ContractSlot(contract=contract, month=13, slots=1)))
    _refused(lambda: db.session.add(ContractSlot(contract=contract, month=7, slots=1)))  # twice
    _refused(lambda: builders.contract(nmo, nmo))  # with itself
    _refused(lambda: builders.nmo(code=nmo.code))  # codes are unique
    _refused(
        lambda: db.session.add(
            Season(code="2030/31", starts_on=date(2031, 3, 31), ends_on=date(2030, 4, 1))
        )
    )

    department = Department(
        nmo=nmo, lc=lc, title="Cardiology", field="Cardiology", city="Zagreb", hospital="KBC"
    )
    db.session.add(department)
    db.session.flush()
    _refused(
        lambda: db.session.add(
            PlacementCapacity(placement=department, season=season, month=7, capacity=-1)
        )
    )
    # More students placed, or nominated, than a month has room for.
    _refused(
        lambda: db.session.add(
            PlacementCapacity(placement=department, season=season, month=8, capacity=1, used=2)
        )
    )
    _refused(lambda: db.session.add(ContractSlot(contract=contract, month=9, slots=1, used=2)))
    # A department without a hospital, and a placement in an LC of another NMO.
    _refused(lambda: db.session.add(Department(nmo=nmo, lc=lc, title="X", field="X", city="Z")))
    _refused(
        lambda: db.session.add(
            Department(nmo=nmo, lc=other_lc, title="X", field="X", city="Z", hospital="H")
        )
    )

    # Memberships: a scope that fits the role, and an LC that belongs to the NMO.
    _refused(lambda: db.session.add(Membership(user=student, role=Role.ADMIN, nmo_id=nmo.id)))
    _refused(
        lambda: db.session.add(Membership(user=student, role=Role.NATIONAL_OFFICER, nmo_id=nmo.id))
    )
    _refused(
        lambda: db.session.add(
            Membership(user=student, role=Role.STUDENT, nmo_id=nmo.id, lc_id=other_lc.id)
        )
    )

    def application(**columns):
        # A student of their own each, so that only the check under test can refuse it.
        values = {
            "code": "P-2627-00001",
            "number": 1,
            "student": builders.user(Role.STUDENT, lc_=lc),
            "program": builders.program(),
            "season": season,
            "home_nmo_id": nmo.id,
            "home_lc_id": lc.id,
            "host_nmo_id": other.id,
        }
        values.update(columns)
        return Application(**values)

    db.session.add(application())
    db.session.flush()
    _refused(lambda: db.session.add(application(number=2)))  # same code
    _refused(lambda: db.session.add(application(code="P-2627-00002")))  # same number
    now = clock.now()
    fresh = {"code": "P-2627-00003", "number": 3}
    # A state needs the columns its step fills in.
    _refused(lambda: db.session.add(application(**fresh, state=State.SUBMITTED)))
    _refused(lambda: db.session.add(application(**fresh, state=State.NOMINATED, submitted_at=now)))
    _refused(
        lambda: db.session.add(
            application(**fresh, state=State.REJECTED, submitted_at=now, closed_at=now)
        )
    )
    _refused(lambda: db.session.add(application(**fresh, host_nmo_id=nmo.id)))  # abroad
    db.session.add(
        application(
            **fresh,
            state=State.NOMINATED,
            submitted_at=now,
            contract=contract,
            exchange_month=7,
            nominated_at=now,
            ca_due_on=date(2026, 5, 6),
        )
    )
    db.session.flush()  # the same row with what its state needs is taken


def test_the_database_keeps_one_live_application_per_student_program_and_season(app):
    nmo, host = builders.nmo(), builders.nmo(country_code="SI", country_name="Slovenia")
    student = builders.user(Role.STUDENT, lc_=builders.lc(nmo))
    first = builders.application(student, host)
    _refused(lambda: builders.application(student, host))
    # Another program, or another season, is another application.
    builders.application(student, host, program_code="SCORE")
    builders.application(student, host, season_code="2027/28")
    # Once the first is closed, a new one may be made; closed ones never count.
    now = clock.now()
    first.state, first.closed_at, first.closing_reason = State.WITHDRAWN, now, "Changed my mind"
    db.session.flush()
    second = builders.application(student, host)
    second.state, second.closed_at, second.closing_reason = State.REJECTED, now, "Year 2"
    second.submitted_at = now
    db.session.flush()
    builders.application(student, host)
    _refused(lambda: builders.application(student, host))
