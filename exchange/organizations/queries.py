"""Look-ups of organizations shared by forms and views."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season


def active_nmos() -> list[NMO]:
    return list(
        db.session.scalars(select(NMO).where(NMO.is_active).order_by(NMO.country_name, NMO.acronym))
    )


def nmo_choices(empty_label: str) -> list[SelectChoice]:
    return [SelectChoice(0, empty_label)] + [
        SelectChoice(nmo.id, f"{nmo.country_name}: {nmo.acronym}") for nmo in active_nmos()
    ]


def nmos_with_lcs_choices(empty_label: str) -> list[SelectChoice]:
    """Active NMOs that have an active LC: the ones a student can register in."""
    with_lcs = select(LocalCommittee.nmo_id).where(LocalCommittee.is_active)
    nmos = db.session.scalars(
        select(NMO)
        .where(NMO.is_active, NMO.id.in_(with_lcs))
        .order_by(NMO.country_name, NMO.acronym)
    )
    return [SelectChoice(0, empty_label)] + [
        SelectChoice(nmo.id, f"{nmo.country_name}: {nmo.acronym}") for nmo in nmos
    ]


def lc_choices(empty_label: str) -> list[SelectChoice]:
    """Every active LC of an active NMO; each option carries its NMO, so that the page can
    show only the LCs of the NMO chosen (see static/js/exchange.js)."""
    rows = db.session.execute(
        select(LocalCommittee.id, LocalCommittee.name, LocalCommittee.nmo_id)
        .join(NMO)
        .where(NMO.is_active, LocalCommittee.is_active)
        .order_by(LocalCommittee.name)
    )
    return [SelectChoice(0, empty_label)] + [
        SelectChoice(row.id, row.name, render_kw={"data-nmo": row.nmo_id}) for row in rows
    ]


def program_choices(empty_label: str) -> list[SelectChoice]:
    return [SelectChoice(0, empty_label)] + [SelectChoice(p.id, p.code) for p in programs()]


def programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.code)))


def open_seasons() -> list[Season]:
    """Seasons that have not ended, the next one too once it exists: officers prepare
    contracts, conditions and capacities in these. Students apply only in
    ``seasons_open_for_applications``."""
    today = clock.today()
    return list(
        db.session.scalars(select(Season).where(Season.ends_on >= today).order_by(Season.starts_on))
    )


def current_season() -> Season | None:
    """The season that contains today, else the latest one."""
    today = clock.today()
    season = db.session.scalar(
        select(Season).where(Season.starts_on <= today, Season.ends_on >= today)
    )
    return season or db.session.scalar(select(Season).order_by(Season.starts_on.desc()))


def seasons_newest_first() -> list[Season]:
    return list(db.session.scalars(select(Season).order_by(Season.starts_on.desc())))


def seasons_open_for_applications() -> list[Season]:
    """Seasons that have not ended and that an admin keeps open for students' applications."""
    today = clock.today()
    return list(
        db.session.scalars(
            select(Season)
            .where(Season.ends_on >= today, Season.applications_open)
            .order_by(Season.starts_on)
        )
    )


def previous_season(season: Season) -> Season | None:
    """The season that started last before ``season``."""
    return db.session.scalar(
        select(Season).where(Season.starts_on < season.starts_on).order_by(Season.starts_on.desc())
    )


def season_by_code(code: str) -> Season | None:
    return db.session.scalar(select(Season).where(Season.code == code))


def nmo_by_code(code: str) -> NMO | None:
    return db.session.scalar(select(NMO).where(NMO.code == code))


def program_by_code(code: str) -> Program | None:
    """``SCOPE`` or ``score``: program codes are read in any case."""
    return db.session.scalar(select(Program).where(Program.code == code.upper()))


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def nmo_search(
    text: str, region_id: int | None, program_id: int | None, status: str = "active"
) -> Select:
    """NMOs by a search on acronym, name, country and code, and filters by region, program
    and status ("active", "inactive", or anything else for both): the public directory
    (active ones) and the admins' list."""
    statement = (
        select(NMO)
        .options(selectinload(NMO.programs), selectinload(NMO.region))
        .order_by(NMO.country_name, NMO.acronym, NMO.id)
    )
    if text:
        statement = statement.where(
            or_(
                NMO.acronym.icontains(text, autoescape=True),
                NMO.name.icontains(text, autoescape=True),
                NMO.country_name.icontains(text, autoescape=True),
                NMO.country_code.icontains(text, autoescape=True),
                NMO.code.icontains(text, autoescape=True),
            )
        )
    if region_id:
        statement = statement.where(NMO.region_id == region_id)
    if program_id:
        statement = statement.where(NMO.programs.any(Program.id == program_id))
    return with_status(statement, NMO.is_active, status)


def with_status(statement: Select, column, status: str) -> Select:
    """Only the active rows, only the deactivated ones, or (any other status) both."""
    if status == "active":
        return statement.where(column)
    if status == "inactive":
        return statement.where(~column)
    return statement


def lc_counts(nmo_ids: list[int]) -> dict[int, int]:
    """How many LCs each of these NMOs has."""
    return dict(
        db.session.execute(
            select(LocalCommittee.nmo_id, func.count())
            .where(LocalCommittee.nmo_id.in_(nmo_ids))
            .group_by(LocalCommittee.nmo_id)
        ).all()
    )
