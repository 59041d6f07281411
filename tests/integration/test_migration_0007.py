"""Migration 0007 makes one live application per student, program and season a database
rule. Duplicates that racing requests left behind are closed first, keeping the one
furthest along; two that both hold a slot stop the migration with their codes."""

import pytest
from alembic import command
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from config import TestingConfig
from exchange import clock
from exchange.app import create_app
from exchange.applications.models import Application, StateTransition
from exchange.applications.states import State
from exchange.extensions import db
from tests import builders


@pytest.fixture
def database_at_0006(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite'}"
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0006")
        yield app
        db.session.remove()
        db.engine.dispose()


def _duplicates(*states: State) -> list[Application]:
    """Applications of one student for one program and season, in ``states``, as racing
    requests made them before the rule."""
    home, host = builders.nmo(), builders.nmo(country_code="SI", country_name="Slovenia")
    student = builders.student_row(builders.lc(home))
    contract = builders.contract(home, host)
    now = clock.now()
    made = []
    for state in states:
        columns = {"state": state}
        if state != State.DRAFT:
            columns["submitted_at"] = now
        if state == State.NOMINATED:
            columns |= {
                "contract_id": contract.id,
                "exchange_month": 7,
                "nominated_at": now,
                "ca_due_on": now.date(),
            }
        made.append(builders.application_row(student, host, **columns))
    db.session.commit()
    return made


def test_duplicates_are_withdrawn_keeping_the_one_furthest_along(database_at_0006):
    first_draft, submitted, second_draft = _duplicates(State.DRAFT, State.SUBMITTED, State.DRAFT)
    upgrade()
    db.session.expire_all()
    states = {a.id: a.state for a in db.session.scalars(select(Application))}
    assert states == {
        first_draft.id: State.WITHDRAWN,
        submitted.id: State.SUBMITTED,
        second_draft.id: State.WITHDRAWN,
    }
    closed = db.session.get(Application, first_draft.id)
    assert closed.closing_reason == (
        f"A duplicate of {submitted.code}: one live application per program and season."
    )
    step = db.session.scalar(
        select(StateTransition).where(StateTransition.application_id == first_draft.id)
    )
    assert (step.from_state, step.to_state, step.action) == (
        State.DRAFT,
        State.WITHDRAWN,
        "withdraw",
    )


def test_two_nominated_duplicates_stop_the_migration_with_their_codes(database_at_0006):
    first, second = _duplicates(State.NOMINATED, State.NOMINATED)
    # Through alembic itself: `flask db upgrade` prints the same error and exits.
    config = current_app.extensions["migrate"].migrate.get_config()
    with pytest.raises(RuntimeError) as stopped:
        command.upgrade(config, "head")
    assert str(stopped.value).endswith(
        f"cancel one of each pair, then migrate again: {first.code} and {second.code}"
    )
    db.session.rollback()
    assert set(db.session.scalars(select(Application.state))) == {State.NOMINATED}
