"""Seasons follow the calendar: the current one comes from today, the choosers offer the
seasons to come, students apply only in seasons open for applications, and no season code
is written into the product's code."""

import ast
import re
from pathlib import Path

import pytest
import time_machine

from exchange.applications import services as cycle
from exchange.applications.models import Application
from exchange.errors import DomainError
from exchange.organizations import queries
from exchange.organizations.services import create_season, set_applications_open
from tests import builders
from tests.integration.steps import count

PRODUCT = Path(__file__).parents[2] / "exchange"
SEASON_CODE = re.compile(r"\d{4}/\d{2}")


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        ("2026-04-01 00:00:00+00:00", "2026/27"),
        ("2027-03-31 23:59:59+00:00", "2026/27"),
        ("2027-04-01 00:00:00+00:00", "2027/28"),
        ("2028-03-31 12:00:00+00:00", "2027/28"),
    ],
)
def test_the_current_season_is_the_one_that_contains_today(rolled_back, moment, code):
    for season in ("2025/26", "2026/27", "2027/28"):
        create_season(None, season)
    with time_machine.travel(moment, tick=False):
        assert queries.current_season().code == code


def test_without_todays_season_the_latest_one_is_current(rolled_back):
    create_season(None, "2025/26")
    assert queries.current_season().code == "2025/26"  # today is 15 April 2026
    assert queries.open_seasons() == []


def test_the_choosers_offer_the_seasons_to_come_and_not_those_that_ended(rolled_back):
    for season in ("2027/28", "2025/26", "2026/27"):
        create_season(None, season)

    assert [s.code for s in queries.open_seasons()] == ["2026/27", "2027/28"]
    assert [s.code for s in queries.seasons_newest_first()] == ["2027/28", "2026/27", "2025/26"]
    with time_machine.travel("2027-04-01 00:00:00+00:00", tick=False):
        assert [s.code for s in queries.open_seasons()] == ["2027/28"]


def test_students_are_offered_only_seasons_open_for_applications(rolled_back):
    ended, current, upcoming, later = (
        create_season(None, code) for code in ("2025/26", "2026/27", "2027/28", "2028/29")
    )
    set_applications_open(None, later, False)
    assert [s.code for s in queries.seasons_open_for_applications()] == ["2026/27", "2027/28"]

    set_applications_open(None, current, False)
    set_applications_open(None, later, True)
    assert [s.code for s in queries.seasons_open_for_applications()] == ["2027/28", "2028/29"]
    assert ended.applications_open  # open, but it has ended
    assert upcoming in queries.seasons_open_for_applications()


def _apply(world):
    return cycle.create_application(
        world.student, builders.program("SCOPE"), builders.season(), world.host
    )


def test_no_application_in_a_season_closed_for_applications(world):
    set_applications_open(None, builders.season(), False)

    with pytest.raises(DomainError) as refused:
        _apply(world)

    assert str(refused.value) == (
        "The season 2026/27 is not open for applications: choose a season that is."
    )
    assert count(Application) == 0
    set_applications_open(None, builders.season(), True)
    assert _apply(world).code == "P-2627-00001"


def test_no_application_in_a_season_that_has_ended(world):
    with (
        time_machine.travel("2027-04-01 00:00:00+00:00", tick=False),
        pytest.raises(DomainError) as refused,
    ):
        _apply(world)

    assert str(refused.value) == "The season 2026/27 has ended: apply for a season to come."
    assert count(Application) == 0


def _season_codes_in_code(path: Path) -> list[tuple[int, str]]:
    """Season codes written as string values, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SEASON_CODE.fullmatch(node.value.strip())
    ]


def test_no_season_code_is_written_into_the_product():
    """The current season comes from today; only the demo and the tests name seasons."""
    found = {
        f"{path.relative_to(PRODUCT.parent)}:{line}": value
        for path in sorted(PRODUCT.rglob("*.py"))
        if "demo" not in path.relative_to(PRODUCT).parts
        for line, value in _season_codes_in_code(path)
    }
    assert found == {}
