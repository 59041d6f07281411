"""The lists of applications each viewer works through, with filters and late cards."""

from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications.models import Application, Preference
from exchange.applications.reminders import (
    CA,
    CC,
    PENDING,
    due_soon_condition,
    overdue_condition,
)
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import current_season
from exchange.placements.models import Placement
from exchange.web.paging import page_of

QUEUES = {
    "mine": "My applications",
    "outgoing": "Outgoing",
    "incoming": "Incoming",
}
# What each queue shows first: the applications waiting for its viewer.
CARD_DUE = {"soon": due_soon_condition, "overdue": overdue_condition}
DEFAULT_STATE = {"mine": "", "outgoing": State.SUBMITTED.value, "incoming": State.NOMINATED.value}


def late_card_condition(today: date):
    """SQL for an application with a late or overdue card, for lists and reports."""
    return or_(
        Application.ca_late,
        Application.cc_late,
        overdue_condition(CA, today),
        overdue_condition(CC, today),
    )


def outgoing_condition(membership):
    """Applications of an officer's NMO (national) or LC (local) in their program, once
    submitted: a draft is the student's alone."""
    if membership.role == Role.NATIONAL_OFFICER:
        home = Application.home_nmo_id == membership.nmo_id
    else:
        home = Application.home_lc_id == membership.lc_id
    return and_(
        home,
        Application.program_id == membership.program_id,
        Application.submitted_at.is_not(None),
    )


def incoming_condition(membership):
    """Applications nominated to an officer's NMO (national), or placed in their LC, or
    waiting for a placement and ranking one of their LC's (local)."""
    if membership.role == Role.NATIONAL_OFFICER:
        host = Application.host_nmo_id == membership.nmo_id
    else:
        lc_placements = select(Placement.id).where(Placement.lc_id == membership.lc_id)
        ranked_here = select(Preference.application_id).where(
            Preference.placement_id.in_(lc_placements)
        )
        host = or_(
            Application.placement_id.in_(lc_placements),
            and_(Application.state == State.NOMINATED, Application.id.in_(ranked_here)),
        )
    return and_(
        host,
        Application.program_id == membership.program_id,
        Application.contract_id.is_not(None),
    )


def queue_scope(user, queue: str):
    """What ``user`` sees in a queue: the union over their officer roles, the same rule as
    exchange.auth.permissions.actors_for; an admin sees every NMO's."""
    if queue == "outgoing":
        condition, for_admin = outgoing_condition, Application.submitted_at.is_not(None)
    else:
        condition, for_admin = incoming_condition, Application.contract_id.is_not(None)
    if user.is_admin:
        return for_admin
    conditions = [condition(m) for m in user.officer_memberships()]
    return or_(*conditions) if conditions else false()


def queue_page(user, queue: str, args) -> tuple[Pagination, dict]:
    """One page of ``queue`` for ``user``, filtered by the request's ``args``, and the
    filter values to show back on the page."""
    season = current_season()
    all_seasons = args.get("season") == "all"
    season_id = (
        None if all_seasons else args.get("season", type=int) or (season.id if season else None)
    )
    state = args.get("state", DEFAULT_STATE[queue])
    text = args.get("q", "").strip()
    late_only = args.get("late") == "1"
    # A card due soon or overdue (?card=ca|cc&due=soon|overdue): the home page's counts.
    card, due = args.get("card", "").upper(), args.get("due", "")
    card_filter = (card, due) if card in PENDING and due in CARD_DUE else None
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
        statement = statement.where(queue_scope(user, queue))
        if season_id:
            statement = statement.where(Application.season_id == season_id)
    if state in {s.value for s in State}:
        statement = statement.where(Application.state == state)
    if program_id:
        statement = statement.where(Application.program_id == program_id)
    if late_only:
        statement = statement.where(late_card_condition(clock.today()))
    if card_filter:
        statement = statement.where(CARD_DUE[due](card, clock.today()))
    if text:
        statement = statement.where(
            or_(
                Application.code.icontains(text, autoescape=True),
                Application.student_id.in_(
                    select(User.id).where(User.name.icontains(text, autoescape=True))
                ),
                Application.host_nmo_id.in_(
                    select(NMO.id).where(NMO.acronym.icontains(text, autoescape=True))
                ),
            )
        )
    pagination = page_of(statement)
    options = {
        "state": state,
        "q": text,
        "late": late_only,
        "card_filter": card_filter,
        "program_id": program_id,
        "season_id": season_id,
        "all_seasons": all_seasons,
        "seasons": db.session.scalars(select(Season).order_by(Season.starts_on.desc())).all(),
        "programs": db.session.scalars(select(Program).order_by(Program.code)).all(),
    }
    return pagination, options


def free_slots_by_month(application) -> dict[int, int]:
    """For the nominate panel: the free confirmed contract slots with the application's
    host NMO, per month the student can go."""
    return {}
