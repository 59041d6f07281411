"""The application cycle: each function takes the acting user, checks what the domain
asks, moves the state through the state machine, records the history, queues the mail
that concerns someone, and flushes. None commits: the request (or command) does.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, extract, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications import deadlines
from exchange.applications.codes import application_code
from exchange.applications.documents import DOCUMENT_KINDS, delete_document, store_document
from exchange.applications.models import (
    Application,
    ApplicationCounter,
    Document,
    Evaluation,
    Preference,
    StateTransition,
)
from exchange.applications.notifications import notify
from exchange.applications.permissions import actors_for, can_set_points
from exchange.applications.states import (
    HOLDS_CONTRACT_SLOT,
    HOLDS_PLACE,
    Action,
    State,
    next_state,
)
from exchange.auth.models import User
from exchange.auth.permissions import can_choose_substitute, can_place_in
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.contracts.models import ContractSlot
from exchange.contracts.queries import find_contract
from exchange.contracts.services import nomination_refusal
from exchange.errors import CapacityExceeded, DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import format_date, format_month, month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.placements.models import Placement, PlacementCapacity

# The history


def _move(
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


# Capacity: one atomic UPDATE per change. On PostgreSQL the second of two concurrent
# UPDATEs of a row waits for the first to commit and then re-checks its WHERE against the
# new row, so two officers can never both take the last place; the CHECK constraints on
# ``used`` refuse any other path that would overbook.


def _take(model, row_filter, limit_column, refusal: str) -> None:
    taken = db.session.execute(
        update(model)
        .where(row_filter, model.used < limit_column)
        .values(used=model.used + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise CapacityExceeded(refusal)


def _release(model, row_filter) -> None:
    db.session.execute(
        update(model)
        .where(row_filter, model.used > 0)
        .values(used=model.used - 1)
        .execution_options(synchronize_session=False)
    )


def _contract_slot_filter(contract_id: int, month: int):
    return and_(ContractSlot.contract_id == contract_id, ContractSlot.month == month)


def _place_filter(placement_id: int, season_id: int, month: int):
    return and_(
        PlacementCapacity.placement_id == placement_id,
        PlacementCapacity.season_id == season_id,
        PlacementCapacity.month == month,
    )


def _release_holdings(application: Application) -> None:
    """A closing application gives back what it holds in its present state."""
    if application.state in HOLDS_PLACE:
        _release(
            PlacementCapacity,
            _place_filter(
                application.placement_id, application.season_id, application.starts_on.month
            ),
        )
    if application.state in HOLDS_CONTRACT_SLOT:
        _release(
            ContractSlot,
            _contract_slot_filter(application.contract_id, application.exchange_month),
        )


def recount_usage() -> None:
    """Set every ``used`` count from the applications that hold slots and places.

    The services keep the counts in step one change at a time; this puts them right in
    one go after a bulk load (the demo seeder) or a repair.
    """
    holding_slot = (
        select(func.count())
        .where(
            Application.contract_id == ContractSlot.contract_id,
            Application.exchange_month == ContractSlot.month,
            Application.state.in_(HOLDS_CONTRACT_SLOT),
        )
        .scalar_subquery()
    )
    db.session.execute(update(ContractSlot).values(used=holding_slot))
    holding_place = (
        select(func.count())
        .where(
            Application.placement_id == PlacementCapacity.placement_id,
            Application.season_id == PlacementCapacity.season_id,
            extract("month", Application.starts_on) == PlacementCapacity.month,
            Application.state.in_(HOLDS_PLACE),
        )
        .scalar_subquery()
    )
    db.session.execute(update(PlacementCapacity).values(used=holding_place))


# Look-ups


def exchange_conditions_for(application: Application) -> ExchangeConditions | None:
    """The host's conditions that the application is made under."""
    return find_conditions(application.host_nmo_id, application.program_id, application.season_id)


def _next_number(program: Program, season: Season) -> int:
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


# The student's part


def create_application(
    student: User, program: Program, season: Season, host_nmo: NMO
) -> Application:
    """A draft application of ``student`` to ``host_nmo``, in a season that has not ended
    and is open for applications."""
    membership = student.student_membership
    if membership is None:
        raise NotAllowed("Only students apply for exchanges.")
    if season.ends_on < clock.today():
        raise DomainError(f"The season {season.code} has ended: apply for a season to come.")
    if not season.applications_open:
        raise DomainError(
            f"The season {season.code} is not open for applications: choose a season that is."
        )
    home_nmo = membership.nmo
    if host_nmo.id == home_nmo.id:
        raise DomainError("An exchange goes abroad: choose a host NMO other than your own.")
    if program not in host_nmo.programs:
        raise DomainError(f"{host_nmo.acronym} does not host {program.code} exchanges.")
    if find_contract(season.id, program.id, home_nmo.id, host_nmo.id) is None:
        raise DomainError(
            f"{home_nmo.acronym} has no {program.code} contract with {host_nmo.acronym} for "
            f"{season.code}, so no student can be nominated there. Choose another host."
        )
    open_one = db.session.scalar(
        select(Application).where(
            Application.student_id == student.id,
            Application.program_id == program.id,
            Application.season_id == season.id,
            Application.state.not_in([State.REJECTED, State.WITHDRAWN, State.CANCELLED]),
        )
    )
    if open_one is not None:
        raise DomainError(
            f"You have application {open_one.code} for {program.code} {season.code} already; "
            "withdraw it first to apply elsewhere."
        )
    number = _next_number(program, season)
    application = Application(
        code=application_code(program.code_prefix, season.short_code, number),
        number=number,
        student=student,
        program=program,
        season=season,
        home_nmo_id=home_nmo.id,
        home_lc_id=membership.lc_id,
        host_nmo_id=host_nmo.id,
        study_year=student.year_of_study,
        state=State.DRAFT,
    )
    db.session.add(application)
    db.session.add(
        StateTransition(
            application=application, action="create", to_state=State.DRAFT, actor_id=student.id
        )
    )
    db.session.flush()
    return application


def _only_the_student_on_a_draft(student: User, application: Application) -> None:
    if application.student_id != student.id:
        raise NotAllowed("Only the student changes their application.")
    if application.state != State.DRAFT:
        raise DomainError(
            "The application is submitted: its form and documents cannot be changed any more."
        )


def attach_document(student: User, application: Application, kind: str, upload) -> Document:
    """Attach (or replace) one of the documents the host asks for, while a draft."""
    _only_the_student_on_a_draft(student, application)
    return store_document(application, kind, upload, student)


def remove_document(student: User, application: Application, document: Document) -> None:
    _only_the_student_on_a_draft(student, application)
    if document.application_id != application.id:
        raise NotAllowed("That document belongs to another application.")
    delete_document(document)


def update_draft(
    student: User,
    application: Application,
    months: list[int],
    study_year: int | None,
    languages: list[str],
    motivation: str,
    placement_ids: list[int],
) -> None:
    """Save the application form; ``placement_ids`` are the ranked preferences, best first."""
    _only_the_student_on_a_draft(student, application)
    months = sorted(set(months))
    if any(not 1 <= month <= 12 for month in months):
        raise DomainError("Choose months from the list.")
    conditions = exchange_conditions_for(application)
    not_hosted = set(conditions.months_not_hosted) if conditions else set()
    refused = [month_name(m) for m in months if m in not_hosted]
    if refused:
        raise DomainError(f"{application.host_nmo.acronym} does not host in {', '.join(refused)}.")
    ranked = [placement_id for placement_id in placement_ids if placement_id]
    if len(set(ranked)) != len(ranked):
        raise DomainError("Each choice must be a different placement.")
    limit = application.program.max_preferences
    if len(ranked) > limit:
        raise DomainError(f"Rank at most {limit} {application.program.placement_noun}s.")
    placements = {
        p.id: p for p in db.session.scalars(select(Placement).where(Placement.id.in_(ranked)))
    }
    kind = application.program.placement_kind
    for placement_id in ranked:
        placement = placements.get(placement_id)
        if (
            placement is None
            or placement.nmo_id != application.host_nmo_id
            or placement.kind != kind
            or not placement.is_open
        ):
            raise DomainError(
                f"Choose open {application.program.placement_noun}s of "
                f"{application.host_nmo.acronym}."
            )
    application.months = months
    application.study_year = study_year
    application.languages = [language.strip() for language in languages if language.strip()]
    application.motivation = motivation.strip()
    application.preferences.clear()
    db.session.flush()  # the old ranks go before the new ones take their numbers
    for rank, placement_id in enumerate(ranked, start=1):
        application.preferences.append(Preference(rank=rank, placement_id=placement_id))
    application.updated_at = clock.now()
    db.session.flush()


def missing_for_submission(application: Application, today: date) -> list[str]:
    """What stops the application from being submitted, in words; empty when nothing does."""
    conditions = exchange_conditions_for(application)
    if conditions is None:
        return [f"{application.host_nmo.acronym} has not published its exchange conditions yet."]
    missing = []
    noun = application.program.placement_noun
    if not application.preferences:
        missing.append(f"Rank at least one {noun}.")
    if not application.months:
        missing.append("Choose the months you can go.")
    if application.study_year is None:
        missing.append("Give your year of study.")
    elif not conditions.min_study_year <= application.study_year <= conditions.max_study_year:
        missing.append(
            f"{application.host_nmo.acronym} takes students in years "
            f"{conditions.min_study_year} to {conditions.max_study_year} of study."
        )
    if not application.languages:
        missing.append("List the languages you speak.")
    attached = {document.kind for document in application.documents}
    for kind in conditions.required_documents:
        if kind not in attached:
            missing.append(f"Attach your {DOCUMENT_KINDS.get(kind, kind).lower()}.")
    late_months = [
        (month, deadlines.application_deadline(conditions, application.season, month))
        for month in application.months
        if today > deadlines.application_deadline(conditions, application.season, month)
    ]
    for month, deadline in late_months:
        missing.append(
            f"The deadline for {month_name(month)} was {format_date(deadline)}; remove that month."
        )
    return missing


def submit_application(student: User, application: Application, today: date) -> None:
    if application.student_id != student.id:
        raise NotAllowed("Only the student submits their application.")
    missing = missing_for_submission(application, today)
    if missing:
        raise DomainError("The application cannot be submitted yet: " + " ".join(missing))
    _move(application, Action.SUBMIT, student, submitted_at=clock.now())
    db.session.flush()


def _close(application: Application, action: Action, actor: User, reason: str) -> None:
    """Reject, withdraw or cancel: give back the slot and place, and record the reason."""
    _move(
        application,
        action,
        actor,
        reason,
        capacity=lambda: _release_holdings(application),
        closed_at=clock.now(),
        closing_reason=(reason or "").strip(),
    )
    db.session.flush()


def withdraw_application(student: User, application: Application, reason: str) -> None:
    _close(application, Action.WITHDRAW, student, reason)


def confirm_application(
    student: User, application: Application, arrival_local: datetime, transport: str
) -> None:
    """The card of confirmation (CC): when and how the student arrives."""
    earliest = application.starts_on - timedelta(days=14) if application.starts_on else None
    if earliest and not earliest <= arrival_local.date() <= application.ends_on:
        raise DomainError(
            "Give an arrival between two weeks before the start and the end of the exchange."
        )
    if not transport.strip():
        raise DomainError("Say how you travel.")
    confirmed_at = clock.now()
    _move(
        application,
        Action.CONFIRM,
        student,
        arrival_local=arrival_local,
        arrival_transport=transport.strip(),
        confirmed_at=confirmed_at,
        cc_late=deadlines.came_late(confirmed_at, application.cc_due_on),
    )
    db.session.flush()


def submit_evaluation(
    student: User,
    application: Application,
    overall: int,
    placement: int,
    supervision: int,
    accommodation: int,
    comments: str,
) -> None:
    """The evaluation form (EF): required for the certificate."""
    ratings = (overall, placement, supervision, accommodation)
    if any(not 1 <= rating <= 5 for rating in ratings):
        raise DomainError("Rate each part from 1 to 5.")
    _move(application, Action.SUBMIT_EVALUATION, student, completed_at=clock.now())
    db.session.add(
        Evaluation(
            application=application,
            overall_rating=overall,
            placement_rating=placement,
            supervision_rating=supervision,
            accommodation_rating=accommodation,
            comments=comments.strip(),
        )
    )
    db.session.flush()


# The officers' part

MAX_POINTS = Decimal("1000")


def set_points(officer: User, application: Application, points: Decimal | None) -> None:
    """Rank a student: the home NMO while it selects (submitted), the host while it places
    (nominated). The matcher ranks by these points when asked to."""
    if points is not None and not Decimal("0") <= points <= MAX_POINTS:
        raise DomainError(f"Give points from 0 to {MAX_POINTS}.")
    if not can_set_points(officer, application):
        raise NotAllowed(
            "The home national officer ranks submitted applications, the host's nominated ones."
        )
    if application.state == State.SUBMITTED:
        application.points = points
    else:
        application.host_points = points
    db.session.flush()


def nominate_application(officer: User, application: Application, month: int) -> None:
    """The home NMO gives the application a slot of its contract with the host in ``month``."""
    if month not in application.months:
        raise DomainError(
            f"The student can go in {', '.join(month_name(m) for m in application.months)}; "
            "nominate for one of those months."
        )
    contract = find_contract(
        application.season_id,
        application.program_id,
        application.home_nmo_id,
        application.host_nmo_id,
    )
    if contract is None:
        raise DomainError(f"There is no contract with {application.host_nmo.acronym}.")
    unconfirmed = nomination_refusal(contract)
    if unconfirmed:
        raise DomainError(unconfirmed)
    slot = next((s for s in contract.slots if s.month == month), None)
    refusal = (
        f"The contract with {application.host_nmo.acronym} has no free slot in "
        f"{month_name(month)}" + (f" (all {slot.slots} are used)." if slot and slot.slots else ".")
    )
    _move(
        application,
        Action.NOMINATE,
        officer,
        capacity=lambda: _take(
            ContractSlot, _contract_slot_filter(contract.id, month), ContractSlot.slots, refusal
        ),
        contract_id=contract.id,
        exchange_month=month,
        nominated_at=clock.now(),
        ca_due_on=deadlines.ca_due_on(application.season.month_date(month)),
    )
    db.session.flush()


def reject_application(officer: User, application: Application, reason: str) -> None:
    _close(application, Action.REJECT, officer, reason)


def accept_application(
    officer: User,
    application: Application,
    placement: Placement,
    starts_on: date,
    contact_person: str,
    contact_email: str | None,
) -> None:
    """Place the student and issue the card of acceptance (CA)."""
    if not can_place_in(officer, placement, application.program_id):
        raise NotAllowed(f"You cannot place students in {placement.title}, {placement.lc.name}.")
    kind = application.program.placement_kind
    if placement.nmo_id != application.host_nmo_id or placement.kind != kind:
        raise DomainError(
            f"Choose a {application.program.placement_noun} of {application.host_nmo.acronym}."
        )
    if not placement.is_open:
        raise DomainError(f"{placement.title} is closed.")
    nominated_month = application.season.month_date(application.exchange_month)
    if (starts_on.year, starts_on.month) != (nominated_month.year, nominated_month.month):
        raise DomainError(
            f"The student is nominated for {format_month(nominated_month)}; "
            "start the exchange in that month."
        )
    if not contact_person.strip():
        raise DomainError("Name the contact person for the student.")
    place = _place_filter(placement.id, application.season_id, starts_on.month)
    capacity = db.session.scalar(select(PlacementCapacity.capacity).where(place))
    refusal = f"{placement.title} has no free place in {month_name(starts_on.month)}" + (
        f" (all {capacity} are taken)." if capacity else "."
    )
    accepted_at = clock.now()
    _move(
        application,
        Action.ACCEPT,
        officer,
        capacity=lambda: _take(PlacementCapacity, place, PlacementCapacity.capacity, refusal),
        placement_id=placement.id,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(weeks=placement.weeks),
        contact_person=contact_person.strip(),
        contact_email=(contact_email or "").strip() or None,
        accepted_at=accepted_at,
        cc_due_on=deadlines.cc_due_on(starts_on),
        # The CA was due 8 weeks before the month nominated for (ca_due_on, set then):
        # choosing a later start day does not make a late card on time.
        ca_late=deadlines.came_late(accepted_at, application.ca_due_on),
    )
    db.session.flush()


def mark_arrived(officer: User, application: Application) -> None:
    _move(application, Action.MARK_ARRIVED, officer, arrived_at=clock.now())
    db.session.flush()


def certify_application(officer: User, application: Application) -> None:
    _move(application, Action.CERTIFY, officer, certified_at=clock.now())
    db.session.flush()


def cancel_application(officer: User, application: Application, reason: str) -> None:
    _close(application, Action.CANCEL, officer, reason)


def substitute_candidates(application: Application) -> list[Application]:
    """Submitted applications that could take over a cancelled one's contract slot: same
    NMO, host, program and season, and free in the slot's month."""
    candidates = db.session.scalars(
        select(Application)
        .where(
            Application.state == State.SUBMITTED,
            Application.home_nmo_id == application.home_nmo_id,
            Application.host_nmo_id == application.host_nmo_id,
            Application.program_id == application.program_id,
            Application.season_id == application.season_id,
        )
        .order_by(Application.points.desc().nulls_last(), Application.submitted_at)
        .options(selectinload(Application.student))
    )
    return [c for c in candidates if application.exchange_month in c.months]


def substitute_application(officer: User, cancelled: Application, substitute: Application) -> None:
    """Put ``substitute`` into the contract slot that ``cancelled`` gave back."""
    if not can_choose_substitute(officer, cancelled):
        raise NotAllowed("Only the home national officer chooses a substitute.")
    if cancelled.state not in (State.CANCELLED, State.WITHDRAWN) or cancelled.contract_id is None:
        raise DomainError("Only a cancelled or withdrawn nominated exchange gets a substitute.")
    if substitute not in substitute_candidates(cancelled):
        raise DomainError(
            "The substitute must be a submitted application of the same NMO to the same host, "
            f"program and season, free in {month_name(cancelled.exchange_month)}."
        )
    taken_by = db.session.scalar(
        select(Application.code).where(Application.substitute_for_id == cancelled.id)
    )
    if taken_by:
        raise DomainError(f"{taken_by} has taken over this slot already.")
    # A substitute is a new nomination: the contract must be confirmed (as it is now).
    unconfirmed = nomination_refusal(cancelled.contract)
    if unconfirmed:
        raise DomainError(unconfirmed)
    refusal = (
        f"The slot of {cancelled.code} in {month_name(cancelled.exchange_month)} has been "
        "given to another nomination since."
    )
    slot = _contract_slot_filter(cancelled.contract_id, cancelled.exchange_month)
    _move(
        substitute,
        Action.NOMINATE,
        officer,
        f"Substitute for {cancelled.code}",
        capacity=lambda: _take(ContractSlot, slot, ContractSlot.slots, refusal),
        substitute_for_id=cancelled.id,
        contract_id=cancelled.contract_id,
        exchange_month=cancelled.exchange_month,
        nominated_at=clock.now(),
        ca_due_on=deadlines.ca_due_on(substitute.season.month_date(cancelled.exchange_month)),
    )
    db.session.flush()
