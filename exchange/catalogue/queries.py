"""Queries behind the catalogue: open placements of participating hosts, their free months,
and hosts' exchange conditions. Every filter runs in SQL. Which months are still open is
``applications.calendar``'s rule, asked here, never restated."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, String, cast, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from exchange.applications.calendar import month_is_open, open_months
from exchange.applications.deadlines import application_deadline, takes_applications
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from exchange.generations import watch
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, Program, Region, Season
from exchange.placements.models import Placement, PlacementCapacity

# What the catalogue's filters offer comes from these tables: worked out again after a
# commit that writes one of them, and at least every ten minutes (exchange.generations).
CATALOGUE = watch("catalogue", {"placements", "nmos", "nmo_programs", "regions", "programs"})
FACETS_KEPT_FOR = 10 * 60


@dataclass(frozen=True)
class PlacementFilters:
    """What the student narrowed the catalogue down to; None or "" means no filter."""

    region_id: int | None = None
    nmo_code: str = ""
    field: str = ""
    month: int | None = None
    language: str = ""
    text: str = ""

    @property
    def narrowed(self) -> bool:
        return bool(
            self.region_id
            or self.nmo_code
            or self.field
            or self.month
            or self.language
            or self.text
        )


def program_by_code(code: str) -> Program | None:
    return db.session.scalar(select(Program).where(Program.code == code))


def host_by_code(code: str) -> NMO | None:
    """An active NMO by its code."""
    return db.session.scalar(select(NMO).where(NMO.code == code, NMO.is_active))


def _open_placements_of(program: Program) -> Select:
    """Open placements of the program's kind offered by its participating hosts."""
    return (
        select(Placement)
        .join(NMO, NMO.id == Placement.nmo_id)
        .where(
            Placement.kind == program.placement_kind,
            Placement.closed_at.is_(None),
            NMO.is_active,
            NMO.programs.any(Program.id == program.id),
        )
    )


def open_placements(program: Program, season: Season | None, filters: PlacementFilters) -> Select:
    """The statement listing the open placements that pass ``filters``, ready to paginate
    by id (``placements_by_id`` loads the rows)."""
    statement = _open_placements_of(program)
    if filters.region_id:
        statement = statement.where(NMO.region_id == filters.region_id)
    if filters.nmo_code:
        statement = statement.where(NMO.code == filters.nmo_code)
    if filters.field:
        statement = statement.where(Placement.field == filters.field)
    if filters.month and season is not None:
        statement = statement.where(
            exists().where(
                PlacementCapacity.placement_id == Placement.id,
                PlacementCapacity.season_id == season.id,
                PlacementCapacity.month == filters.month,
                PlacementCapacity.capacity > PlacementCapacity.used,
            )
        )
    if filters.language:
        # The list is stored as JSON text, e.g. '["English", "French"]', on every database;
        # json.dumps writes the language the way the column holds it (quotes, escapes).
        statement = statement.where(
            cast(Placement.languages, String).contains(
                json.dumps(filters.language), autoescape=True
            )
        )
    if filters.text:
        statement = statement.where(
            or_(
                Placement.title.icontains(filters.text, autoescape=True),
                Placement.field.icontains(filters.text, autoescape=True),
                Placement.city.icontains(filters.text, autoescape=True),
                Placement.hospital.icontains(filters.text, autoescape=True),
                Placement.supervisor.icontains(filters.text, autoescape=True),
                NMO.acronym.icontains(filters.text, autoescape=True),
                NMO.country_name.icontains(filters.text, autoescape=True),
            )
        )
    return statement.order_by(
        NMO.country_name,
        NMO.acronym,
        Placement.city,
        Placement.field,
        Placement.title,
        Placement.id,
    )


def placements_by_id(ids) -> list[Placement]:
    """The placements of ``ids`` with their NMO and LC, as a page of the catalogue shows them."""
    return list(
        db.session.scalars(
            select(Placement)
            .join(NMO, NMO.id == Placement.nmo_id)
            .where(Placement.id.in_(ids))
            .options(contains_eager(Placement.nmo), joinedload(Placement.lc))
        )
    )


def kept_key(program: Program, season: Season | None, filters: PlacementFilters) -> str | None:
    """The cache key of the catalogue's list for these filters, or None when the list
    depends on more than the catalogue's tables: free places in a month change with every
    acceptance."""
    if filters.month:
        return None
    season_id = season.id if season is not None else None
    # The filters hold what the student typed: a digest keeps the key short and plain.
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return f"placements:{program.id}:{season_id}:{digest}"


class RegionChoice(NamedTuple):
    id: int
    name: str


class HostChoice(NamedTuple):
    code: str
    country_name: str
    acronym: str


@dataclass(frozen=True)
class Facets:
    """What the catalogue's filters offer in one program, the same for every reader: the
    regions, the participating hosts by country, and the specialties (or fields) and
    languages of the open placements."""

    regions: tuple[RegionChoice, ...]
    hosts: tuple[HostChoice, ...]
    fields: tuple[str, ...]
    languages: tuple[str, ...]


def facets(program: Program) -> Facets:
    """The program's facets, worked out once per change to placements or NMOs (kept in
    the cache, exchange.generations)."""
    return CATALOGUE.kept(f"facets:{program.id}", lambda: _facets(program), FACETS_KEPT_FOR)


def _facets(program: Program) -> Facets:
    regions = db.session.execute(select(Region.id, Region.name).order_by(Region.name))
    hosts = db.session.execute(
        select(NMO.code, NMO.country_name, NMO.acronym)
        .where(NMO.is_active, NMO.programs.any(Program.id == program.id))
        .order_by(NMO.country_name, NMO.acronym)
    )
    return Facets(
        regions=tuple(RegionChoice(*row) for row in regions),
        hosts=tuple(HostChoice(*row) for row in hosts),
        fields=tuple(_fields_of(program)),
        languages=tuple(_languages_of(program)),
    )


def _fields_of(program: Program) -> list[str]:
    """The distinct specialties or research fields of the program's open placements."""
    statement = _open_placements_of(program).with_only_columns(Placement.field).distinct()
    return list(db.session.scalars(statement.order_by(Placement.field)))


def _languages_of(program: Program) -> list[str]:
    """The languages the program's open placements are offered in, alphabetically."""
    # Few placements differ in their list of languages: fetch each distinct list once.
    statement = (
        _open_placements_of(program).with_only_columns(cast(Placement.languages, String)).distinct()
    )
    languages = set()
    for stored in db.session.scalars(statement):
        languages.update(json.loads(stored or "[]"))
    return sorted(languages)


@dataclass(frozen=True)
class FreeMonths:
    """For each placement, the season's months with a free place that still take
    applications; and the placements whose free places are all in months past the host's
    deadline (the page says "applications closed" there, not "full")."""

    months: dict[int, list[int]]
    past_deadline: frozenset[int] = frozenset()


def free_months(
    placement_ids: list[int], program: Program, season: Season | None, today: date
) -> FreeMonths:
    """The months with a free place that still take applications today, in season order:
    not begun and, once the host has published its exchange conditions, hosted and with
    the deadline not passed (deadlines.takes_applications)."""
    months_open = open_months(season, today) if season is not None else []
    if not placement_ids or not months_open:
        return FreeMonths({})
    rows = db.session.execute(
        select(PlacementCapacity.placement_id, Placement.nmo_id, PlacementCapacity.month)
        .join(Placement, Placement.id == PlacementCapacity.placement_id)
        .where(
            PlacementCapacity.placement_id.in_(placement_ids),
            PlacementCapacity.season_id == season.id,
            PlacementCapacity.month.in_(months_open),
        )
        .group_by(PlacementCapacity.placement_id, Placement.nmo_id, PlacementCapacity.month)
        .having(func.sum(PlacementCapacity.capacity - PlacementCapacity.used) > 0)
    ).all()
    conditions = {
        c.nmo_id: c
        for c in db.session.scalars(
            select(ExchangeConditions).where(
                ExchangeConditions.nmo_id.in_({nmo_id for _, nmo_id, _ in rows}),
                ExchangeConditions.program_id == program.id,
                ExchangeConditions.season_id == season.id,
            )
        )
    }
    months: dict[int, list[int]] = defaultdict(list)
    closed = set()
    for placement_id, nmo_id, month in rows:
        host = conditions.get(nmo_id)
        if host is not None and not takes_applications(host, season, month, today):
            closed.add(placement_id)
            continue
        months[placement_id].append(month)
    for listed in months.values():
        listed.sort(key=SEASON_MONTHS.index)
    return FreeMonths(dict(months), frozenset(closed - months.keys()))


@dataclass(frozen=True)
class MonthDeadline:
    """A hosted month of the season, its last day to apply, and whether it still takes
    applications today: ``begun`` when its first day has come, else closed when the
    deadline has passed."""

    month: int
    first_day: date
    deadline: date
    takes_applications: bool
    begun: bool


def application_deadlines(
    conditions: ExchangeConditions, season: Season, today: date
) -> list[MonthDeadline]:
    """Each month of the season that the host hosts, in season order, with its deadline
    and whether it takes applications on ``today``."""
    not_hosted = set(conditions.months_not_hosted or [])
    rows = []
    for month in SEASON_MONTHS:
        if month in not_hosted:
            continue
        first_day = season.month_date(month)
        deadline = application_deadline(conditions, season, month)
        rows.append(
            MonthDeadline(
                month=month,
                first_day=first_day,
                deadline=deadline,
                takes_applications=month_is_open(first_day, today, deadline),
                begun=not month_is_open(first_day, today),
            )
        )
    return rows
