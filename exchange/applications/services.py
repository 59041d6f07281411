"""The application cycle: each function takes the acting user, checks what the domain
asks (the calendar's rules among it: exchange.applications.calendar), and takes the step
through ``moves.move``, which moves the state, records the history and queues the mail.
None commits: the request (or command) does.
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications import calendar, deadlines, moves, personal
from exchange.applications.codes import application_code
from exchange.applications.documents import DOCUMENT_KINDS, delete_document, store_document
from exchange.applications.models import (
    Application,
    Document,
    Evaluation,
    PointsChange,
    Preference,
    StateTransition,
)
from exchange.applications.permissions import can_set_points
from exchange.applications.queries import live_application_of
from exchange.applications.states import Action, State
from exchange.auth.models import User
from exchange.auth.permissions import can_choose_substitute, can_place_in
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.contracts.models import ContractSlot
from exchange.contracts.queries import find_contract
from exchange.contracts.services import nomination_refusal
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import format_date, format_month, month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.placements.models import Placement, PlacementCapacity


def step_windows() -> calendar.StepWindows:
    """The windows of the steps after acceptance, from the settings (config.py)."""
    config = current_app.config
    return calendar.StepWindows(
        arrival_days_before_start=config["ARRIVAL_DAYS_BEFORE_START"],
        evaluation_days_before_end=config["EVALUATION_DAYS_BEFORE_END"],
        cc_arrival_days_before_start=config["CC_ARRIVAL_DAYS_BEFORE_START"],
        cc_arrival_days_after_start=config["CC_ARRIVAL_DAYS_AFTER_START"],
    )


def exchange_conditions_for(application: Application) -> ExchangeConditions | None:
    """The host's conditions that the application is made under."""
    return find_conditions(application.host_nmo_id, application.program_id, application.season_id)


def months_open_to_apply(application: Application, today: date) -> list[int]:
    """The months, in season order, that the application may still name: hosted by the
    host, not begun, and with the host's deadline for them not passed."""
    return deadlines.months_open_to_apply(
        exchange_conditions_for(application), application.season, today
    )


def steps_not_open_yet(application: Application, today: date) -> dict[Action, date]:
    """The steps after acceptance that today's date still rules out, each with the day
    from which it is possible; the page shows that day instead of the step."""
    windows = step_windows()
    opens = {}
    if application.starts_on is not None:
        opens[Action.MARK_ARRIVED] = calendar.arrival_opens_on(application.starts_on, windows)
    if application.ends_on is not None:
        opens[Action.SUBMIT_EVALUATION] = calendar.evaluation_opens_on(application.ends_on, windows)
        opens[Action.CERTIFY] = calendar.certificate_opens_on(application.ends_on)
    return {action: day for action, day in opens.items() if today < day}


def nomination_months(application: Application, today: date) -> list[int]:
    """The months the student can go that still take a nomination (not begun)."""
    return calendar.open_months(application.season, today, application.months)


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
    if not calendar.open_months(season, clock.today()):
        raise DomainError(f"Every month of {season.code} has begun: apply for a season to come.")
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
    conditions = find_conditions(host_nmo.id, program.id, season.id)
    if conditions is not None and not deadlines.months_open_to_apply(
        conditions, season, clock.today()
    ):
        raise DomainError(
            f"{host_nmo.acronym} takes no more {program.code} applications for {season.code}: "
            "every month it hosts has begun or its deadline has passed. Choose another host."
        )
    live = live_application_of(student.id, program.id, season.id)
    if live is not None:
        raise _one_live_application(live, program, season)
    number = moves.next_number(program, season)
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
    try:
        # The partial unique index decides between racing requests: the one that inserts
        # second is refused here, and told which application the first one made.
        with db.session.begin_nested():
            db.session.add(application)
            db.session.add(
                StateTransition(
                    application=application,
                    action="create",
                    to_state=State.DRAFT,
                    actor_id=student.id,
                )
            )
    except IntegrityError:
        live = live_application_of(student.id, program.id, season.id)
        if live is None:
            raise
        raise _one_live_application(live, program, season) from None
    return application


def _one_live_application(live: Application, program: Program, season: Season) -> DomainError:
    return DomainError(
        f"You have application {live.code} for {program.code} {season.code} already: a "
        "student has one application per program and season. Withdraw it first to apply "
        "elsewhere."
    )


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


# The AF's own rules: a year of study as students count them, a motivation that fits a page.
STUDY_YEARS = range(1, 9)
MAX_MOTIVATION = 4000


class DraftRefused(DomainError):
    """The application form cannot be saved as given. ``errors`` says why, by the name of
    the form field at fault (months, study_year, motivation, placement_ids), so that a
    page shows each message beside its field; the message holds them all."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


class DraftMonthRefused(DraftRefused, calendar.MonthBegun):
    """A draft refused (among other things) for a month that has begun or whose deadline
    has passed: a MonthBegun too, as every refusal of such a month is."""


def update_draft(
    student: User,
    application: Application,
    months: list[int],
    study_year: int | None,
    motivation: str,
    placement_ids: list[int],
) -> None:
    """Save the application form; ``placement_ids`` are the ranked preferences, best first.
    Refuses with DraftRefused, naming every field at fault, and changes nothing then."""
    _only_the_student_on_a_draft(student, application)
    errors: dict[str, list[str]] = {}
    months = sorted(set(months))
    month_begun = _refuse_draft_months(application, months, errors)
    if study_year is not None and study_year not in STUDY_YEARS:
        errors["study_year"] = [
            f"Give your year of study as a number from {STUDY_YEARS[0]} to {STUDY_YEARS[-1]}."
        ]
    motivation = motivation.strip()
    if len(motivation) > MAX_MOTIVATION:
        errors["motivation"] = [
            f"Keep your motivation to {MAX_MOTIVATION:,} characters; it has {len(motivation):,}."
        ]
    ranked = [placement_id for placement_id in placement_ids if placement_id]
    ranking_errors = _ranking_refusals(application, ranked)
    if ranking_errors:
        errors["placement_ids"] = ranking_errors
    if errors:
        raise (DraftMonthRefused if month_begun else DraftRefused)(errors)
    application.months = months
    application.study_year = study_year
    application.motivation = motivation
    application.preferences.clear()
    db.session.flush()  # the old ranks go before the new ones take their numbers
    for rank, placement_id in enumerate(ranked, start=1):
        application.preferences.append(Preference(rank=rank, placement_id=placement_id))
    application.updated_at = clock.now()
    db.session.flush()


def _refuse_draft_months(application: Application, months: list[int], errors: dict) -> bool:
    """Put what is wrong with ``months`` into ``errors``; whether one has begun or is past
    its deadline."""
    if any(not 1 <= month <= 12 for month in months):
        errors["months"] = ["Choose months from the list."]
        return False
    conditions = exchange_conditions_for(application)
    not_hosted = set(conditions.months_not_hosted) if conditions else set()
    refused = [month_name(m) for m in months if m in not_hosted]
    if refused:
        errors["months"] = [
            f"{application.host_nmo.acronym} does not host in {', '.join(refused)}."
        ]
    season, today = application.season, clock.today()
    begun = False
    for month in (m for m in months if m not in not_hosted):
        try:
            if conditions is None:
                calendar.refuse_begun_month(season, month, today, "applications")
            else:
                deadline = deadlines.application_deadline(conditions, season, month)
                calendar.refuse_closed_application_month(season, month, deadline, today)
        except calendar.MonthBegun as error:
            errors.setdefault("months", []).append(str(error))
            begun = True
    return begun


def _ranking_refusals(application: Application, ranked: list[int]) -> list[str]:
    """What is wrong with the ranking ``ranked``, in words; empty when nothing is."""
    program, noun, refusals = application.program, application.program.placement_noun, []
    if len(set(ranked)) != len(ranked):
        refusals.append(f"Each choice must be a different {noun}: rank each one once.")
    if len(ranked) > program.max_preferences:
        refusals.append(
            f"Rank at most {program.max_preferences} {noun}s: you ranked {len(ranked)}."
        )
    placements = {
        p.id: p for p in db.session.scalars(select(Placement).where(Placement.id.in_(ranked)))
    }
    of_the_host = [
        p
        for p in (placements.get(i) for i in dict.fromkeys(ranked))
        if p and p.nmo_id == application.host_nmo_id and p.kind == program.placement_kind
    ]
    refusals += [
        f"{p.title} ({p.city}) takes no students any more: remove it from your ranking."
        for p in of_the_host
        if not p.is_open
    ]
    if len(of_the_host) < len(set(ranked)):
        refusals.append(f"Choose open {noun}s of {application.host_nmo.acronym}.")
    return refusals


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
    missing += personal.missing_for_submission(
        application, list(conditions.required_personal_data or []), today
    )
    attached = {document.kind for document in application.documents}
    for kind in conditions.required_documents:
        if kind not in attached:
            missing.append(f"Attach your {DOCUMENT_KINDS.get(kind, kind).lower()}.")
    for month in application.months:
        first_day = application.season.month_date(month)
        deadline = deadlines.application_deadline(conditions, application.season, month)
        if first_day <= today:
            missing.append(f"{format_month(first_day)} has begun; remove that month.")
        elif today > deadline:
            missing.append(
                f"The deadline for {format_month(first_day)} was {format_date(deadline)}; "
                "remove that month."
            )
    return missing


def submit_application(student: User, application: Application, today: date) -> None:
    if application.student_id != student.id:
        raise NotAllowed("Only the student submits their application.")
    missing = missing_for_submission(application, today)
    if missing:
        raise DomainError("The application cannot be submitted yet: " + " ".join(missing))
    moves.move(application, Action.SUBMIT, student, submitted_at=clock.now())
    db.session.flush()


def _close(application: Application, action: Action, actor: User, reason: str) -> None:
    """Reject, withdraw or cancel: give back the slot and place, and record the reason."""
    moves.move(
        application,
        action,
        actor,
        reason,
        capacity=lambda: moves.release_holdings(application),
        closed_at=clock.now(),
        closing_reason=(reason or "").strip(),
    )
    db.session.flush()


def withdraw_application(student: User, application: Application, reason: str) -> None:
    _close(application, Action.WITHDRAW, student, reason)


def confirm_application(
    student: User, application: Application, arrival_local: datetime, transport: str
) -> None:
    """The card of confirmation (CC): when and how the student arrives, a few days around
    the start (calendar.cc_arrival_window)."""
    if application.starts_on is not None:
        calendar.refuse_cc_arrival(arrival_local, application.starts_on, step_windows())
    if not transport.strip():
        raise DomainError("Say how you travel.")
    confirmed_at = clock.now()
    moves.move(
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
    if application.ends_on is not None:
        calendar.refuse_evaluation(application.ends_on, clock.today(), step_windows())
    moves.move(application, Action.SUBMIT_EVALUATION, student, completed_at=clock.now())
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


POINTS_STEP = Decimal("0.01")


def set_points(officer: User, application: Application, points: Decimal | None) -> None:
    """Rank a student: the home NMO while it selects (submitted), the host while it places
    (nominated). The matcher ranks by these points when asked to. Each change is kept in
    the history: who, the old and the new points."""
    if points is not None:
        if not points.is_finite() or not Decimal("0") <= points <= MAX_POINTS:
            raise DomainError(f"Give points from 0 to {MAX_POINTS}.")
        if points != points.quantize(POINTS_STEP):
            raise DomainError(
                f"Give points with at most 2 decimals: {points} has more, and would be rounded."
            )
    if not can_set_points(officer, application):
        raise NotAllowed(
            "The home national officer ranks submitted applications, the host's nominated ones."
        )
    side = "home" if application.state == State.SUBMITTED else "host"
    old = application.points if side == "home" else application.host_points
    if old == points:
        return
    if side == "home":
        application.points = points
    else:
        application.host_points = points
    db.session.add(
        PointsChange(
            application=application,
            side=side,
            old_points=old,
            new_points=points,
            actor_id=officer.id,
        )
    )
    db.session.flush()


def nominate_application(officer: User, application: Application, month: int) -> None:
    """The home NMO gives the application a slot of its contract with the host in
    ``month``, a month the student can go that has not begun."""
    if not 1 <= month <= 12:
        raise DomainError("Choose a month from the list.")
    calendar.refuse_begun_month(application.season, month, clock.today(), "nominations")
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
    slot_filter = moves.contract_slot_filter(contract.id, month)
    moves.move(
        application,
        Action.NOMINATE,
        officer,
        capacity=lambda: moves.take(ContractSlot, slot_filter, ContractSlot.slots, refusal),
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
    tutor: str = "",
    meeting_point: str = "",
) -> None:
    """Place the student and issue the card of acceptance (CA), signed by ``officer``."""
    if not can_place_in(officer, placement, application.program_id):
        raise NotAllowed(f"You cannot place students in {placement.title}, {placement.lc.name}.")
    kind = application.program.placement_kind
    if placement.nmo_id != application.host_nmo_id or placement.kind != kind:
        raise DomainError(
            f"Choose a {application.program.placement_noun} of {application.host_nmo.acronym}."
        )
    if not placement.is_open:
        raise DomainError(f"{placement.title} is closed.")
    if placement.weeks not in application.program.rules.weeks:
        raise DomainError(
            f"{placement.title} lasts {placement.weeks} weeks, which {application.program.code} "
            "does not offer."
        )
    today = clock.today()
    month = application.exchange_month
    calendar.refuse_begun_month(
        application.season,
        month,
        today,
        "acceptances",
        "Reject or cancel the nomination to give the contract slot back.",
    )
    calendar.refuse_start(starts_on, application.season.month_date(month), today)
    if not contact_person.strip():
        raise DomainError("Name the contact person for the student.")
    place = moves.place_filter(placement.id, application.season_id, starts_on.month)
    capacity = db.session.scalar(select(PlacementCapacity.capacity).where(place))
    refusal = f"{placement.title} has no free place in {month_name(starts_on.month)}" + (
        f" (all {capacity} are taken)." if capacity else "."
    )
    accepted_at = clock.now()
    moves.move(
        application,
        Action.ACCEPT,
        officer,
        capacity=lambda: moves.take(PlacementCapacity, place, PlacementCapacity.capacity, refusal),
        placement_id=placement.id,
        starts_on=starts_on,
        ends_on=calendar.exchange_end(starts_on, placement.weeks),
        contact_person=contact_person.strip(),
        contact_email=(contact_email or "").strip() or None,
        tutor=tutor.strip() or None,
        meeting_point=meeting_point.strip() or None,
        accepted_at=accepted_at,
        accepted_by_id=officer.id,
        accepted_by_role=_signing_title(officer, placement, application.program_id),
        cc_due_on=deadlines.cc_due_on(starts_on),
        # The CA was due 8 weeks before the month nominated for (ca_due_on, set then):
        # choosing a later start day does not make a late card on time.
        ca_late=deadlines.came_late(accepted_at, application.ca_due_on),
    )
    db.session.flush()


def _signing_title(officer: User, placement: Placement, program_id: int) -> str:
    """The role the CA prints under the signing officer's name: their local role in the
    placement's LC, else their national role in its NMO, else admin."""
    memberships = [m for m in officer.officer_memberships() if m.program_id == program_id]
    for membership in memberships:
        if membership.lc_id == placement.lc_id:
            return membership.title
    for membership in memberships:
        if membership.nmo_id == placement.nmo_id and membership.lc_id is None:
            return membership.title
    return "Admin of the federation"


def mark_arrived(officer: User, application: Application, arrived_on: date | None = None) -> None:
    """The host marks the student as arrived, on ``arrived_on`` (default today): from a
    few days before the start, and never in the future."""
    today = clock.today()
    arrived_on = arrived_on or today
    if application.starts_on is not None:
        calendar.refuse_arrival(arrived_on, application.starts_on, today, step_windows())
    arrived_at = (
        clock.now() if arrived_on == today else datetime.combine(arrived_on, time(), tzinfo=UTC)
    )
    moves.move(application, Action.MARK_ARRIVED, officer, arrived_at=arrived_at)


def certify_application(officer: User, application: Application) -> None:
    """The certificate records a completed exchange: issued only after its end date."""
    if application.ends_on is not None:
        calendar.refuse_certificate(application.ends_on, clock.today())
    moves.move(application, Action.CERTIFY, officer, certified_at=clock.now())


def cancel_application(officer: User, application: Application, reason: str) -> None:
    _close(application, Action.CANCEL, officer, reason)


def substitute_candidates(application: Application) -> list[Application]:
    """Submitted applications that could take over a cancelled one's contract slot: same
    NMO, host, program and season, and free in the slot's month; none once that month
    has begun."""
    if application.exchange_month is None or not calendar.month_is_open(
        application.season.month_date(application.exchange_month), clock.today()
    ):
        return []
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
    calendar.refuse_begun_month(
        cancelled.season,
        cancelled.exchange_month,
        clock.today(),
        "substitutes",
        "Its slot stays unused.",
    )
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
    slot = moves.contract_slot_filter(cancelled.contract_id, cancelled.exchange_month)
    moves.move(
        substitute,
        Action.NOMINATE,
        officer,
        f"Substitute for {cancelled.code}",
        capacity=lambda: moves.take(ContractSlot, slot, ContractSlot.slots, refusal),
        substitute_for_id=cancelled.id,
        contract_id=cancelled.contract_id,
        exchange_month=cancelled.exchange_month,
        nominated_at=clock.now(),
        ca_due_on=deadlines.ca_due_on(substitute.season.month_date(cancelled.exchange_month)),
    )
    db.session.flush()
