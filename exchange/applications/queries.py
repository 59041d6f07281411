"""Look-ups for the application pages: one application, and the choices its forms offer."""

from sqlalchemy import select

from exchange.applications.models import Application
from exchange.extensions import db
from exchange.placements.models import Placement


def application_by_code(code: str, *options) -> Application | None:
    return db.session.scalar(select(Application).where(Application.code == code).options(*options))


def open_placements_of_host(application: Application) -> list[Placement]:
    """The host NMO's open placements of the application's program, by city, field and
    title: what the student ranks, and where an officer may place them."""
    return list(
        db.session.scalars(
            select(Placement)
            .where(
                Placement.nmo_id == application.host_nmo_id,
                Placement.kind == application.program.placement_kind,
                Placement.closed_at.is_(None),
            )
            .order_by(Placement.city, Placement.field, Placement.title)
        )
    )
