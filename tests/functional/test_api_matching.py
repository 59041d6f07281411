"""Matching runs through the API: propose, read the explanations, move a student by
hand, approve, with the matching page's rules."""

from exchange.applications.states import State
from tests.functional.test_api_applications import bearer
from tests.functional.test_matching import _states, _submitted

OUTGOING = {"kind": "outgoing", "nmo": "CROMSIC", "program": "scope", "season": "2026/27"}


def test_an_officer_proposes_moves_and_approves(app, world, spring):
    best, middle, last = _submitted(world, [("90", [7]), ("80", [7, 8]), ("70", [8])])
    api, token = app.test_client(), bearer(world.home_neo)
    created = api.post("/api/v1/matching/", json=OUTGOING, headers=token)
    assert created.status_code == 201, created.get_json()
    proposal = created.get_json()
    run_id = proposal["run"]["id"]
    assert proposal["run"]["status"] == "proposed"
    rows = {row["application"]: row for row in proposal["rows"]}
    assert rows[middle.code]["rank"] == 2
    assert rows[last.code]["slot"] is None
    (refusal,) = rows[last.code]["refusals"]
    assert refusal == {"slot": refusal["slot"], "reason": "full", "held_by": [middle.code]}
    assert proposal["summary"] == {"students": 3, "placed": 2, "first_choices": 1, "free": 0}

    listed = api.get("/api/v1/matching/", headers=token).get_json()
    assert [run["id"] for run in listed["items"]] == [run_id]

    august = rows[middle.code]["slot"]
    moved = api.post(
        f"/api/v1/matching/{run_id}/assign",
        json={"application": middle.code, "slot": None},
        headers=token,
    )
    assert moved.status_code == 200, moved.get_json()
    moved = api.post(
        f"/api/v1/matching/{run_id}/assign",
        json={"application": last.code, "slot": august},
        headers=token,
    )
    assert moved.status_code == 200, moved.get_json()
    assert {r["application"]: r["changed"] for r in moved.get_json()["rows"]}[last.code]

    approved = api.post(f"/api/v1/matching/{run_id}/approve", headers=token)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["run"]["status"] == "approved"
    assert _states([best, middle, last]) == [State.NOMINATED, State.SUBMITTED, State.NOMINATED]
    assert api.post(f"/api/v1/matching/{run_id}/approve", headers=token).status_code == 400


def test_another_nmos_matching_is_refused(app, world, spring):
    _submitted(world, [("90", [7])])
    api = app.test_client()
    refused = api.post("/api/v1/matching/", json=OUTGOING, headers=bearer(world.host_neo))
    assert refused.status_code == 403
    run = api.post("/api/v1/matching/", json=OUTGOING, headers=bearer(world.home_neo)).get_json()
    hidden = api.get(f"/api/v1/matching/{run['run']['id']}", headers=bearer(world.host_neo))
    assert hidden.status_code == 404
    assert api.get("/api/v1/matching/", headers=bearer(world.host_neo)).get_json()["total"] == 0


def test_a_run_with_unknown_codes_is_refused_by_field(app, world, spring):
    response = app.test_client().post(
        "/api/v1/matching/",
        json={**OUTGOING, "nmo": "NOPE", "season": "1999/00"},
        headers=bearer(world.home_neo),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"nmo", "season"}
