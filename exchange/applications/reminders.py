"""Reminders of cards due soon or overdue: each host officer hears of the CAs they owe,
each student of the CC they owe, at most once a day per card and person.

A card is pending while its application waits for it (the CA while nominated, the CC
while accepted). It is due soon when its due date is today or within the next
``REMINDER_DAYS_AHEAD`` days, and overdue once the date has passed (as in
exchange.applications.deadlines).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from exchange import clock
from exchange.applications.deadlines import CA_WEEKS_BEFORE_START, CC_WEEKS_BEFORE_START
from exchange.applications.models import Application, CardReminder
from exchange.applications.permissions import can_view_application
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.extensions import db
from exchange.links import public_url
from exchange.months import format_date, format_month
from exchange.outbox import queue_email

REMINDER_DAYS_AHEAD = 7

CA = "CA"
CC = "CC"
# card: (the state in which the application waits for it, its due date)
PENDING = {
    CA: (State.NOMINATED, Application.ca_due_on),
    CC: (State.ACCEPTED, Application.cc_due_on),
}


def horizon(today: date) -> date:
    """The last due date that is reminded of today."""
    return today + timedelta(days=REMINDER_DAYS_AHEAD)


def due_soon_condition(card: str, today: date):
    """SQL: ``card`` is pending and due between today and ``horizon(today)``."""
    state, due_on = PENDING[card]
    return and_(Application.state == state, due_on >= today, due_on <= horizon(today))


def overdue_condition(card: str, today: date):
    """SQL: ``card`` is pending and its due date has passed."""
    state, due_on = PENDING[card]
    return and_(Application.state == state, due_on < today)


def to_remind_condition(card: str, today: date):
    """SQL: ``card`` is pending and due soon or overdue."""
    state, due_on = PENDING[card]
    return and_(Application.state == state, due_on <= horizon(today))


@dataclass(frozen=True)
class RemindersSent:
    """What one run mailed: ``mails`` messages about ``cards`` (application, card) pairs."""

    mails: int
    cards: int

    def __str__(self) -> str:
        if not self.mails:
            return "Nothing to remind today."
        reminders = "reminder" if self.mails == 1 else "reminders"
        cards = "card" if self.cards == 1 else "cards"
        return f"Sent {self.mails} {reminders} about {self.cards} {cards}."


def send_card_reminders() -> RemindersSent:
    """Mail today's reminders: one mail per host officer listing the CAs they owe, one per
    student for the CC they owe. Flushes; the caller commits.

    The reminders are recorded first, and the database keeps one per card, person and day
    (its unique constraint): a second run the same day, even one running at the same
    moment, records nothing, so it mails nothing.
    """
    today = clock.today()
    wanted = {**_officers_owing_a_ca(today), **_students_owing_a_cc(today)}
    recorded = _record(sorted(wanted), today)
    mails: dict[tuple[int, str], list[Application]] = defaultdict(list)
    people: dict[int, User] = {}
    for application_id, card, recipient_id in recorded:
        application, person = wanted[(application_id, card, recipient_id)]
        people[person.id] = person
        mails[(person.id, card)].append(application)
    for person_id, card in sorted(mails):
        applications = mails[(person_id, card)]
        applications.sort(key=lambda a: (_due_on(a, card), a.code))
        write = _ca_reminder if card == CA else _cc_reminder
        write(people[person_id], applications, today)
    cards = {(application_id, card) for application_id, card, _ in recorded}
    return RemindersSent(mails=len(mails), cards=len(cards))


Wanted = dict[tuple[int, str, int], tuple[Application, User]]


def _officers_owing_a_ca(today: date) -> Wanted:
    """The host officers of each pending CA, picked as exchange.applications.notifications
    picks them: the host NMO's national officers, and once placed, the placement's LC's
    local officers; only those who may see the application."""
    applications = list(
        db.session.scalars(
            select(Application)
            .where(to_remind_condition(CA, today))
            .options(
                selectinload(Application.student),
                selectinload(Application.home_nmo),
                selectinload(Application.host_nmo),
                selectinload(Application.season),
                selectinload(Application.placement),
            )
        )
    )
    if not applications:
        return {}
    programs = {a.program_id for a in applications}
    national = _officers(
        Role.NATIONAL_OFFICER, Membership.nmo_id, {a.host_nmo_id for a in applications}, programs
    )
    lc_ids = {a.placement.lc_id for a in applications if a.placement is not None}
    local = _officers(Role.LOCAL_OFFICER, Membership.lc_id, lc_ids, programs) if lc_ids else {}
    wanted: Wanted = {}
    for application in applications:
        people = national.get((application.host_nmo_id, application.program_id), [])
        if application.placement is not None:
            people = people + local.get((application.placement.lc_id, application.program_id), [])
        for person in people:
            if can_view_application(person, application):
                wanted[(application.id, CA, person.id)] = (application, person)
    return wanted


def _officers(role: Role, scope, scope_ids: set[int], program_ids: set[int]) -> dict:
    """The active officers with ``role`` in each (NMO or LC, program), in one query."""
    rows = db.session.execute(
        select(scope, Membership.program_id, User)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.role == role,
            scope.in_(scope_ids),
            Membership.program_id.in_(program_ids),
            User.is_active,
        )
        .order_by(User.id)
    ).all()
    found: dict[tuple[int, int], list[User]] = defaultdict(list)
    for scope_id, program_id, user in rows:
        found[(scope_id, program_id)].append(user)
    return found


def _students_owing_a_cc(today: date) -> Wanted:
    applications = db.session.scalars(
        select(Application)
        .where(to_remind_condition(CC, today))
        .options(
            selectinload(Application.student),
            selectinload(Application.host_nmo),
            selectinload(Application.placement),
        )
    )
    return {
        (application.id, CC, application.student_id): (application, application.student)
        for application in applications
        if application.student.is_active
    }


def _record(keys: list[tuple[int, str, int]], today: date) -> list[tuple[int, str, int]]:
    """Record a reminder for each (application, card, recipient) not reminded today yet,
    and return those this call recorded: the others are another run's."""
    if not keys:
        return []
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        db.session.get_bind().dialect.name
    ]
    statement = (
        insert(CardReminder)
        .on_conflict_do_nothing(
            index_elements=["application_id", "card", "recipient_id", "sent_on"]
        )
        .returning(CardReminder.application_id, CardReminder.card, CardReminder.recipient_id)
    )
    rows = [
        {"application_id": a, "card": card, "recipient_id": r, "sent_on": today}
        for a, card, r in keys
    ]
    return sorted(tuple(row) for row in db.session.execute(statement, rows))


def _due_on(application: Application, card: str) -> date:
    return application.ca_due_on if card == CA else application.cc_due_on


def _due(application: Application, card: str, today: date) -> str:
    due_on = _due_on(application, card)
    if due_on < today:
        days = (today - due_on).days
        return f"overdue since {format_date(due_on)} ({days} day{'s' if days != 1 else ''} ago)"
    if due_on == today:
        return "due today"
    return f"due by {format_date(due_on)}"


def _ca_reminder(officer: User, applications: list[Application], today: date) -> None:
    overdue = [a for a in applications if a.ca_due_on < today]
    soon = [a for a in applications if a.ca_due_on >= today]
    counts = [f"{len(overdue)} overdue"] if overdue else []
    if soon:
        counts.append(f"{len(soon)} due within {REMINDER_DAYS_AHEAD} days")
    subject = "Cards of acceptance to issue: " + ", ".join(counts)
    lines = [
        f"Hello {officer.name},",
        "",
        "These nominated students wait for their card of acceptance (CA), due "
        f"{CA_WEEKS_BEFORE_START} weeks before the start of the exchange. Place each one and "
        "issue the CA, or reject the application with a reason, from its page.",
    ]
    for title, group in (("Overdue", overdue), (f"Due within {REMINDER_DAYS_AHEAD} days", soon)):
        if not group:
            continue
        lines += ["", f"{title}:"]
        for application in group:
            month = application.exchange_month
            when = format_month(application.season.month_date(month)) if month else "—"
            lines += [
                f"- {application.code}: {application.student.name} from "
                f"{application.home_nmo.acronym} to {application.host_nmo.acronym}, {when}; "
                f"the CA is {_due(application, CA, today)}.",
                f"  {public_url('applications.show', code=application.code)}",
            ]
    lines += [
        "",
        "All nominated students waiting for a placement: "
        + public_url("applications.index", queue="incoming", state=State.NOMINATED.value),
        "",
        "You get this reminder at most once a day while a card is due or overdue.",
    ]
    queue_email(officer.email, subject, "\n".join(lines) + "\n")


def _cc_reminder(student: User, applications: list[Application], today: date) -> None:
    if len(applications) == 1:
        (application,) = applications
        state = "overdue" if application.cc_due_on < today else "due"
        subject = f"{application.code}: your card of confirmation is {state}"
    else:
        subject = "Your cards of confirmation are due"
    lines = [
        f"Hello {student.name},",
        "",
        "Send your card of confirmation (CC): when and how you arrive. It is due "
        f"{CC_WEEKS_BEFORE_START} weeks before the start of the exchange.",
    ]
    for application in applications:
        placement = application.placement
        lines += [
            "",
            f"{application.code}: {application.host_nmo.acronym} accepted you at "
            f"{placement.title}, {placement.city}, from {format_date(application.starts_on)}. "
            f"The CC is {_due(application, CC, today)}.",
            f"Send it from the application's page: "
            f"{public_url('applications.show', code=application.code)}",
        ]
    lines += ["", "You get this reminder at most once a day while your card is due."]
    queue_email(student.email, subject, "\n".join(lines) + "\n")
