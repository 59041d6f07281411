"""Matching runs, called directly: who runs them, proposals that change no application,
changes by hand within capacity, approval through the application services (all or
nothing), and discarding."""

import re
from decimal import Decimal

import pytest
import time_machine

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import Application, Preference
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.contracts.models import ContractSlot, ContractStatus
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.matching import services as matching
from exchange.matching.engine import FULL
from exchange.matching.models import MatchingKind, MatchingRun, Ranking, RunStatus
from tests import builders
from tests.integration.steps import count, nominated, state_of, submitted

OUTGOING, INCOMING = MatchingKind.OUTGOING, MatchingKind.INCOMING


def run(world, kind=OUTGOING, officer=None, nmo=None, program_code="SCOPE", ranking=Ranking.POINTS):
    if nmo is None:
        nmo = world.home if kind == OUTGOING else world.host
    if officer is None:
        officer = world.home_neo if kind == OUTGOING else world.host_neo
    return matching.run_matching(
        officer, kind, nmo, builders.program(program_code), builders.season(), ranking
    )


def applicants(world, *points_and_months) -> list[Application]:
    """Submitted applications to the host, with the home NMO's points and their months."""
    return [
        submitted(world, months=months, points=Decimal(points))
        for points, months in points_and_months
    ]


def ranking(application: Application, *placements) -> Application:
    for rank, placement in enumerate(placements, start=1):
        application.preferences.append(Preference(rank=rank, placement_id=placement.id))
    db.session.flush()
    return application


def row_of(matching_run: MatchingRun, application: Application) -> dict:
    return next(r for r in matching_run.proposal if r["application_id"] == application.id)


def contract_key(world, month: int) -> str:
    return f"c{world.contract.id}-{month}"


def states(*applications) -> list[State]:
    return [state_of(application) for application in applications]


def on(day: str):
    """Travel to 09:00 UTC of ``day`` (an ISO date), the clock standing still there."""
    return time_machine.travel(f"{day} 09:00:00+00:00", tick=False)


def with_slots(world, slots: dict[int, int]):
    """Give the world's contract slots in more months (it has July and August)."""
    for month, number in slots.items():
        world.contract.slots.append(ContractSlot(month=month, slots=number))
    db.session.flush()


def placed(matching_run: MatchingRun, application: Application) -> tuple[str | None, int | None]:
    row = row_of(matching_run, application)
    return row["slot"], row["rank"]


def closed(matching_run: MatchingRun) -> dict[str, str]:
    """The run's slots that take no one, with the reason each gives."""
    return {key: slot["closed"] for key, slot in matching_run.slots.items() if "closed" in slot}


# run_matching


@pytest.mark.parametrize(
    "who", ["host_neo", "home officer of the other program", "host_leo", "student"]
)
def test_only_the_nmos_national_officers_of_the_program_run_its_matching(world, who):
    applicants(world, ("90", (7,)))
    officer = (
        builders.user(Role.NATIONAL_OFFICER, nmo_=world.home, program_code="SCORE")
        if who == "home officer of the other program"
        else getattr(world, who)
    )

    with pytest.raises(NotAllowed) as refused:
        run(world, officer=officer)

    assert str(refused.value) == (
        "Only the NMO's national officers for this program run its matching."
    )
    assert count(MatchingRun) == 0


def test_a_proposal_explains_itself_and_changes_no_application(world):
    best, both_months, last = applicants(world, ("90", (7,)), ("80", (7, 8)), ("70", (7,)))

    proposal = run(world)

    assert proposal.status == RunStatus.PROPOSED
    assert [(r["application_id"], r["slot"], r["rank"]) for r in proposal.proposal] == [
        (best.id, contract_key(world, 7), 1),
        (both_months.id, contract_key(world, 8), 2),
        (last.id, None, None),
    ]
    assert row_of(proposal, last)["refusals"] == [
        {"slot": contract_key(world, 7), "reason": FULL, "held_by": [best.id]}
    ]
    assert states(best, both_months, last) == [State.SUBMITTED] * 3
    assert (world.slot(7).used, world.slot(8).used) == (0, 0)


def test_a_new_run_discards_the_open_proposal_of_its_scope_only(world):
    applicants(world, ("90", (7,)))
    ranking(nominated(world, 7), world.department)
    outgoing = run(world)
    incoming = run(world, INCOMING)

    again = run(world, officer=world.admin)

    assert (outgoing.status, outgoing.decided_by_id) == (RunStatus.DISCARDED, world.admin.id)
    assert outgoing.decided_at is not None
    assert incoming.status == RunStatus.PROPOSED
    assert again.status == RunStatus.PROPOSED


@pytest.mark.parametrize("kind", [OUTGOING, INCOMING])
def test_a_run_makes_as_many_statements_for_six_applicants_as_for_two(world, count_queries, kind):
    other_home = builders.nmo("AMSA", "AT", "Austria")
    other_lc = builders.lc(other_home, "LC Wien", "Wien")
    other_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=other_home)
    other_host = builders.nmo("BETA", "BE", "Belgium")
    other_host_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=other_host)
    builders.contract(other_home, other_host, slots={7: 3, 8: 3})
    wards = [builders.department(builders.lc(other_host), f"Ward {n}") for n in range(3)]
    for month in (7, 8):
        application = submitted(world, months=(7, 8))
        if kind == INCOMING:
            cycle.nominate_application(world.home_neo, application, month)
            ranking(application, world.department, world.other_department)
    for n in range(6):
        application = builders.application(
            builders.user(Role.STUDENT, lc_=other_lc),
            other_host,
            state=State.SUBMITTED,
            submitted_at=clock.now(),
            months=[7, 8],
        )
        if kind == INCOMING:
            cycle.nominate_application(other_neo, application, 7 + n % 2)
            ranking(application, *wards)
    db.session.commit()
    small_scope = (world.home_neo, world.home) if kind == OUTGOING else (world.host_neo, world.host)
    large_scope = (other_neo, other_home) if kind == OUTGOING else (other_host_neo, other_host)
    # Load what the runs are given after the commit, so that neither run pays for it.
    for officer, nmo in (small_scope, large_scope):
        assert officer.memberships and nmo.id
    assert builders.program().id and builders.season().id

    counts = []
    for officer, nmo in (small_scope, large_scope):
        with count_queries() as counted:
            made = run(world, kind, officer=officer, nmo=nmo)
        counts.append(counted.value)
        assert len(made.proposal) in (2, 6)

    assert counts[0] == counts[1], counts


# change_assignment


def test_a_hand_change_stays_within_the_slots_and_is_kept(world):
    best, both_months, last = applicants(world, ("90", (7,)), ("80", (7, 8)), ("70", (7,)))
    proposal = run(world)

    with pytest.raises(DomainError) as refused:
        matching.change_assignment(world.home_neo, proposal, last.id, contract_key(world, 7))
    assert str(refused.value) == (
        "Contract with SLOMSIC in July is full (1 of 1); move someone out first."
    )

    matching.change_assignment(world.home_neo, proposal, best.id, None)
    matching.change_assignment(world.home_neo, proposal, last.id, contract_key(world, 7))

    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(MatchingRun, proposal.id)
    assert (row_of(kept, best)["slot"], row_of(kept, best)["rank"]) == (None, None)
    assert (row_of(kept, last)["slot"], row_of(kept, last)["rank"]) == (contract_key(world, 7), 1)
    assert row_of(kept, best)["changed"] and row_of(kept, last)["changed"]
    assert not row_of(kept, both_months)["changed"]
    assert states(best, both_months, last) == [State.SUBMITTED] * 3


def test_a_hand_change_only_to_a_slot_the_student_can_take(world):
    only_july, _ = applicants(world, ("90", (7,)), ("80", (8,)))
    proposal = run(world)
    stranger = submitted(world)  # submitted after the run: not in it

    for key in (contract_key(world, 8), "c999999-7"):
        with pytest.raises(DomainError) as refused:
            matching.change_assignment(world.home_neo, proposal, only_july.id, key)
        assert str(refused.value) == f"{only_july.code} cannot go to that slot."
    with pytest.raises(DomainError, match=re.escape("That applicant is not in this proposal.")):
        matching.change_assignment(world.home_neo, proposal, stranger.id, contract_key(world, 7))
    with pytest.raises(NotAllowed):
        matching.change_assignment(world.host_neo, proposal, only_july.id, None)

    assert row_of(proposal, only_july)["slot"] == contract_key(world, 7)
    assert not any(r["changed"] for r in proposal.proposal)


# approve_run


def test_approval_nominates_each_proposed_student(world):
    best, both_months, last = applicants(world, ("90", (7,)), ("80", (7, 8)), ("70", (7,)))
    proposal = run(world)

    assert matching.approve_run(world.home_neo, proposal) == 2

    assert states(best, both_months, last) == [State.NOMINATED, State.NOMINATED, State.SUBMITTED]
    assert (best.exchange_month, both_months.exchange_month) == (7, 8)
    assert (world.slot(7).used, world.slot(8).used) == (1, 1)
    assert (proposal.status, proposal.decided_by_id) == (RunStatus.APPROVED, world.home_neo.id)


def test_approval_is_all_or_nothing(world):
    best, august = applicants(world, ("90", (7,)), ("80", (8,)))
    proposal = run(world)
    # Meanwhile, a nomination by hand takes the August slot the proposal counted on.
    cycle.nominate_application(world.home_neo, submitted(world, months=(8,)), 8)
    db.session.commit()

    with pytest.raises(DomainError) as refused:
        matching.approve_run(world.home_neo, proposal)
    db.session.rollback()  # as the request does with a refusal

    assert str(refused.value) == (
        f"{august.code}: The contract with SLOMSIC has no free slot in August "
        "(all 1 are used). Nothing was approved."
    )
    assert states(best, august) == [State.SUBMITTED, State.SUBMITTED]
    assert (world.slot(7).used, world.slot(8).used) == (0, 1)
    assert db.session.get(MatchingRun, proposal.id).status == RunStatus.PROPOSED


def test_incoming_approval_names_the_local_officer_as_contact_or_else_the_approver(world):
    in_ljubljana = ranking(nominated(world, 7), world.department)
    in_maribor = ranking(nominated(world, 8), world.other_department, world.department)
    world.other_department.capacities[0].month = 8  # Surgery takes its student in August
    db.session.flush()
    proposal = run(world, INCOMING)

    assert matching.approve_run(world.host_neo, proposal) == 2

    db.session.expire_all()
    assert states(in_ljubljana, in_maribor) == [State.ACCEPTED, State.ACCEPTED]
    assert (in_ljubljana.placement_id, in_maribor.placement_id) == (
        world.department.id,
        world.other_department.id,
    )
    # LC Ljubljana has a local officer; LC Maribor has none, so the host NEO is the contact.
    assert (in_ljubljana.contact_person, in_ljubljana.contact_email) == (
        world.host_leo.name,
        world.host_leo.email,
    )
    assert (in_maribor.contact_person, in_maribor.contact_email) == (
        world.host_neo.name,
        world.host_neo.email,
    )
    assert in_ljubljana.starts_on == builders.season().month_date(7)
    assert (world.place(month=7).used, world.place(world.other_department, 8).used) == (1, 1)


def test_only_the_nmos_officers_approve_or_discard(world):
    applicants(world, ("90", (7,)))
    proposal = run(world)

    for other in (world.host_neo, world.student, builders.user(Role.NATIONAL_OFFICER)):
        with pytest.raises(NotAllowed):
            matching.approve_run(other, proposal)
        with pytest.raises(NotAllowed):
            matching.discard_run(other, proposal)

    assert proposal.status == RunStatus.PROPOSED
    assert world.slot(7).used == 0


# discard_run


def test_a_discarded_proposal_changes_nothing_and_is_decided_for_good(world):
    (application,) = applicants(world, ("90", (7,)))
    proposal = run(world)

    matching.discard_run(world.home_neo, proposal)

    assert (proposal.status, proposal.decided_by_id) == (RunStatus.DISCARDED, world.home_neo.id)
    assert proposal.decided_at is not None
    assert state_of(application) == State.SUBMITTED
    refusal = "This proposal is discarded already; run the matcher again."
    for act in (
        lambda: matching.approve_run(world.home_neo, proposal),
        lambda: matching.discard_run(world.home_neo, proposal),
        lambda: matching.change_assignment(world.home_neo, proposal, application.id, None),
    ):
        with pytest.raises(DomainError) as refused:
            act()
        assert str(refused.value) == refusal
    assert state_of(application) == State.SUBMITTED


def test_an_approved_proposal_is_decided_for_good(world):
    (application,) = applicants(world, ("90", (7,)))
    proposal = run(world)
    matching.approve_run(world.home_neo, proposal)

    with pytest.raises(DomainError, match="This proposal is approved already"):
        matching.discard_run(world.home_neo, proposal)
    with pytest.raises(DomainError, match="This proposal is approved already"):
        matching.approve_run(world.home_neo, proposal)

    assert proposal.status == RunStatus.APPROVED
    assert state_of(application) == State.NOMINATED
    assert world.slot(7).used == 1


# Only months that have not begun, only confirmed contracts


@pytest.mark.parametrize(
    ("day", "proposed", "begun"),
    [
        ("2026-05-31", 6, {}),
        ("2026-06-01", 7, {6: "June 2026 has begun"}),
        ("2026-06-30", 7, {6: "June 2026 has begun"}),
        ("2026-07-01", 8, {6: "June 2026 has begun", 7: "July 2026 has begun"}),
    ],
)
def test_an_allocation_proposes_only_months_that_have_not_begun(world, day, proposed, begun):
    with_slots(world, {6: 1})
    (application,) = applicants(world, ("90", (6, 7, 8)))

    with on(day):
        proposal = run(world)

    assert placed(proposal, application) == (contract_key(world, proposed), proposed - 5)
    assert closed(proposal) == {contract_key(world, month): why for month, why in begun.items()}
    assert [proposal.slots[contract_key(world, month)]["capacity"] for month in begun] == [
        0 for _ in begun
    ]
    assert [r["slot"] for r in row_of(proposal, application)["refusals"]] == [
        contract_key(world, month) for month in begun
    ]


@pytest.mark.parametrize(
    ("day", "proposed", "begun"),
    [("2027-02-28", (3, 1), {}), ("2027-03-31", (None, None), {3: "March 2027 has begun"})],
)
def test_on_the_last_day_of_a_season_its_last_month_has_begun(world, day, proposed, begun):
    with_slots(world, {3: 1})
    (application,) = applicants(world, ("90", (3,)))

    with on(day):
        proposal = run(world)

    month, rank = proposed
    assert placed(proposal, application) == (month and contract_key(world, month), rank)
    assert closed(proposal) == {contract_key(world, month): why for month, why in begun.items()}


@pytest.mark.parametrize(
    ("day", "proposed", "begun"),
    [("2027-03-31", (4, 1), {}), ("2027-04-01", (5, 2), {4: "April 2027 has begun"})],
)
def test_on_the_first_day_of_a_season_its_first_month_has_begun(world, day, proposed, begun):
    next_season = builders.season("2027/28")
    contract = builders.contract(world.home, world.host, slots={4: 1, 5: 1}, season_code="2027/28")
    application = submitted(world, months=(4, 5), points=Decimal("90"), season_code="2027/28")

    with on(day):
        proposal = matching.run_matching(
            world.home_neo, OUTGOING, world.home, builders.program(), next_season, Ranking.POINTS
        )

    month, rank = proposed
    assert placed(proposal, application) == (f"c{contract.id}-{month}", rank)
    assert closed(proposal) == {f"c{contract.id}-{month}": why for month, why in begun.items()}


@pytest.mark.parametrize(
    ("day", "proposed", "reason"),
    [("2026-06-30", (0, 1), None), ("2026-07-01", (None, None), "July 2026 has begun")],
)
def test_a_placement_proposes_only_into_a_month_that_has_not_begun(world, day, proposed, reason):
    application = ranking(nominated(world, 7), world.department, world.other_department)
    keys = [f"p{world.department.id}-7", f"p{world.other_department.id}-7"]

    with on(day):
        proposal = run(world, INCOMING)

    choice, rank = proposed
    assert placed(proposal, application) == (None if choice is None else keys[choice], rank)
    assert closed(proposal) == (dict.fromkeys(keys, reason) if reason else {})
    refused = [r["slot"] for r in row_of(proposal, application)["refusals"]]
    assert refused == (keys if reason else [])


def test_a_closed_placement_stays_in_the_run_and_says_why(world):
    world.department.closed_at = clock.now()
    application = ranking(nominated(world, 7), world.department, world.other_department)

    proposal = run(world, INCOMING)

    assert placed(proposal, application) == (f"p{world.other_department.id}-7", 2)
    assert closed(proposal) == {f"p{world.department.id}-7": "placement closed"}
    assert proposal.slots[f"p{world.department.id}-7"]["capacity"] == 0


@pytest.mark.parametrize(
    ("status", "label", "reason"),
    [
        (
            ContractStatus.PROPOSED,
            "Contract with SLOMSIC (not confirmed yet)",
            "contract not confirmed yet",
        ),
        (ContractStatus.DECLINED, "Contract with SLOMSIC (declined)", "contract declined"),
    ],
)
def test_a_contract_not_confirmed_gets_no_proposal_and_says_why(world, status, label, reason):
    world.contract.status = status
    world.contract.decline_reason = "Too many." if status == ContractStatus.DECLINED else None
    db.session.flush()
    (application,) = applicants(world, ("90", (7, 8)))

    proposal = run(world)

    assert placed(proposal, application) == (None, None)
    assert closed(proposal) == {contract_key(world, 7): reason, contract_key(world, 8): reason}
    assert matching.assignable_slots(proposal, application) == []
    with pytest.raises(DomainError) as refused:
        matching.change_assignment(world.home_neo, proposal, application.id, contract_key(world, 7))
    assert str(refused.value) == f"{application.code} cannot go to {label}, July: {reason}."
    assert placed(proposal, application) == (None, None)


def test_a_hand_change_never_goes_into_a_month_that_has_begun(world):
    (application,) = applicants(world, ("90", (7, 8)))
    proposal = run(world)
    july, august = contract_key(world, 7), contract_key(world, 8)
    assert matching.assignable_slots(proposal, application) == [july, august]

    with on("2026-07-01"):
        assert matching.assignable_slots(proposal, application) == [august]
        with pytest.raises(DomainError) as refused:
            matching.change_assignment(world.home_neo, proposal, application.id, july)
        assert placed(proposal, application) == (july, 1)
        matching.change_assignment(world.home_neo, proposal, application.id, august)

    assert str(refused.value) == (
        f"{application.code}: July 2026 began on 1 July 2026: proposals go only into months "
        "that have not begun yet; choose a later month."
    )
    assert placed(proposal, application) == (august, 2)


@pytest.mark.parametrize("kind", [OUTGOING, INCOMING])
def test_approval_is_refused_once_a_proposed_month_has_begun(world, kind):
    if kind == OUTGOING:
        july, august = applicants(world, ("90", (7,)), ("80", (8,)))
    else:
        july = ranking(nominated(world, 7), world.department)
        august = ranking(nominated(world, 8), world.department)
    proposal = run(world, kind)
    assert [row["slot"] is not None for row in proposal.proposal] == [True, True]
    before = states(july, august)
    db.session.commit()

    with on("2026-07-01"):
        with pytest.raises(DomainError) as refused:
            matching.approve_run(world.home_neo if kind == OUTGOING else world.host_neo, proposal)
        db.session.rollback()  # as the request does with a refusal

    assert str(refused.value) == (
        f"{july.code}: July 2026 began on 1 July 2026: proposals go only into months that "
        "have not begun yet; move the student to a later month or run the matcher again. "
        "Nothing was approved."
    )
    assert states(july, august) == before
    assert db.session.get(MatchingRun, proposal.id).status == RunStatus.PROPOSED


def test_approval_goes_ahead_once_the_begun_month_is_moved_out(world):
    july, august = applicants(world, ("90", (7,)), ("80", (8,)))
    proposal = run(world)

    with on("2026-07-01"):
        matching.change_assignment(world.home_neo, proposal, july.id, None)
        assert matching.approve_run(world.home_neo, proposal) == 1

    assert states(july, august) == [State.SUBMITTED, State.NOMINATED]
    assert (world.slot(7).used, world.slot(8).used) == (0, 1)


# Hand changes: who, when, and the figures


def test_a_hand_change_records_who_moved_the_student_and_when(world):
    best, both_months, _ = applicants(world, ("90", (7,)), ("80", (7, 8)), ("70", (7,)))
    proposal = run(world)
    assert matching.moved_note(row_of(proposal, best)) is None

    with on("2026-05-02"):
        matching.change_assignment(world.home_neo, proposal, best.id, None)

    row = row_of(proposal, best)
    assert (row["moved_by"], row["moved_on"]) == (world.home_neo.name, "2026-05-02")
    assert matching.moved_note(row) == f"Moved by hand by {world.home_neo.name} on 2 May 2026"
    assert matching.moved_note(row_of(proposal, both_months)) is None
    # A row changed before the mover was recorded reads as the matcher's own.
    assert matching.moved_note({**row, "moved_by": None, "moved_on": None}) is None
    assert matching.moved_note({"slot": None, "changed": True}) is None


def test_the_figures_follow_the_hand_changes(world):
    best, both_months, last = applicants(world, ("90", (7,)), ("80", (7, 8)), ("70", (7,)))
    proposal = run(world)
    july, august = contract_key(world, 7), contract_key(world, 8)

    def figures():
        summary = matching.summarize(proposal)
        return (
            summary.students,
            summary.placed,
            summary.first_choices,
            summary.free,
        ), summary.taken

    assert figures() == ((3, 2, 1, 0), {july: 1, august: 1})
    matching.change_assignment(world.home_neo, proposal, best.id, None)
    assert figures() == ((3, 1, 0, 1), {august: 1})
    matching.change_assignment(world.home_neo, proposal, last.id, july)
    assert figures() == ((3, 2, 1, 0), {july: 1, august: 1})
    matching.change_assignment(world.home_neo, proposal, both_months.id, None)
    assert figures() == ((3, 1, 1, 1), {july: 1})


def test_a_crafted_slot_of_a_begun_month_not_in_the_run_is_refused_by_name(world):
    (application,) = applicants(world, ("10", (8,)))
    with on("2026-07-15"):
        proposal = run(world)
        for crafted in (contract_key(world, 7), "p999-7"):
            with pytest.raises(DomainError) as refused:
                matching.change_assignment(world.home_neo, proposal, application.id, crafted)
            assert str(refused.value) == (
                f"{application.code}: July 2026 began on 1 July 2026: proposals go only into "
                "months that have not begun yet; choose a later month."
            )
        with pytest.raises(DomainError, match="cannot go to that slot"):
            matching.change_assignment(world.home_neo, proposal, application.id, "c1-nonsense")
    assert placed(proposal, application) == (contract_key(world, 8), 1)
