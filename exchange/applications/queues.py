"""The lists of applications each viewer works through, with filters and late cards."""

from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from exchange.applications.models import Application, Preference
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.database import utcnow
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import current_season
from exchange.placements.models import Placement

QUEUES = {
    "mine": "My applications",
    "outgoing": "Outgoing",
    "incoming": "Incoming",
}
# What each queue shows first: the applications waiting for its viewer.
DEFAULT_STATE = {"mine": "", "outgoing": State.SUBMITTED.value, "incoming": State.NOMINATED.value}


def late_card_condition(today: date):
    """SQL for an application with a late or overdue card, for lists and reports."""
    return or_(
        Application.ca_late,
        Application.cc_late,
        and_(Application.state == State.NOMINATED, Application.ca_due_on < today),
        and_(Application.state == State.ACCEPTED, Application.cc_due_on < today),
    )


def _outgoing_scope(user):
    """Applications of the user's NMO or LC, once submitted (a draft is the student's)."""
    if user.is_admin:
        return None
    scopes = []
    for m in user.officer_memberships():
        if m.role == Role.NATIONAL_OFFICER:
            scopes.append(
                and_(Application.home_nmo_id == m.nmo_id, Application.program_id == m.program_id)
            )
        else:
            scopes.append(
                and_(Application.home_lc_id == m.lc_id, Application.program_id == m.program_id)
            )
    return and_(Application.submitted_at.is_not(None), or_(*scopes)) if scopes else false()


def _incoming_scope(user):
    """Applications nominated to the user's NMO, or placed (or placeable) in their LC."""
    if user.is_admin:
        return Application.contract_id.is_not(None)
    scopes = []
    for m in user.officer_memberships():
        if m.role == Role.NATIONAL_OFFICER:
            scopes.append(
                and_(
                    Application.host_nmo_id == m.nmo_id,
                    Application.program_id == m.program_id,
                )
            )
        else:
            lc_placements = select(Placement.id).where(Placement.lc_id == m.lc_id)
            ranked_here = select(Preference.application_id).where(
                Preference.placement_id.in_(lc_placements)
            )
            scopes.append(
                and_(
                    Application.program_id == m.program_id,
                    or_(
                        Application.placement_id.in_(lc_placements),
                        and_(
                            Application.state == State.NOMINATED,
                            Application.id.in_(ranked_here),
                        ),
                    ),
                )
            )
    return and_(Application.contract_id.is_not(None), or_(*scopes)) if scopes else false()


def queue_page(user, queue: str, args) -> tuple[Pagination, dict]:
    """One page of ``queue`` for ``user``, filtered by the request's ``args``, and the
    filter values to show back on the page."""
    season = current_season()
    season_id = args.get("season", type=int) or (season.id if season else None)
    state = args.get("state", DEFAULT_STATE[queue])
    text = args.get("q", "").strip()
    late_only = args.get("late") == "1"
    program_id = args.get("program", type=int)
    statement = (
        select(Application)
        .options(
            selectinload(Application.student),
            selectinload(Application.home_nmo),
            selectinload(Application.host_nmo),
            selectinload(Application.program),
            selectinload(Application.placement),
        )
        .order_by(Application.submitted_at.is_(None), Application.submitted_at, Application.id)
    )
    if queue == "mine":
        statement = statement.where(Application.student_id == user.id)
    else:
        scope = _outgoing_scope(user) if queue == "outgoing" else _incoming_scope(user)
        if scope is not None:
            statement = statement.where(scope)
        if season_id:
            statement = statement.where(Application.season_id == season_id)
    if state in {s.value for s in State}:
        statement = statement.where(Application.state == state)
    if program_id:
        statement = statement.where(Application.program_id == program_id)
    if late_only:
        statement = statement.where(late_card_condition(utcnow().date()))
    if text:
        statement = statement.where(
            or_(
                Application.code.ilike(f"%{text}%"),
                Application.student_id.in_(select(User.id).where(User.name.ilike(f"%{text}%"))),
                Application.host_nmo_id.in_(select(NMO.id).where(NMO.acronym.ilike(f"%{text}%"))),
            )
        )
    pagination = db.paginate(statement, per_page=25, error_out=False)
    options = {
        "state": state,
        "q": text,
        "late": late_only,
        "program_id": program_id,
        "season_id": season_id,
        "seasons": db.session.scalars(select(Season).order_by(Season.starts_on.desc())).all(),
        "programs": db.session.scalars(select(Program).order_by(Program.code)).all(),
    }
    return pagination, options
