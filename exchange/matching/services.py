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
from datetime import date
from decimal import Decimal

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from exchange import audit, clock
from exchange.applications import calendar
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
from exchange.months import format_date, format_month, month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.placements.models import Placement, PlacementCapacity

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
UNCONFIRMED_LABELS = {
    ContractStatus.PROPOSED: " (not confirmed yet)",
    ContractStatus.DECLINED: " (declined)",
}
# Why a slot takes no one, whatever its capacity: kept on the slot as "closed".
UNCONFIRMED_REASONS = {
    ContractStatus.PROPOSED: "contract not confirmed yet",
    ContractStatus.DECLINED: "contract declined",
}
PLACEMENT_CLOSED = "placement closed"


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
    # slot key -> {"label", "month", "target_id", "capacity", and "closed" (why it takes
    # no one) only for a slot that takes no one whatever its places}
    slots: dict[str, dict]


def _month_begun(season: Season, month: int, today: date) -> str | None:
    """ "June 2026 has begun" when the month takes no proposal any more, else None."""
    first_day = season.month_date(month)
    if calendar.month_is_open(first_day, today):
        return None
    return f"{format_month(first_day)} has begun"


def _slot(label: str, month: int, capacity: int, closed: str | None, **more) -> dict:
    """A slot of the instance; a closed one stays in it with no capacity, so that the
    proposal can say why no student was placed there."""
    slot = {"label": label, "month": month, **more, "capacity": 0 if closed else capacity}
    if closed:
        slot["closed"] = closed
    return slot


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
    today = clock.today()
    slots, preferences = {}, {}
    for application in applications:
        contract = by_host.get(application.host_nmo_id)
        preferences[application.id] = []
        if contract is None:
            continue  # no contract with that host: nothing to allocate, shown as such
        # Only a confirmed contract's slots in months that have not begun take
        # nominations. The others stay on the list with none free, so the proposal says
        # why the student waits.
        unconfirmed = UNCONFIRMED_REASONS.get(contract.status)
        free = {slot.month: max(slot.slots - slot.used, 0) for slot in contract.slots}
        label = f"Contract with {contract.host_nmo.acronym}"
        if unconfirmed:
            label += UNCONFIRMED_LABELS[contract.status]
        for month in application.months:
            key = f"c{contract.id}-{month}"
            slots[key] = _slot(
                label,
                month,
                free.get(month, 0),  # no slot that month: none free
                unconfirmed or _month_begun(season, month, today),
                target_id=contract.id,
                host_nmo_id=contract.host_nmo_id,
            )
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
    today = clock.today()
    slots, preferences = {}, {}
    for application in applications:
        month = application.exchange_month
        begun = _month_begun(season, month, today)
        preferences[application.id] = []
        for preference in application.preferences:
            placement = preference.placement
            key = f"p{placement.id}-{month}"
            # A closed placement, a month that has begun, or a placement without places
            # that month has none free: it stays on the list, so the proposal can say why
            # the student did not get it.
            slots[key] = _slot(
                f"{placement.title}, {placement.city}" + ("" if placement.is_open else " (closed)"),
                month,
                free.get((placement.id, month), 0),
                (None if placement.is_open else PLACEMENT_CLOSED) or begun,
                target_id=placement.id,
            )
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


def _begun_refusal(first_day: date) -> str:
    return (
        f"{format_month(first_day)} began on {format_date(first_day)}: proposals go only "
        "into months that have not begun yet"
    )


def _begun_month_of_key(run: MatchingRun, slot_key: str) -> date | None:
    """For a slot key that is not one of the run's ("c12-7", "p40-12"): the first day of
    the month it names, when that month has begun, so a crafted request is told so."""
    _, _, month_text = slot_key.rpartition("-")
    if not month_text.isdigit() or not 1 <= int(month_text) <= 12:
        return None
    first_day = run.season.month_date(int(month_text))
    return None if calendar.month_is_open(first_day, clock.today()) else first_day


def begun_slots(run: MatchingRun) -> dict[str, date]:
    """The run's slots whose month has begun by today (perhaps since the run), with the
    month's first day: no one may be assigned to them any more."""
    today = clock.today()
    first_days = {key: run.season.month_date(slot["month"]) for key, slot in run.slots.items()}
    return {
        key: first_day
        for key, first_day in first_days.items()
        if not calendar.month_is_open(first_day, today)
    }


def assignable_slots(
    run: MatchingRun, application: Application, begun: dict[str, date] | None = None
) -> list[str]:
    """The slots an officer may give this applicant by hand: a month the student can go
    that has not begun, of the contract with their host (outgoing), or a placement with
    free places in the nominated month (incoming); never a slot that takes no one (an
    unconfirmed contract's, a closed placement's). ``begun`` is ``begun_slots(run)``, for
    a caller that asks for many applicants."""
    if begun is None:
        begun = begun_slots(run)
    return [
        key
        for key, slot in run.slots.items()
        if _fits(run.kind, slot, application) and slot["capacity"] > 0 and key not in begun
    ]


def _fits(kind: MatchingKind, slot: dict, application: Application) -> bool:
    """Whether the slot is one the applicant could take: the contract with their host in
    a month they can go (outgoing), or a placement in their nominated month (incoming)."""
    if kind == MatchingKind.OUTGOING:
        return (
            slot["host_nmo_id"] == application.host_nmo_id and slot["month"] in application.months
        )
    return slot["month"] == application.exchange_month


def change_assignment(
    officer: User, run: MatchingRun, application_id: int, slot_key: str | None
) -> None:
    """Give one applicant another slot of the run (within its capacity), or none, and
    record who moved them and when."""
    _open_run(officer, run)
    rows = [dict(row) for row in run.proposal]
    row = next((r for r in rows if r["application_id"] == application_id), None)
    if row is None:
        raise DomainError("That applicant is not in this proposal.")
    application = db.session.get(Application, application_id)
    if slot_key is not None:
        slot = run.slots.get(slot_key)
        begun = begun_slots(run)
        first_day = begun.get(slot_key) or _begun_month_of_key(run, slot_key)
        if first_day is not None:
            later = (
                "choose a later month"
                if run.kind == MatchingKind.OUTGOING
                else "the student can no longer be placed in it"
            )
            raise DomainError(f"{application.code}: {_begun_refusal(first_day)}; {later}.")
        if slot is not None and slot.get("closed"):
            raise DomainError(
                f"{application.code} cannot go to {slot['label']}, "
                f"{month_name(slot['month'])}: {slot['closed']}."
            )
        if slot_key not in assignable_slots(run, application, begun):
            raise DomainError(f"{application.code} cannot go to that slot.")
        taken = sum(1 for r in rows if r["slot"] == slot_key and r is not row)
        # What is free now: nominations or acceptances made since the run count too.
        capacity = min(slot["capacity"], _free_now(run, slot_key))
        if taken >= capacity:
            raise DomainError(
                f"{slot['label']} in {month_name(slot['month'])} is full "
                f"({taken} of {capacity}); move someone out first."
            )
    preferences = _preferences_of(run, application)
    row["slot"] = slot_key
    row["rank"] = preferences.index(slot_key) + 1 if slot_key in preferences else None
    row["changed"] = True
    row["moved_by"] = officer.name
    row["moved_on"] = clock.today().isoformat()
    run.proposal = rows  # a new list, so the JSON column is written
    db.session.flush()


def moved_note(row: dict) -> str | None:
    """ "Moved by hand by NAME on 15 April 2026" for a row an officer changed; None for
    the matcher's own rows (and for rows changed before this was recorded)."""
    if not row.get("moved_by"):
        return None
    moved_on = date.fromisoformat(row["moved_on"])
    return f"Moved by hand by {row['moved_by']} on {format_date(moved_on)}"


@dataclass(frozen=True)
class Summary:
    """The proposal's figures as it stands, hand changes included."""

    students: int
    placed: int
    first_choices: int
    free: int  # the run's free slots or places that no row takes
    taken: dict[str, int]  # slot key -> rows placed there


def summarize(run: MatchingRun) -> Summary:
    taken: dict[str, int] = {}
    for row in run.proposal:
        if row["slot"]:
            taken[row["slot"]] = taken.get(row["slot"], 0) + 1
    placed = sum(taken.values())
    capacity = sum(slot["capacity"] for slot in run.slots.values())
    return Summary(
        students=len(run.proposal),
        placed=placed,
        first_choices=sum(1 for row in run.proposal if row["slot"] and row["rank"] == 1),
        free=max(capacity - placed, 0),
        taken=taken,
    )


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
    """Nominate (outgoing) or accept and issue the CAs (incoming), all or nothing.
    Refused, before anything changes, when a proposed month has begun since the run."""
    _open_run(officer, run)
    season = run.season
    begun = begun_slots(run)
    late = [row for row in run.proposal if row["slot"] in begun]
    if late:
        codes = {
            application.id: application.code
            for application in applications_of_run([row["application_id"] for row in late])
        }
        raise DomainError(
            " ".join(
                f"{codes[row['application_id']]}: {_begun_refusal(begun[row['slot']])}; "
                "move the student to a later month or run the matcher again."
                for row in late
            )
            + " Nothing was approved."
        )
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
    audit.record("matching_approved", officer, f"matching run {run.id}", f"{done} placed")
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
