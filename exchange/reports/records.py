"""A dashboard's figures as plain values, as exchange.reports.queries fills them from SQL:
pure Python, no Flask, no SQLAlchemy.

The records a season has thousands of (flows, balance pairs, late cards, months) are named
tuples: the cache (exchange.reports.recount) reads a federation's back many times faster
than it would dataclasses.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


class Flow(NamedTuple):
    """Students going from ``sending`` to ``host`` (NMO codes, or region names)."""

    sending: str
    host: str
    students: int


@dataclass(frozen=True)
class Funnel:
    """One side's applications: ``states`` counts them per state (State values);
    ``reached`` counts those that got at least as far as each stage (submitted,
    nominated, accepted, confirmed, certified), whatever happened next."""

    name: str  # "All", "Outgoing", "Incoming"
    states: dict[str, int]
    reached: dict[str, int]


class LateCards(NamedTuple):
    """Late cards of one host (an NMO, or an LC on an NMO's dashboard): CAs and CCs sent
    after their due date (``*_late``), and pending past it (``*_overdue``)."""

    host: str  # the host's code (NMO) or id (LC): the list's filter
    host_name: str
    ca_late: int
    ca_overdue: int
    cc_late: int
    cc_overdue: int


class BalancePair(NamedTuple):
    """What ``nmo`` sends to ``partner`` and hosts from it in one program, in slots:
    confirmed (``sent``, ``hosted``), used by nominations (``used_*``), and proposed,
    still waiting for a confirmation (``proposed_*``)."""

    program: str
    nmo: str
    partner: str
    sent: int
    hosted: int
    used_sent: int
    used_hosted: int
    proposed_sent: int
    proposed_hosted: int

    @property
    def unused_sent(self) -> int:
        return self.sent - self.used_sent

    @property
    def unused_hosted(self) -> int:
        return self.hosted - self.used_hosted

    @property
    def gap(self) -> int:
        """How unbalanced the pair is: confirmed slots one way against the other."""
        return abs(self.sent - self.hosted)


class Occupancy(NamedTuple):
    """One month's places in one kind of placement ("departments" or "projects"):
    capacity offered against students accepted into them."""

    month: int
    kind: str
    capacity: int
    accepted: int


@dataclass(frozen=True)
class Figures:
    """One season's figures for one dashboard."""

    flows: tuple[Flow, ...] = ()
    region_flows: tuple[Flow, ...] = ()
    funnels: tuple[Funnel, ...] = ()
    late_cards: tuple[LateCards, ...] = ()
    balance: tuple[BalancePair, ...] = ()
    occupancy: tuple[Occupancy, ...] = ()
    # When they were counted (exchange.reports.recount keeps them a while); None: not yet.
    counted_at: datetime | None = None

    @property
    def empty(self) -> bool:
        return not any(sum(f.states.values()) for f in self.funnels) and not self.balance


@dataclass(frozen=True)
class Dashboard:
    """What a dashboard shows: this season's figures and the previous season's."""

    title: str
    season: str | None  # season code
    season_id: int | None  # the applications list's ?season= (its links from the figures)
    previous_season: str | None
    program: str | None  # program code, None for every program
    current: Figures = field(default_factory=Figures)
    previous: Figures | None = None
    kind: str = "federation"  # "federation", "nmo" or "lc": whose figures
    program_id: int | None = None  # the applications list's ?program= (the links' too)
    nmo: str | None = None  # the NMO's code, on an NMO's or an LC's dashboard

    @property
    def empty(self) -> bool:
        return self.current.empty
