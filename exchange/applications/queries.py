"""Look-ups for the application pages: one application, and the choices its forms offer."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exchange.applications.models import Application, PointsChange
from exchange.applications.states import CLOSED_STATES, HOLDS_CONTRACT_SLOT
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


def live_application_of(student_id: int, program_id: int, season_id: int) -> Application | None:
    """The student's one application for the program and season that is not closed."""
    return db.session.scalar(
        select(Application).where(
            Application.student_id == student_id,
            Application.program_id == program_id,
            Application.season_id == season_id,
            Application.state.not_in(CLOSED_STATES),
        )
    )


def exchanges_in_the_same_months(application: Application, months: list[int]) -> list[Application]:
    """The student's other exchanges of the season, in another program, nominated or
    further for one of ``months``: an officer is warned before giving a second one."""
    return list(
        db.session.scalars(
            select(Application).where(
                Application.student_id == application.student_id,
                Application.season_id == application.season_id,
                Application.program_id != application.program_id,
                Application.state.in_(HOLDS_CONTRACT_SLOT),
                Application.exchange_month.in_(months),
            )
        )
    )


def points_history(application: Application) -> list[PointsChange]:
    """Every change of the application's points, oldest first: who, the old and the new."""
    return list(
        db.session.scalars(
            select(PointsChange)
            .where(PointsChange.application_id == application.id)
            .order_by(PointsChange.id)
            .options(selectinload(PointsChange.actor))
        )
    )
