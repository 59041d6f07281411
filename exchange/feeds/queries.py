"""The records a user's calendar feed is made from, each read under the rules of the pages:
a student's own applications, an officer's queues (exchange.applications.queues), their
NMO's exchange conditions and the contracts it sends students under. Only seasons that
have not ended are read: a feed is about what is ahead."""

from collections.abc import Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from exchange.applications.models import Application
from exchange.applications.queues import incoming_condition, outgoing_condition
from exchange.applications.states import CLOSED_STATES, State
from exchange.auth.models import User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractStatus
from exchange.extensions import db
from exchange.organizations.queries import open_seasons


def _open_season_ids() -> list[int]:
    return [season.id for season in open_seasons()]


def _nmo_programs(user: User) -> set[tuple[int, int]]:
    """(NMO id, program id) of each officer role: a local officer's is their LC's NMO."""
    return {(m.nmo_id, m.program_id) for m in user.officer_memberships()}


def student_applications(user: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(
                Application.student_id == user.id,
                Application.season_id.in_(_open_season_ids()),
                Application.state.not_in(CLOSED_STATES),
            )
            .options(joinedload(Application.season), joinedload(Application.host_nmo))
            .order_by(Application.id)
        )
    )


def _any_of(pairs, *columns):
    """A condition that ``columns`` hold one of ``pairs`` (tuples of as many values)."""
    return or_(*(and_(*(c == v for c, v in zip(columns, pair, strict=True))) for pair in pairs))


def host_conditions_of(records) -> Callable:
    """For applications or contracts: a look-up of each one's host's published exchange
    conditions (or None), all read in one query."""
    keys = {(r.host_nmo_id, r.program_id, r.season_id) for r in records}
    found = {}
    if keys:
        columns = (
            ExchangeConditions.nmo_id,
            ExchangeConditions.program_id,
            ExchangeConditions.season_id,
        )
        statement = select(ExchangeConditions).where(_any_of(keys, *columns))
        found = {(c.nmo_id, c.program_id, c.season_id): c for c in db.session.scalars(statement)}
    return lambda record: found.get((record.host_nmo_id, record.program_id, record.season_id))


def applications_awaiting_cards(user: User) -> list[Application]:
    """Applications in the user's outgoing or incoming queue whose CA or CC is awaited."""
    memberships = user.officer_memberships()
    if not memberships:
        return []
    in_queues = or_(
        *(outgoing_condition(m) for m in memberships),
        *(incoming_condition(m) for m in memberships),
    )
    awaiting = or_(
        and_(Application.state == State.NOMINATED, Application.ca_due_on.is_not(None)),
        and_(Application.state == State.ACCEPTED, Application.cc_due_on.is_not(None)),
    )
    return list(
        db.session.scalars(
            select(Application)
            .where(in_queues, awaiting, Application.season_id.in_(_open_season_ids()))
            .options(joinedload(Application.home_nmo), joinedload(Application.host_nmo))
            .order_by(Application.id)
        )
    )


def conditions_of_officer(user: User) -> list[ExchangeConditions]:
    """The exchange conditions of each officer role's NMO and program."""
    pairs = _nmo_programs(user)
    if not pairs:
        return []
    return list(
        db.session.scalars(
            select(ExchangeConditions)
            .where(
                ExchangeConditions.season_id.in_(_open_season_ids()),
                _any_of(pairs, ExchangeConditions.nmo_id, ExchangeConditions.program_id),
            )
            .options(
                joinedload(ExchangeConditions.nmo),
                joinedload(ExchangeConditions.program),
                joinedload(ExchangeConditions.season),
            )
            .order_by(ExchangeConditions.id)
        )
    )


def contracts_sending(user: User) -> list[Contract]:
    """Confirmed contracts under which an officer role's NMO sends students, in its program."""
    pairs = _nmo_programs(user)
    if not pairs:
        return []
    return list(
        db.session.scalars(
            select(Contract)
            .where(
                Contract.status == ContractStatus.CONFIRMED,
                Contract.season_id.in_(_open_season_ids()),
                _any_of(pairs, Contract.sending_nmo_id, Contract.program_id),
            )
            .options(
                selectinload(Contract.slots),
                joinedload(Contract.host_nmo),
                joinedload(Contract.sending_nmo),
                joinedload(Contract.program),
                joinedload(Contract.season),
            )
            .order_by(Contract.id)
        )
    )
