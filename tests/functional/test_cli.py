"""The ``flask exchange`` commands and the configuration's refusals."""

import os
import sys

import pytest
from sqlalchemy import func, select

from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.organizations.models import NMO, Season
from tests import builders
from tests.processes import run_process


def test_create_user_makes_a_scoped_national_officer(app, federation):
    result = app.test_cli_runner().invoke(
        args=[
            "exchange",
            "create-user",
            "--email",
            "Nora@Example.org",
            "--role",
            "national_officer",
            "--nmo",
            "cromsic",
            "--program",
            "score",
            "--password",
            "a strong password",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "NORE of CROMSIC" in result.output
    user = db.session.scalar(select(User).where(User.email == "nora@example.org"))
    (membership,) = user.memberships
    assert membership.role == Role.NATIONAL_OFFICER
    assert membership.nmo_id == federation.home.id
    assert membership.program_id == builders.program("SCORE").id


def test_create_user_asks_for_the_password_when_not_given(app, federation):
    result = app.test_cli_runner().invoke(
        args=["exchange", "create-user", "--email", "root@example.org", "--role", "admin"],
        input="a strong password\na strong password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert user.is_admin


def test_create_user_explains_what_is_wrong(app, federation):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "exchange",
            "create-user",
            "--email",
            "x@example.org",
            "--role",
            "national_officer",
            "--nmo",
            "NOPE",
            "--password",
            "a strong password",
        ],
    )
    assert result.exit_code != 0
    assert "There is no NMO with the code NOPE" in result.output

    result = runner.invoke(
        args=[
            "exchange",
            "create-user",
            "--email",
            "x@example.org",
            "--role",
            "local_officer",
            "--nmo",
            "CROMSIC",
            "--program",
            "scope",
            "--password",
            "a strong password",
        ],
    )
    assert "belongs to a local committee" in result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def _start_in_production(**environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXCHANGE_")}
    env.update(EXCHANGE_ENV="production", **environment)
    return run_process(
        [sys.executable, "-c", "from exchange.app import create_app; create_app()"],
        env=env,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key_and_database():
    result = _start_in_production()
    assert result.returncode != 0
    assert "EXCHANGE_SECRET_KEY" in result.stderr
    assert "EXCHANGE_DATABASE_URL" in result.stderr

    result = _start_in_production(EXCHANGE_SECRET_KEY="short")
    assert "EXCHANGE_SECRET_KEY" in result.stderr

    result = _start_in_production(EXCHANGE_SECRET_KEY="x" * 40)
    assert "EXCHANGE_SECRET_KEY" not in result.stderr
    assert "EXCHANGE_DATABASE_URL" in result.stderr


def test_production_starts_with_both_and_redis(tmp_path):
    result = _start_in_production(
        EXCHANGE_SECRET_KEY="x" * 40,
        EXCHANGE_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite'}",
        EXCHANGE_INSTANCE_PATH=str(tmp_path),
        EXCHANGE_REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert "RATE LIMITS ARE OFF" not in result.stderr


def test_production_refuses_rate_limits_in_each_workers_memory(tmp_path):
    settings = {
        "EXCHANGE_SECRET_KEY": "x" * 40,
        "EXCHANGE_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "EXCHANGE_INSTANCE_PATH": str(tmp_path),
    }
    refused = _start_in_production(**settings)
    assert refused.returncode != 0
    assert "EXCHANGE_REDIS_URL" in refused.stderr
    # Without limits only when told so, and then the log says it plainly.
    unlimited = _start_in_production(**settings, EXCHANGE_RATELIMIT_ENABLED="false")
    assert unlimited.returncode == 0, unlimited.stderr
    assert "RATE LIMITS ARE OFF" in unlimited.stderr


def test_commands_save_for_good_in_a_fresh_database(tmp_path):
    """The README's production steps, as separate processes on a new database."""
    import sqlite3

    database = tmp_path / "fresh.sqlite"
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXCHANGE_")}
    env.update(
        FLASK_APP="wsgi.py",
        EXCHANGE_INSTANCE_PATH=str(tmp_path),
        EXCHANGE_DATABASE_URL=f"sqlite:///{database}",
    )
    flask = [sys.executable, "-m", "flask"]
    for command in (
        ["db", "upgrade"],
        [
            "exchange",
            "create-user",
            "--email",
            "root@example.org",
            "--role",
            "admin",
            "--password",
            "a strong password",
        ],
    ):
        result = run_process(flask + command, env=env)
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        emails = [row[0] for row in connection.execute("SELECT email FROM users")]
    connection.close()
    assert emails == ["root@example.org"]


def test_init_federation_loads_the_real_nmos_once_then_changes_nothing(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["exchange", "init-federation"])
    assert first.exit_code == 0, first.output
    assert first.output == (
        "Added 95 NMOs, season 2026/27. The federation has 95 NMOs; "
        "the current season is 2026/27.\n"
    )
    nmos = db.session.scalars(select(NMO.code).order_by(NMO.id)).all()
    assert len(nmos) == 95 and "CROMSIC" in nmos

    again = runner.invoke(args=["exchange", "init-federation"])
    assert again.exit_code == 0, again.output
    assert again.output == (
        "The federation is set up already: 95 NMOs, season 2026/27. Nothing changed.\n"
    )
    assert db.session.scalars(select(NMO.code).order_by(NMO.id)).all() == nmos
    assert db.session.scalars(select(Season.code)).all() == ["2026/27"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_season_adds_next_season_open_or_closed_for_applications(app):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["exchange", "create-season", " 2027/28 "])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Created season 2027/28: 1 April 2027 to 31 March 2028, open to students' applications.\n"
    )
    closed = runner.invoke(args=["exchange", "create-season", "2028/29", "--closed"])
    assert closed.exit_code == 0, closed.output
    assert "closed to students' applications" in closed.output
    seasons = db.session.execute(
        select(Season.code, Season.starts_on, Season.ends_on, Season.applications_open).order_by(
            Season.starts_on
        )
    ).all()
    assert [(s.code, str(s.starts_on), str(s.ends_on), s.applications_open) for s in seasons] == [
        ("2027/28", "2027-04-01", "2028-03-31", True),
        ("2028/29", "2028-04-01", "2029-03-31", False),
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2027-28", "Write a season as two consecutive years, such as 2027/28; not '2027-28'."),
        ("2027/29", "2027/29 is not two consecutive years: the season that starts on 1 April"),
        ("27/28", "Write a season as two consecutive years"),
        ("2026/27", "The season 2026/27 exists already."),
    ],
)
def test_create_season_refuses_a_bad_code_and_a_season_that_exists(app, code, message):
    builders.season("2026/27")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["exchange", "create-season", code])

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalars(select(Season.code)).all() == ["2026/27"]
