"""How a step of the cycle is written: the state machine's check, the capacity it takes
or gives back, one compare-and-set UPDATE of the state, the history, the mail. And the
running number of a new application. The services decide what a step needs; this module
writes it so that concurrent requests can never act twice or overbook.
"""

from collections.abc import Callable

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError

from exchange import clock
from exchange.applications.models import Application, ApplicationCounter, StateTransition
from exchange.applications.notifications import notify
from exchange.applications.permissions import actors_for
from exchange.applications.states import HOLDS_CONTRACT_SLOT, HOLDS_PLACE, Action, next_state
from exchange.auth.models import User
from exchange.contracts.models import ContractSlot
from exchange.errors import CapacityExceeded, DomainError
from exchange.extensions import db
from exchange.organizations.models import Program, Season
from exchange.placements.models import PlacementCapacity


def move(
    application: Application,
    action: Action,
    actor: User,
    reason: str | None = None,
    *,
    capacity: Callable[[], None] | None = None,
    **columns,
) -> None:
    """One step of the cycle, always in this order: ask the state machine whether
    ``actor`` may take ``action``; change the ``capacity`` the step needs (take a contract
    slot or a place, or give them back); move the state and record it; then queue the
    mail for whom it concerns. A refusal at any point raises, and the caller's rollback
    (``attempt`` in a view) undoes whatever the step had written.

    The new state and the ``columns`` it needs are written in one UPDATE that also
    requires the state to be the one read: of two requests acting on the same
    application at once (a double click, two officers), the second finds the state moved
    on and is refused, instead of acting a second time.
    """
    source = application.state
    target = next_state(source, action, actors_for(actor, application), reason)
    if capacity is not None:
        capacity()
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.state == source)
        .values(state=target, updated_at=clock.now(), **columns)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise DomainError(
            f"{application.code} was changed by someone else a moment ago. "
            "Reload the page to see it as it is now."
        )
    db.session.expire(application)  # read back what the UPDATE wrote
    db.session.add(
        StateTransition(
            application_id=application.id,
            action=action.value,
            from_state=source,
            to_state=target,
            actor_id=actor.id,
            reason=reason.strip() if reason else None,
        )
    )
    notify(application, action, actor, reason)
    db.session.flush()


# Capacity: one atomic UPDATE per change. On PostgreSQL the second of two concurrent
# UPDATEs of a row waits for the first to commit and then re-checks its WHERE against the
# new row, so two officers can never both take the last place; the CHECK constraints on
# ``used`` refuse any other path that would overbook.


def take(model, row_filter, limit_column, refusal: str) -> None:
    taken = db.session.execute(
        update(model)
        .where(row_filter, model.used < limit_column)
        .values(used=model.used + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise CapacityExceeded(refusal)


def release(model, row_filter) -> None:
    db.session.execute(
        update(model)
        .where(row_filter, model.used > 0)
        .values(used=model.used - 1)
        .execution_options(synchronize_session=False)
    )


def contract_slot_filter(contract_id: int, month: int):
    return and_(ContractSlot.contract_id == contract_id, ContractSlot.month == month)


def place_filter(placement_id: int, season_id: int, month: int):
    return and_(
        PlacementCapacity.placement_id == placement_id,
        PlacementCapacity.season_id == season_id,
        PlacementCapacity.month == month,
    )


def release_holdings(application: Application) -> None:
    """A closing application gives back what it holds in its present state."""
    if application.state in HOLDS_PLACE:
        release(
            PlacementCapacity,
            place_filter(
                application.placement_id, application.season_id, application.starts_on.month
            ),
        )
    if application.state in HOLDS_CONTRACT_SLOT:
        release(
            ContractSlot, contract_slot_filter(application.contract_id, application.exchange_month)
        )


def next_number(program: Program, season: Season) -> int:
    """The next running number for the program and season, safe under concurrency."""
    counter_filter = and_(
        ApplicationCounter.program_id == program.id, ApplicationCounter.season_id == season.id
    )
    for _ in range(2):
        number = db.session.execute(
            update(ApplicationCounter)
            .where(counter_filter)
            .values(last_number=ApplicationCounter.last_number + 1)
            .returning(ApplicationCounter.last_number)
            .execution_options(synchronize_session=False)
        ).scalar()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():
                db.session.add(
                    ApplicationCounter(program_id=program.id, season_id=season.id, last_number=1)
                )
            return 1
        except IntegrityError:
            continue  # another request made the counter first: take the next number
    raise DomainError("Could not number the application; please try again.")
