"""The local committees as CSV: the export of a list, and the import that creates and
changes LCs only when every row of the file is right.

Columns: ``id`` (empty for a new LC), ``nmo_code``, ``name``, ``city``, ``university``,
``active`` (yes or no). An exported file imports again unchanged. Encodings, delimiters
and formula guards are ``exchange.csv_files``'s; the rules are those of the services.
"""

from dataclasses import dataclass, field

from exchange import csv_files
from exchange.auth.permissions import is_admin
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.numbers import whole_number
from exchange.organizations import admin_queries
from exchange.organizations.models import NMO, LocalCommittee
from exchange.organizations.services import LCData, lc_text_problems, write_lc

COLUMNS = ("id", "nmo_code", "name", "city", "university", "active")
REQUIRED = ("nmo_code", "name", "city")
MAX_BYTES = csv_files.MAX_BYTES
YES = frozenset({"yes", "y", "true", "1", "active", ""})
NO = frozenset({"no", "n", "false", "0", "inactive", "deactivated"})


def export_lcs(lcs: list[LocalCommittee]) -> str:
    """The CSV text of ``lcs``, header first."""
    return csv_files.write_csv(
        COLUMNS,
        (
            [
                lc.id,
                lc.nmo.code,
                lc.name,
                lc.city,
                lc.university or "",
                "yes" if lc.is_active else "no",
            ]
            for lc in lcs
        ),
    )


@dataclass
class ImportReport:
    """What an import did, or (with errors) why it did nothing."""

    errors: list[tuple[int | None, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(DomainError):
    """At least one row is wrong: nothing of the file is imported; ``report`` says why."""

    status_code = 422

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.errors)
        super().__init__(
            f"Nothing is imported: the file has {count} error{'s' if count != 1 else ''}."
        )


@dataclass
class _Row:
    line: int
    lc: LocalCommittee | None
    nmo: NMO | None
    data: LCData
    active: bool


def import_lcs(actor, content: bytes) -> ImportReport:
    """Create (no id) and change (id) the file's LCs, or raise ``ImportRefused`` with every
    error and its line number; the caller's rollback then leaves nothing behind."""
    if not is_admin(actor):
        raise NotAllowed("Only the federation's admins import local committees.")
    report = ImportReport()
    rows = _read(content, report)
    _check(rows, report)  # the rows that are right on their own, against each other
    if not report.ok:
        report.errors.sort(key=lambda error: error[0] or 0)
        raise ImportRefused(report)
    for row in rows:
        if row.lc is None:
            lc = LocalCommittee(is_active=row.active)
            write_lc(lc, row.data, row.nmo)
            db.session.add(lc)
            report.created += 1
            continue
        changed = write_lc(row.lc, row.data, row.nmo)
        if row.lc.is_active != row.active:
            row.lc.is_active = row.active
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report


def _column_name(header: str) -> str:
    return "_".join(header.strip().lower().split())


def _read(content: bytes, report: ImportReport) -> list[_Row]:
    """The file's rows with their LCs and NMOs looked up, each row's own errors noted."""
    try:
        table = csv_files.Table(content)
        header = [_column_name(cell) for cell in table.header]
        missing = [name for name in REQUIRED if name not in header]
        unknown = [name for name in header if name not in COLUMNS]
        doubled = sorted({name for name in header if header.count(name) > 1})
        if missing:
            report.errors.append((1, f"Missing column(s): {', '.join(missing)}."))
        if unknown:
            report.errors.append((1, f"Unknown column(s): {', '.join(map(repr, unknown))}."))
        if doubled:
            report.errors.append((1, f"Column(s) given twice: {', '.join(doubled)}."))
        if report.errors:
            report.errors.append((1, f"The columns are: {','.join(COLUMNS)}."))
            return []
        raw_rows = []
        for row in table.rows():
            if row.problem:
                report.errors.append((row.line, row.problem))
            else:
                raw_rows.append((row.line, dict(zip(header, row.cells, strict=True))))
    except csv_files.Unreadable as error:
        report.errors.append((error.line, error.message))
        return []
    if not raw_rows and report.ok:
        report.errors.append((None, "The file has no rows under its header."))
        return []
    ids = [
        number
        for _, values in raw_rows
        if (number := whole_number(values.get("id", ""))) is not None and number > 0
    ]
    existing = admin_queries.lcs_by_id(ids)
    nmos = admin_queries.nmos_by_code()
    rows, seen_ids = [], {}
    for line, values in raw_rows:
        row = _row(line, values, existing, nmos, seen_ids, report)
        if row is not None:
            rows.append(row)
    return rows


def _row(line, values, existing, nmos, seen_ids, report) -> _Row | None:
    errors = []
    lc = None
    text_id = values.get("id", "").strip()
    if text_id:
        lc_id = whole_number(text_id)
        if lc_id is None or lc_id <= 0:
            errors.append(f"The id must be a number, not {text_id!r}; leave it empty for new LCs.")
        elif lc_id in seen_ids:
            errors.append(f"Id {lc_id} is also on line {seen_ids[lc_id]}.")
        elif (lc := existing.get(lc_id)) is None:
            errors.append(f"There is no LC with id {lc_id}; leave the id empty for a new LC.")
        else:
            seen_ids[lc_id] = line
    code = values["nmo_code"].strip()
    nmo = nmos.get(code.upper())
    if not code:
        errors.append("Give the NMO's code (nmo_code).")
    elif nmo is None:
        errors.append(f"Unknown NMO code {code!r}.")
    active_text = values.get("active", "").strip().casefold()
    if active_text not in YES | NO:
        errors.append(f"Active must be yes or no, not {values['active']!r}.")
    data = LCData(
        nmo.id if nmo else None, values["name"], values["city"], values.get("university", "")
    ).cleaned()
    errors += lc_text_problems(data)
    report.errors += [(line, error) for error in errors]
    if errors:
        return None
    return _Row(line, lc, nmo, data, active_text in YES)


def _check(rows: list[_Row], report: ImportReport) -> None:
    """The rules between rows and the database: LCs that move, NMOs that are deactivated,
    names that two LCs of one NMO would share once the file is in."""
    names = admin_queries.lc_names_by_nmo()
    # Every LC the file names gives up its current name; rows then take theirs.
    for row in rows:
        if row.lc is not None:
            names.pop((row.lc.nmo_id, row.lc.name.casefold()), None)
    moving = [row.lc.id for row in rows if row.lc is not None and row.lc.nmo_id != row.nmo.id]
    with_history = admin_queries.lcs_with_history(moving)
    taken_on_line: dict[tuple[int, str], int] = {}
    for row in rows:
        lc, nmo = row.lc, row.nmo
        moves = lc is not None and lc.nmo_id != nmo.id
        if moves and lc.id in with_history:
            report.errors.append(
                (
                    row.line,
                    f"{lc.name} has members, placements or applications in {lc.nmo.acronym}, "
                    "so it stays in that NMO; add a new LC instead.",
                )
            )
        if not nmo.is_active and (lc is None or moves):
            report.errors.append(
                (row.line, f"{nmo.acronym} is deactivated: reactivate it before adding LCs to it.")
            )
        elif not nmo.is_active and row.active and not lc.is_active:
            report.errors.append(
                (row.line, f"{nmo.acronym} is deactivated: reactivate the NMO before its LCs.")
            )
        key = (nmo.id, row.data.name.casefold())
        if key in taken_on_line:
            report.errors.append(
                (
                    row.line,
                    f"{nmo.acronym} would have two LCs called {row.data.name}: "
                    f"see line {taken_on_line[key]}.",
                )
            )
        elif key in names:
            report.errors.append(
                (
                    row.line,
                    f"{nmo.acronym} has an LC called {row.data.name} already "
                    f"(id {names[key]}); give its id to change it.",
                )
            )
        taken_on_line.setdefault(key, row.line)
