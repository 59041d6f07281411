"""Contracts both sides agree on (issue 8, point 5), called directly: a new or changed
contract is proposed by the acting officer's NMO, the partner's national officers confirm
or decline it, its history keeps every step, and only a confirmed contract's slots take
nominations, by hand and by the matcher."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.contracts import csv_io, queries
from exchange.contracts import services as contracts
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractKind,
    ContractStatus,
)
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.matching import services as matching
from exchange.matching.models import MatchingKind, Ranking
from tests import builders
from tests.integration.steps import count, nominated, state_of, submitted

PROPOSED, CONFIRMED, DECLINED = (
    ContractStatus.PROPOSED,
    ContractStatus.CONFIRMED,
    ContractStatus.DECLINED,
)
BILATERAL, UNILATERAL = ContractKind.BILATERAL, ContractKind.UNILATERAL


def terms(sending, host, slots=None, kind=BILATERAL, season_code="2026/27"):
    return contracts.ContractTerms(
        season=builders.season(season_code),
        program=builders.program(),
        sending=sending,
        host=host,
        kind=kind,
        slots={7: 2, 8: 1} if slots is None else slots,
    )


def history(contract: Contract) -> list[tuple]:
    """(kind, acting NMO's code, actor's email, slots, reason) of each step, oldest first."""
    return [
        (
            event.kind,
            event.nmo.code if event.nmo else None,
            event.actor.email if event.actor else None,
            event.slots,
            event.reason,
        )
        for event in queries.history_of(contract)
    ]


def fresh(contract: Contract) -> Contract:
    db.session.expire(contract)
    return db.session.get(Contract, contract.id)


@pytest.fixture
def amsa(world):
    """A third NMO without a contract yet, and its SCOPE national officer."""
    nmo = builders.nmo("AMSA", "AT", "Austria")
    builders.user(Role.NATIONAL_OFFICER, email="amsa-neo@example.org", nmo_=nmo)
    return nmo


@pytest.fixture
def amsa_neo(amsa):
    return db.session.scalar(select(User).where(User.email == "amsa-neo@example.org"))


def proposed_to_amsa(world, amsa, slots=None, **options):
    return contracts.create_contract(world.home_neo, terms(world.home, amsa, slots), **options)


# Proposing


def test_a_new_contract_is_proposed_by_the_officers_nmo(world, amsa):
    made = proposed_to_amsa(world, amsa, {7: 2, 8: 1})

    assert made.status == PROPOSED
    assert made.proposed_by_nmo_id == world.home.id
    assert made.decline_reason is None
    assert history(made) == [
        (ContractEventKind.PROPOSED, "CROMSIC", "neo@example.org", {"7": 2, "8": 1}, None)
    ]
    assert contracts.partner_acronym(made) == "AMSA"


def test_the_host_sides_officer_proposes_for_the_host(world, amsa):
    made = contracts.create_contract(world.host_neo, terms(amsa, world.host, {9: 1}))

    assert made.proposed_by_nmo_id == world.host.id
    assert contracts.partner_acronym(made) == "AMSA"


def test_an_admin_proposes_for_the_sending_nmo(world, amsa):
    made = contracts.create_contract(world.admin, terms(amsa, world.host, {9: 1}))

    assert made.proposed_by_nmo_id == amsa.id
    assert history(made)[0][:3] == (ContractEventKind.PROPOSED, "AMSA", "admin@example.org")


def test_a_contract_with_0_slots_is_refused(world, amsa):
    for slots in ({}, {7: 0, 8: 0}):
        with pytest.raises(DomainError) as refused:
            proposed_to_amsa(world, amsa, slots)
        assert str(refused.value) == (
            "A contract needs at least one slot: give the slots of at least one month."
        )
    assert count(Contract) == 1

    with pytest.raises(DomainError) as refused:
        contracts.update_contract(
            world.home_neo, world.contract, terms(world.home, world.host, {7: 0})
        )
    assert str(refused.value) == (
        "A contract needs at least one slot: give the slots of at least one month, or delete "
        "the contract."
    )
    assert fresh(world.contract).status == CONFIRMED


def test_a_contract_applications_were_nominated_on_may_end_at_0_slots(world):
    """It cannot be deleted (its nominations stay in the history): 0 slots is how it ends."""
    application = nominated(world, 7)
    cycle.withdraw_application(application.student, application, "Changed my mind")

    contracts.update_contract(world.home_neo, world.contract, terms(world.home, world.host, {}))

    assert contracts.slots_of(fresh(world.contract)) == {}
    assert world.contract.status == PROPOSED


# Confirming and declining


def test_the_partner_confirms_and_the_history_says_who_and_when(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa, {7: 2})

    contracts.confirm_contract(amsa_neo, made)

    assert made.status == CONFIRMED
    assert history(made) == [
        (ContractEventKind.PROPOSED, "CROMSIC", "neo@example.org", {"7": 2}, None),
        (ContractEventKind.CONFIRMED, "AMSA", "amsa-neo@example.org", {"7": 2}, None),
    ]
    assert all(event.created_at is not None for event in made.events)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("proposer", "CROMSIC proposed the SCOPE contract CROMSIC → AMSA for 2026/27: only "),
        ("proposer's colleague", "CROMSIC proposed the SCOPE contract CROMSIC → AMSA"),
        ("admin", "CROMSIC proposed the SCOPE contract CROMSIC → AMSA"),
        ("officer of a third NMO", "You may only manage contracts"),
        ("partner's officer of the other program", "You may only manage contracts"),
        ("partner's local officer", "You may only manage contracts"),
    ],
)
def test_only_the_partners_national_officers_answer(world, amsa, who, message):
    made = proposed_to_amsa(world, amsa)
    actor = {
        "proposer": lambda: world.home_neo,
        "proposer's colleague": lambda: builders.user(Role.NATIONAL_OFFICER, nmo_=world.home),
        "admin": lambda: world.admin,
        "officer of a third NMO": lambda: builders.user(Role.NATIONAL_OFFICER),
        "partner's officer of the other program": lambda: builders.user(
            Role.NATIONAL_OFFICER, nmo_=amsa, program_code="SCORE"
        ),
        "partner's local officer": lambda: builders.user(
            Role.LOCAL_OFFICER, lc_=builders.lc(amsa, "LC Wien", "Wien")
        ),
    }[who]()

    for answer in (
        lambda: contracts.confirm_contract(actor, made),
        lambda: contracts.decline_contract(actor, made, "No"),
    ):
        with pytest.raises(NotAllowed) as refused:
            answer()
        assert str(refused.value).startswith(message), str(refused.value)
    assert made.status == PROPOSED
    assert len(made.events) == 1


def test_an_officer_of_both_nmos_does_not_confirm_their_own_proposal(world, amsa, amsa_neo):
    both = world.home_neo
    both.memberships.append(
        Membership(role=Role.NATIONAL_OFFICER, nmo_id=amsa.id, program_id=builders.program().id)
    )
    made = proposed_to_amsa(world, amsa)  # for CROMSIC, the sending side

    with pytest.raises(NotAllowed) as refused:
        contracts.confirm_contract(both, made)

    assert str(refused.value) == (
        "You proposed this contract yourself: its partner confirms or declines it."
    )
    contracts.confirm_contract(amsa_neo, made)
    assert made.status == CONFIRMED


def test_declining_needs_a_reason_and_records_it(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa)

    for reason in ("", "   ", None):
        with pytest.raises(DomainError, match="Say why you decline the contract"):
            contracts.decline_contract(amsa_neo, made, reason)
    with pytest.raises(DomainError, match="at most 2000 characters"):
        contracts.decline_contract(amsa_neo, made, "x" * 2001)
    assert made.status == PROPOSED

    contracts.decline_contract(amsa_neo, made, "  We host at most one student in July.  ")

    assert (made.status, made.decline_reason) == (
        DECLINED,
        "We host at most one student in July.",
    )
    assert history(made)[-1] == (
        ContractEventKind.DECLINED,
        "AMSA",
        "amsa-neo@example.org",
        {"7": 2, "8": 1},
        "We host at most one student in July.",
    )
    with pytest.raises(DomainError, match="is declined: there is no proposal to confirm"):
        contracts.confirm_contract(amsa_neo, made)


def test_changing_a_declined_contract_proposes_it_again_without_the_decline(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa)
    contracts.decline_contract(amsa_neo, made, "Too many in July.")

    contracts.update_contract(world.home_neo, made, terms(world.home, amsa, {7: 1, 8: 1}))

    assert (made.status, made.decline_reason) == (PROPOSED, None)
    assert [step[0] for step in history(made)] == [
        ContractEventKind.PROPOSED,
        ContractEventKind.DECLINED,
        ContractEventKind.CHANGED,
    ]
    assert history(made)[-1][3] == {"7": 1, "8": 1}
    contracts.confirm_contract(amsa_neo, made)
    assert made.status == CONFIRMED


def test_saving_a_declined_contract_unchanged_proposes_it_again(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa)
    contracts.decline_contract(amsa_neo, made, "Not this year.")

    contracts.update_contract(world.home_neo, made, terms(world.home, amsa))

    assert (made.status, made.decline_reason) == (PROPOSED, None)
    assert history(made)[-1][:2] == (ContractEventKind.PROPOSED, "CROMSIC")


def test_saving_a_confirmed_contract_unchanged_keeps_it_confirmed(world):
    contracts.update_contract(
        world.home_neo, world.contract, terms(world.home, world.host, {7: 1, 8: 1})
    )

    assert fresh(world.contract).status == CONFIRMED
    assert history(world.contract) == []


def test_the_partner_changing_a_proposal_makes_it_theirs_to_confirm(world, amsa, amsa_neo):
    """A counter-proposal: the other side changes the slots, the first side confirms."""
    made = proposed_to_amsa(world, amsa, {7: 2})

    contracts.update_contract(amsa_neo, made, terms(world.home, amsa, {7: 1}))

    assert made.proposed_by_nmo_id == amsa.id
    with pytest.raises(NotAllowed):
        contracts.confirm_contract(amsa_neo, made)
    contracts.confirm_contract(world.home_neo, made)
    assert made.status == CONFIRMED


def test_a_change_of_kind_proposes_it_again(world):
    contracts.update_contract(
        world.home_neo, world.contract, terms(world.home, world.host, {7: 1, 8: 1}, UNILATERAL)
    )

    assert fresh(world.contract).status == PROPOSED
    assert history(world.contract)[0][:2] == (ContractEventKind.CHANGED, "CROMSIC")


def test_a_confirmation_of_what_the_officer_did_not_see_is_refused(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa, {7: 2})
    seen = made.events[-1].id
    contracts.update_contract(world.home_neo, made, terms(world.home, amsa, {7: 5}))

    with pytest.raises(DomainError, match="was changed a moment ago"):
        contracts.confirm_contract(amsa_neo, made, seen_event_id=seen)

    assert made.status == PROPOSED
    contracts.confirm_contract(amsa_neo, made, seen_event_id=made.events[-1].id)
    assert made.status == CONFIRMED


# The mirror


def test_a_new_mirror_is_proposed_by_the_same_nmo(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa, {7: 2}, mirror=True)
    mirror = queries.find_contract(*terms(amsa, world.home).key)

    assert (mirror.status, mirror.proposed_by_nmo_id) == (PROPOSED, world.home.id)
    assert history(mirror) == [
        (ContractEventKind.PROPOSED, "CROMSIC", "neo@example.org", {"7": 2}, None)
    ]
    with pytest.raises(NotAllowed):
        contracts.confirm_contract(world.home_neo, mirror)
    contracts.confirm_contract(amsa_neo, mirror)
    assert (mirror.status, made.status) == (CONFIRMED, PROPOSED), "each is confirmed apart"


def test_an_existing_mirror_changed_along_is_proposed_again(world):
    mirror = builders.contract(world.host, world.home, slots={7: 1, 8: 1})

    contracts.update_contract(
        world.host_neo, world.contract, terms(world.home, world.host, {7: 1, 8: 2}), mirror=True
    )

    for contract in (world.contract, mirror):
        assert (contract.status, contract.proposed_by_nmo_id) == (PROPOSED, world.host.id)
    assert history(mirror) == [
        (ContractEventKind.CHANGED, "SLOMSIC", "host-neo@example.org", {"7": 1, "8": 2}, None)
    ]


def test_a_mirror_already_in_step_stays_as_it_is(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa, {7: 2}, mirror=True)
    mirror = queries.find_contract(*terms(amsa, world.home).key)
    contracts.confirm_contract(amsa_neo, mirror)

    contracts.update_contract(world.home_neo, made, terms(world.home, amsa, {7: 2}), mirror=True)

    assert mirror.status == CONFIRMED
    assert len(mirror.events) == 2


# Nominations wait for the confirmation


def test_a_proposed_contract_takes_no_nomination_until_confirmed(world, amsa, amsa_neo):
    contract = proposed_to_amsa(world, amsa, {7: 1})
    application = builders.application(
        builders.user(Role.STUDENT, lc_=world.home_lc),
        amsa,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    db.session.commit()  # the proposal was made by an earlier request

    with pytest.raises(DomainError) as refused:
        cycle.nominate_application(world.home_neo, application, 7)

    assert str(refused.value) == (
        "The contract with AMSA for SCOPE 2026/27 is not confirmed yet: AMSA has to confirm it "
        "(or its last change) before its slots take new nominations. Nominations made before "
        "keep their slots."
    )
    db.session.rollback()
    assert state_of(application) == State.SUBMITTED

    contracts.confirm_contract(amsa_neo, fresh(contract))
    cycle.nominate_application(world.home_neo, application, 7)
    assert state_of(application) == State.NOMINATED


def test_a_declined_contract_says_so_with_the_reason(world):
    world.contract.decline_reason = "We host no one in July."
    world.contract.status = DECLINED
    world.contract.proposed_by_nmo_id = world.home.id
    db.session.flush()

    with pytest.raises(DomainError) as refused:
        cycle.nominate_application(world.home_neo, submitted(world), 7)

    assert str(refused.value) == (
        "The contract with SLOMSIC for SCOPE 2026/27 is not confirmed yet: SLOMSIC declined it "
        "(We host no one in July.). Change it and propose it again; its slots take "
        "nominations once it is confirmed."
    )


def test_a_changed_contract_keeps_its_nominations_but_takes_new_ones_after_confirmation(world):
    first = nominated(world, 7)

    contracts.update_contract(
        world.home_neo, world.contract, terms(world.home, world.host, {7: 2, 8: 1})
    )
    db.session.commit()  # as the request does

    assert world.contract.status == PROPOSED
    assert (world.slot(7).slots, world.slot(7).used) == (2, 1), "the nomination keeps its slot"
    assert state_of(first) == State.NOMINATED
    assert contracts.waiting_note(world.contract) == (
        "It is proposed to SLOMSIC: a national officer of SLOMSIC confirms or declines it. The "
        "1 nomination already made keeps its slot; new nominations wait until SLOMSIC confirms."
    )
    second = submitted(world)
    db.session.commit()
    with pytest.raises(DomainError, match="SLOMSIC has to confirm it"):
        cycle.nominate_application(world.home_neo, second, 7)
    db.session.rollback()

    contracts.confirm_contract(world.host_neo, fresh(world.contract))
    cycle.nominate_application(world.home_neo, second, 7)
    assert world.slot(7).used == 2


def test_a_substitute_waits_for_the_confirmation_too(world):
    cancelled = nominated(world, 7)
    cycle.cancel_application(world.home_neo, cancelled, "Failed the exam")
    substitute = submitted(world, months=(7,))
    contracts.update_contract(
        world.home_neo, world.contract, terms(world.home, world.host, {7: 1, 8: 2})
    )
    db.session.commit()  # as the request does

    with pytest.raises(DomainError) as refused:
        cycle.substitute_application(world.home_neo, cancelled, substitute)

    assert str(refused.value).startswith(
        "The contract with SLOMSIC for SCOPE 2026/27 is not confirmed yet: SLOMSIC has to "
    )
    db.session.rollback()
    contracts.confirm_contract(world.host_neo, fresh(world.contract))
    cycle.substitute_application(world.home_neo, cancelled, substitute)
    assert state_of(substitute) == State.NOMINATED


def test_the_matcher_gives_no_slot_of_a_proposed_contract_and_says_why(world):
    student = submitted(world, months=(7,), points=Decimal("90"))
    contracts.update_contract(
        world.home_neo, world.contract, terms(world.home, world.host, {7: 2, 8: 1})
    )

    run = matching.run_matching(
        world.home_neo,
        MatchingKind.OUTGOING,
        world.home,
        builders.program(),
        builders.season(),
        Ranking.POINTS,
    )

    key = f"c{world.contract.id}-7"
    row = run.proposal[0]
    assert (row["application_id"], row["slot"]) == (student.id, None)
    assert [refusal["slot"] for refusal in row["refusals"]] == [key]
    assert run.slots[key]["capacity"] == 0
    assert run.slots[key]["label"] == "Contract with SLOMSIC (not confirmed yet)"
    assert matching.assignable_slots(run, student) == []

    contracts.confirm_contract(world.host_neo, fresh(world.contract))
    again = matching.run_matching(
        world.home_neo,
        MatchingKind.OUTGOING,
        world.home,
        builders.program(),
        builders.season(),
        Ranking.POINTS,
    )
    assert again.proposal[0]["slot"] == key
    before = {name: value for name, value in run.slots[key].items() if name != "closed"}
    assert run.slots[key]["closed"] == "contract not confirmed yet"
    assert again.slots[key] == {**before, "capacity": 2, "label": "Contract with SLOMSIC"}


# Waiting lists, partners, the balance


def test_the_partner_sees_the_proposals_waiting_for_it(world, amsa, amsa_neo):
    made = proposed_to_amsa(world, amsa)
    contracts.create_contract(world.admin, terms(amsa, world.host, {9: 1}))  # by AMSA

    assert queries.waiting_for_confirmation(amsa_neo) == [made]
    assert queries.count_waiting_for(amsa.id, builders.program().id) == 1
    assert queries.waiting_for_confirmation(world.home_neo) == []
    assert queries.count_waiting_for(world.home.id, builders.program().id) == 0
    assert [c.sending_nmo.code for c in queries.waiting_for_confirmation(world.host_neo)] == [
        "AMSA"
    ]
    assert queries.waiting_for_confirmation(world.admin) == []

    contracts.confirm_contract(amsa_neo, made)
    assert queries.waiting_for_confirmation(amsa_neo) == []


def test_proposals_of_an_ended_season_wait_for_no_one(world, amsa, amsa_neo):
    contracts.create_contract(world.admin, terms(world.home, amsa, season_code="2025/26"))

    assert queries.waiting_for_confirmation(amsa_neo) == []
    assert queries.count_waiting_for(amsa.id, builders.program().id) == 0


def test_the_balance_counts_confirmed_and_proposed_slots_apart(world, amsa, amsa_neo):
    proposed_to_amsa(world, amsa, {7: 2, 8: 1}, mirror=True)
    contracts.confirm_contract(amsa_neo, queries.find_contract(*terms(amsa, world.home).key))
    world.contract.decline_reason = "No"
    world.contract.status = DECLINED
    db.session.flush()

    rows = {row.partner.code: row for row in queries.nmo_balance(world.home, builders.season())}

    amsa_row = rows["AMSA"]
    assert (amsa_row.sent, amsa_row.hosted) == (0, 3)
    assert (amsa_row.proposed_sent, amsa_row.proposed_hosted) == (3, 0)
    assert (amsa_row.bilateral_sent, amsa_row.bilateral_hosted) == (0, 3)
    slomsic = rows["SLOMSIC"]
    assert (slomsic.sent, slomsic.proposed_sent) == (0, 0), "declined counts in neither"


def test_partners_are_the_nmos_with_a_contract_this_season_or_the_next(world, amsa):
    beta = builders.nmo("BETA", "BE", "Belgium")
    gamma = builders.nmo("GAMMA", "GR", "Greece")
    delta = builders.nmo("DELTA", "DK", "Denmark")
    builders.contract(beta, world.home, season_code="2027/28", status=PROPOSED)
    builders.contract(world.home, gamma, season_code="2025/26")  # ended
    builders.contract(world.home, delta, program_code="SCORE", status=PROPOSED)
    builders.season("2028/29")
    builders.contract(world.home, amsa, season_code="2028/29")  # after the next

    assert queries.partner_nmo_ids(world.home_neo) == {world.host.id, beta.id, delta.id}
    assert queries.partner_nmo_ids(world.student) == frozenset()
    assert queries.partner_nmo_ids(world.admin) == frozenset()
    host_leo_partners = queries.partner_nmo_ids(world.host_leo)
    assert host_leo_partners == {world.home.id}, "local officers' NMO counts too"


def test_partner_contacts_list_each_partners_national_officers(world, amsa):
    builders.contract(world.home, amsa, status=PROPOSED)
    inactive = builders.user(Role.NATIONAL_OFFICER, nmo_=amsa, active=False)

    contacts = queries.partner_contacts(world.home_neo)

    assert [(c.nmo.code, [officer.email for officer in c.officers]) for c in contacts] == [
        ("AMSA", ["amsa-neo@example.org"]),
        ("SLOMSIC", ["host-neo@example.org"]),  # its local officer is not listed
    ], f"not {inactive.email}, whose account is inactive"


# The CSV import proposes


def test_an_import_proposes_what_it_creates_and_changes(world, amsa):
    header = ",".join(csv_io.HEADER)
    text = "\n".join(
        [
            header,
            "2026/27,SCOPE,CROMSIC,SLOMSIC,bilateral,0,0,0,1,2,0,0,0,0,0,0,0",  # changed
            "2026/27,SCOPE,CROMSIC,AMSA,unilateral,0,0,0,0,0,1,0,0,0,0,0,0",  # new
        ]
    )

    result = csv_io.import_contracts(world.home_neo, text.encode())

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    new = queries.find_contract(*terms(world.home, amsa).key)
    for contract, kind in ((new, "proposed"), (fresh(world.contract), "changed")):
        assert (contract.status, contract.proposed_by_nmo_id) == (PROPOSED, world.home.id)
        assert [(e.kind.value, e.reason) for e in contract.events] == [
            (kind, "Imported from a CSV file")
        ]


def test_an_import_with_the_status_column_ignores_it_and_refuses_0_slots(world, amsa):
    header = ",".join(csv_io.EXPORT_HEADER)
    text = "\n".join(
        [
            header,
            "2026/27,SCOPE,CROMSIC,SLOMSIC,bilateral,0,0,0,1,1,0,0,0,0,0,0,0,confirmed",
            "2026/27,SCOPE,CROMSIC,AMSA,bilateral,0,0,0,0,0,0,0,0,0,0,0,0,confirmed",
        ]
    )

    with pytest.raises(csv_io.ImportRefused) as refused:
        csv_io.import_contracts(world.home_neo, text.encode())

    assert [(e.line, e.reason) for e in refused.value.errors] == [
        (3, "A contract needs at least one slot: give the slots of at least one month.")
    ]
    text = text.replace(",0,0,0,0,0,0,0,0,0,0,0,0,confirmed", ",0,0,0,0,0,0,0,0,0,0,0,3,confirmed")
    result = csv_io.import_contracts(world.home_neo, text.encode())
    assert (result.created, result.unchanged) == (1, 1)
    assert queries.find_contract(*terms(world.home, amsa).key).status == PROPOSED
    assert fresh(world.contract).status == CONFIRMED, "unchanged: as it was"
    assert count(ContractEvent) == 1
