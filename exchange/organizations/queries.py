"""Look-ups of organizations shared by forms and views."""

from flask import g, has_request_context
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.extensions import db
from exchange.generations import watch
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season

# The seasons and the programs: nearly every page reads them, and they change a few times a
# year. They are kept in the cache and put into the request's session without a query.
SEASONS_AND_PROGRAMS = watch("seasons and programs", {"seasons", "programs"})
_KEPT_SECONDS = 3600
_MEMO = "seasons_and_programs"  # the request's own copy, in g


def _read_seasons_and_programs() -> tuple[list[Season], list[Program]]:
    seasons = list(db.session.scalars(select(Season).order_by(Season.starts_on.desc())))
    return seasons, list(db.session.scalars(select(Program).order_by(Program.code)))


def _seasons_and_programs() -> tuple[list[Season], list[Program]]:
    """Every season (newest first) and every program (by code), in the session."""
    if SEASONS_AND_PROGRAMS.written_in(db.session):
        return _read_seasons_and_programs()  # this transaction's changes are not kept
    memo = g.get(_MEMO) if has_request_context() else None
    if memo is not None:
        return memo
    seasons, programs = SEASONS_AND_PROGRAMS.kept("all", _read_seasons_and_programs, _KEPT_SECONDS)
    # load=False: the kept copies become the session's own without a query.
    memo = (
        [db.session.merge(season, load=False) for season in seasons],
        [db.session.merge(program, load=False) for program in programs],
    )
    if has_request_context():
        setattr(g, _MEMO, memo)  # forgotten at the request's end (exchange.app)
    return memo


def forget_seasons_and_programs() -> None:
    """Forget the request's copy: its session ends with the request."""
    g.pop(_MEMO, None)


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
    """Every program, by code."""
    return list(_seasons_and_programs()[1])


def open_seasons() -> list[Season]:
    """Seasons that have not ended, the next one too once it exists: officers prepare
    contracts, conditions and capacities in these. Students apply only in
    ``seasons_open_for_applications``."""
    today = clock.today()
    return [season for season in seasons_oldest_first() if season.ends_on >= today]


def current_season() -> Season | None:
    """The season that contains today, else the latest one."""
    today = clock.today()
    seasons = seasons_newest_first()
    found = next((s for s in seasons if s.starts_on <= today <= s.ends_on), None)
    return found or next(iter(seasons), None)


def seasons_newest_first() -> list[Season]:
    return list(_seasons_and_programs()[0])


def seasons_oldest_first() -> list[Season]:
    return seasons_newest_first()[::-1]


def seasons_open_for_applications() -> list[Season]:
    """Seasons that have not ended and that an admin keeps open for students' applications."""
    today = clock.today()
    return [s for s in seasons_oldest_first() if s.ends_on >= today and s.applications_open]


def previous_season(season: Season) -> Season | None:
    """The season that started last before ``season``."""
    return next((s for s in seasons_newest_first() if s.starts_on < season.starts_on), None)


def season_by_code(code: str) -> Season | None:
    return next((s for s in seasons_newest_first() if s.code == code), None)


def nmo_by_code(code: str) -> NMO | None:
    return db.session.scalar(select(NMO).where(NMO.code == code))


def program_by_code(code: str) -> Program | None:
    """``SCOPE`` or ``score``: program codes are read in any case."""
    return next((p for p in programs() if p.code == code.upper()), None)


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


def lcs_of_nmo(nmo: NMO, active_only: bool = True):
    """The NMO's local committees by name (then id, so that pages neither repeat nor skip
    one); the deactivated ones too unless ``active_only``."""
    statement = (
        select(LocalCommittee)
        .where(LocalCommittee.nmo_id == nmo.id)
        .order_by(LocalCommittee.name, LocalCommittee.id)
    )
    if active_only:
        statement = statement.where(LocalCommittee.is_active)
    return statement
