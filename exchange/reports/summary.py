"""What a dashboard's page and its ``data.json`` show, worked out once from its figures:
pure Python, no Flask, no SQLAlchemy.

A federation's figures run to thousands of flows and contract pairs, but its page shows
the first rows of each table and charts of the largest: ``dashboard_page`` keeps only
those, so that the cache (exchange.reports.recount) holds a page that is quick to read
back and to draw. The downloads take the whole tables from the figures themselves.
"""

import heapq
from dataclasses import dataclass, field
from datetime import datetime

from exchange.reports.charts import charts
from exchange.reports.figures import FEDERATION, Table, tables
from exchange.reports.records import Dashboard, Funnel

# The sides of an NMO's and an LC's dashboard, by their funnels' names.
SIDES = ("Outgoing", "Incoming")
# A table shows this many rows on the page (the flows of the federation run to thousands);
# its CSV has them all.
SHOWN_ROWS = 20
# A side names this many of the NMOs it sends to or hosts from, the largest first.
PARTNERS_NAMED = 5


@dataclass(frozen=True)
class Side:
    """One side of an NMO's or an LC's dashboard: its funnel beside the previous season's,
    and the NMOs its students go to (outgoing) or come from (incoming)."""

    name: str
    funnel: Funnel | None
    previous: Funnel | None
    students: int
    partners: tuple[tuple[str, int], ...]  # (NMO code, students), the largest first
    partner_count: int


@dataclass(frozen=True)
class DashboardPage:
    """The dashboard as its page shows it: each table's first rows and the charts."""

    title: str
    season: str | None
    previous_season: str | None
    program: str | None
    empty: bool
    counted_at: datetime | None
    tables: tuple[Table, ...] = ()
    charts: dict = field(default_factory=dict)
    sides: tuple[Side, ...] = ()


def _funnel(funnels, name: str) -> Funnel | None:
    return next((f for f in funnels if f.name == name), None)


def _side(dashboard: Dashboard, name: str) -> Side:
    previous = dashboard.previous.funnels if dashboard.previous else ()
    outgoing = name == SIDES[0]
    # Outgoing: the NMO's (or the LC's NMO's) students abroad, by host; incoming: the
    # students it hosts, by sending NMO.
    students: dict[str, int] = {}
    for flow in dashboard.current.flows:
        ours, theirs = (flow.sending, flow.host) if outgoing else (flow.host, flow.sending)
        if ours == dashboard.nmo:
            students[theirs] = students.get(theirs, 0) + flow.students
    largest = heapq.nsmallest(PARTNERS_NAMED, students.items(), key=lambda p: (-p[1], p[0]))
    return Side(
        name=name,
        funnel=_funnel(dashboard.current.funnels, name),
        previous=_funnel(previous, name),
        students=sum(students.values()),
        partners=tuple(largest),
        partner_count=len(students),
    )


def dashboard_page(dashboard: Dashboard, limit: int = SHOWN_ROWS) -> DashboardPage:
    """What ``dashboard``'s page shows, with the first ``limit`` rows of each table."""
    return DashboardPage(
        title=dashboard.title,
        season=dashboard.season,
        previous_season=dashboard.previous_season,
        program=dashboard.program,
        empty=dashboard.empty,
        counted_at=dashboard.current.counted_at,
        tables=tuple(tables(dashboard, limit)),
        charts=charts(dashboard),
        sides=() if dashboard.kind == FEDERATION else tuple(_side(dashboard, n) for n in SIDES),
    )


def page_data(page: DashboardPage) -> dict:
    """What ``data.json`` serves: what the page's charts draw. The tables are the page's
    and the downloads'."""
    return {
        "title": page.title,
        "season": page.season,
        "previous_season": page.previous_season,
        "program": page.program,
        "empty": page.empty,
        "charts": page.charts,
    }
