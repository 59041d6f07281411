"""The season's calendar, pure: a season runs 1 April to 31 March and is written
"2026/27". Nothing here knows of Flask or the database."""

import re
from datetime import date

from exchange.errors import DomainError
from exchange.months import SEASON_START_MONTH

_CODE = re.compile(r"(\d{4})/(\d{2})")


class BadSeasonCode(DomainError):
    """A season code that is not two consecutive years, such as "2027/28"."""


def season_code_of(day: date) -> str:
    """The code of the season that ``day`` falls in: 31 March 2027 is in "2026/27",
    1 April 2027 in "2027/28"."""
    start = day.year if day.month >= SEASON_START_MONTH else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def season_dates(code: str) -> tuple[date, date]:
    """The first and last day of the season ``code``, or ``BadSeasonCode``."""
    start = first_year(code)
    return date(start, SEASON_START_MONTH, 1), date(start + 1, SEASON_START_MONTH - 1, 31)


def first_year(code: str) -> int:
    """2027 for "2027/28"; ``BadSeasonCode`` unless the code is two consecutive years."""
    match = _CODE.fullmatch(code.strip())
    if match is None:
        raise BadSeasonCode(
            f"Write a season as two consecutive years, such as 2027/28; not {code!r}."
        )
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        raise BadSeasonCode(
            f"{code} is not two consecutive years: the season that starts on 1 April {start} is "
            f"{start}/{(start + 1) % 100:02d}."
        )
    if not 2000 <= start <= 2098:
        raise BadSeasonCode(f"{code} is not a season this federation can run.")
    return start


def next_season_code(code: str) -> str:
    start = first_year(code) + 1
    return f"{start}/{(start + 1) % 100:02d}"
