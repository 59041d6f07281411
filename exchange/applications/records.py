"""The officers' records on an application: internal notes, and the fee as paid.

Notes are the officers' own: the home NMO's always, the host NMO's once the application
is nominated to it, and the admins'. The student never sees one, nor that one was added.
The fee is the host's to record (its national officers, the local officers of the LC the
student is placed in, and admins); everyone who sees the application sees its state.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications import fees
from exchange.applications.models import Application, ApplicationNote
from exchange.applications.permissions import actors_for
from exchange.applications.record_models import FeeRecord
from exchange.applications.services import exchange_conditions_for
from exchange.applications.states import Actor
from exchange.auth.models import Role, User
from exchange.auth.permissions import can_manage_nmo, memberships_of
from exchange.conditions.services import CURRENCIES, MAX_FEE
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import format_date

MAX_NOTE = 4000
CENT = Decimal("0.01")

_HOME = frozenset({Actor.HOME_NATIONAL_OFFICER, Actor.HOME_LOCAL_OFFICER})
_HOST = frozenset({Actor.HOST_NATIONAL_OFFICER, Actor.HOST_LOCAL_OFFICER})


@dataclass(frozen=True)
class HistoryEntry:
    """A line of the application's history that is not a state step: what was recorded."""

    created_at: datetime
    actor: User | None
    summary: str


# Who may do what


def note_sides(user, application: Application) -> list[int]:
    """The NMOs ``user`` may write internal notes for on ``application`` (home first); no
    side at all means the user sees no notes. Pure: reads attributes only."""
    actors = actors_for(user, application)
    if not actors or Actor.STUDENT in actors:
        return []  # never the student's, whatever else they are
    admin = Actor.ADMIN in actors
    sides = []
    if admin or actors & _HOME:
        sides.append(application.home_nmo_id)
    if application.contract_id is not None and (admin or actors & _HOST):
        sides.append(application.host_nmo_id)
    return sides


def can_see_notes(user, application: Application) -> bool:
    return bool(note_sides(user, application))


def can_record_fee(user, application: Application) -> bool:
    """The host's national officers, the local officers of the LC the student is placed
    in, and admins, once the application is nominated to the host. Pure."""
    if application.contract_id is None:
        return False
    if Actor.STUDENT in actors_for(user, application):
        return False
    if can_manage_nmo(user, application.host_nmo_id, application.program_id):
        return True  # admins too
    placement = application.placement
    return placement is not None and any(
        m.lc_id == placement.lc_id and m.program_id == application.program_id
        for m in memberships_of(user, Role.LOCAL_OFFICER)
    )


def side_label(application: Application, nmo_id: int) -> str:
    return "home NMO" if nmo_id == application.home_nmo_id else "host NMO"


# The rules of what may be recorded, shared by the forms and the services


def note_problem(body: str) -> str | None:
    """What is wrong with a note's text, if anything."""
    body = body.strip()
    if not body:
        return "Write the note first: it is empty."
    if len(body) > MAX_NOTE:
        return f"A note has at most {MAX_NOTE:,} characters; this one has {len(body):,}."
    return None


def fee_amount_problem(amount: Decimal) -> str | None:
    """What is wrong with an amount paid, if anything: it is finite, more than 0, with at
    most 2 decimals, and fits the column."""
    if not amount.is_finite():
        return "Give the amount as a number, e.g. 150 or 150.50."
    if amount <= 0:
        return "The amount paid is more than 0; to say nothing is paid, clear the payment."
    if amount > MAX_FEE:
        return f"The amount paid is at most {MAX_FEE:,}."
    if amount != amount.quantize(CENT):
        return f"Give the amount with at most 2 decimals: {amount} has more."
    return None


def fee_date_problem(paid_on: date, today: date) -> str | None:
    if paid_on > today:
        return f"The fee cannot be paid in the future: give a day up to {format_date(today)}."
    return None


def fee_currencies(asked: fees.FeeAsked | None) -> list[str]:
    """The currencies a payment may be recorded in: the conditions' list, and the one the
    fee is asked in should the conditions keep a code the list no longer has."""
    codes = list(CURRENCIES)
    if asked is not None and asked.currency not in codes:
        codes.insert(0, asked.currency)
    return codes


# Reading


def fee_asked_of(application: Application) -> fees.FeeAsked | None:
    return fees.fee_asked(application, exchange_conditions_for(application))


def notes_of(application: Application) -> list[ApplicationNote]:
    """The application's internal notes, oldest first, with their authors and sides."""
    return list(
        db.session.scalars(
            select(ApplicationNote)
            .where(ApplicationNote.application_id == application.id)
            .order_by(ApplicationNote.id)
            .options(selectinload(ApplicationNote.author), selectinload(ApplicationNote.nmo))
        )
    )


def fee_records_of(application: Application) -> list[FeeRecord]:
    """Each recording, correction and clearing of the fee, oldest first."""
    return list(
        db.session.scalars(
            select(FeeRecord)
            .where(FeeRecord.application_id == application.id)
            .order_by(FeeRecord.id)
            .options(selectinload(FeeRecord.actor))
        )
    )


def fee_recorder(application: Application) -> User | None:
    """Who recorded the payment as it stands."""
    if application.fee_recorded_by_id is None:
        return None
    return db.session.get(User, application.fee_recorded_by_id)


def _fee_summary(record: FeeRecord, previous: FeeRecord | None) -> str:
    if record.cleared:
        return "Fee payment cleared"
    paid = f"{record.amount} {record.currency} on {format_date(record.paid_on)}"
    if previous is None or previous.cleared:
        return f"Fee recorded as paid: {paid}"
    return f"Fee payment corrected: {paid}"


def history_entries(viewer, application: Application) -> list[HistoryEntry]:
    """The notes added (for those who see notes) and the fee's records (for everyone who
    sees the application), oldest first."""
    entries = []
    if can_see_notes(viewer, application):
        entries += [
            HistoryEntry(
                note.created_at,
                note.author,
                f"Internal note added ({side_label(application, note.nmo_id)})",
            )
            for note in notes_of(application)
        ]
    previous = None
    for record in fee_records_of(application):
        entries.append(
            HistoryEntry(record.created_at, record.actor, _fee_summary(record, previous))
        )
        previous = record
    return sorted(entries, key=lambda entry: entry.created_at)


# Recording


def add_note(author: User, application: Application, nmo_id: int, body: str) -> ApplicationNote:
    """An internal note, written for the home or the host side; never changed after."""
    sides = note_sides(author, application)
    if not sides:
        raise NotAllowed("Internal notes are for the officers of the NMOs concerned.")
    if nmo_id not in sides:
        raise NotAllowed(
            "Write the note for your own side: "
            + " or ".join(side_label(application, side) for side in sides)
            + "."
        )
    problem = note_problem(body)
    if problem:
        raise DomainError(problem)
    note = ApplicationNote(
        application=application, author_id=author.id, nmo_id=nmo_id, body=body.strip()
    )
    db.session.add(note)
    db.session.flush()
    return note


def _refuse_fee_recording(officer: User, application: Application) -> None:
    if not can_record_fee(officer, application):
        raise NotAllowed(
            "The host NMO's national officers, and the local officers of the LC the student "
            "is placed in, record the fee."
        )


def record_fee_paid(
    officer: User, application: Application, amount: Decimal, currency: str, paid_on: date
) -> bool:
    """Record the fee as paid, or correct the payment recorded: the amount, currency and
    day. False where it was recorded so already (nothing is added to the history)."""
    _refuse_fee_recording(officer, application)
    asked = fee_asked_of(application)
    if asked is None and application.fee_paid_on is None:
        raise DomainError(f"{application.host_nmo.acronym} asks no fee of this exchange.")
    problem = fee_amount_problem(amount) or fee_date_problem(paid_on, clock.today())
    if problem:
        raise DomainError(problem)
    if currency not in fee_currencies(asked):
        raise DomainError("Choose the currency from the list.")
    if (application.fee_paid_amount, application.fee_paid_currency, application.fee_paid_on) == (
        amount,
        currency,
        paid_on,
    ):
        return False
    application.fee_paid_amount = amount
    application.fee_paid_currency = currency
    application.fee_paid_on = paid_on
    application.fee_recorded_by_id = officer.id
    db.session.add(
        FeeRecord(
            application=application,
            amount=amount,
            currency=currency,
            paid_on=paid_on,
            actor_id=officer.id,
        )
    )
    db.session.flush()
    return True


def clear_fee_paid(officer: User, application: Application) -> None:
    """Say the fee is not paid after all: the payment recorded is cleared."""
    _refuse_fee_recording(officer, application)
    if application.fee_paid_on is None:
        raise DomainError("No payment is recorded: there is nothing to clear.")
    application.fee_paid_amount = None
    application.fee_paid_currency = None
    application.fee_paid_on = None
    application.fee_recorded_by_id = None
    db.session.add(FeeRecord(application=application, actor_id=officer.id))
    db.session.flush()
