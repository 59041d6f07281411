"""Look-ups for the application pages: one application, and the choices its forms offer."""

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from exchange.applications.models import Application, PointsChange
from exchange.applications.states import CLOSED_STATES, HOLDS_CONTRACT_SLOT
from exchange.extensions import db
from exchange.placements.models import Placement, PlacementCapacity


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


def placements_by_id(placement_ids: Iterable[int]) -> dict[int, Placement]:
    """The placements of ``placement_ids`` that exist, whoever offers them and whether open
    or not: a ranking names them as the student left it."""
    ids = set(placement_ids)
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Placement).where(Placement.id.in_(ids)))}


def free_places(application: Application, months: Iterable[int]) -> dict[int, dict[int, int]]:
    """Free places (capacity less used) of the host's open placements of the application's
    program, in the application's season and ``months``: placement id -> month -> places.
    One grouped query for all of them; a month a placement offers no place in is absent."""
    months = set(months)
    if not months:
        return {}
    rows = db.session.execute(
        select(
            PlacementCapacity.placement_id,
            PlacementCapacity.month,
            func.sum(PlacementCapacity.capacity - PlacementCapacity.used),
        )
        .join(Placement, Placement.id == PlacementCapacity.placement_id)
        .where(
            Placement.nmo_id == application.host_nmo_id,
            Placement.kind == application.program.placement_kind,
            Placement.closed_at.is_(None),
            PlacementCapacity.season_id == application.season_id,
            PlacementCapacity.month.in_(months),
            PlacementCapacity.capacity > 0,
        )
        .group_by(PlacementCapacity.placement_id, PlacementCapacity.month)
    )
    free: dict[int, dict[int, int]] = {}
    for placement_id, month, places in rows:
        free.setdefault(placement_id, {})[month] = int(places)
    return free


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
