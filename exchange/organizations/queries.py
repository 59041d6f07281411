"""Look-ups of organizations shared by forms and views."""

from sqlalchemy import select

from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.database import utcnow


def active_nmos() -> list[NMO]:
    return list(db.session.scalars(select(NMO).where(NMO.is_active).order_by(NMO.country_name, NMO.acronym)))


def nmo_choices() -> list[tuple[int, str]]:
    return [(nmo.id, f"{nmo.country_name}: {nmo.acronym}") for nmo in active_nmos()]


def lc_choices() -> list[tuple[int, str, int]]:
    """(id, label, nmo id) of every LC of an active NMO, for a select filtered by NMO."""
    rows = db.session.execute(
        select(LocalCommittee.id, LocalCommittee.name, LocalCommittee.nmo_id)
        .join(NMO)
        .where(NMO.is_active)
        .order_by(LocalCommittee.name)
    )
    return [(row.id, row.name, row.nmo_id) for row in rows]


def programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.code)))


def current_season() -> Season | None:
    """The season that contains today, else the latest one."""
    today = utcnow().date()
    season = db.session.scalar(
        select(Season).where(Season.starts_on <= today, Season.ends_on >= today)
    )
    return season or db.session.scalar(select(Season).order_by(Season.starts_on.desc()))
