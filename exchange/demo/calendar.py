"""The demo's calendar, plain functions with no database: where an exchange stands on the
day the demo is seeded, and times for an application's steps that keep their order and come
before that day.

The demo shows the federation as it stood at the end of yesterday (UTC): every timestamp is
before today's midnight, so the same seed builds the same demo all day, and nothing is
dated after ``clock.now()``. An exchange's month, measured from today, says which states its
application can be in (the ``Phase``); the builder's state weights are given per phase.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from exchange.applications.deadlines import ca_due_on

# The longest lead time a host asks for: before it, every application deadline of the
# month is still ahead.
FAR_WEEKS = 16
# After this many days an exchange's evaluation and certificate are in, or long overdue.
RECENT_DAYS = 42
# The least time between two steps of one application.
GAP = timedelta(hours=1)
# How far back a season's first applications go: students start them the summer before.
OPENS_DAYS_BEFORE_SEASON = 270


class Phase(StrEnum):
    """Where an exchange month stands on the day of the seed."""

    FAR = "far"  # more than 16 weeks before the month: applications are written and sent
    PLACING = "placing"  # within 16 weeks, the CA not yet due: nominations and CAs
    CARDS_DUE = "cards_due"  # the CA is due (8 weeks before the month), not started yet
    # the month has begun, the exchange starts today or later in it: the CA is issued (a
    # month that has begun takes no nomination or acceptance any more)
    BEGUN = "begun"
    RUNNING = "running"  # started before today, ends after it
    ENDED = "ended"  # ended in the last six weeks: evaluations and certificates come in
    LONG_ENDED = "long_ended"  # ended before that


def utc_at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def cutoff_of(today: date) -> datetime:
    """The last minute the demo records anything: the end of yesterday."""
    return utc_at(today, 0) - timedelta(minutes=1)


def opens_at(season_starts_on: date) -> datetime:
    """The earliest a season's application is started."""
    return utc_at(season_starts_on - timedelta(days=OPENS_DAYS_BEFORE_SEASON))


def starts_on_for(month_start: date, offset_days: int, today: date, weeks: tuple[int, ...]):
    """The start date ``offset_days`` into the month, moved a day on where an exchange of
    one of the lengths ``weeks`` would end today: it has then either ended or not."""
    starts_on = month_start + timedelta(days=offset_days)
    while (today - starts_on).days in {7 * w for w in weeks}:
        starts_on += timedelta(days=1)
    return starts_on


def phase_of(month_start: date, starts_on: date, ends_on: date, today: date) -> Phase:
    """The phase of an exchange in the month ``month_start``, from ``starts_on`` to
    ``ends_on``, seen on ``today``."""
    if today > ends_on:
        return Phase.ENDED if (today - ends_on).days <= RECENT_DAYS else Phase.LONG_ENDED
    if today == ends_on:
        raise ValueError("starts_on_for keeps an exchange from ending on the day of the seed")
    if starts_on < today:
        return Phase.RUNNING
    if month_start <= today:
        return Phase.BEGUN
    if today > ca_due_on(month_start):
        return Phase.CARDS_DUE
    if (month_start - today).days > 7 * FAR_WEEKS:
        return Phase.FAR
    return Phase.PLACING


@dataclass(frozen=True)
class Step:
    """One step's time: ``natural`` (a moment, or a delay after the step before) unless
    that breaks ``floor`` (not before), ``cap`` (not after) or the order of steps."""

    natural: datetime | timedelta
    floor: datetime | None = None
    cap: datetime | None = None


def fit(steps: list[Step], cutoff: datetime, rng: random.Random) -> list[datetime]:
    """A time for each step, in order, each at least ``GAP`` after the one before, none
    after ``cutoff``. A step whose natural time does not fit is drawn in its window."""
    caps = [min(step.cap or cutoff, cutoff) for step in steps]
    for index in range(len(steps) - 2, -1, -1):
        caps[index] = min(caps[index], caps[index + 1] - GAP)
    times: list[datetime] = []
    for index, step in enumerate(steps):
        low = times[-1] + GAP if times else step.floor
        if step.floor is not None:
            low = max(low, step.floor)
        cap = caps[index]
        if low is None:
            raise ValueError("the first step needs a floor")
        if low > cap:
            raise ValueError(f"step {index}: no time between {low} and {cap}")
        natural = step.natural if isinstance(step.natural, datetime) else times[-1] + step.natural
        if natural > cap:
            natural = _between(rng, low, cap)
        elif natural < low:
            natural = _between(rng, low, min(cap, low + timedelta(days=14)))
        times.append(natural)
    return times


def _between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    """A whole minute between ``low`` and ``high``, both included (``low`` if none is)."""
    minutes = int((high - low).total_seconds() // 60)
    return low + timedelta(minutes=rng.randint(0, max(minutes, 0)))
