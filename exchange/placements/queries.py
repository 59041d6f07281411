"""Read-only look-ups of departments and research projects: whose they are (a user's
programs and scope), the lists, the capacities of a season, and a placement's program."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import selectinload

from exchange.auth.models import Role, User
from exchange.auth.permissions import is_admin
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.programs import program_of_kind
from exchange.placements.models import Placement, PlacementCapacity, PlacementKind


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

    def narrowed_to_lc(self, lc: LocalCommittee) -> "Scope":
        """Only ``lc``'s placements, when the scope holds them; none otherwise."""
        held = lc.nmo_id in self.nmo_ids or lc.id in self.lc_ids
        return Scope(self.program, frozenset(), frozenset({lc.id}) if held else frozenset())

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


def federation_scope(program: Program) -> Scope:
    """Every NMO's placements of ``program``: what an admin exports for the federation."""
    return Scope(program, frozenset(db.session.scalars(select(NMO.id))), frozenset())


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
