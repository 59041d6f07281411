"""The cycle's calendar rules, pure: open months, start dates, and the windows of the
steps after acceptance, at the days where they turn."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from exchange.applications import calendar
from exchange.applications.calendar import MonthBegun, StepWindows, TooEarly
from exchange.errors import DomainError
from exchange.months import SEASON_MONTHS


@dataclass
class Season:
    """A season as the calendar sees it: April to March."""

    first_year: int

    def month_date(self, month: int) -> date:
        year = self.first_year if month >= 4 else self.first_year + 1
        return date(year, month, 1)


SEASON_2026 = Season(2026)
SEASON_2027 = Season(2027)
WINDOWS = StepWindows()


@pytest.mark.parametrize(
    ("today", "open_in_2026_27"),
    [
        # A month's first day: the month has begun, the next is open.
        (date(2026, 7, 1), [8, 9, 10, 11, 12, 1, 2, 3]),
        # The day before a month's first day: that month is still open.
        (date(2026, 6, 30), [7, 8, 9, 10, 11, 12, 1, 2, 3]),
        # Before the season: every month is open.
        (date(2026, 3, 31), list(SEASON_MONTHS)),
        # Its first day: April has begun.
        (date(2026, 4, 1), [5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]),
        # 1 December 2026, the day of the report: nothing before January 2027 is open.
        (date(2026, 12, 1), [1, 2, 3]),
        # The last day of the season and the first of the next: nothing of 2026/27 is open.
        (date(2027, 3, 31), []),
        (date(2027, 4, 1), []),
    ],
)
def test_a_month_is_open_while_its_first_day_is_after_today(today, open_in_2026_27):
    assert calendar.open_months(SEASON_2026, today) == open_in_2026_27


def test_the_next_season_opens_at_the_turn():
    assert calendar.open_months(SEASON_2027, date(2027, 3, 31)) == list(SEASON_MONTHS)
    assert calendar.open_months(SEASON_2027, date(2027, 4, 1))[0] == 5


def test_a_leap_day():
    leap_day = date(2028, 2, 29)
    assert calendar.open_months(SEASON_2027, leap_day) == [3]
    assert calendar.last_day_of_month(date(2028, 2, 1)) == leap_day
    assert calendar.last_day_of_month(date(2027, 2, 1)) == date(2027, 2, 28)


def test_open_months_keep_the_order_and_the_months_asked_about():
    assert calendar.open_months(SEASON_2026, date(2026, 8, 15), [2, 7, 9]) == [2, 9]


def test_applications_also_need_the_deadline_not_to_have_passed():
    first_day = date(2026, 9, 1)
    deadline = date(2026, 7, 7)
    assert calendar.month_is_open(first_day, date(2026, 7, 7), deadline)
    assert not calendar.month_is_open(first_day, date(2026, 7, 8), deadline)
    # The deadline is no reason to close nominations: those ask only for the first day.
    assert calendar.month_is_open(first_day, date(2026, 7, 8))


def test_a_begun_month_is_refused_by_name_and_with_the_reason():
    with pytest.raises(MonthBegun) as refused:
        calendar.refuse_begun_month(SEASON_2026, 7, date(2026, 12, 1), "nominations")
    assert str(refused.value) == (
        "July 2026 began on 1 July 2026: nominations go only into months that have not begun "
        "yet. Choose a later month."
    )
    calendar.refuse_begun_month(SEASON_2026, 1, date(2026, 12, 1), "nominations")  # open


def test_an_application_month_past_its_deadline_is_refused_with_the_deadline():
    with pytest.raises(MonthBegun) as refused:
        calendar.refuse_closed_application_month(SEASON_2026, 9, date(2026, 7, 7), date(2026, 7, 8))
    assert str(refused.value) == (
        "The deadline to apply for September 2026 was 7 July 2026: choose a later month."
    )
    with pytest.raises(MonthBegun, match="September 2026 began on 1 September 2026"):
        calendar.refuse_closed_application_month(
            SEASON_2026, 9, date(2026, 9, 30), date(2026, 9, 1)
        )


def test_a_start_date_lies_in_the_nominated_month_and_not_before_today():
    july = date(2026, 7, 1)
    assert calendar.start_window(july, date(2026, 4, 15)) == (july, date(2026, 7, 31))
    assert calendar.start_window(july, date(2026, 7, 10)) == (date(2026, 7, 10), date(2026, 7, 31))
    calendar.refuse_start(date(2026, 7, 31), july, date(2026, 4, 15))
    for refused_day in (date(2026, 6, 30), date(2026, 8, 1), date(2027, 7, 5)):
        with pytest.raises(DomainError, match="between 1 July 2026 and 31 July 2026"):
            calendar.refuse_start(refused_day, july, date(2026, 4, 15))


def test_the_end_follows_from_the_length():
    assert calendar.exchange_end(date(2026, 7, 6), 4) == date(2026, 8, 3)
    assert calendar.exchange_end(date(2028, 2, 1), 8) == date(2028, 3, 28)


START = date(2027, 2, 1)
END = date(2027, 3, 1)


def test_the_arrival_is_marked_from_three_days_before_the_start_and_never_ahead():
    # 1 December 2026, the report's case: refused, saying from when it is possible.
    with pytest.raises(TooEarly) as refused:
        calendar.refuse_arrival(date(2026, 12, 1), START, date(2026, 12, 1), WINDOWS)
    assert str(refused.value) == (
        "The exchange starts on 1 February 2027: the arrival can be marked from 29 January 2027."
    )
    with pytest.raises(TooEarly):
        calendar.refuse_arrival(date(2027, 1, 28), START, date(2027, 1, 28), WINDOWS)
    calendar.refuse_arrival(date(2027, 1, 29), START, date(2027, 1, 29), WINDOWS)
    with pytest.raises(DomainError, match="2 February 2027 is in the future"):
        calendar.refuse_arrival(date(2027, 2, 2), START, date(2027, 2, 1), WINDOWS)
    with pytest.raises(DomainError, match="on or after 29 January 2027"):
        calendar.refuse_arrival(date(2027, 1, 20), START, date(2027, 2, 3), WINDOWS)


def test_the_evaluation_is_sent_from_seven_days_before_the_end():
    with pytest.raises(TooEarly, match="can be sent from 22 February 2027"):
        calendar.refuse_evaluation(END, date(2027, 2, 21), WINDOWS)
    calendar.refuse_evaluation(END, date(2027, 2, 22), WINDOWS)


def test_the_certificate_comes_after_the_end():
    with pytest.raises(TooEarly, match="can be issued from 2 March 2027"):
        calendar.refuse_certificate(END, END)
    calendar.refuse_certificate(END, date(2027, 3, 2))


def test_the_card_of_confirmation_arrives_around_the_start():
    assert calendar.cc_arrival_window(START, WINDOWS) == (date(2027, 1, 25), date(2027, 2, 4))
    calendar.refuse_cc_arrival(datetime(2027, 1, 25, 0, 5), START, WINDOWS)
    calendar.refuse_cc_arrival(datetime(2027, 2, 4, 23, 55), START, WINDOWS)
    for refused in (datetime(2027, 1, 24, 23, 59), datetime(2027, 2, 5, 0, 1)):
        with pytest.raises(DomainError, match="between 25 January 2027 and 4 February 2027"):
            calendar.refuse_cc_arrival(refused, START, WINDOWS)


def test_each_window_is_a_setting():
    wide = StepWindows(
        arrival_days_before_start=10,
        evaluation_days_before_end=14,
        cc_arrival_days_before_start=1,
        cc_arrival_days_after_start=0,
    )
    assert calendar.arrival_opens_on(START, wide) == date(2027, 1, 22)
    assert calendar.evaluation_opens_on(END, wide) == date(2027, 2, 15)
    assert calendar.cc_arrival_window(START, wide) == (date(2027, 1, 31), START)
