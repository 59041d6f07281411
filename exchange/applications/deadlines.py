"""Deadlines, pure: the application's, and the cards'.

An application must arrive the host's lead time (its exchange conditions say how many
weeks) before the first day of the month it is for. The CA is due 8 weeks and the CC
4 weeks before the start.

A card that came after its due date is late; a card not yet issued whose due date has
passed is overdue. Both count as late cards on lists and in reports.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from exchange.applications.calendar import month_is_open, open_months
from exchange.applications.states import State
from exchange.months import SEASON_MONTHS, format_date

CA_WEEKS_BEFORE_START = 8
CC_WEEKS_BEFORE_START = 4


def application_deadline(conditions, season, month: int) -> date:
    """The last day to submit for an exchange starting in ``month`` of ``season``."""
    return season.month_date(month) - timedelta(weeks=conditions.application_lead_weeks)


def takes_applications(conditions, season, month: int, today: date) -> bool:
    """Whether the host, under ``conditions``, still takes applications for ``month`` of
    ``season`` today: it hosts the month, which has not begun, and the deadline for it has
    not passed (calendar.month_is_open)."""
    return month not in (conditions.months_not_hosted or []) and month_is_open(
        season.month_date(month), today, application_deadline(conditions, season, month)
    )


def months_open_to_apply(conditions, season, today: date) -> list[int]:
    """The season's months, in order, that take applications today; with no conditions
    published yet, those that have not begun."""
    if conditions is None:
        return open_months(season, today)
    return [m for m in SEASON_MONTHS if takes_applications(conditions, season, m, today)]


def ca_due_on(start: date) -> date:
    return start - timedelta(weeks=CA_WEEKS_BEFORE_START)


def cc_due_on(start: date) -> date:
    return start - timedelta(weeks=CC_WEEKS_BEFORE_START)


def came_late(issued_at: datetime, due_on: date) -> bool:
    return issued_at.date() > due_on


@dataclass(frozen=True)
class LateCard:
    card: str  # "CA" or "CC"
    due_on: date
    issued: bool  # True: issued late; False: not issued, and overdue

    @property
    def label(self) -> str:
        if self.issued:
            return f"Late {self.card}"
        return f"{self.card} overdue"

    @property
    def explanation(self) -> str:
        due = format_date(self.due_on)
        if self.issued:
            return f"The {self.card} came after its due date, {due}."
        return f"The {self.card} was due by {due} and is not in yet."


def late_cards(application, today: date) -> list[LateCard]:
    """The late or overdue cards of an application that is still on its way."""
    found = []
    if application.ca_due_on is not None:
        if application.ca_late:
            found.append(LateCard("CA", application.ca_due_on, issued=True))
        elif application.state == State.NOMINATED and today > application.ca_due_on:
            found.append(LateCard("CA", application.ca_due_on, issued=False))
    if application.cc_due_on is not None:
        if application.cc_late:
            found.append(LateCard("CC", application.cc_due_on, issued=True))
        elif application.state == State.ACCEPTED and today > application.cc_due_on:
            found.append(LateCard("CC", application.cc_due_on, issued=False))
    return found
