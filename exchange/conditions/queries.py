"""Look-ups of exchange conditions: the only place they are queried, with the
applications that hold a host's contract slots in given months."""

from collections.abc import Iterable

from sqlalchemy import Row, select
from sqlalchemy.orm import joinedload

from exchange.applications.models import Application
from exchange.applications.states import HOLDS_CONTRACT_SLOT, State
from exchange.auth.models import User
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season


def find_conditions(nmo_id: int, program_id: int, season_id: int) -> ExchangeConditions | None:
    """A host NMO's published conditions for one program and season, if any."""
    return db.session.scalar(
        select(ExchangeConditions).where(
            ExchangeConditions.nmo_id == nmo_id,
            ExchangeConditions.program_id == program_id,
            ExchangeConditions.season_id == season_id,
        )
    )


def slot_holders(
    host_nmo_id: int, program_id: int, season_id: int, months: Iterable[int]
) -> list[Row[tuple[str, str, State, int]]]:
    """(code, student's name, state, exchange month) of each application to a host,
    program and season that holds a contract slot in one of ``months`` (nominated up to
    certified), by code; one query."""
    months = list(months)
    if not months:
        return []
    return list(
        db.session.execute(
            select(Application.code, User.name, Application.state, Application.exchange_month)
            .join(Application.student)
            .where(
                Application.host_nmo_id == host_nmo_id,
                Application.program_id == program_id,
                Application.season_id == season_id,
                Application.state.in_(HOLDS_CONTRACT_SLOT),
                Application.exchange_month.in_(months),
            )
            .order_by(Application.code)
        )
    )


def conditions_of_season(season: Season, program: Program | None = None, nmo: NMO | None = None):
    """The season's exchange conditions of active NMOs, by country and program (then id,
    so that pages neither repeat nor skip one); of one program or one NMO if given."""
    statement = (
        select(ExchangeConditions)
        .join(NMO, NMO.id == ExchangeConditions.nmo_id)
        .join(Program, Program.id == ExchangeConditions.program_id)
        .where(ExchangeConditions.season_id == season.id, NMO.is_active)
        .options(joinedload(ExchangeConditions.nmo), joinedload(ExchangeConditions.program))
        .order_by(NMO.country_name, NMO.acronym, Program.code, ExchangeConditions.id)
    )
    if program is not None:
        statement = statement.where(ExchangeConditions.program_id == program.id)
    if nmo is not None:
        statement = statement.where(ExchangeConditions.nmo_id == nmo.id)
    return statement
