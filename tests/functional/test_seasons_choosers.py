"""Next season, prepared before it starts: once an admin creates 2027/28 (today, the
suite's 15 April 2026, is in 2026/27), every season chooser of the officers' pages offers
it and the page works in it; the student's new application offers only the seasons open
for applications, and refuses another one with a reason."""

import re

import pytest
from sqlalchemy import func, select

from exchange.applications.models import Application
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.forms import MONTH_KEYS
from exchange.contracts.models import Contract
from exchange.extensions import db
from exchange.matching.models import MatchingRun
from exchange.organizations.models import Season
from exchange.organizations.services import create_season, set_applications_open
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.steps import as_user
from tests.functional.test_conditions import form_data as conditions_form
from tests.functional.test_placements import department_form


@pytest.fixture
def next_season(federation) -> Season:
    """2027/28, created as an admin creates it, while today is in 2026/27."""
    builders.season("2025/26")  # ended: no chooser for what is to come offers it
    season = create_season(None, "2027/28")
    db.session.commit()
    return season


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select[^>]*\bname="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert found, f"no select named {name}"
    return found.group(1)


def options(page: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) of each option of the select named ``name`` on the page."""
    return [
        (value, label.strip())
        for value, label in re.findall(
            r'<option[^>]*\bvalue="([^"]*)"[^>]*>([^<]*)</option>', _select(page, name)
        )
    ]


def labels(page: str, name: str) -> list[str]:
    return [label for _, label in options(page, name)]


def selected(page: str, name: str) -> str:
    """The label of the option selected in the select named ``name``."""
    (label,) = re.findall(r"<option[^>]*\bselected\b[^>]*>([^<]*)</option>", _select(page, name))
    return label.strip()


def test_the_contracts_list_and_editor_offer_next_season(client, federation, next_season, login):
    login(federation.national_officer)

    listing = client.get("/contracts/").get_data(as_text=True)
    assert ("2027/28", "2027/28") in options(listing, "season")
    assert "2026/27" in labels(listing, "season")
    editor = client.get("/contracts/new").get_data(as_text=True)
    assert (str(next_season.id), "2027/28") in options(editor, "season_id")

    response = client.post(
        "/contracts/new",
        data={
            "sending_nmo_id": federation.home.id,
            "host_nmo_id": federation.host.id,
            "program_id": builders.program("SCOPE").id,
            "season_id": next_season.id,
            "kind": "unilateral",
            **{key: "2" if month == 7 else "0" for month, key in MONTH_KEYS.items()},
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    seasons = db.session.scalars(select(Contract.season_id).distinct()).all()
    assert seasons == [next_season.id]
    page = client.get("/contracts/?season=2027/28").get_data(as_text=True)
    assert selected(page, "season") == "2027/28"
    assert "SLOMSIC" in page


def test_the_exchange_conditions_are_prepared_for_next_season(
    client, federation, next_season, login
):
    login(federation.national_officer)

    overview = client.get("/conditions/").get_data(as_text=True)
    assert "/conditions/CROMSIC/SCOPE/2027-28" in overview
    assert "/conditions/CROMSIC/SCOPE/2026-27" in overview
    assert "/conditions/CROMSIC/SCOPE/2025-26" not in overview

    response = client.post("/conditions/CROMSIC/SCOPE/2027-28", data=conditions_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = db.session.scalars(select(ExchangeConditions.season_id)).all()
    assert saved == [next_season.id]


def test_placements_capacities_are_set_for_next_season(client, federation, next_season, login):
    department = builders.department(federation.home_lc, "Cardiology", capacity={7: 2})
    db.session.commit()
    login(federation.national_officer)

    listing = client.get("/placements/?program=SCOPE").get_data(as_text=True)
    assert "Season 2027/28" in labels(listing, "season")
    editor = client.get(f"/placements/{department.id}/edit?season=2027/28").get_data(as_text=True)
    assert "Capacity per month, season 2027/28" in editor
    assert f"/placements/{department.id}/edit?season=2025%2F26" not in editor

    response = client.post(
        f"/placements/{department.id}/edit?season=2027/28",
        data=department_form(federation.home_lc.id, {7: 3, 8: 1}, title="Cardiology"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    rows = db.session.execute(
        select(PlacementCapacity.month, PlacementCapacity.capacity).where(
            PlacementCapacity.placement_id == department.id,
            PlacementCapacity.season_id == next_season.id,
        )
    ).all()
    assert sorted(rows) == [(7, 3), (8, 1)]


def test_the_placement_import_offers_next_season(client, federation, next_season, login):
    login(federation.national_officer)

    page = client.get("/placements/import?program=SCOPE").get_data(as_text=True)
    offered = options(page, "season_id")
    assert (str(next_season.id), "2027/28") in offered
    assert "2025/26" not in [label for _, label in offered]
    chosen = client.get("/placements/import?program=SCOPE&season=2027/28").get_data(as_text=True)
    assert selected(chosen, "season_id") == "2027/28"


def test_the_matcher_runs_in_next_season(client, federation, next_season, login):
    login(federation.national_officer)

    page = client.get("/matching/").get_data(as_text=True)
    assert labels(page, "season_id") == ["2026/27", "2027/28"]

    response = client.post(
        "/matching/run",
        data={
            "kind": "outgoing",
            "scope": f"{federation.home.id}:{builders.program('SCOPE').id}",
            "season_id": next_season.id,
            "ranking": "points",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalars(select(MatchingRun.season_id)).all() == [next_season.id]


# The student's new application


def _applications() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


def test_a_student_may_apply_for_next_season_once_it_is_open(client, world, next_season):
    builders.contract(world.federation.home, world.federation.host, season_code="2027/28")
    db.session.commit()
    as_user(client, world.student)

    page = client.get("/applications/new").get_data(as_text=True)
    assert labels(page, "season_id") == ["2026/27", "2027/28"]

    response = client.post(
        "/applications/new",
        data={
            "season_id": next_season.id,
            "program_id": builders.program("SCOPE").id,
            "host_nmo_id": world.federation.host.id,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalars(select(Application.code)).all() == ["P-2728-00001"]


def test_a_season_closed_for_applications_is_not_offered_and_a_crafted_post_is_refused(
    client, world, next_season
):
    builders.contract(world.federation.home, world.federation.host, season_code="2027/28")
    set_applications_open(None, next_season, False)
    db.session.commit()
    as_user(client, world.student)

    page = client.get("/applications/new").get_data(as_text=True)
    assert labels(page, "season_id") == ["2026/27"]

    for season_code in ("2027/28", "2025/26"):
        season = db.session.scalar(select(Season).where(Season.code == season_code))
        response = client.post(
            "/applications/new",
            data={
                "season_id": season.id,
                "program_id": builders.program("SCOPE").id,
                "host_nmo_id": world.federation.host.id,
            },
        )
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        refusal = {
            "2027/28": "The season 2027/28 is not open for applications",
            "2025/26": "The season 2025/26 has ended",
        }[season_code]
        assert refusal in text
    assert _applications() == 0

    missing = client.post(
        "/applications/new",
        data={
            "season_id": 9999,
            "program_id": builders.program("SCOPE").id,
            "host_nmo_id": world.federation.host.id,
        },
    )
    assert missing.status_code == 400
    assert _applications() == 0


def test_with_no_season_open_the_student_is_told_so(client, world):
    set_applications_open(None, builders.season("2026/27"), False)
    db.session.commit()
    as_user(client, world.student)

    response = client.get("/applications/new", follow_redirects=True)

    assert "No season is open for applications yet." in response.get_data(as_text=True)
