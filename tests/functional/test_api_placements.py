"""Placements through the API: the officer's own list, one placement with its places,
and adding, changing and closing, under the placements page's rules."""

from sqlalchemy import func, select

from exchange.extensions import db
from exchange.placements.models import Placement
from tests import builders
from tests.functional.test_api_applications import bearer


def test_a_host_officer_lists_their_placements_only(app, world, spring):
    api = app.test_client()
    builders.department(world.federation.home_lc, "Home's own department")
    response = api.get("/api/v1/placements/?per_page=1", headers=bearer(world.host_neo))
    assert response.status_code == 200, response.get_json()
    page = response.get_json()
    assert page["total"] == 2
    assert [p["title"] for p in page["items"]] == ["Cardiology"]  # by LC: Ljubljana first
    following = api.get(page["next"], headers=bearer(world.host_neo)).get_json()
    assert [p["title"] for p in following["items"]] == ["Surgery"]
    assert following["next"] is None

    searched = api.get("/api/v1/placements/?q=cardio", headers=bearer(world.host_neo)).get_json()
    assert [p["title"] for p in searched["items"]] == ["Cardiology"]


def test_a_local_officer_keeps_their_lcs_placements(app, world, spring):
    page = app.test_client().get("/api/v1/placements/", headers=bearer(world.host_leo)).get_json()
    assert [p["title"] for p in page["items"]] == ["Cardiology"]


def test_one_placement_with_its_places_per_month(app, world, spring):
    response = app.test_client().get(
        f"/api/v1/placements/{world.department.id}", headers=bearer(world.host_neo)
    )
    assert response.status_code == 200, response.get_json()
    detail = response.get_json()
    assert detail["placement"]["title"] == "Cardiology"
    assert detail["season"] == "2026/27"
    assert detail["months"] == [
        {"month": 7, "capacity": 1, "used": 0},
        {"month": 8, "capacity": 1, "used": 0},
    ]


def test_another_nmos_placement_is_not_found(app, world, spring):
    response = app.test_client().get(
        f"/api/v1/placements/{world.department.id}",
        headers=bearer(world.federation.national_officer),
    )
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_an_officer_adds_changes_and_closes_a_placement(app, world, spring):
    api, token = app.test_client(), bearer(world.host_neo)
    created = api.post(
        "/api/v1/placements/",
        json={
            "program": "SCOPE",
            "lc_id": world.federation.host_lc.id,
            "title": "Neurology",
            "field": "Neurology",
            "city": "Ljubljana",
            "hospital": "UKC Ljubljana",
            "capacities": [{"month": 7, "capacity": 2}],
        },
        headers=token,
    )
    assert created.status_code == 201, created.get_json()
    placement_id = created.get_json()["placement"]["id"]
    assert created.get_json()["months"] == [{"month": 7, "capacity": 2, "used": 0}]

    changed = api.patch(
        f"/api/v1/placements/{placement_id}",
        json={"city": "Maribor", "capacities": [{"month": 8, "capacity": 1}]},
        headers=token,
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["placement"]["city"] == "Maribor"
    assert changed.get_json()["placement"]["title"] == "Neurology"  # left as it was
    assert [m["month"] for m in changed.get_json()["months"]] == [7, 8]

    closed = api.post(f"/api/v1/placements/{placement_id}/close", headers=token)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["placement"]["closed_at"] is not None
    again = api.post(f"/api/v1/placements/{placement_id}/close", headers=token)
    assert again.status_code == 400
    assert "already closed" in again.get_json()["detail"]


def test_a_placement_that_breaks_the_rules_is_refused_and_nothing_is_made(app, world, spring):
    api, token = app.test_client(), bearer(world.host_neo)
    before = db.session.scalar(select(func.count(Placement.id)))
    missing_hospital = api.post(
        "/api/v1/placements/",
        json={"program": "SCOPE", "lc_id": world.federation.host_lc.id, "title": "X", "field": "Y"},
        headers=token,
    )
    assert missing_hospital.status_code == 400
    assert "Give the hospital." in missing_hospital.get_json()["detail"]

    not_theirs = api.post(
        "/api/v1/placements/",
        json={
            "program": "SCOPE",
            "lc_id": world.federation.home_lc.id,
            "title": "X",
            "field": "Y",
            "hospital": "Z",
        },
        headers=token,
    )
    assert not_theirs.status_code == 403

    doubled = api.post(
        "/api/v1/placements/",
        json={
            "program": "SCOPE",
            "lc_id": world.federation.host_lc.id,
            "title": "X",
            "capacities": [{"month": 7, "capacity": 1}, {"month": 7, "capacity": 2}],
        },
        headers=token,
    )
    assert doubled.status_code == 422
    assert "capacities" in doubled.get_json()["errors"]
    assert db.session.scalar(select(func.count(Placement.id))) == before


def test_a_student_keeps_no_placements(app, world, spring):
    response = app.test_client().get("/api/v1/placements/", headers=bearer(world.student))
    assert response.status_code == 403
