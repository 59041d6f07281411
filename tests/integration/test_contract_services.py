"""Contracts, called directly: who may make, change and delete them, the rules their terms
obey, mirror contracts, and slots that never fall below the nominations holding them."""

import pytest
from sqlalchemy import select

from exchange.applications import services as cycle
from exchange.auth.models import Role
from exchange.contracts import services as contracts
from exchange.contracts.models import Contract, ContractKind, ContractSlot
from exchange.contracts.queries import find_contract
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from tests import builders
from tests.integration.steps import count, nominated

BILATERAL, UNILATERAL = ContractKind.BILATERAL, ContractKind.UNILATERAL


def terms(sending, host, slots=None, kind=BILATERAL, program_code="SCOPE", season_code="2026/27"):
    return contracts.ContractTerms(
        season=builders.season(season_code),
        program=builders.program(program_code),
        sending=sending,
        host=host,
        kind=kind,
        slots={7: 2, 8: 1} if slots is None else slots,
    )


def slots_in_database(contract: Contract) -> dict[int, tuple[int, int]]:
    """month -> (slots, used), as stored."""
    return {
        row.month: (row.slots, row.used)
        for row in db.session.scalars(
            select(ContractSlot)
            .where(ContractSlot.contract_id == contract.id)
            .execution_options(populate_existing=True)
        )
    }


@pytest.fixture
def amsa(world):
    """A third NMO, with no contract yet, and its SCOPE national officer."""
    nmo = builders.nmo("AMSA", "AT", "Austria")
    builders.user(Role.NATIONAL_OFFICER, email="amsa-neo@example.org", nmo_=nmo)
    return nmo


# create_contract


def test_a_national_officer_of_either_side_makes_a_contract(world, amsa):
    made = contracts.create_contract(
        world.host_neo, terms(world.host, amsa, {7: 2, 8: 0, 9: 1}, kind=UNILATERAL)
    )

    assert find_contract(*terms(world.host, amsa).key) is made
    assert made.kind == UNILATERAL
    assert slots_in_database(made) == {7: (2, 0), 9: (1, 0)}  # no row for a month without slots
    assert find_contract(*terms(amsa, world.host).key) is None


@pytest.mark.parametrize(
    "who", ["student", "host_leo", "officer of a third NMO", "officer of the other program"]
)
def test_only_the_national_officers_of_the_two_nmos_in_the_program(world, amsa, who):
    actor = {
        "student": world.student,
        "host_leo": world.host_leo,
        "officer of a third NMO": builders.user(Role.NATIONAL_OFFICER),
        "officer of the other program": builders.user(
            Role.NATIONAL_OFFICER, nmo_=world.home, program_code="SCORE"
        ),
    }[who]

    with pytest.raises(NotAllowed) as refused:
        contracts.create_contract(actor, terms(world.home, amsa))

    assert str(refused.value) == contracts.NOT_YOURS
    assert count(Contract) == 1


@pytest.mark.parametrize(
    ("sending", "host", "slots", "program_code", "message"),
    [
        (
            "home",
            "home",
            {7: 1},
            "SCOPE",
            "The sending and the host NMO must be two different NMOs.",
        ),
        ("home", "scope_only", {7: 1}, "SCORE", "SCOPEONLY does not take part in SCORE."),
        ("home", "amsa", {7: -1, 9: -2}, "SCOPE", "Slots cannot be negative (July, September)."),
        ("home", "amsa", {8: 1001}, "SCOPE", "At most 1000 slots a month (August)."),
        ("home", "amsa", {7: 1, 13: 1}, "SCOPE", "There is no month 13."),
    ],
)
def test_terms_that_cannot_make_a_contract(
    world, amsa, sending, host, slots, program_code, message
):
    nmos = {
        "home": world.home,
        "amsa": amsa,
        "scope_only": builders.nmo("SCOPEONLY", "DE", "Germany", programs=("SCOPE",)),
    }

    with pytest.raises(DomainError) as refused:
        contracts.create_contract(
            world.admin, terms(nmos[sending], nmos[host], slots, program_code=program_code)
        )

    assert str(refused.value) == message
    assert count(Contract) == 1


def test_every_problem_is_named_at_once(world):
    scope_only = builders.nmo("SCOPEONLY", "DE", "Germany", programs=("SCOPE",))

    with pytest.raises(DomainError) as refused:
        contracts.create_contract(
            world.admin, terms(scope_only, scope_only, {7: -1}, program_code="SCORE")
        )

    assert str(refused.value) == (
        "The sending and the host NMO must be two different NMOs. "
        "SCOPEONLY does not take part in SCORE. Slots cannot be negative (July)."
    )


@pytest.mark.parametrize("kind", [BILATERAL, UNILATERAL])
def test_one_contract_per_pair_program_and_season(world, kind):
    with pytest.raises(DomainError) as refused:
        contracts.create_contract(world.home_neo, terms(world.home, world.host, kind=kind))

    assert str(refused.value) == (
        "The SCOPE contract CROMSIC → SLOMSIC for 2026/27 already exists: edit that one instead."
    )
    assert count(Contract) == 1

    # Another program, another season or the other way round is another contract.
    contracts.create_contract(world.admin, terms(world.home, world.host, program_code="SCORE"))
    contracts.create_contract(world.home_neo, terms(world.home, world.host, season_code="2027/28"))
    contracts.create_contract(world.home_neo, terms(world.host, world.home))
    assert count(Contract) == 4


def test_a_mirror_turns_an_existing_unilateral_contract_bilateral(world, amsa):
    other_way = contracts.create_contract(
        world.home_neo, terms(amsa, world.home, {8: 5}, kind=UNILATERAL)
    )

    made = contracts.create_contract(
        world.home_neo, terms(world.home, amsa, {7: 2, 8: 1}), mirror=True
    )

    assert find_contract(*terms(amsa, world.home).key) is other_way
    assert other_way.kind == BILATERAL
    assert slots_in_database(other_way) == slots_in_database(made) == {7: (2, 0), 8: (1, 0)}


def test_a_unilateral_contract_gets_no_mirror(world, amsa):
    contracts.create_contract(world.home_neo, terms(world.home, amsa, kind=UNILATERAL), mirror=True)

    assert find_contract(*terms(amsa, world.home).key) is None


def test_a_mirror_never_goes_below_its_nominations(world):
    nominated(world, 7)  # holds the July slot of CROMSIC → SLOMSIC
    db.session.commit()

    with pytest.raises(DomainError) as refused:
        contracts.create_contract(
            world.host_neo, terms(world.host, world.home, {7: 0, 8: 2}), mirror=True
        )
    db.session.rollback()  # as the request does

    assert str(refused.value) == (
        "In the mirror contract CROMSIC → SLOMSIC, July has 1 nomination; it cannot go below 1."
    )
    assert find_contract(*terms(world.host, world.home).key) is None
    assert slots_in_database(world.contract) == {7: (1, 1), 8: (1, 0)}


# update_contract


def test_slots_never_go_below_the_nominations(world):
    nominated(world, 7)

    with pytest.raises(DomainError) as refused:
        contracts.update_contract(
            world.home_neo, world.contract, terms(world.home, world.host, {8: 3})
        )

    assert str(refused.value) == "July has 1 nomination; it cannot go below 1."
    assert slots_in_database(world.contract) == {7: (1, 1), 8: (1, 0)}


def test_months_change_and_an_empty_month_loses_its_row(world):
    nominated(world, 7)

    contracts.update_contract(
        world.host_neo, world.contract, terms(world.home, world.host, {7: 1, 8: 0, 10: 4})
    )

    assert slots_in_database(world.contract) == {7: (1, 1), 10: (4, 0)}


def test_the_nmos_of_a_contract_with_nominations_stay(world, amsa):
    application = nominated(world, 7)
    cycle.withdraw_application(application.student, application, "Changed my mind")
    assert slots_in_database(world.contract)[7] == (1, 0)

    # The withdrawn application still refers to the contract: its NMOs cannot change.
    with pytest.raises(DomainError, match="its season, program and NMOs cannot change any more"):
        contracts.update_contract(world.home_neo, world.contract, terms(world.home, amsa))

    db.session.expire_all()
    assert (world.contract.sending_nmo_id, world.contract.host_nmo_id) == (
        world.home.id,
        world.host.id,
    )


def test_a_contract_cannot_become_another_existing_one(world, amsa):
    contracts.create_contract(world.home_neo, terms(world.home, amsa))

    with pytest.raises(DomainError, match="CROMSIC → AMSA for 2026/27 already exists"):
        contracts.update_contract(world.home_neo, world.contract, terms(world.home, amsa))
    assert world.contract.host_nmo_id == world.host.id


def test_a_contract_without_nominations_moves_to_other_nmos(world, amsa):
    contracts.update_contract(world.home_neo, world.contract, terms(world.home, amsa, {7: 3}))

    assert find_contract(*terms(world.home, amsa).key) is world.contract
    assert find_contract(*terms(world.home, world.host).key) is None
    assert slots_in_database(world.contract) == {7: (3, 0)}


def test_an_officer_changes_only_contracts_of_their_nmo_into_contracts_of_their_nmo(world, amsa):
    beta = builders.nmo("BETA", "BE", "Belgium")

    with pytest.raises(NotAllowed):
        contracts.update_contract(world.home_neo, world.contract, terms(amsa, beta))
    with pytest.raises(NotAllowed):
        contracts.update_contract(
            builders.user(Role.NATIONAL_OFFICER, nmo_=amsa),
            world.contract,
            terms(world.home, world.host, {7: 9}),
        )
    assert slots_in_database(world.contract) == {7: (1, 0), 8: (1, 0)}


# delete_contract


def test_a_contract_with_nominations_is_not_deleted(world):
    nominated(world, 7)

    with pytest.raises(DomainError) as refused:
        contracts.delete_contract(world.home_neo, world.contract)

    assert str(refused.value) == (
        "This contract has 1 nomination: it cannot be deleted. Set the free months to 0 instead."
    )
    assert count(Contract) == 1


def test_a_contract_once_nominated_on_is_not_deleted(world):
    application = nominated(world, 7)
    cycle.cancel_application(world.home_neo, application, "Not going")

    with pytest.raises(DomainError, match="kept in the applications' history"):
        contracts.delete_contract(world.home_neo, world.contract)
    assert count(Contract) == 1


def test_only_the_contracts_officers_delete_it(world):
    for other in (world.student, world.host_leo, builders.user(Role.NATIONAL_OFFICER)):
        with pytest.raises(NotAllowed):
            contracts.delete_contract(other, world.contract)
    assert count(Contract) == 1

    contracts.delete_contract(world.host_neo, world.contract)
    assert count(Contract) == 0
    assert count(ContractSlot) == 0
