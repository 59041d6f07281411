"""The demo's calendar: the phase of an exchange on the day of the seed, and step times
that keep their order and stay before the end of yesterday."""

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from exchange.demo.calendar import (
    GAP,
    Phase,
    Step,
    cutoff_of,
    fit,
    phase_of,
    starts_on_for,
)

JULY = date(2026, 7, 1)


@pytest.mark.parametrize(
    ("today", "starts_on", "phase"),
    [
        (date(2026, 3, 1), JULY, Phase.FAR),  # 122 days before the month
        (date(2026, 3, 10), JULY, Phase.FAR),  # every deadline, 16 weeks at most, ahead
        (date(2026, 3, 11), JULY, Phase.PLACING),  # 112 days: the 16-week deadline is today
        (date(2026, 5, 6), JULY, Phase.PLACING),  # the CA is due today, 8 weeks before
        (date(2026, 5, 7), JULY, Phase.CARDS_DUE),
        (date(2026, 6, 30), JULY, Phase.CARDS_DUE),
        # Arriving today: not in progress yet, but the month has begun.
        (date(2026, 7, 1), JULY, Phase.BEGUN),
        (date(2026, 7, 2), JULY, Phase.RUNNING),
        (date(2026, 7, 28), JULY, Phase.RUNNING),
        (date(2026, 7, 30), JULY, Phase.ENDED),  # ended on 29 July
        (date(2026, 9, 9), JULY, Phase.ENDED),
        (date(2026, 9, 10), JULY, Phase.LONG_ENDED),
        (date(2026, 7, 10), date(2026, 7, 15), Phase.BEGUN),
    ],
)
def test_the_phase_of_a_four_week_exchange(today, starts_on, phase):
    month_start = starts_on.replace(day=1)
    assert phase_of(month_start, starts_on, starts_on + timedelta(weeks=4), today) == phase


def test_no_exchange_ends_on_the_day_of_the_seed():
    today = date(2026, 7, 29)
    assert starts_on_for(JULY, 0, today, (4, 8)) == date(2026, 7, 2)
    assert starts_on_for(JULY, 14, today, (4, 8)) == date(2026, 7, 15)
    assert starts_on_for(JULY, 0, date(2026, 8, 26), (4, 8)) == date(2026, 7, 2)
    with pytest.raises(ValueError):
        phase_of(JULY, JULY, today, today)


def test_the_cutoff_is_the_last_minute_of_yesterday():
    assert cutoff_of(date(2026, 4, 1)) == datetime(2026, 3, 31, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(20))
def test_fitted_times_keep_order_floors_and_caps(seed):
    rng = random.Random(seed)
    cutoff = datetime(2026, 5, 4, 23, 59, tzinfo=UTC)
    floor = datetime(2025, 7, 1, tzinfo=UTC)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    steps = [
        Step(datetime(2026, 9, 1, tzinfo=UTC), floor=floor),  # naturally too late
        Step(timedelta(days=rng.randint(1, 30))),
        Step(timedelta(days=3), cap=start - GAP),
        Step(start + timedelta(hours=3), floor=start),
    ]
    times = fit(steps, cutoff, rng)
    assert times[0] >= floor
    assert all(later - earlier >= GAP for earlier, later in pairwise(times))
    assert times[2] <= start - GAP
    assert start <= times[3] <= cutoff
    assert all(t.second == 0 and t.microsecond == 0 for t in times)


def test_a_natural_time_that_fits_is_kept():
    rng = random.Random(1)
    cutoff = datetime(2026, 5, 4, 23, 59, tzinfo=UTC)
    at = datetime(2026, 1, 10, 10, tzinfo=UTC)
    assert fit([Step(at, floor=at - timedelta(days=9)), Step(timedelta(days=2))], cutoff, rng) == [
        at,
        at + timedelta(days=2),
    ]


def test_steps_that_cannot_fit_are_refused():
    cutoff = datetime(2026, 5, 4, 23, 59, tzinfo=UTC)
    with pytest.raises(ValueError):
        fit([Step(cutoff, floor=cutoff + timedelta(hours=1))], cutoff, random.Random(0))
