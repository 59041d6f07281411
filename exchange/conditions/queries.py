"""Look-ups of exchange conditions: the only place they are queried, with the
applications that hold a host's contract slots in given months."""

from collections.abc import Iterable

from sqlalchemy import Row, select

from exchange.applications.models import Application
from exchange.applications.states import HOLDS_CONTRACT_SLOT, State
from exchange.auth.models import User
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db


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
