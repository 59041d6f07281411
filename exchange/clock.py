"""The one clock: every "now" and "today" of the product is read here. Pure Python.

Tests freeze it with time-machine, which moves ``datetime.now`` for everything at once;
nothing else in the product may ask the system for the time.
"""

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC, the federation's calendar."""
    return now().date()
