"""A season's contracts as CSV: the export, and the import that checks every row first.

One row per contract: season, program, sending and host NMO codes, kind, then the slots of
each month in season order (apr ... mar), and the export adds the contract's status. An
exported file imports again unchanged. The import reads files with or without the status
column and never takes a status from it: the contracts it creates or changes are
proposed to the partner NMOs, who confirm them. An import with any bad row changes
nothing; its errors carry the line number a spreadsheet shows (the header is line 1).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exchange import csv_files
from exchange.auth.permissions import can_manage_contract
from exchange.contracts.forms import MONTH_KEYS
from exchange.contracts.models import (
    Contract,
    ContractEventKind,
    ContractKind,
    ContractSlot,
    ContractStatus,
)
from exchange.contracts.services import (
    ContractTerms,
    apply_slots,
    empty_problems,
    propose,
    proposing_nmo,
    slot_problems,
    slots_of,
    terms_problems,
)
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.numbers import whole_number
from exchange.organizations.models import NMO, Program, Season

HEADER = ["season", "program", "sending", "host", "kind", *MONTH_KEYS.values()]
# What the export writes; the status column is read as information only.
EXPORT_HEADER = [*HEADER, "status"]
MAX_BYTES = csv_files.MAX_BYTES
KINDS = {kind.value: kind for kind in ContractKind}


def export_csv(rows: Iterable) -> str:
    """The rows of ``queries.export_rows`` as CSV text."""
    cells = (
        [row.season, row.program, row.sending, row.host, ContractKind(row.kind).value]
        + [getattr(row, f"m{month}") for month in SEASON_MONTHS]
        + [ContractStatus(row.status).value]
        for row in rows
    )
    return csv_files.write_csv(EXPORT_HEADER, cells)


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    reason: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


class ImportRefused(DomainError):
    """At least one row is wrong: nothing of the file was imported."""

    status_code = 422

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.line or 0)
        count = len(self.errors)
        super().__init__(
            f"Nothing was imported: the file has {count} error{'' if count == 1 else 's'}."
        )


def _table(data: bytes) -> tuple[list[str], list[csv_files.Row]]:
    """The header (its cells stripped) and the rows of the file, or ImportRefused."""
    try:
        table = csv_files.Table(data, exact_width=True)
        rows = list(table.rows())
    except csv_files.Unreadable as error:
        raise ImportRefused([RowError(error.line, error.message)]) from None
    return [cell.strip() for cell in table.header], rows


@dataclass
class _Parsed:
    line: int
    terms: ContractTerms


class _Lookups:
    """Every NMO, program and season by code, loaded once for the whole file."""

    def __init__(self):
        nmos = db.session.scalars(select(NMO).options(selectinload(NMO.programs)))
        self.nmos = {nmo.code.casefold(): nmo for nmo in nmos}
        self.programs = {p.code.casefold(): p for p in db.session.scalars(select(Program))}
        self.seasons = {s.code: s for s in db.session.scalars(select(Season))}


def _parse_row(line: int, cells: list[str], lookups: _Lookups, errors: list[RowError]):
    season_code, program_code, sending_code, host_code, kind_text, *month_cells = cells
    month_cells = month_cells[: len(SEASON_MONTHS)]  # a status column after them is not read
    reasons = []
    season = lookups.seasons.get(season_code)
    if season is None:
        reasons.append(f"Unknown season “{season_code}” (write it like 2026/27).")
    program = lookups.programs.get(program_code.casefold())
    if program is None:
        names = " or ".join(p.code for p in lookups.programs.values())
        reasons.append(f"Unknown program “{program_code}”: use {names}.")
    sending = lookups.nmos.get(sending_code.casefold())
    if sending is None:
        reasons.append(f"Unknown NMO code “{sending_code}” (sending).")
    host = lookups.nmos.get(host_code.casefold())
    if host is None:
        reasons.append(f"Unknown NMO code “{host_code}” (host).")
    kind = KINDS.get(kind_text.casefold())
    if kind is None:
        reasons.append(f"Unknown kind “{kind_text}”: use bilateral or unilateral.")
    slots = {}
    for month, text in zip(SEASON_MONTHS, month_cells, strict=True):
        value = whole_number(text) if text else 0
        if value is None:
            reasons.append(f"{month_name(month)}: “{text}” is not a whole number of slots.")
            continue
        if value < 0:
            reasons.append(f"{month_name(month)}: slots cannot be negative ({value}).")
        slots[month] = value
    if reasons:
        errors.extend(RowError(line, reason) for reason in reasons)
        return None
    return ContractTerms(season, program, sending, host, kind, slots)


def _existing(rows: list[_Parsed]) -> dict[tuple, Contract]:
    """The contracts the file names that already exist, with their months locked."""
    if not rows:
        return {}
    keys = {row.terms.key for row in rows}
    contracts = db.session.scalars(
        select(Contract)
        .where(
            Contract.season_id.in_({key[0] for key in keys}),
            Contract.program_id.in_({key[1] for key in keys}),
            Contract.sending_nmo_id.in_({key[2] for key in keys}),
        )
        .options(selectinload(Contract.slots))
    )
    found = {}
    for contract in contracts:
        key = (
            contract.season_id,
            contract.program_id,
            contract.sending_nmo_id,
            contract.host_nmo_id,
        )
        if key in keys:
            found[key] = contract
    ids = [contract.id for contract in found.values()]
    # Fresh ``used`` counts, locked until the commit (see services.lock_slots).
    for start in range(0, len(ids), 500):
        db.session.scalars(
            select(ContractSlot)
            .where(ContractSlot.contract_id.in_(ids[start : start + 500]))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    return found


def import_contracts(actor, data: bytes) -> ImportResult:
    """Create or update the file's contracts, or raise ImportRefused and change nothing."""
    header, rows = _table(data)
    if [cell.casefold() for cell in header] not in (HEADER, EXPORT_HEADER):
        raise ImportRefused(
            [
                RowError(
                    1,
                    "The first line must be the header: "
                    + ",".join(HEADER)
                    + " (a status column after it, as the export writes, is not read).",
                )
            ]
        )
    lookups = _Lookups()
    errors: list[RowError] = []
    parsed: list[_Parsed] = []
    first_line_of: dict[tuple, int] = {}
    for row in rows:
        if row.problem:
            errors.append(RowError(row.line, row.problem))
            continue
        line = row.line
        terms = _parse_row(line, [cell.strip() for cell in row.cells], lookups, errors)
        if terms is None:
            continue
        reasons = terms_problems(terms)
        if not can_manage_contract(actor, terms.sending.id, terms.host.id, terms.program.id):
            reasons.append(
                f"You may not manage {terms.program.code} contracts between "
                f"{terms.sending.acronym} and {terms.host.acronym}: neither is your NMO."
            )
        if terms.key in first_line_of:
            reasons.append(
                f"Same season, program, sending and host NMO as line {first_line_of[terms.key]}."
            )
        else:
            first_line_of[terms.key] = line
        if reasons:
            errors.extend(RowError(line, reason) for reason in reasons)
        else:
            parsed.append(_Parsed(line, terms))
    if not parsed and not errors:
        raise ImportRefused([RowError(None, "The file has no contracts after its header.")])
    existing = _existing(parsed)
    for row in parsed:
        contract = existing.get(row.terms.key)
        reasons = slot_problems(contract, row.terms.slots)
        if not _unchanged(contract, row.terms):
            reasons += empty_problems(row.terms, contract)
        errors.extend(RowError(row.line, reason) for reason in reasons)
    if errors:
        raise ImportRefused(errors)
    created = updated = unchanged = 0
    for row in parsed:
        terms = row.terms
        contract = existing.get(terms.key)
        if contract is None:
            contract = Contract(
                season=terms.season,
                program=terms.program,
                sending_nmo=terms.sending,
                host_nmo=terms.host,
                kind=terms.kind,
            )
            db.session.add(contract)
            created += 1
            event = ContractEventKind.PROPOSED
        elif _unchanged(contract, terms):
            unchanged += 1
            continue
        else:
            contract.kind = terms.kind
            updated += 1
            event = ContractEventKind.CHANGED
        apply_slots(contract, terms.slots)
        proposer = proposing_nmo(actor, terms.sending, terms.host, terms.program.id)
        propose(contract, actor, proposer, event, "Imported from a CSV file")
    db.session.flush()
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _unchanged(contract: Contract | None, terms: ContractTerms) -> bool:
    wanted = {month: n for month, n in terms.slots.items() if n}
    return contract is not None and contract.kind == terms.kind and slots_of(contract) == wanted
