"""Departments and research projects: what they must say, creating and changing them, their
capacity per month, closing and reopening. Who keeps which, and the other look-ups, are in
``queries``; the CSV import and export in ``transfer``.

``PlacementCapacity.used`` belongs to the application services (it counts accepted
students); here it is only read, and a capacity is never set below it.
"""

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select, update

from exchange import clock
from exchange.auth.models import User
from exchange.auth.permissions import can_manage_lc, can_manage_placement
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.organizations.models import LocalCommittee, Program, Season
from exchange.placements.models import (
    Department,
    Placement,
    PlacementCapacity,
    PlacementKind,
    ProjectType,
    ResearchProject,
)
from exchange.placements.queries import program_of
from exchange.text import MAX_LANGUAGE, clean_languages

MAX_CAPACITY = 1000
LENGTHS = {
    "title": 200,
    "field": 100,
    "city": 100,
    "address": 300,
    "hospital": 200,
    "supervisor": 120,
}
MAX_TEXT = 4000
# What the card of acceptance says of the stay, when the placement gives its own.
STAY_TEXTS = ("accommodation", "meals")


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
    address: str = ""
    description: str = ""
    accommodation: str = ""
    meals: str = ""
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
            address=placement.address or "",
            description=placement.description or "",
            accommodation=placement.accommodation or "",
            meals=placement.meals or "",
            languages=list(placement.languages or []),
            hospital=placement.hospital or "",
            supervisor=placement.supervisor or "",
            project_type=placement.project_type.value if placement.project_type else "",
            methods=placement.methods or "",
            prerequisites=placement.prerequisites or "",
            expected_output=placement.expected_output or "",
            weeks=placement.weeks,
        )


@dataclass(frozen=True)
class Stay:
    """What a card of acceptance says of accommodation and meals, and whether each is the
    placement's own word (else the host's exchange conditions')."""

    accommodation: str
    meals: str
    accommodation_by_placement: bool
    meals_by_placement: bool


def accommodation_and_meals(placement: Placement | None, conditions) -> Stay:
    """The placement's own accommodation and meals where it gives them, else those of the
    host's exchange ``conditions`` (None when it has none)."""
    own = {name: (getattr(placement, name, "") or "").strip() for name in STAY_TEXTS}
    general = {name: (getattr(conditions, name, "") or "").strip() for name in STAY_TEXTS}
    return Stay(
        accommodation=own["accommodation"] or general["accommodation"],
        meals=own["meals"] or general["meals"],
        accommodation_by_placement=bool(own["accommodation"]),
        meals_by_placement=bool(own["meals"]),
    )


def project_type_of(text: str) -> ProjectType | None:
    """A project type from its value (``clinical_with_lab``) or its label, any case."""
    wanted = " ".join(text.split()).casefold()
    for project_type in ProjectType:
        if wanted in (project_type.value, project_type.label.casefold()):
            return project_type
    return None


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
    texts = ["description", *STAY_TEXTS]
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
            noun = name.replace("_", " ")
            has = "have" if noun in ("meals", "methods", "prerequisites") else "has"
            problems.append(f"The {noun} {has} at most {MAX_TEXT} characters.")
    if any(len(language) > MAX_LANGUAGE for language in data.languages):
        problems.append(f"A language name has at most {MAX_LANGUAGE} characters.")
    return problems


def capacity_problems(
    capacities: dict[int, int], existing: dict[int, tuple] | None = None
) -> list[CapacityBelowUsed | str]:
    """Capacities must be whole numbers from 0 and never below the students accepted."""
    problems: list = [
        f"There is no month {month}: capacities are given per month, 1 to 12."
        for month in sorted(set(capacities) - set(SEASON_MONTHS), key=str)
    ]
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
    if not lc.is_active:
        raise DomainError(f"{lc.name} is deactivated: it offers no new placements.")
    return lc


def _write(placement: Placement, data: PlacementData, lc: LocalCommittee) -> None:
    placement.nmo_id = lc.nmo_id
    placement.lc_id = lc.id
    placement.lc = lc
    placement.title = data.title.strip()
    placement.field = data.field.strip()
    placement.city = data.city.strip() or lc.city
    placement.address = data.address.strip()
    placement.description = data.description.strip()
    placement.accommodation = data.accommodation.strip()
    placement.meals = data.meals.strip()
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
