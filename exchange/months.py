"""Month names, the season's order of months, and dates in people's terms. Pure Python."""

from datetime import date, datetime

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# A season runs April to March: this is the order months are listed in.
SEASON_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
SEASON_START_MONTH = SEASON_MONTHS[0]


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def format_date(value: date | datetime | None) -> str:
    """ "3 July 2026": no ambiguity between day-first and month-first readers."""
    if value is None:
        return "—"
    return f"{value.day} {month_name(value.month)} {value.year}"


def format_month(value: date) -> str:
    """ "July 2026"."""
    return f"{month_name(value.month)} {value.year}"


def format_datetime(value: datetime | None) -> str:
    """ "3 July 2026, 09:30 UTC" for a moment stored in UTC."""
    if value is None:
        return "—"
    return f"{format_date(value)}, {value:%H:%M} UTC"


def format_local_datetime(value: datetime | None) -> str:
    """A wall-clock time with no time zone, such as a local arrival time."""
    if value is None:
        return "—"
    return f"{format_date(value)}, {value:%H:%M}"
