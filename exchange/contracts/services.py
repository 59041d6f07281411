"""Creating, changing and deleting contracts: the rules they obey and who may do it.

Each function takes the acting user, checks permission, changes the contracts, flushes and
never commits: the request commits once, or rolls back. The ``used`` count of a contract
month belongs to the nominations (exchange.applications.services); here it is only read,
and a month's slots never go below it.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select

from exchange.applications.models import Application
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_contract, can_view_contract
from exchange.contracts import queries
from exchange.contracts.models import Contract, ContractKind, ContractSlot
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


def _save_mirror(terms: ContractTerms) -> Contract:
    """Create or update the contract the other way round with the same slots."""
    mirror_terms = terms.mirrored()
    mirror = queries.find_contract(*mirror_terms.key)
    if mirror is not None:
        lock_slots(mirror)
        prefix = f"In the mirror contract {terms.host.acronym} → {terms.sending.acronym}, "
        _refuse(slot_problems(mirror, mirror_terms.slots, prefix))
        mirror.kind = ContractKind.BILATERAL
    else:
        mirror = _new_contract(mirror_terms)
    apply_slots(mirror, mirror_terms.slots)
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


def create_contract(actor, terms: ContractTerms, *, mirror: bool = False) -> Contract:
    """A new contract; with ``mirror`` (bilateral only) also the one the other way round."""
    _check_permission(actor, terms)
    problems = terms_problems(terms)
    if not problems:
        problems += _duplicate_problem(terms, queries.find_contract(*terms.key), None)
    _refuse(problems)
    contract = _new_contract(terms)
    apply_slots(contract, terms.slots)
    if mirror and terms.kind == ContractKind.BILATERAL:
        _save_mirror(terms)
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
    """Change a contract; its NMOs, program and season only while no application uses it."""
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
    _refuse(problems)
    lock_slots(contract)
    _refuse(slot_problems(contract, terms.slots))
    contract.season, contract.program = terms.season, terms.program
    contract.sending_nmo, contract.host_nmo = terms.sending, terms.host
    contract.kind = terms.kind
    apply_slots(contract, terms.slots)
    if mirror and terms.kind == ContractKind.BILATERAL:
        _save_mirror(terms)
    db.session.flush()
    return contract


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
