"""How a report's values read on a page: counts with thousands separators, changes with
their sign, percentages, and a dash for a figure there is none of. Pure Python."""

from dataclasses import dataclass
from datetime import date

from exchange.months import format_date

# How a column reads (exchange.reports.figures.Table.styles): text, a count, a signed
# change, a percentage, a signed change in percent.
TEXT, NUMBER, CHANGE, PERCENT, CHANGE_PERCENT = "text", "number", "change", "percent", "change %"
NUMERIC_STYLES = (NUMBER, CHANGE, PERCENT, CHANGE_PERCENT)
# What the page shows for a figure there is none of, such as the previous season's when
# there was no previous season: not 0, which would be a count.
NONE_SHOWN = "\N{EN DASH}"


@dataclass(frozen=True)
class Shown:
    """One cell as the page shows it: its ``text``, the applications list it links to
    (``filters``: that list's query arguments; None: no link), and whether it is a number
    (aligned right)."""

    text: str
    filters: dict | None = None
    numeric: bool = False


def display(value: object, style: str = "") -> str:
    """``value`` as text for people: a dash for None, counts with thousands separators,
    changes with their sign, percentages with one decimal, dates in words."""
    if value is None:
        return NONE_SHOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int | float):
        if style in (PERCENT, CHANGE_PERCENT):
            text = f"{value:,.1f}%"
        elif isinstance(value, float):
            text = f"{value:,.1f}"
        else:
            text = f"{value:,}"
        signed = style in (CHANGE, CHANGE_PERCENT) and value > 0
        return "+" + text if signed else text
    return str(value)


def shown(value: object, style: str = "", filters: dict | None = None) -> Shown:
    """``value`` of a column of ``style`` as the page shows it, linked to ``filters``."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return Shown(display(value, style), filters, style in NUMERIC_STYLES or number)
