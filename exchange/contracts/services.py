"""Creating, changing, agreeing on and deleting contracts: the rules they obey and who may
do it.

A contract is agreed by both sides: creating it, or changing its slots or kind, makes it
*proposed* by the acting officer's NMO; a national officer of the partner NMO then
confirms it or declines it with a reason. Only a confirmed contract's slots take new
nominations. Every step is kept as a ContractEvent.

Each function takes the acting user, checks permission, changes the contracts, flushes and
never commits: the request commits once, or rolls back. The ``used`` count of a contract
month belongs to the nominations (exchange.applications.services); here it is only read,
and a month's slots never go below it.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from exchange import audit
from exchange.applications.models import Application
from exchange.auth.models import Role
from exchange.auth.permissions import (
    can_answer_contract,
    can_manage_contract,
    can_view_contract,
    partner_nmo_id,
)
from exchange.contracts import queries
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractKind,
    ContractSlot,
    ContractStatus,
)
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.organizations.models import NMO, Program, Season


@dataclass(frozen=True)
class ContractTerms:
    """What a contract says: who sends to whom, in which program and season, how many."""

    season: Season
    program: Program
    sending: NMO
    host: NMO
    kind: ContractKind
    slots: dict[int, int] = field(default_factory=dict)  # month -> slots

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.season.id, self.program.id, self.sending.id, self.host.id)

    def mirrored(self) -> "ContractTerms":
        return replace(self, sending=self.host, host=self.sending, kind=ContractKind.BILATERAL)

    def describe(self) -> str:
        return (
            f"{self.program.code} contract {self.sending.acronym} → {self.host.acronym} "
            f"for {self.season.code}"
        )


NOT_YOURS = (
    "You may only manage contracts in which your NMO sends or hosts, in the program you "
    "are national officer for."
)


def managed_program_ids(user, nmo_id: int) -> set[int]:
    """The programs in which ``user`` is a national officer of the NMO."""
    return {
        m.program_id
        for m in user.memberships
        if m.role == Role.NATIONAL_OFFICER and m.nmo_id == nmo_id
    }


# The rules, shared by the editor and the CSV import


MAX_SLOTS = 1000  # far above any real contract; keeps typing slips out of the columns


def terms_problems(terms: ContractTerms) -> list[str]:
    """What is wrong with the terms on their own (no other contract looked at)."""
    problems = []
    if terms.sending.id == terms.host.id:
        problems.append("The sending and the host NMO must be two different NMOs.")
    for nmo in dict.fromkeys((terms.sending, terms.host)):
        if terms.program not in nmo.programs:
            problems.append(f"{nmo.acronym} does not take part in {terms.program.code}.")
    negative = [month_name(m) for m in SEASON_MONTHS if terms.slots.get(m, 0) < 0]
    if negative:
        problems.append(f"Slots cannot be negative ({', '.join(negative)}).")
    too_many = [month_name(m) for m in SEASON_MONTHS if terms.slots.get(m, 0) > MAX_SLOTS]
    if too_many:
        problems.append(f"At most {MAX_SLOTS} slots a month ({', '.join(too_many)}).")
    unknown = sorted(set(terms.slots) - set(SEASON_MONTHS))
    if unknown:
        problems.append(f"There is no month {unknown[0]}.")
    return problems


def nominations_word(count: int) -> str:
    return f"{count} nomination" + ("" if count == 1 else "s")


def slot_problems(contract: Contract | None, slots: dict[int, int], prefix: str = "") -> list[str]:
    """Months whose new slots would fall below the nominations already holding them."""
    if contract is None:
        return []
    problems = []
    for row in sorted(contract.slots, key=lambda r: SEASON_MONTHS.index(r.month)):
        wanted = slots.get(row.month, 0)
        if wanted < row.used:
            problems.append(
                f"{prefix}{month_name(row.month)} has {nominations_word(row.used)}; "
                f"it cannot go below {row.used}."
            )
    return problems


def lock_slots(contract: Contract) -> list[ContractSlot]:
    """The contract's months with their current ``used``, locked until the commit.

    A nomination changes ``used`` with one UPDATE; on PostgreSQL the lock makes it wait
    for this transaction, and its ``used < slots`` check then sees the new slots.
    """
    if contract.id is None:
        return list(contract.slots)
    return list(
        db.session.scalars(
            select(ContractSlot)
            .where(ContractSlot.contract_id == contract.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def apply_slots(contract: Contract, slots: dict[int, int]) -> None:
    """Set each month's slots; a month without slots or nominations loses its row."""
    rows = {row.month: row for row in contract.slots}
    for month in SEASON_MONTHS:
        wanted = slots.get(month, 0)
        row = rows.get(month)
        if row is None:
            if wanted > 0:
                contract.slots.append(ContractSlot(month=month, slots=wanted, used=0))
        elif wanted == 0 and row.used == 0:
            contract.slots.remove(row)
        else:
            row.slots = wanted


def slots_of(contract: Contract) -> dict[int, int]:
    return {row.month: row.slots for row in contract.slots if row.slots}


def _refuse(problems: list[str]) -> None:
    if problems:
        raise DomainError(" ".join(problems))


def _check_permission(actor, terms: ContractTerms) -> None:
    if not can_manage_contract(actor, terms.sending.id, terms.host.id, terms.program.id):
        raise NotAllowed(NOT_YOURS)


def _duplicate_problem(terms: ContractTerms, existing: Contract | None, own: Contract | None):
    if existing is not None and existing is not own:
        return [f"The {terms.describe()} already exists: edit that one instead."]
    return []


NEEDS_A_SLOT = "A contract needs at least one slot: give the slots of at least one month."


def empty_problems(terms: ContractTerms, contract: Contract | None = None) -> list[str]:
    """A contract with 0 slots in every month is refused, except the change of one that
    applications were nominated on: it cannot be deleted, and 0 slots is how it ends."""
    if any(slots > 0 for slots in terms.slots.values()):
        return []
    if contract is None:
        return [NEEDS_A_SLOT]
    if applications_on(contract):
        return []
    return [NEEDS_A_SLOT[:-1] + ", or delete the contract."]


# Agreement: proposals, confirmations, declines, and their history


def proposing_nmo(actor, sending: NMO, host: NMO, program_id: int) -> NMO:
    """The side an officer acts for: their own NMO (the sending one if they are national
    officer of both). An admin acts for the sending NMO, whose officers usually bring
    the contract: the host's officers then confirm it."""
    own = managed_program_ids
    if program_id in own(actor, sending.id):
        return sending
    if program_id in own(actor, host.id):
        return host
    return sending


def snapshot(contract: Contract) -> dict[str, int]:
    """The contract's slots as a history row keeps them: {"7": 2, "8": 1}."""
    return {str(month): slots for month, slots in sorted(slots_of(contract).items())}


def _record(
    contract: Contract, kind: ContractEventKind, actor, nmo: NMO, reason: str | None = None
) -> None:
    contract.events.append(
        ContractEvent(
            kind=kind,
            actor_id=actor.id if actor is not None else None,
            nmo_id=nmo.id,
            slots=snapshot(contract),
            reason=reason,
        )
    )


def propose(
    contract: Contract,
    actor,
    proposer: NMO,
    kind: ContractEventKind,
    reason: str | None = None,
) -> None:
    """The contract waits for the other side again; an earlier decline is cleared."""
    contract.status = ContractStatus.PROPOSED
    contract.proposed_by_nmo = proposer
    contract.proposed_by_nmo_id = proposer.id
    contract.decline_reason = None
    _record(contract, kind, actor, proposer, reason)


def _changes(contract: Contract, terms: ContractTerms) -> bool:
    key = (contract.season_id, contract.program_id, contract.sending_nmo_id, contract.host_nmo_id)
    wanted = {month: n for month, n in terms.slots.items() if n}
    return key != terms.key or contract.kind != terms.kind or slots_of(contract) != wanted


def _save_mirror(actor, terms: ContractTerms, proposer: NMO) -> Contract:
    """Create or update the contract the other way round with the same slots; a new or
    changed mirror is proposed by the same NMO as the contract."""
    mirror_terms = terms.mirrored()
    mirror = queries.find_contract(*mirror_terms.key)
    if mirror is None:
        mirror = _new_contract(mirror_terms)
        apply_slots(mirror, mirror_terms.slots)
        propose(mirror, actor, proposer, ContractEventKind.PROPOSED)
        return mirror
    lock_slots(mirror)
    prefix = f"In the mirror contract {terms.host.acronym} → {terms.sending.acronym}, "
    _refuse(slot_problems(mirror, mirror_terms.slots, prefix))
    if _changes(mirror, mirror_terms):
        mirror.kind = ContractKind.BILATERAL
        apply_slots(mirror, mirror_terms.slots)
        propose(mirror, actor, proposer, ContractEventKind.CHANGED)
    return mirror


def _new_contract(terms: ContractTerms) -> Contract:
    contract = Contract(
        season=terms.season,
        program=terms.program,
        sending_nmo=terms.sending,
        host_nmo=terms.host,
        kind=terms.kind,
    )
    db.session.add(contract)
    return contract


def create_contract(
    actor,
    terms: ContractTerms,
    *,
    mirror: bool = False,
    proposer: NMO | None = None,
    reason: str | None = None,
) -> Contract:
    """A new contract, proposed to the partner NMO; with ``mirror`` (bilateral only) also
    the one the other way round. ``proposer`` (one of the two NMOs) is the side the actor
    acts for, by default their own; ``reason`` goes into the history."""
    _check_permission(actor, terms)
    problems = terms_problems(terms)
    if not problems:
        problems += _duplicate_problem(terms, queries.find_contract(*terms.key), None)
    if not problems:
        problems += empty_problems(terms)
    _refuse(problems)
    if proposer is None:
        proposer = proposing_nmo(actor, terms.sending, terms.host, terms.program.id)
    elif proposer.id not in (terms.sending.id, terms.host.id):
        raise DomainError(f"{proposer.acronym} is neither side of the {terms.describe()}.")
    contract = _new_contract(terms)
    apply_slots(contract, terms.slots)
    propose(contract, actor, proposer, ContractEventKind.PROPOSED, reason)
    if mirror and terms.kind == ContractKind.BILATERAL:
        _save_mirror(actor, terms, proposer)
    db.session.flush()
    return contract


def applications_on(contract: Contract) -> int:
    """Applications that were ever nominated on the contract (they keep referring to it)."""
    if contract.id is None:
        return 0
    return db.session.scalar(
        select(func.count(Application.id)).where(Application.contract_id == contract.id)
    )


def update_contract(
    actor, contract: Contract, terms: ContractTerms, *, mirror: bool = False
) -> Contract:
    """Change a contract; its NMOs, program and season only while no application uses it.

    A change of its slots, kind or NMOs proposes it again to the partner (a confirmed
    contract too: the nominations made keep their slots, new ones wait for the partner's
    confirmation). Saving a declined contract unchanged proposes it again as it is.
    """
    if not can_view_contract(actor, contract):
        raise NotAllowed(NOT_YOURS)
    _check_permission(actor, terms)
    problems = terms_problems(terms)
    if not problems:
        problems += _duplicate_problem(terms, queries.find_contract(*terms.key), contract)
    key = (contract.season_id, contract.program_id, contract.sending_nmo_id, contract.host_nmo_id)
    if not problems and terms.key != key:
        count = applications_on(contract)
        if count:
            problems.append(
                f"{count} application{' was' if count == 1 else 's were'} nominated on this "
                "contract: its season, program and NMOs cannot change any more."
            )
    if not problems:
        problems += empty_problems(terms, contract)
    _refuse(problems)
    lock_slots(contract)
    _refuse(slot_problems(contract, terms.slots))
    proposer = proposing_nmo(actor, terms.sending, terms.host, terms.program.id)
    changed = _changes(contract, terms)
    if changed:
        contract.season, contract.program = terms.season, terms.program
        contract.sending_nmo, contract.host_nmo = terms.sending, terms.host
        contract.kind = terms.kind
        apply_slots(contract, terms.slots)
        propose(contract, actor, proposer, ContractEventKind.CHANGED)
    elif contract.status == ContractStatus.DECLINED:
        propose(contract, actor, proposer, ContractEventKind.PROPOSED)
    if mirror and terms.kind == ContractKind.BILATERAL:
        _save_mirror(actor, terms, proposer)
    db.session.flush()
    return contract


def describe(contract: Contract) -> str:
    return (
        f"{contract.program.code} contract {contract.sending_nmo.acronym} → "
        f"{contract.host_nmo.acronym} for {contract.season.code}"
    )


def _nmo_acronym(contract: Contract, nmo_id: int | None) -> str:
    if nmo_id == contract.sending_nmo_id:
        return contract.sending_nmo.acronym
    if nmo_id == contract.host_nmo_id:
        return contract.host_nmo.acronym
    return "the other NMO"


def partner_acronym(contract: Contract) -> str:
    """The NMO whose confirmation the contract waits for (or that declined it)."""
    return _nmo_acronym(contract, partner_nmo_id(contract))


MAX_REASON = 2000


def _answerable(actor, contract: Contract, seen_event_id: int | None, verb: str) -> NMO:
    """The partner NMO the actor answers for, or a refusal that says why not."""
    if not can_view_contract(actor, contract) and not can_answer_contract(actor, contract):
        raise NotAllowed(NOT_YOURS)
    if contract.status != ContractStatus.PROPOSED:
        state = contract.status.label.lower()
        raise DomainError(f"The {describe(contract)} is {state}: there is no proposal to {verb}.")
    partner = partner_acronym(contract)
    if not can_answer_contract(actor, contract):
        if contract.proposed_by_nmo_id is not None and can_manage_contract(
            actor, contract.proposed_by_nmo_id, contract.proposed_by_nmo_id, contract.program_id
        ):
            proposer = _nmo_acronym(contract, contract.proposed_by_nmo_id)
            raise NotAllowed(
                f"{proposer} proposed the {describe(contract)}: only {partner}'s national "
                f"officers for {contract.program.code} confirm or decline it."
            )
        raise NotAllowed(
            f"Only {partner}'s national officers for {contract.program.code} confirm or "
            "decline this contract."
        )
    proposal = next(
        (
            event
            for event in reversed(contract.events)
            if event.kind in (ContractEventKind.PROPOSED, ContractEventKind.CHANGED)
        ),
        None,
    )
    if proposal is not None and proposal.actor_id == actor.id:
        raise NotAllowed(
            "You proposed this contract yourself: its partner confirms or declines it."
        )
    latest = contract.events[-1].id if contract.events else None
    if seen_event_id is not None and latest is not None and seen_event_id != latest:
        raise DomainError(
            f"The {describe(contract)} was changed a moment ago: check it as it is now, "
            f"then {verb} it."
        )
    side_id = partner_nmo_id(contract)
    if side_id is None:  # no side recorded as proposer: the actor answers for their own
        own = managed_program_ids
        side_id = (
            contract.sending_nmo_id
            if contract.program_id in own(actor, contract.sending_nmo_id)
            else contract.host_nmo_id
        )
    return contract.sending_nmo if side_id == contract.sending_nmo_id else contract.host_nmo


def confirm_contract(actor, contract: Contract, seen_event_id: int | None = None) -> None:
    """The partner agrees: the contract's slots take nominations from now on.

    ``seen_event_id``: the last history step the officer saw; if the contract changed
    since, nothing is confirmed."""
    side = _answerable(actor, contract, seen_event_id, "confirm")
    contract.status = ContractStatus.CONFIRMED
    contract.decline_reason = None
    _record(contract, ContractEventKind.CONFIRMED, actor, side)
    audit.record(
        "contract_confirmed",
        actor,
        f"contract {contract.id}",
        f"{contract.sending_nmo.code} → {contract.host_nmo.code}, {contract.program.code} "
        f"{contract.season.code}",
    )
    db.session.flush()


def decline_contract(
    actor, contract: Contract, reason: str, seen_event_id: int | None = None
) -> None:
    """The partner does not agree, and says why; the proposer may change it and propose
    it again. Nominations already made keep their slots."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you decline the contract: its proposer reads it.")
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason has at most {MAX_REASON} characters.")
    side = _answerable(actor, contract, seen_event_id, "decline")
    contract.status = ContractStatus.DECLINED
    contract.decline_reason = reason
    _record(contract, ContractEventKind.DECLINED, actor, side, reason)
    db.session.flush()


def nomination_refusal(contract: Contract) -> str | None:
    """Why the contract's slots take no new nomination now, or None when they do."""
    if contract.status == ContractStatus.CONFIRMED:
        return None
    head = (
        f"The contract with {contract.host_nmo.acronym} for {contract.program.code} "
        f"{contract.season.code} is not confirmed yet: "
    )
    partner = partner_acronym(contract)
    if contract.status == ContractStatus.DECLINED:
        return head + (
            f"{partner} declined it ({contract.decline_reason}). Change it and propose it "
            "again; its slots take nominations once it is confirmed."
        )
    return head + (
        f"{partner} has to confirm it (or its last change) before its slots take new "
        "nominations. Nominations made before keep their slots."
    )


def waiting_note(contract: Contract) -> str:
    """What a saved contract waits for, in words, with what happens to its nominations."""
    if contract.status != ContractStatus.PROPOSED:
        return ""
    partner = partner_acronym(contract)
    note = f"It is proposed to {partner}: a national officer of {partner} confirms or declines it."
    used = sum(row.used for row in contract.slots)
    if used:
        note += (
            f" The {nominations_word(used)} already made keep{'s' if used == 1 else ''} "
            f"{'its slot' if used == 1 else 'their slots'}; new nominations wait until "
            f"{partner} confirms."
        )
    else:
        note += f" Its slots take nominations once {partner} confirms."
    return note


def delete_contract(actor, contract: Contract) -> None:
    """Only a contract no application was ever nominated on can go."""
    if not can_view_contract(actor, contract):
        raise NotAllowed(NOT_YOURS)
    used = sum(row.used for row in lock_slots(contract))
    if used:
        raise DomainError(
            f"This contract has {nominations_word(used)}: it cannot be deleted. "
            "Set the free months to 0 instead."
        )
    if applications_on(contract):
        raise DomainError(
            "Earlier nominations on this contract are kept in the applications' history: it "
            "cannot be deleted. Set its slots to 0 instead."
        )
    db.session.delete(contract)
    db.session.flush()
