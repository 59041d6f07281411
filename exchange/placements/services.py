"""Departments and research projects: who may keep which, what they must say, their capacity
per month, closing and reopening, and the CSV import that changes nothing unless every row
is right.

``PlacementCapacity.used`` belongs to the application services (it counts accepted
students); here it is only read, and a capacity is never set below it.
"""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, update
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.auth.models import Role, User
from exchange.auth.permissions import can_manage_lc, can_manage_placement, is_admin
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.numbers import whole_number
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.programs import program_of_kind
from exchange.placements import csv_io
from exchange.placements.models import (
    Department,
    Placement,
    PlacementCapacity,
    PlacementKind,
    ProjectType,
    ResearchProject,
)
from exchange.text import MAX_LANGUAGE, clean_languages

MAX_CAPACITY = 1000
LENGTHS = {"title": 200, "field": 100, "city": 100, "hospital": 200, "supervisor": 120}
MAX_TEXT = 4000


class CapacityBelowUsed(DomainError):
    """A month's capacity was set below the students already accepted in it."""

    def __init__(self, month: int, used: int):
        self.month = month
        self.used = used
        students = "student" if used == 1 else "students"
        super().__init__(
            f"{month_name(month)} has {used} {students} accepted; capacity cannot go below {used}."
        )


@dataclass
class PlacementData:
    """What an officer sets on a placement; kind-specific fields are ignored for the other kind."""

    lc_id: int | None = None
    title: str = ""
    field: str = ""
    city: str = ""
    description: str = ""
    languages: list[str] = dataclasses.field(default_factory=list)
    hospital: str = ""
    supervisor: str = ""
    project_type: str = ""
    methods: str = ""
    prerequisites: str = ""
    expected_output: str = ""
    weeks: int | None = 4

    @classmethod
    def of(cls, placement: Placement) -> "PlacementData":
        return cls(
            lc_id=placement.lc_id,
            title=placement.title,
            field=placement.field,
            city=placement.city,
            description=placement.description or "",
            languages=list(placement.languages or []),
            hospital=placement.hospital or "",
            supervisor=placement.supervisor or "",
            project_type=placement.project_type.value if placement.project_type else "",
            methods=placement.methods or "",
            prerequisites=placement.prerequisites or "",
            expected_output=placement.expected_output or "",
            weeks=placement.weeks,
        )


def project_type_of(text: str) -> ProjectType | None:
    """A project type from its value (``clinical_with_lab``) or its label, any case."""
    wanted = " ".join(text.split()).casefold()
    for project_type in ProjectType:
        if wanted in (project_type.value, project_type.label.casefold()):
            return project_type
    return None


def program_of(placement: Placement) -> Program:
    """The program whose kind of placement this is (looked up once per session)."""
    cache = db.session.info.setdefault("exchange.placements.programs", {})
    code = program_of_kind(placement.kind)
    if code not in cache:
        cache[code] = db.session.scalar(select(Program).where(Program.code == code))
    return cache[code]


# Whose placements: the lists, the LC choices and the CSV all start from a scope.


@dataclass(frozen=True)
class Scope:
    """The placements of one program that a user may keep: those of whole NMOs (national
    officers, or an admin who chose an NMO) and those of single LCs (local officers)."""

    program: Program
    nmo_ids: frozenset[int]
    lc_ids: frozenset[int]

    @property
    def kind(self) -> PlacementKind:
        return self.program.placement_kind

    @property
    def empty(self) -> bool:
        return not self.nmo_ids and not self.lc_ids

    def where(self) -> ColumnElement[bool]:
        if self.empty:
            return false()
        return or_(Placement.nmo_id.in_(self.nmo_ids), Placement.lc_id.in_(self.lc_ids))

    def local_committees(self) -> list[LocalCommittee]:
        if self.empty:
            return []
        return list(
            db.session.scalars(
                select(LocalCommittee)
                .where(
                    or_(
                        LocalCommittee.nmo_id.in_(self.nmo_ids),
                        LocalCommittee.id.in_(self.lc_ids),
                    )
                )
                .order_by(LocalCommittee.name)
            )
        )


def officer_programs(user: User) -> list[Program]:
    """The programs whose placements ``user`` keeps: every program for admins."""
    all_programs = list(db.session.scalars(select(Program).order_by(Program.code)))
    if is_admin(user):
        return all_programs
    held = {m.program_id for m in user.officer_memberships()}
    return [p for p in all_programs if p.id in held]


def scope_for(user: User, program: Program, nmo: NMO | None = None) -> Scope:
    """What ``user`` keeps in ``program``: their roles decide; an admin keeps the NMO they
    chose (``nmo``, which officers' scopes ignore), and nothing before choosing one."""
    if is_admin(user):
        nmo_ids = frozenset({nmo.id}) if nmo is not None else frozenset()
        return Scope(program, nmo_ids, frozenset())
    nmo_ids = {
        m.nmo_id
        for m in user.memberships
        if m.role == Role.NATIONAL_OFFICER and m.program_id == program.id
    }
    lc_ids = {
        m.lc_id
        for m in user.memberships
        if m.role == Role.LOCAL_OFFICER and m.program_id == program.id
    }
    return Scope(program, frozenset(nmo_ids), frozenset(lc_ids))


def placements_statement(scope: Scope, text: str = "", status: str = "open"):
    """The scope's placements of its program's kind, searched and filtered, in list order."""
    statement = (
        select(Placement)
        .join(LocalCommittee, LocalCommittee.id == Placement.lc_id)
        .where(Placement.kind == scope.kind, scope.where())
        .options(selectinload(Placement.lc))
        .order_by(LocalCommittee.name, Placement.title, Placement.id)
    )
    if status == "open":
        statement = statement.where(Placement.closed_at.is_(None))
    elif status == "closed":
        statement = statement.where(Placement.closed_at.is_not(None))
    if text:
        columns = [Placement.title, Placement.field, Placement.city, LocalCommittee.name]
        columns += [Placement.hospital, Placement.supervisor]
        statement = statement.where(
            or_(*(column.icontains(text, autoescape=True) for column in columns))
        )
    return statement


def capacities_of(placement_ids: list[int], season: Season | None) -> dict[int, dict[int, tuple]]:
    """placement id -> {month: (capacity, used)} for ``season``, in one query."""
    if not placement_ids or season is None:
        return {}
    rows = db.session.execute(
        select(
            PlacementCapacity.placement_id,
            PlacementCapacity.month,
            PlacementCapacity.capacity,
            PlacementCapacity.used,
        ).where(
            PlacementCapacity.placement_id.in_(placement_ids),
            PlacementCapacity.season_id == season.id,
        )
    )
    found: dict[int, dict[int, tuple]] = defaultdict(dict)
    for placement_id, month, capacity, used in rows:
        found[placement_id][month] = (capacity, used)
    return dict(found)


# Rules


def problems_with(data: PlacementData, kind: PlacementKind) -> list[str]:
    """Every reason ``data`` cannot make a placement of ``kind``; the LC is checked apart."""
    problems = []
    required = {"title": "Give the title.", "field": "Give the field or specialty."}
    if kind == PlacementKind.DEPARTMENT:
        required["hospital"] = "Give the hospital."
    else:
        required["supervisor"] = "Name the supervisor."
    for name, message in required.items():
        if not getattr(data, name).strip():
            problems.append(message)
    for name, limit in LENGTHS.items():
        if len(getattr(data, name) or "") > limit:
            problems.append(f"The {name} has at most {limit} characters.")
    texts = ["description"]
    if kind == PlacementKind.RESEARCH_PROJECT:
        texts += ["methods", "prerequisites", "expected_output"]
        if not data.project_type:
            problems.append("Choose the project type.")
        elif project_type_of(data.project_type) is None:
            allowed = ", ".join(t.value for t in ProjectType)
            problems.append(f"Unknown project type {data.project_type!r}: use one of {allowed}.")
        if data.weeks not in (4, 8):
            problems.append("A research project lasts 4 or 8 weeks.")
    for name in texts:
        if len(getattr(data, name) or "") > MAX_TEXT:
            problems.append(f"The {name.replace('_', ' ')} has at most {MAX_TEXT} characters.")
    if any(len(language) > MAX_LANGUAGE for language in data.languages):
        problems.append(f"A language name has at most {MAX_LANGUAGE} characters.")
    return problems


def capacity_problems(
    capacities: dict[int, int], existing: dict[int, tuple] | None = None
) -> list[CapacityBelowUsed | str]:
    """Capacities must be whole numbers from 0 and never below the students accepted."""
    problems: list = []
    existing = existing or {}
    for month in SEASON_MONTHS:
        value = capacities.get(month, 0)
        if value is None or value < 0:
            problems.append(f"The capacity for {month_name(month)} cannot be negative.")
        elif value > MAX_CAPACITY:
            problems.append(f"The capacity for {month_name(month)} is at most {MAX_CAPACITY}.")
        else:
            used = existing.get(month, (0, 0))[1]
            if value < used:
                problems.append(CapacityBelowUsed(month, used))
    return problems


def _lc_or_refuse(user: User, lc_id: int | None, program: Program) -> LocalCommittee:
    lc = db.session.get(LocalCommittee, lc_id) if lc_id else None
    if lc is None:
        raise DomainError("Choose the LC that offers it.")
    if not can_manage_lc(user, lc.nmo_id, lc.id, program.id):
        raise NotAllowed(f"You cannot keep the {program.placement_noun}s of {lc.name}.")
    if program not in lc.nmo.programs:
        raise DomainError(f"{lc.nmo.acronym} does not take part in {program.code}.")
    return lc


def _write(placement: Placement, data: PlacementData, lc: LocalCommittee) -> None:
    placement.nmo_id = lc.nmo_id
    placement.lc_id = lc.id
    placement.lc = lc
    placement.title = data.title.strip()
    placement.field = data.field.strip()
    placement.city = data.city.strip() or lc.city
    placement.description = data.description.strip()
    placement.languages = clean_languages(data.languages)
    if placement.kind == PlacementKind.DEPARTMENT:
        placement.hospital = data.hospital.strip()
        placement.weeks = 4
    else:
        placement.supervisor = data.supervisor.strip()
        placement.project_type = project_type_of(data.project_type)
        placement.methods = data.methods.strip()
        placement.prerequisites = data.prerequisites.strip()
        placement.expected_output = data.expected_output.strip()
        placement.weeks = data.weeks


def _check(data: PlacementData, kind: PlacementKind) -> None:
    problems = problems_with(data, kind)
    if problems:
        raise DomainError(" ".join(problems))


def create_placement(
    officer: User,
    program: Program,
    data: PlacementData,
    season: Season | None = None,
    capacities: dict[int, int] | None = None,
    *,
    flush: bool = True,
) -> Placement:
    """A new department (SCOPE) or research project (SCORE) of an LC the officer keeps.
    The import creates many and flushes them together (``flush=False``)."""
    lc = _lc_or_refuse(officer, data.lc_id, program)
    kind = program.placement_kind
    _check(data, kind)
    problems = capacity_problems(capacities or {})
    if problems:
        raise DomainError(" ".join(str(problem) for problem in problems))
    placement = Department() if kind == PlacementKind.DEPARTMENT else ResearchProject()
    _write(placement, data, lc)
    if season is not None:
        placement.capacities = [
            PlacementCapacity(season_id=season.id, month=month, capacity=capacity, used=0)
            for month, capacity in (capacities or {}).items()
            if capacity > 0
        ]
    db.session.add(placement)
    if flush:
        db.session.flush()
    return placement


def update_placement(
    officer: User,
    placement: Placement,
    data: PlacementData,
    season: Season | None = None,
    capacities: dict[int, int] | None = None,
) -> bool:
    """Change a placement (and a season's capacities); returns whether anything changed.
    Moving it to another LC needs the right to keep both."""
    program = program_of(placement)
    if not can_manage_placement(officer, placement, program):
        raise NotAllowed(f"You cannot change {placement.title}.")
    lc = placement.lc
    if data.lc_id != placement.lc_id:
        lc = _lc_or_refuse(officer, data.lc_id, program)
        if lc.nmo_id != placement.nmo_id:
            raise DomainError(f"Choose an LC of {placement.nmo.acronym}.")
    _check(data, placement.kind)
    before = PlacementData.of(placement)
    _write(placement, data, lc)
    changed = PlacementData.of(placement) != before
    if season is not None and capacities is not None:
        changed = set_capacities(officer, placement, season, capacities) or changed
    db.session.flush()
    return changed


def set_capacities(
    officer: User, placement: Placement, season: Season, capacities: dict[int, int]
) -> bool:
    """Set the capacity of each month of ``season`` (months left out keep theirs); returns
    whether any changed. A capacity never goes below the students already accepted."""
    program = program_of(placement)
    if not can_manage_placement(officer, placement, program):
        raise NotAllowed(f"You cannot change {placement.title}.")
    rows = {
        row.month: row
        for row in db.session.scalars(
            select(PlacementCapacity).where(
                PlacementCapacity.placement_id == placement.id,
                PlacementCapacity.season_id == season.id,
            )
        )
    }
    existing = {month: (row.capacity, row.used) for month, row in rows.items()}
    problems = capacity_problems(capacities, existing)
    for problem in problems:
        if isinstance(problem, CapacityBelowUsed):
            raise problem
    if problems:
        raise DomainError(" ".join(problems))
    changed = False
    for month, capacity in capacities.items():
        row = rows.get(month)
        if row is None:
            if capacity > 0:
                db.session.add(
                    PlacementCapacity(
                        placement_id=placement.id,
                        season_id=season.id,
                        month=month,
                        capacity=capacity,
                        used=0,
                    )
                )
                changed = True
        elif row.capacity != capacity:
            # One conditional UPDATE: an acceptance at this very moment cannot be overrun.
            result = db.session.execute(
                update(PlacementCapacity)
                .where(PlacementCapacity.id == row.id, PlacementCapacity.used <= capacity)
                .values(capacity=capacity)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                db.session.refresh(row)
                raise CapacityBelowUsed(month, row.used)
            changed = True
    db.session.flush()
    db.session.expire(placement, ["capacities"])
    for row in rows.values():
        db.session.expire(row)
    return changed


def close_placement(officer: User, placement: Placement) -> None:
    """Students stop seeing it; the students already accepted keep their place."""
    if not can_manage_placement(officer, placement, program_of(placement)):
        raise NotAllowed(f"You cannot close {placement.title}.")
    if placement.closed_at is not None:
        raise DomainError(f"{placement.title} is already closed.")
    placement.closed_at = clock.now()
    db.session.flush()


def reopen_placement(officer: User, placement: Placement) -> None:
    if not can_manage_placement(officer, placement, program_of(placement)):
        raise NotAllowed(f"You cannot reopen {placement.title}.")
    if placement.closed_at is None:
        raise DomainError(f"{placement.title} is already open.")
    placement.closed_at = None
    db.session.flush()


# CSV


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
    data = PlacementData(
        lc_id=lc.id if lc else None,
        title=values["title"],
        field=values["field"],
        city=values["city"],
        description=values["description"],
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
