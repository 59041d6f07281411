"""Roll-over (issue 8, point 4), called directly: a national officer copies last season's
contracts (as proposals), exchange conditions and placement capacities into a new season,
after a preview that creates nothing; a second run creates nothing twice."""

import pytest

from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.contracts import queries
from exchange.contracts.models import Contract, ContractEvent, ContractStatus
from exchange.contracts.rollover import roll_over
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.placements.models import PlacementCapacity
from exchange.placements.queries import capacities_of
from tests import builders
from tests.integration.steps import count

NEXT = "2027/28"


@pytest.fixture
def next_season(world):
    """2027/28, and last season's other contracts of SLOMSIC: one still proposed, and one
    with an NMO that no longer takes part in SCOPE."""
    season = builders.season(NEXT)
    builders.contract(world.host, world.home, slots={8: 2}, status=ContractStatus.PROPOSED)
    gone = builders.nmo("GONE", "IT", "Italy")
    builders.contract(gone, world.host, slots={9: 1})
    gone.programs = [builders.program("SCORE")]
    db.session.flush()
    return season


def plan_for(world, officer=None, preview=True):
    return roll_over(
        officer or world.host_neo,
        world.host,
        builders.program(),
        builders.season("2026/27"),
        builders.season(NEXT),
        preview=preview,
    )


def described(plan) -> dict:
    """What the plan says, in plain values: contracts, conditions, capacities."""
    return {
        "contracts": [
            (item.terms.sending.code, item.terms.host.code, item.terms.slots, item.skip)
            for item in plan.contracts
        ],
        "conditions": plan.conditions.skip,
        "capacities": [
            (item.placement.title, item.capacities, item.skip) for item in plan.capacities
        ],
    }


def contents_of_next_season() -> tuple[int, int, int]:
    season = builders.season(NEXT)
    return (
        count(Contract, Contract.season_id == season.id),
        count(ExchangeConditions, ExchangeConditions.season_id == season.id),
        count(PlacementCapacity, PlacementCapacity.season_id == season.id),
    )


def test_the_preview_says_what_it_would_create_and_skip_and_creates_nothing(world, next_season):
    plan = plan_for(world)

    assert described(plan) == {
        "contracts": [
            ("CROMSIC", "SLOMSIC", {7: 1, 8: 1}, None),
            ("GONE", "SLOMSIC", {9: 1}, "GONE no longer takes part in SCOPE."),
            ("SLOMSIC", "CROMSIC", {8: 2}, "It was proposed in 2026/27, never confirmed."),
        ],
        "conditions": None,
        "capacities": [("Cardiology", {7: 1, 8: 1}, None), ("Surgery", {7: 1}, None)],
    }
    assert (plan.created, plan.skipped, plan.done) == (4, 2, False)
    assert plan.summary() == (
        "Rolling SLOMSIC's SCOPE 2026/27 over into 2027/28 proposes 1 contract to the "
        "partners, copies the exchange conditions and the capacities of 2 departments; "
        "2 skipped."
    )
    assert contents_of_next_season() == (0, 0, 0)


def test_rolling_over_creates_proposals_conditions_and_capacities(world, next_season):
    plan = plan_for(world, preview=False)

    assert plan.done and plan.created == 4
    assert plan.summary() == (
        "SLOMSIC's SCOPE 2026/27 is rolled over into 2027/28: 1 contract proposed to the "
        "partners, the exchange conditions copied, the capacities of 2 departments copied; "
        "2 skipped."
    )
    season = builders.season(NEXT)
    made = queries.find_contract(season.id, builders.program().id, world.home.id, world.host.id)
    assert made.status == ContractStatus.PROPOSED
    assert made.proposed_by_nmo_id == world.host.id, "proposed by the NMO rolling over"
    assert made.kind == world.contract.kind
    assert {row.month: (row.slots, row.used) for row in made.slots} == {7: (1, 0), 8: (1, 0)}
    assert [(e.kind.value, e.nmo_id, e.reason) for e in made.events] == [
        ("proposed", world.host.id, "Rolled over from 2026/27")
    ]
    waiting = queries.waiting_for_confirmation(world.home_neo)
    assert [c for c in waiting if c.season_id == season.id] == [made], "CROMSIC confirms it"

    copied = find_conditions(world.host.id, builders.program().id, season.id)
    for column in ("min_study_year", "max_study_year", "languages", "required_documents"):
        assert getattr(copied, column) == getattr(world.conditions, column)
    assert copied.cancellation_policy == world.conditions.cancellation_policy

    placements = [world.department.id, world.other_department.id]
    assert capacities_of(placements, season) == {
        world.department.id: {7: (1, 0), 8: (1, 0)},
        world.other_department.id: {7: (1, 0)},
    }
    assert contents_of_next_season() == (1, 1, 3)


def test_running_it_again_creates_nothing_twice(world, next_season):
    plan_for(world, preview=False)
    before = (contents_of_next_season(), count(ContractEvent))

    again = plan_for(world)

    assert again.created == 0
    assert described(again) == {
        "contracts": [
            ("CROMSIC", "SLOMSIC", {7: 1, 8: 1}, "It exists in 2027/28 already (proposed)."),
            ("GONE", "SLOMSIC", {9: 1}, "GONE no longer takes part in SCOPE."),
            ("SLOMSIC", "CROMSIC", {8: 2}, "It was proposed in 2026/27, never confirmed."),
        ],
        "conditions": "2027/28's exchange conditions are published already.",
        "capacities": [
            ("Cardiology", {7: 1, 8: 1}, "It has capacities for 2027/28 already."),
            ("Surgery", {7: 1}, "It has capacities for 2027/28 already."),
        ],
    }
    done = plan_for(world, preview=False)
    assert (done.created, done.skipped) == (0, 6)
    assert (contents_of_next_season(), count(ContractEvent)) == before


def test_what_the_new_season_has_already_is_kept_and_the_rest_is_added(world, next_season):
    builders.contract(world.home, world.host, slots={7: 5}, season_code=NEXT)
    builders.department(world.host_lc, "Paediatrics", capacity={7: 3}, season_code=NEXT)
    builders.department(world.host_lc, "Neurology", capacity={10: 1})
    builders.department(world.other_lc, "Urology", capacity={}).capacities.clear()

    plan = plan_for(world, preview=False)

    assert plan.contracts[0].skip == ("It exists in 2027/28 already (confirmed).")
    titles = {item.placement.title: item.skip for item in plan.capacities}
    assert titles == {
        "Cardiology": None,
        "Neurology": None,
        "Paediatrics": "It has capacities for 2027/28 already.",
        "Surgery": None,
        "Urology": "It had no places in 2026/27.",
    }
    kept = queries.find_contract(
        builders.season(NEXT).id, builders.program().id, world.home.id, world.host.id
    )
    assert {row.month: row.slots for row in kept.slots} == {7: 5}
    assert kept.status == ContractStatus.CONFIRMED


def test_no_conditions_last_season_are_skipped_with_the_reason(world, next_season):
    db.session.delete(world.conditions)
    db.session.flush()

    plan = plan_for(world, preview=False)

    assert plan.conditions.skip == "SLOMSIC published no exchange conditions for 2026/27."
    assert contents_of_next_season()[1] == 0


@pytest.mark.parametrize("who", ["home_neo", "host_leo", "officer of the other program"])
def test_only_the_nmos_national_officers_and_admins_roll_it_over(world, next_season, who):
    officer = (
        builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, program_code="SCORE")
        if who == "officer of the other program"
        else getattr(world, who)
    )

    with pytest.raises(NotAllowed) as refused:
        plan_for(world, officer)

    assert str(refused.value) == "Only SLOMSIC's national officers for SCOPE roll its season over."
    assert plan_for(world, world.admin, preview=False).created == 4


def test_a_roll_over_goes_forward_into_a_season_that_has_not_ended(world, next_season):
    with pytest.raises(DomainError, match="from an earlier season into a later one"):
        roll_over(
            world.host_neo,
            world.host,
            builders.program(),
            builders.season(NEXT),
            builders.season("2026/27"),
        )
    with pytest.raises(DomainError, match="The 2025/26 season has ended"):
        roll_over(
            world.host_neo,
            world.host,
            builders.program(),
            builders.season("2024/25"),
            builders.season("2025/26"),
        )
    assert contents_of_next_season() == (0, 0, 0)
