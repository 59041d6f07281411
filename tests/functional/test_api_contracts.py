"""Contracts through the API: the list an officer may see, and the partner's answer to
a proposal, with the pages' rules."""

from exchange.contracts import services
from exchange.contracts.models import ContractKind, ContractStatus
from exchange.extensions import db
from tests import builders
from tests.functional.test_api_applications import bearer


def _proposal(world):
    terms = services.ContractTerms(
        season=builders.season(),
        program=builders.program(),
        sending=world.federation.host,
        host=world.federation.home,
        kind=ContractKind.UNILATERAL,
        slots={9: 2},
    )
    made = services.create_contract(world.host_neo, terms)  # SLOMSIC proposes
    db.session.commit()
    return made


def test_an_officer_lists_their_nmos_contracts(app, world, spring):
    _proposal(world)
    response = app.test_client().get(
        "/api/v1/contracts/?season=2026/27", headers=bearer(world.host_neo)
    )
    assert response.status_code == 200, response.get_json()
    page = response.get_json()
    assert page["total"] == 2
    proposed = (
        app.test_client()
        .get("/api/v1/contracts/?status=proposed", headers=bearer(world.host_neo))
        .get_json()
    )
    (only,) = proposed["items"]
    assert (only["sending_nmo"], only["host_nmo"], only["status"]) == (
        "SLOMSIC",
        "CROMSIC",
        "proposed",
    )
    assert only["slots"] == [{"month": 9, "slots": 2, "used": 0}]


def test_the_partner_confirms_a_proposal(app, world, spring):
    contract = _proposal(world)
    api, token = app.test_client(), bearer(world.federation.national_officer)
    read = api.get(f"/api/v1/contracts/{contract.id}", headers=token).get_json()
    answered = api.post(
        f"/api/v1/contracts/{contract.id}/confirm",
        json={"seen_event_id": read["last_event_id"]},
        headers=token,
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["status"] == "confirmed"
    db.session.expire_all()
    assert db.session.get(type(contract), contract.id).status == ContractStatus.CONFIRMED


def test_the_proposer_cannot_confirm_their_own_proposal(app, world, spring):
    contract = _proposal(world)
    answered = app.test_client().post(
        f"/api/v1/contracts/{contract.id}/confirm",
        json={},
        headers=bearer(world.host_neo),
    )
    assert answered.status_code == 403
    assert answered.content_type == "application/problem+json"
    assert "only CROMSIC's national officers" in answered.get_json()["detail"]
    db.session.expire_all()
    assert db.session.get(type(contract), contract.id).status == ContractStatus.PROPOSED


def test_a_declined_proposal_needs_a_reason(app, world, spring):
    contract = _proposal(world)
    api, token = app.test_client(), bearer(world.federation.national_officer)
    refused = api.post(f"/api/v1/contracts/{contract.id}/decline", json={}, headers=token)
    assert refused.status_code == 422
    assert "reason" in refused.get_json()["errors"]
    declined = api.post(
        f"/api/v1/contracts/{contract.id}/decline",
        json={"reason": "No room in September."},
        headers=token,
    )
    assert declined.status_code == 200, declined.get_json()
    assert declined.get_json()["decline_reason"] == "No room in September."


def test_a_contract_changed_since_it_was_read_is_not_confirmed(app, world, spring):
    contract = _proposal(world)
    answered = app.test_client().post(
        f"/api/v1/contracts/{contract.id}/confirm",
        json={"seen_event_id": 999_999},
        headers=bearer(world.federation.national_officer),
    )
    assert answered.status_code == 400
    assert "changed a moment ago" in answered.get_json()["detail"]


def test_another_nmos_contract_is_not_found(app, world, spring):
    other = builders.nmo("AMSA-Austria", "AT", "Austria")
    contract = builders.contract(other, world.federation.host)
    db.session.commit()
    response = app.test_client().get(
        f"/api/v1/contracts/{contract.id}", headers=bearer(world.federation.national_officer)
    )
    assert response.status_code == 404


def test_a_student_sees_no_contracts(app, world, spring):
    response = app.test_client().get("/api/v1/contracts/", headers=bearer(world.student))
    assert response.status_code == 403
