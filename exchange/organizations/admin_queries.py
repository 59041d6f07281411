"""Look-ups for the admins' pages of NMOs, LCs and seasons: the lists with their search
and filters, what an organization has on record, and the seasons' calendar."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from exchange.applications.models import Application
from exchange.auth.models import Membership
from exchange.contracts.models import Contract
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.queries import with_status
from exchange.placements.models import Placement

STATUSES = ("active", "inactive")


def lcs_statement(
    text: str,
    nmo_id: int | None,
    region_id: int | None,
    program_id: int | None,
    status: str,
) -> Select:
    """Every LC, active or not: a search on its name, city, university and its NMO, and
    filters by NMO, the NMO's region and programs, and the LC's status."""
    statement = (
        select(LocalCommittee)
        .join(NMO, NMO.id == LocalCommittee.nmo_id)
        .options(selectinload(LocalCommittee.nmo))
        .order_by(NMO.country_name, NMO.acronym, LocalCommittee.name, LocalCommittee.id)
    )
    if text:
        statement = statement.where(
            or_(
                LocalCommittee.name.icontains(text, autoescape=True),
                LocalCommittee.city.icontains(text, autoescape=True),
                LocalCommittee.university.icontains(text, autoescape=True),
                NMO.acronym.icontains(text, autoescape=True),
                NMO.code.icontains(text, autoescape=True),
                NMO.name.icontains(text, autoescape=True),
                NMO.country_name.icontains(text, autoescape=True),
            )
        )
    if nmo_id:
        statement = statement.where(LocalCommittee.nmo_id == nmo_id)
    if region_id:
        statement = statement.where(NMO.region_id == region_id)
    if program_id:
        statement = statement.where(NMO.programs.any(Program.id == program_id))
    return with_status(statement, LocalCommittee.is_active, status)


def all_nmos() -> list[NMO]:
    """Every NMO, deactivated ones too, for the admins' filters."""
    return list(db.session.scalars(select(NMO).order_by(NMO.country_name, NMO.acronym)))


def nmo_with_code(code: str, *, other_than: int | None = None) -> NMO | None:
    """The NMO whose code is ``code`` in any case, leaving out the NMO ``other_than``."""
    statement = select(NMO).where(func.upper(NMO.code) == code.upper())
    if other_than is not None:
        statement = statement.where(NMO.id != other_than)
    return db.session.scalar(statement)


def lc_named(nmo_id: int, name: str, *, other_than: int | None = None) -> LocalCommittee | None:
    """The LC of the NMO called ``name`` in any case, leaving out the LC ``other_than``."""
    statement = select(LocalCommittee).where(
        LocalCommittee.nmo_id == nmo_id, func.lower(LocalCommittee.name) == name.lower()
    )
    if other_than is not None:
        statement = statement.where(LocalCommittee.id != other_than)
    return db.session.scalar(statement)


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def nmo_history(nmo_id: int) -> dict[str, int]:
    """What the NMO has on record: its LCs, members, placements, contracts, applications."""
    return {
        "local committees": _count(
            select(LocalCommittee.id).where(LocalCommittee.nmo_id == nmo_id)
        ),
        "members": _count(select(Membership.id).where(Membership.nmo_id == nmo_id)),
        "placements": _count(select(Placement.id).where(Placement.nmo_id == nmo_id)),
        "contracts": _count(
            select(Contract.id).where(
                or_(Contract.sending_nmo_id == nmo_id, Contract.host_nmo_id == nmo_id)
            )
        ),
        "applications": _count(
            select(Application.id).where(
                or_(Application.home_nmo_id == nmo_id, Application.host_nmo_id == nmo_id)
            )
        ),
    }


def lc_history(lc_id: int) -> dict[str, int]:
    """What the LC has on record: its members, placements and students' applications."""
    return {
        "members": _count(select(Membership.id).where(Membership.lc_id == lc_id)),
        "placements": _count(select(Placement.id).where(Placement.lc_id == lc_id)),
        "applications": _count(select(Application.id).where(Application.home_lc_id == lc_id)),
    }


def lcs_for_export(statement: Select) -> list[LocalCommittee]:
    """Every LC of the list ``statement`` (not one page of it)."""
    return list(db.session.scalars(statement))


def lcs_by_id(ids: list[int]) -> dict[int, LocalCommittee]:
    if not ids:
        return {}
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            (lc.id, lc)
            for lc in db.session.scalars(
                select(LocalCommittee)
                .where(LocalCommittee.id.in_(chunk))
                .options(selectinload(LocalCommittee.nmo))
            )
        )
    return found


def nmos_by_code() -> dict[str, NMO]:
    """Every NMO by its code in upper case."""
    return {nmo.code.upper(): nmo for nmo in db.session.scalars(select(NMO))}


def lc_names_by_nmo() -> dict[tuple[int, str], int]:
    """(NMO id, LC name case-folded) → LC id, for every LC."""
    rows = db.session.execute(
        select(LocalCommittee.id, LocalCommittee.nmo_id, LocalCommittee.name)
    ).all()
    return {(row.nmo_id, row.name.casefold()): row.id for row in rows}


def lcs_with_history(ids: list[int]) -> set[int]:
    """Those of the LCs ``ids`` that have members, placements or applications."""
    if not ids:
        return set()
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for column in (Membership.lc_id, Placement.lc_id, Application.home_lc_id):
            found.update(db.session.scalars(select(column).where(column.in_(chunk)).distinct()))
    return found


@dataclass(frozen=True)
class SeasonRow:
    season: Season
    status: str  # "current", "next", "later" or "ended"


def season_rows(today: date) -> list[SeasonRow]:
    """Every season, newest first, with where it stands on ``today``."""
    seasons = list(db.session.scalars(select(Season).order_by(Season.starts_on.desc())))
    upcoming = [s for s in seasons if s.starts_on > today]
    following = min(upcoming, key=lambda s: s.starts_on) if upcoming else None
    rows = []
    for season in seasons:
        if season.ends_on < today:
            status = "ended"
        elif season.starts_on <= today:
            status = "current"
        elif season is following:
            status = "next"
        else:
            status = "later"
        rows.append(SeasonRow(season, status))
    return rows


def latest_season() -> Season | None:
    return db.session.scalar(select(Season).order_by(Season.starts_on.desc()).limit(1))
