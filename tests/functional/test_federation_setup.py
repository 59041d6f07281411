"""The README's "Start a real federation": its commands, read from the README itself, run
as separate processes on a fresh SQLite database, as an operator runs them."""

import os
import re
import shlex
import sqlite3
import sys
from datetime import UTC
from pathlib import Path

import time_machine

from exchange.organizations.federation import read_nmos
from exchange.organizations.seasons import next_season_code, season_code_of
from tests.processes import run_process

README = Path(__file__).parents[2] / "README.md"
PASSWORD = "a strong password"


def readme_commands() -> list[list[str]]:
    """The arguments of each ``flask ...`` line of the section's shell block, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Start a real federation\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the section has no ```sh block"
    commands = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "flask":
            commands.append(words[1:])
    return commands


def _option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


def test_the_readme_lists_the_commands_from_an_empty_database_to_the_officers():
    commands = readme_commands()

    assert [command[:2] for command in commands] == [
        ["db", "upgrade"],
        ["exchange", "init-federation"],
        ["exchange", "create-user"],
        ["exchange", "create-user"],
        ["exchange", "create-season"],
    ]
    admin, officer = commands[2], commands[3]
    assert _option(admin, "--role") == "admin" and _option(admin, "--email")
    assert [_option(officer, name) for name in ("--role", "--nmo", "--program")] == [
        "national_officer",
        "CROMSIC",
        "scope",
    ]
    # The season to create is written as a season code; the password is asked for.
    assert re.fullmatch(r"\d{4}/\d{2}", commands[4][2])
    assert not any("--password" in command for command in commands)


def _real_today():
    """The day the commands' processes see: the machine's, not the suite's frozen clock."""
    return time_machine.escape_hatch.datetime.datetime.now(UTC).date()


def test_the_readme_commands_set_up_a_federation_on_a_fresh_database(tmp_path):
    database = tmp_path / "fresh.sqlite"
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXCHANGE_")}
    env.update(
        FLASK_APP="wsgi.py",
        EXCHANGE_INSTANCE_PATH=str(tmp_path),
        EXCHANGE_DATABASE_URL=f"sqlite:///{database}",
    )
    flask = [sys.executable, "-m", "flask"]
    seasons_of_today = {season_code_of(_real_today())}
    current = None
    commands = readme_commands()
    for command in commands:
        if command[:2] == ["exchange", "create-user"]:
            command = [*command, "--password", PASSWORD]  # the prompt, answered
        if command[:2] == ["exchange", "create-season"]:
            # The README's code is next season as the README was written; take the
            # season after today's, so that the test passes in any season.
            command = [*command[:2], next_season_code(current)]
        result = run_process(flask + command, env=env)
        assert result.returncode == 0, result.stderr
        if command == ["exchange", "init-federation"]:
            current = re.search(r"the current season is (\d{4}/\d{2})\.", result.stdout).group(1)
            again = run_process(flask + command, env=env)
            assert again.returncode == 0, again.stderr
            assert again.stdout.strip() == (
                f"The federation is set up already: 95 NMOs, season {current}. Nothing changed."
            )
    seasons_of_today.add(season_code_of(_real_today()))  # in case midnight of 31 March passed

    with sqlite3.connect(database) as connection:
        rows = connection.execute
        nmos = {code for (code,) in rows("SELECT code FROM nmos")}
        seasons = [code for (code,) in rows("SELECT code FROM seasons ORDER BY starts_on")]
        users = rows(
            "SELECT users.email, memberships.role, nmos.code, programs.code FROM users "
            "JOIN memberships ON memberships.user_id = users.id "
            "LEFT JOIN nmos ON nmos.id = memberships.nmo_id "
            "LEFT JOIN programs ON programs.id = memberships.program_id ORDER BY users.id"
        ).fetchall()
        counts = {
            table: rows(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("local_committees", "applications", "contracts", "placements")
        }
    connection.close()
    assert nmos == {row.code for row in read_nmos()}
    assert len(nmos) == 95 and "CROMSIC" in nmos
    assert current in seasons_of_today
    assert seasons == [current, next_season_code(current)]
    assert users == [
        (_option(commands[2], "--email"), "admin", None, None),
        (_option(commands[3], "--email"), "national_officer", "CROMSIC", "SCOPE"),
    ]
    assert counts == dict.fromkeys(counts, 0)
