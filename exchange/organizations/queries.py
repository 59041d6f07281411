"""Look-ups of organizations shared by forms and views."""

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season


def active_nmos() -> list[NMO]:
    return list(
        db.session.scalars(select(NMO).where(NMO.is_active).order_by(NMO.country_name, NMO.acronym))
    )


def nmo_choices(empty_label: str) -> list[SelectChoice]:
    return [SelectChoice(0, empty_label)] + [
        SelectChoice(nmo.id, f"{nmo.country_name}: {nmo.acronym}") for nmo in active_nmos()
    ]


def lc_choices(empty_label: str) -> list[SelectChoice]:
    """Every LC of an active NMO; each option carries its NMO, so that the page can show
    only the LCs of the NMO chosen (see static/js/exchange.js)."""
    rows = db.session.execute(
        select(LocalCommittee.id, LocalCommittee.name, LocalCommittee.nmo_id)
        .join(NMO)
        .where(NMO.is_active)
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
    """Seasons that have not ended: students apply for these."""
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
