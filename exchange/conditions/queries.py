"""Look-ups of exchange conditions: the only place they are queried."""

from sqlalchemy import select

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
