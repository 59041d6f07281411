"""Matching runs: build the instance from the database, run the pure matcher, keep the
proposal, let the officer change single assignments, and approve through the same services
as the application cycle. Nothing in the applications changes before approval.

Two uses (domain.md, "Matching"):
- outgoing allocation: a home NMO's submitted applicants into its contract slots, one
  slot per (contract, month), preferences = the months the student can go;
- incoming placement: a host NMO's nominated applicants into its placements, one slot per
  (placement, month), preferences = the ranked placements in the nominated month.
The NMO ranks applicants the same way for every slot (points, or submission time, ties
broken by submission time), so the result is stable and reproducible.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import Application, Preference
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.auth.permissions import can_manage_nmo
from exchange.auth.queries import officers_of
from exchange.contracts.models import ContractStatus
from exchange.contracts.queries import contract_slot, contracts_of_sender, find_contract
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.matching.engine import Applicant, Slot, match
from exchange.matching.models import MatchingKind, MatchingRun, Ranking, RunStatus
from exchange.months import month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.placements.models import Placement, PlacementCapacity

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
UNCONFIRMED_LABELS = {
    ContractStatus.PROPOSED: " (not confirmed yet)",
    ContractStatus.DECLINED: " (declined)",
}


def ordinal(rank: int) -> str:
    return ORDINALS.get(rank, f"{rank}th")


def describe(run: "MatchingRun", row: dict) -> str:
    """Where a proposal row puts its student, in words."""
    if not row["slot"]:
        return "not placed"
    slot = run.slots[row["slot"]]
    choice = f"{ordinal(row['rank'])} choice" if row["rank"] else "not one of their choices"
    return f"{slot['label']}, {month_name(slot['month'])} ({choice})"


@dataclass
class Instance:
    """What the matcher gets, and what the proposal page needs to name things."""

    applications: list[Application]
    preferences: dict[int, list[str]]  # application id -> slot keys, most wanted first
    slots: dict[str, dict]  # slot key -> {"label", "month", "target_id", "capacity"}


def _order_key(kind: MatchingKind, ranking: Ranking):
    """The NMO's order of applicants, the same for every slot: by its own points (the home
    NMO's when allocating, the host's when placing), ties and no points by submission."""

    def key(application: Application):
        points = application.points if kind == MatchingKind.OUTGOING else application.host_points
        if ranking == Ranking.SUBMISSION or points is None:
            points = Decimal("-1")
        return (-points, application.submitted_at, application.id)

    return key


def _outgoing_instance(nmo: NMO, program: Program, season: Season) -> Instance:
    applications = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.home_nmo_id == nmo.id,
                Application.program_id == program.id,
                Application.season_id == season.id,
                Application.state == State.SUBMITTED,
            )
            .options(selectinload(Application.student), selectinload(Application.host_nmo))
        )
    )
    contracts = contracts_of_sender(nmo.id, program.id, season.id)
    by_host = {contract.host_nmo_id: contract for contract in contracts}
    slots, preferences = {}, {}
    for application in applications:
        contract = by_host.get(application.host_nmo_id)
        preferences[application.id] = []
        if contract is None:
            continue  # no contract with that host: nothing to allocate, shown as such
        # Only a confirmed contract's slots take nominations. A proposed or declined one
        # stays on the list with none free, so the proposal says why the student waits.
        confirmed = contract.status == ContractStatus.CONFIRMED
        free = {slot.month: max(slot.slots - slot.used, 0) for slot in contract.slots}
        label = f"Contract with {contract.host_nmo.acronym}"
        if not confirmed:
            label += UNCONFIRMED_LABELS[contract.status]
        for month in application.months:
            key = f"c{contract.id}-{month}"
            slots[key] = {
                "label": label,
                "month": month,
                "target_id": contract.id,
                "host_nmo_id": contract.host_nmo_id,
                "capacity": free.get(month, 0) if confirmed else 0,  # no slot: none free
            }
            preferences[application.id].append(key)
    return Instance(applications, preferences, slots)


def _incoming_instance(nmo: NMO, program: Program, season: Season) -> Instance:
    applications = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.host_nmo_id == nmo.id,
                Application.program_id == program.id,
                Application.season_id == season.id,
                Application.state == State.NOMINATED,
            )
            .options(
                selectinload(Application.student),
                selectinload(Application.home_nmo),
                selectinload(Application.preferences).selectinload(Preference.placement),
            )
        )
    )
    free = {
        (capacity.placement_id, capacity.month): max(capacity.capacity - capacity.used, 0)
        for capacity in db.session.scalars(
            select(PlacementCapacity)
            .join(Placement)
            .where(Placement.nmo_id == nmo.id, PlacementCapacity.season_id == season.id)
        )
    }
    slots, preferences = {}, {}
    for application in applications:
        month = application.exchange_month
        preferences[application.id] = []
        for preference in application.preferences:
            placement = preference.placement
            key = f"p{placement.id}-{month}"
            # A closed placement, or one without places that month, has none free: it stays
            # on the list, so the proposal can say why the student did not get it.
            open_places = free.get((placement.id, month), 0) if placement.is_open else 0
            slots[key] = {
                "label": f"{placement.title}, {placement.city}"
                + ("" if placement.is_open else " (closed)"),
                "month": month,
                "target_id": placement.id,
                "capacity": open_places,
            }
            preferences[application.id].append(key)
    return Instance(applications, preferences, slots)


def build_instance(kind: MatchingKind, nmo: NMO, program: Program, season: Season) -> Instance:
    if kind == MatchingKind.OUTGOING:
        return _outgoing_instance(nmo, program, season)
    return _incoming_instance(nmo, program, season)


def propose(instance: Instance, kind: MatchingKind, ranking: Ranking) -> list[dict]:
    """Run the matcher on ``instance``: one proposal row per applicant, with reasons."""
    ordered = sorted(instance.applications, key=_order_key(kind, ranking))
    wanted_by: dict[str, list[int]] = {key: [] for key in instance.slots}
    for application in ordered:
        for key in instance.preferences[application.id]:
            wanted_by[key].append(application.id)
    result = match(
        [Applicant(a.id, instance.preferences[a.id]) for a in instance.applications],
        [Slot(key, slot["capacity"], wanted_by[key]) for key, slot in instance.slots.items()],
    )
    rows = []
    for application in ordered:
        explanation = result.explain(application.id)
        rows.append(
            {
                "application_id": application.id,
                "slot": explanation.slot_id,
                "rank": explanation.rank,
                "refusals": [
                    {"slot": r.slot_id, "reason": r.reason, "held_by": list(r.held_by)}
                    for r in explanation.refusals
                ],
                "changed": False,
            }
        )
    return rows


def _check_officer(officer: User | None, nmo_id: int, program_id: int) -> None:
    if officer is not None and not can_manage_nmo(officer, nmo_id, program_id):
        raise NotAllowed("Only the NMO's national officers for this program run its matching.")


def run_matching(
    officer: User,
    kind: MatchingKind,
    nmo: NMO,
    program: Program,
    season: Season,
    ranking: Ranking,
) -> MatchingRun:
    """A new proposal; an earlier open proposal for the same scope is discarded."""
    _check_officer(officer, nmo.id, program.id)
    instance = build_instance(kind, nmo, program, season)
    now = clock.now()
    for earlier in db.session.scalars(
        select(MatchingRun).where(
            MatchingRun.kind == kind,
            MatchingRun.nmo_id == nmo.id,
            MatchingRun.program_id == program.id,
            MatchingRun.season_id == season.id,
            MatchingRun.status == RunStatus.PROPOSED,
        )
    ):
        earlier.status, earlier.decided_at, earlier.decided_by_id = (
            RunStatus.DISCARDED,
            now,
            officer.id,
        )
    run = MatchingRun(
        kind=kind,
        nmo_id=nmo.id,
        program_id=program.id,
        season_id=season.id,
        ranking=ranking,
        created_by_id=officer.id,
        slots=instance.slots,
        proposal=propose(instance, kind, ranking),
    )
    db.session.add(run)
    db.session.flush()
    return run


def _open_run(officer: User, run: MatchingRun) -> None:
    _check_officer(officer, run.nmo_id, run.program_id)
    if run.status != RunStatus.PROPOSED:
        raise DomainError(f"This proposal is {run.status.value} already; run the matcher again.")


def assignable_slots(run: MatchingRun, application: Application) -> list[str]:
    """The slots an officer may give this applicant by hand: a month the student can go,
    of the contract with their host (outgoing), or a placement with free places in the
    nominated month (incoming)."""
    if run.kind == MatchingKind.OUTGOING:
        return [
            key
            for key, slot in run.slots.items()
            if slot["host_nmo_id"] == application.host_nmo_id
            and slot["month"] in application.months
            and slot["capacity"] > 0
        ]
    return [
        key
        for key, slot in run.slots.items()
        if slot["month"] == application.exchange_month and slot["capacity"] > 0
    ]


def change_assignment(
    officer: User, run: MatchingRun, application_id: int, slot_key: str | None
) -> None:
    """Give one applicant another slot of the run (within its capacity), or none."""
    _open_run(officer, run)
    rows = [dict(row) for row in run.proposal]
    row = next((r for r in rows if r["application_id"] == application_id), None)
    if row is None:
        raise DomainError("That applicant is not in this proposal.")
    application = db.session.get(Application, application_id)
    if slot_key is not None:
        if slot_key not in assignable_slots(run, application):
            raise DomainError(f"{application.code} cannot go to that slot.")
        taken = sum(1 for r in rows if r["slot"] == slot_key and r is not row)
        # What is free now: nominations or acceptances made since the run count too.
        capacity = min(run.slots[slot_key]["capacity"], _free_now(run, slot_key))
        if taken >= capacity:
            slot = run.slots[slot_key]
            raise DomainError(
                f"{slot['label']} in {month_name(slot['month'])} is full "
                f"({taken} of {capacity}); move someone out first."
            )
    preferences = _preferences_of(run, application)
    row["slot"] = slot_key
    row["rank"] = preferences.index(slot_key) + 1 if slot_key in preferences else None
    row["changed"] = True
    run.proposal = rows  # a new list, so the JSON column is written
    db.session.flush()


def _free_now(run: MatchingRun, slot_key: str) -> int:
    slot = run.slots[slot_key]
    if run.kind == MatchingKind.OUTGOING:
        row = contract_slot(slot["target_id"], slot["month"])
        return max(row.slots - row.used, 0) if row else 0
    row = db.session.scalar(
        select(PlacementCapacity).where(
            PlacementCapacity.placement_id == slot["target_id"],
            PlacementCapacity.season_id == run.season_id,
            PlacementCapacity.month == slot["month"],
        )
    )
    return max(row.capacity - row.used, 0) if row else 0


def _preferences_of(run: MatchingRun, application: Application) -> list[str]:
    if run.kind == MatchingKind.OUTGOING:
        contract = find_contract(
            application.season_id,
            application.program_id,
            application.home_nmo_id,
            application.host_nmo_id,
        )
        return [f"c{contract.id}-{m}" for m in application.months] if contract else []
    return [f"p{p.placement_id}-{application.exchange_month}" for p in application.preferences]


def _contact_for(placement: Placement, program_id: int, officer: User) -> User:
    """The CA's contact person: the placement LC's local officer, else the approving one."""
    local = officers_of(placement.nmo_id, program_id, Role.LOCAL_OFFICER, placement.lc_id)
    return local[0] if local else officer


def approve_run(officer: User, run: MatchingRun) -> int:
    """Nominate (outgoing) or accept and issue the CAs (incoming), all or nothing."""
    _open_run(officer, run)
    season = run.season
    done = 0
    for row in run.proposal:
        if row["slot"] is None:
            continue
        application = db.session.get(Application, row["application_id"])
        slot = run.slots[row["slot"]]
        try:
            if run.kind == MatchingKind.OUTGOING:
                cycle.nominate_application(officer, application, slot["month"])
            else:
                placement = db.session.get(Placement, slot["target_id"])
                contact = _contact_for(placement, run.program_id, officer)
                cycle.accept_application(
                    officer,
                    application,
                    placement,
                    season.month_date(slot["month"]),
                    contact.name,
                    contact.email,
                )
        except DomainError as error:
            raise DomainError(f"{application.code}: {error} Nothing was approved.") from None
        done += 1
    run.status, run.decided_at, run.decided_by_id = RunStatus.APPROVED, clock.now(), officer.id
    db.session.flush()
    return done


def discard_run(officer: User, run: MatchingRun) -> None:
    _open_run(officer, run)
    run.status, run.decided_at, run.decided_by_id = RunStatus.DISCARDED, clock.now(), officer.id
    db.session.flush()


def runs_statement(scopes: list[tuple[NMO, Program]] | None):
    """The matching runs of these (NMO, program) pairs, newest first; every run for None."""
    statement = select(MatchingRun).order_by(MatchingRun.created_at.desc())
    if scopes is not None:
        statement = statement.where(
            or_(
                false(),
                *[
                    (MatchingRun.nmo_id == nmo.id) & (MatchingRun.program_id == program.id)
                    for nmo, program in scopes
                ],
            )
        )
    return statement.options(
        selectinload(MatchingRun.nmo),
        selectinload(MatchingRun.program),
        selectinload(MatchingRun.season),
        selectinload(MatchingRun.created_by),
    )


def applications_of_run(application_ids: list[int]) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.id.in_(application_ids))
            .options(selectinload(Application.student), selectinload(Application.host_nmo))
        )
    )
