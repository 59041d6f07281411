"""The cycle's calendar, pure: which months of a season are still open, which start dates
an acceptance may give, and from when each step after acceptance may be taken.

One rule decides whether a month is open (``month_is_open``): while its first day is
after today. Nominations, acceptances, substitutes and matcher proposals go only into open
months; an application also needs the host's deadline for the month not to have passed.
Every page that offers months and every service that takes one asks this module, so
nothing in the product offers or takes a month that has begun.

Nothing here knows of Flask or the database: seasons are anything with ``month_date``.
"""

import calendar as _gregorian
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from exchange.errors import DomainError
from exchange.months import SEASON_MONTHS, format_date, format_month


class HasMonths(Protocol):
    def month_date(self, month: int) -> date: ...


class MonthBegun(DomainError):
    """A request named a month that has begun (or whose deadline has passed)."""


class TooEarly(DomainError):
    """A step after acceptance asked for before the exchange's dates allow it."""


def month_is_open(first_day: date, today: date, deadline: date | None = None) -> bool:
    """Whether the month starting on ``first_day`` still takes nominations, acceptances,
    substitutes and matcher proposals: while its first day is after today. With the
    host's application ``deadline`` for the month, whether it still takes applications:
    also while today is on or before the deadline."""
    return first_day > today and (deadline is None or today <= deadline)


def open_months(season: HasMonths, today: date, months: Iterable[int] = SEASON_MONTHS) -> list[int]:
    """Those of ``months`` (in the order given) that are open in ``season`` today."""
    return [month for month in months if month_is_open(season.month_date(month), today)]


def refuse_begun_month(
    season: HasMonths, month: int, today: date, step: str, advice: str = "Choose a later month."
) -> None:
    """Raise ``MonthBegun`` naming the month when it is not open; ``step`` says what was
    asked for, such as "nominations", and ``advice`` what to do instead."""
    first_day = season.month_date(month)
    if not month_is_open(first_day, today):
        raise MonthBegun(
            f"{format_month(first_day)} began on {format_date(first_day)}: {step} go only "
            f"into months that have not begun yet. {advice}"
        )


def refuse_closed_application_month(
    season: HasMonths, month: int, deadline: date, today: date
) -> None:
    """Raise ``MonthBegun`` when ``month`` no longer takes applications, saying why."""
    first_day = season.month_date(month)
    if first_day <= today:
        raise MonthBegun(
            f"{format_month(first_day)} began on {format_date(first_day)}: choose months "
            "that have not begun yet."
        )
    if today > deadline:
        raise MonthBegun(
            f"The deadline to apply for {format_month(first_day)} was "
            f"{format_date(deadline)}: choose a later month."
        )


# Acceptance dates


def last_day_of_month(first_day: date) -> date:
    return first_day.replace(day=_gregorian.monthrange(first_day.year, first_day.month)[1])


def start_window(first_day: date, today: date) -> tuple[date, date]:
    """The first and last start date an acceptance into the month beginning on
    ``first_day`` may give: inside the month, and today or later."""
    return max(first_day, today), last_day_of_month(first_day)


def refuse_start(starts_on: date, first_day: date, today: date) -> None:
    earliest, latest = start_window(first_day, today)
    if not earliest <= starts_on <= latest:
        raise DomainError(
            f"The student is nominated for {format_month(first_day)}: start the exchange "
            f"between {format_date(earliest)} and {format_date(latest)}."
        )


def exchange_end(starts_on: date, weeks: int) -> date:
    """The last day of an exchange of ``weeks`` weeks that starts on ``starts_on``."""
    return starts_on + timedelta(weeks=weeks)


# The steps after acceptance


@dataclass(frozen=True)
class StepWindows:
    """How the steps after acceptance keep to the exchange's dates; each is a setting."""

    arrival_days_before_start: int = 3
    evaluation_days_before_end: int = 7
    cc_arrival_days_before_start: int = 7
    cc_arrival_days_after_start: int = 3


def cc_arrival_window(starts_on: date, windows: StepWindows) -> tuple[date, date]:
    """The first and last day the card of confirmation may give as the arrival."""
    return (
        starts_on - timedelta(days=windows.cc_arrival_days_before_start),
        starts_on + timedelta(days=windows.cc_arrival_days_after_start),
    )


def refuse_cc_arrival(arrival: datetime, starts_on: date, windows: StepWindows) -> None:
    earliest, latest = cc_arrival_window(starts_on, windows)
    if not earliest <= arrival.date() <= latest:
        raise DomainError(
            f"The exchange starts on {format_date(starts_on)}: give an arrival between "
            f"{format_date(earliest)} and {format_date(latest)}."
        )


def arrival_opens_on(starts_on: date, windows: StepWindows) -> date:
    """The first day the host may mark the student as arrived."""
    return starts_on - timedelta(days=windows.arrival_days_before_start)


def refuse_arrival(arrived_on: date, starts_on: date, today: date, windows: StepWindows) -> None:
    """The arrival is marked with a date from a few days before the start up to today."""
    opens = arrival_opens_on(starts_on, windows)
    if today < opens:
        raise TooEarly(
            f"The exchange starts on {format_date(starts_on)}: the arrival can be marked from "
            f"{format_date(opens)}."
        )
    if arrived_on > today:
        raise DomainError(
            f"{format_date(arrived_on)} is in the future: mark the arrival once it has happened."
        )
    if arrived_on < opens:
        raise DomainError(
            f"The exchange starts on {format_date(starts_on)}: give an arrival on or after "
            f"{format_date(opens)}."
        )


def evaluation_opens_on(ends_on: date, windows: StepWindows) -> date:
    """The first day the student may send the evaluation form."""
    return ends_on - timedelta(days=windows.evaluation_days_before_end)


def refuse_evaluation(ends_on: date, today: date, windows: StepWindows) -> None:
    opens = evaluation_opens_on(ends_on, windows)
    if today < opens:
        raise TooEarly(
            f"The exchange ends on {format_date(ends_on)}: the evaluation form can be sent "
            f"from {format_date(opens)}."
        )


def certificate_opens_on(ends_on: date) -> date:
    """The certificate records a completed exchange: it is issued after the end date."""
    return ends_on + timedelta(days=1)


def refuse_certificate(ends_on: date, today: date) -> None:
    opens = certificate_opens_on(ends_on)
    if today < opens:
        raise TooEarly(
            f"The exchange ends on {format_date(ends_on)}: the certificate can be issued from "
            f"{format_date(opens)}."
        )
