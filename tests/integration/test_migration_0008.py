"""Migration 0008 gives each language of an application a level: the names given before
keep their order and get no level yet ({"language": ..., "level": ""}), which the student
fills in on the personal data page before submitting."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from config import TestingConfig
from exchange.app import create_app
from exchange.applications import personal
from exchange.applications.models import Application, StateTransition
from exchange.applications.states import State
from exchange.extensions import db
from tests import builders


@pytest.fixture
def database_at_0007(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite'}"
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0007")
        yield app
        db.session.remove()
        db.engine.dispose()


def _old_applications(*languages: list) -> list[int]:
    """Applications as 0007 kept them, one per list of languages, of different students."""
    home, host = builders.nmo(), builders.nmo(country_code="SI", country_name="Slovenia")
    home_lc = builders.lc(home)
    made = [
        builders.application_row(builders.student_row(home_lc), host, languages=given).id
        for given in languages
    ]
    db.session.commit()
    return made


def _languages() -> dict[int, list]:
    db.session.expire_all()
    return dict(db.session.execute(select(Application.id, Application.languages)).all())


def test_old_style_languages_become_languages_without_a_level(database_at_0007):
    old, empty, mixed = _old_applications(
        ["Spanish", "English"], [], ["German", {"language": "French", "level": "B1"}]
    )
    upgrade()
    assert _languages() == {
        old: [{"language": "Spanish", "level": ""}, {"language": "English", "level": ""}],
        empty: [],
        mixed: [{"language": "German", "level": ""}, {"language": "French", "level": "B1"}],
    }
    # The student is asked for the levels before submitting.
    application = db.session.get(Application, old)
    assert personal.missing_for_submission(application, [])[:2] == [
        "Give your level in Spanish on the Personal data page.",
        "Give your level in English on the Personal data page.",
    ]
    assert application.passport_number is None and application.allergies == ""


def test_languages_with_levels_are_left_as_they_are(database_at_0007):
    (given,) = _old_applications([{"language": "Croatian", "level": "native"}])
    upgrade()
    assert _languages() == {given: [{"language": "Croatian", "level": "native"}]}


def test_downgrading_drops_the_personal_data_and_keeps_the_languages(database_at_0007):
    (given,) = _old_applications(["Spanish"])
    upgrade()
    downgrade(revision="0007")
    upgrade()
    assert _languages() == {given: [{"language": "Spanish", "level": ""}]}


def test_the_history_of_an_application_survives_it(database_at_0007):
    """On SQLite the migration rebuilds the applications table (a batch operation): the
    rows that refer to it ON DELETE CASCADE must not go with the old table."""
    (given,) = _old_applications(["Spanish"])
    db.session.add(StateTransition(application_id=given, action="create", to_state=State.DRAFT))
    db.session.commit()
    upgrade()
    db.session.expire_all()
    assert db.session.scalars(select(StateTransition.application_id)).all() == [given]
