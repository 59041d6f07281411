"""A program's placements as CSV: the export with a season's capacities, and the import
that creates and updates placements only when every row of the file is right.

The file format itself (columns, reading, writing) is ``csv_io``'s; the rules the rows
must obey are the services'.
"""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from exchange import clock
from exchange.auth.models import User
from exchange.auth.permissions import can_manage_placement
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.numbers import whole_number
from exchange.organizations.models import LocalCommittee, Season
from exchange.placements import csv_io
from exchange.placements.models import Placement, PlacementKind
from exchange.placements.queries import Scope, capacities_of, placements_statement
from exchange.placements.services import (
    PlacementData,
    capacity_problems,
    close_placement,
    create_placement,
    problems_with,
    reopen_placement,
    update_placement,
)
from exchange.text import clean_languages


def export_placements(scope: Scope, season: Season) -> str:
    """Every placement of the scope (open and closed) as CSV, with ``season``'s capacities."""
    placements = db.session.scalars(placements_statement(scope, status="all")).all()
    capacities = capacities_of([p.id for p in placements], season)
    rows = []
    for placement in placements:
        months = capacities.get(placement.id, {})
        data = PlacementData.of(placement)
        row = {
            "id": str(placement.id),
            "lc": placement.lc.name,
            "closed": "yes" if placement.closed_at else "no",
            "languages": ", ".join(data.languages),
            "weeks": str(data.weeks),
        }
        for name in csv_io.text_columns(scope.kind):
            row.setdefault(name, getattr(data, name))
        for month in SEASON_MONTHS:
            row[csv_io.MONTH_COLUMNS[month]] = str(months.get(month, (0, 0))[0])
        rows.append(row)
    return csv_io.write(scope.kind, rows)


@dataclass
class ImportReport:
    """What an import did, or (with errors) why it did nothing."""

    errors: list[tuple[int | None, str]] = dataclasses.field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    placement: Placement | None
    data: PlacementData
    capacities: dict[int, int]
    closed: bool
    known: dict[int, tuple]


class ImportRefused(DomainError):
    """At least one row is wrong: nothing of the file is imported; ``report`` says why."""

    status_code = 422

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.errors)
        super().__init__(
            f"Nothing is imported: the file has {count} error{'s' if count != 1 else ''}."
        )


def import_placements(officer: User, scope: Scope, season: Season, content: bytes) -> ImportReport:
    """Create (no id) or update (id) the file's placements and their ``season`` capacities.

    Every row is checked first; with any error ``ImportRefused`` lists each error with its
    line number, and the caller's rollback leaves nothing of the file behind.
    """
    report = _import(officer, scope, season, content)
    if not report.ok:
        raise ImportRefused(report)
    return report


def _import(officer: User, scope: Scope, season: Season, content: bytes) -> ImportReport:
    report = ImportReport()
    parsed = csv_io.read(content, scope.kind)
    if parsed.errors:
        report.errors = parsed.errors
        return report
    lcs_by_name: dict[str, list[LocalCommittee]] = defaultdict(list)
    for lc in scope.local_committees():
        if scope.program in lc.nmo.programs:
            lcs_by_name[lc.name.casefold()].append(lc)
    ids = [
        number
        for r in parsed.rows
        if (number := whole_number(r.values["id"])) is not None and number > 0
    ]
    existing = (
        {p.id: p for p in db.session.scalars(select(Placement).where(Placement.id.in_(ids)))}
        if ids
        else {}
    )
    capacities = capacities_of(list(existing), season)
    seen_ids: dict[int, int] = {}
    rows: list[_Row] = []
    for raw in parsed.rows:
        errors, row = _check_row(officer, scope, raw, lcs_by_name, existing, capacities, seen_ids)
        report.errors += [(raw.line, message) for message in errors]
        if row is not None:
            rows.append(row)
    if report.errors:
        return report
    for row in rows:
        try:
            _apply(officer, scope, season, row, report)
        except DomainError as error:
            # Only a change made meanwhile (a student accepted since the check) gets here.
            report.errors.append((row.line, str(error)))
            return report
    db.session.flush()
    return report


def _check_row(officer, scope, raw, lcs_by_name, existing, capacities, seen_ids):
    """(errors, row): the reasons this line cannot be imported, else what it says."""
    values = raw.values
    errors: list[str] = []
    placement = None
    text_id = values["id"].strip()
    if text_id:
        placement_id = whole_number(text_id)
        if placement_id is None or placement_id <= 0:
            errors.append(f"The id must be a number, not {text_id!r}; leave it empty for new ones.")
        else:
            placement = existing.get(placement_id)
            if (
                placement is None
                or placement.kind != scope.kind
                or not can_manage_placement(officer, placement, scope.program)
            ):
                errors.append(
                    f"Id {placement_id} is not one of the {scope.program.placement_noun}s you "
                    "keep; leave the id empty to create a new one."
                )
                placement = None
            if placement_id in seen_ids:
                errors.append(f"Id {placement_id} is also on line {seen_ids[placement_id]}.")
            else:
                seen_ids[placement_id] = raw.line
    lc_name = " ".join(values["lc"].split())
    lc = None
    if not lc_name:
        errors.append("Give the LC.")
    else:
        matches = lcs_by_name.get(lc_name.casefold(), [])
        if not matches:
            errors.append(f"Unknown LC {lc_name!r}: it must be one of the LCs you keep.")
        elif len(matches) > 1:
            errors.append(f"LC {lc_name!r} is the name of LCs of several NMOs.")
        else:
            lc = matches[0]
            if placement is not None and lc.nmo_id != placement.nmo_id:
                errors.append(f"Choose an LC of {placement.nmo.acronym}.")
    weeks: int | None = 4
    if scope.kind == PlacementKind.RESEARCH_PROJECT:
        text_weeks = values["weeks"].strip()
        weeks = whole_number(text_weeks)
    # A file without the optional columns leaves what they would say as it is.
    kept = PlacementData.of(placement) if placement is not None else PlacementData()
    data = PlacementData(
        lc_id=lc.id if lc else None,
        title=values["title"],
        field=values["field"],
        city=values["city"],
        address=values.get("address", kept.address),
        description=values["description"],
        accommodation=values.get("accommodation", kept.accommodation),
        meals=values.get("meals", kept.meals),
        languages=clean_languages(values["languages"].replace(";", ",").split(",")),
        hospital=values.get("hospital", ""),
        supervisor=values.get("supervisor", ""),
        project_type=values.get("project_type", "").strip(),
        methods=values.get("methods", ""),
        prerequisites=values.get("prerequisites", ""),
        expected_output=values.get("expected_output", ""),
        weeks=weeks,
    )
    errors += problems_with(data, scope.kind)
    closed = values["closed"].strip().casefold()
    if closed not in csv_io.YES | csv_io.NO:
        errors.append(f"Closed must be yes or no, not {values['closed']!r}.")
    months: dict[int, int] = {}
    for month in SEASON_MONTHS:
        column = csv_io.MONTH_COLUMNS[month]
        text = values[column].strip()
        if not text:
            months[month] = 0
        elif (number := whole_number(text)) is not None:
            months[month] = number
        else:
            errors.append(
                f"The capacity for {month_name(month)} ({column}) must be a whole number "
                f"from 0, not {text!r}."
            )
    used = capacities.get(placement.id, {}) if placement is not None else {}
    errors += [str(problem) for problem in capacity_problems(months, used)]
    if errors:
        return errors, None
    return [], _Row(raw.line, placement, data, months, closed in csv_io.YES, used)


def _apply(officer: User, scope: Scope, season: Season, row: _Row, report: ImportReport) -> None:
    if row.placement is None:
        placement = create_placement(
            officer, scope.program, row.data, season, row.capacities, flush=False
        )
        if row.closed:
            placement.closed_at = clock.now()
        report.created += 1
        return
    placement = row.placement
    # Capacities as they were when the rows were checked: the same again needs no writing.
    same = all(
        row.capacities.get(month, 0) == row.known.get(month, (0, 0))[0] for month in SEASON_MONTHS
    )
    changed = update_placement(
        officer, placement, row.data, season, None if same else row.capacities
    )
    if row.closed and placement.closed_at is None:
        close_placement(officer, placement)
        changed = True
    elif not row.closed and placement.closed_at is not None:
        reopen_placement(officer, placement)
        changed = True
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1
