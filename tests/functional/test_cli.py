"""The ``flask exchange`` commands and the configuration's refusals."""

import os
import sys

from sqlalchemy import select

from exchange.auth.models import Role, User
from exchange.extensions import db
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


def test_production_starts_with_both(tmp_path):
    result = _start_in_production(
        EXCHANGE_SECRET_KEY="x" * 40,
        EXCHANGE_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite'}",
        EXCHANGE_INSTANCE_PATH=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr


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
