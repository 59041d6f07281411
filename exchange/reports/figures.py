"""A dashboard's figures (exchange.reports.records) shaped for people, in pure Python (no
Flask, no SQLAlchemy): the tables a page, a CSV and an XLSX show (``tables``), the flows
of the largest NMOs with the rest as "Others", conversion rates, the change from the
previous season, and the public page's "fewer than 5".
"""

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from exchange.applications.states import CLOSED_STATES, NOMINATED_OR_LATER, STATE_LABELS, State
from exchange.months import SEASON_MONTHS, month_name
from exchange.reports.display import CHANGE, CHANGE_PERCENT, NUMBER, PERCENT, TEXT, Shown, shown
from exchange.reports.records import (
    BalancePair,
    Dashboard,
    Figures,
    Flow,
    Funnel,
    LateCards,
    Occupancy,
)

# A count below this is shown on the public page as "fewer than 5", so that no student can
# be singled out from the figures.
SMALLEST_PUBLIC_COUNT = 5
FEWER_THAN = f"fewer than {SMALLEST_PUBLIC_COUNT}"


@dataclass(frozen=True)
class Cell:
    """A table cell whose number links to the applications list that it counts:
    ``filters`` are that list's query arguments (the view makes them a URL)."""

    value: object
    filters: dict | None = None


@dataclass(frozen=True)
class Table:
    """One figure as a table: ``key`` names it in URLs (``figures/<key>.csv``) and in the
    charts' data; a row's values are numbers, text, dates, None (no such figure) or
    ``Cell``. ``styles`` says how each column reads (TEXT, NUMBER, ...; none given: text
    for text, a count for numbers)."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    description: str = ""
    styles: tuple[str, ...] = ()
    # How many rows the whole table has, when ``rows`` holds only its first ones
    # (``tables(..., limit=)``); None: ``rows`` is the whole table.
    row_count: int | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def total_rows(self) -> int:
        return len(self.rows) if self.row_count is None else self.row_count

    @property
    def values(self) -> list[list[object]]:
        """The rows with each ``Cell`` as its value: what a CSV, an XLSX or JSON holds."""
        return [[plain(value) for value in row] for row in self.rows]

    def shown_rows(self, limit: int | None = None) -> list[list[Shown]]:
        """The first ``limit`` rows (None: all) as the page shows them: each cell's text,
        link and alignment."""
        styles = self.styles
        return [
            [
                shown(
                    plain(value),
                    styles[number] if number < len(styles) else "",
                    value.filters if isinstance(value, Cell) else None,
                )
                for number, value in enumerate(row)
            ]
            for row in self.rows[:limit]
        ]


def plain(value: object) -> object:
    """A cell's value: a ``Cell``'s own, anything else as it is."""
    return value.value if isinstance(value, Cell) else value


# Kinds of dashboard (exchange.reports.selection's)
FEDERATION, NMO_KIND, LC_KIND = "federation", "nmo", "lc"
OTHERS = "Others"
TOTAL = "Total"
# The matrix shows this many senders and hosts, the rest as an "Others" row and column.
MATRIX_SIDE = 10
# The stages of Funnel.reached, in the order an application passes them.
STAGES = ("submitted", "nominated", "accepted", "confirmed", "certified")
# States in the order of an application's life, closed ones last.
STATE_ORDER = (State.DRAFT, State.SUBMITTED, *NOMINATED_OR_LATER, *CLOSED_STATES)
KIND_LABELS = {"departments": "Departments", "projects": "Research projects"}


# Small figures


def public_count(n: int) -> int | str:
    """A count as the public page shows it: "fewer than 5" below 5, so that nobody can be
    singled out."""
    return n if n >= SMALLEST_PUBLIC_COUNT else FEWER_THAN


def change(current: int | float, previous: int | float | None) -> int | float | None:
    """How much ``current`` differs from the previous season's (None: no previous season)."""
    return None if previous is None else current - previous


def change_percent(current: int | float, previous: int | float | None) -> float | None:
    """The change in percent of the previous season's figure; None when there is none to
    compare with (no previous season, or nothing in it)."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous, 1)


def percent(part: int | float, whole: int | float | None) -> float | None:
    """``part`` in percent of ``whole`` (one decimal); None when ``whole`` is nothing."""
    if not whole:
        return None
    return round(part * 100 / whole, 1)


def season_months(months: Iterable[int]) -> list[int]:
    """``months`` in the season's order (April first)."""
    present = set(months)
    return [m for m in SEASON_MONTHS if m in present]


def stage_label(stage: str) -> str:
    return stage.capitalize()


def state_label(state: str) -> str:
    try:
        return STATE_LABELS[State(state)]
    except ValueError:
        return state


def _state_rank(state: str) -> int:
    try:
        return STATE_ORDER.index(State(state))
    except ValueError:
        return len(STATE_ORDER)


# Flows


def _totals(flows: Iterable[Flow]) -> tuple[dict[str, int], dict[str, int]]:
    sent: dict[str, int] = defaultdict(int)
    hosted: dict[str, int] = defaultdict(int)
    for flow in flows:
        sent[flow.sending] += flow.students
        hosted[flow.host] += flow.students
    return sent, hosted


def _largest(totals: dict[str, int], keep: int | None) -> list[str]:
    names = sorted(totals, key=lambda name: (-totals[name], name))
    return names if keep is None else names[:keep]


def _grouped(flows: Iterable[Flow], keep: int | None):
    """The ``keep`` largest senders and hosts (None: all), each with "Others" after them
    when some are left out, and the students between them, the rest added up under
    "Others" on its side."""
    flows = [f for f in flows if f.students > 0]
    sent, hosted = _totals(flows)
    senders, hosts = _largest(sent, keep), _largest(hosted, keep)
    kept_senders, kept_hosts = set(senders), set(hosts)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for flow in flows:
        row = flow.sending if flow.sending in kept_senders else OTHERS
        column = flow.host if flow.host in kept_hosts else OTHERS
        cells[(row, column)] += flow.students
    senders += [OTHERS] if len(senders) < len(sent) else []
    hosts += [OTHERS] if len(hosts) < len(hosted) else []
    return senders, hosts, cells


def grouped_flows(flows: Iterable[Flow], keep: int) -> tuple[Flow, ...]:
    """The flows between the ``keep`` largest sending NMOs and the ``keep`` largest hosts,
    every other sender and host grouped as "Others" on its side: the largest first, the
    flows of "Others" after the named ones."""
    _, _, cells = _grouped(flows, keep)
    grouped = [Flow(sending, host, n) for (sending, host), n in cells.items()]
    return tuple(
        sorted(grouped, key=lambda f: (OTHERS in (f.sending, f.host), -f.students, *f[:2]))
    )


def flow_matrix(flows: Iterable[Flow], keep: int | None = MATRIX_SIDE) -> tuple[list, list]:
    """The flows as a matrix: the ``keep`` largest senders (rows) by the ``keep`` largest
    hosts (columns), the rest as an "Others" row and column (only when there is a rest),
    and totals. Returns the host names (the columns) and the rows, each a sender's name,
    its counts and its total."""
    row_names, column_names, cells = _grouped(flows, keep)
    rows = [[name, *(cells[(name, column)] for column in column_names), 0] for name in row_names]
    for row in rows:
        row[-1] = sum(row[1:-1])
    if rows:
        total = [TOTAL, *(sum(row[n] for row in rows) for n in range(1, len(column_names) + 2))]
        rows.append(total)
    return column_names, rows


def _by_pair(flows: Iterable[Flow]) -> dict[tuple[str, str], int]:
    students: dict[tuple[str, str], int] = defaultdict(int)
    for flow in flows:
        students[(flow.sending, flow.host)] += flow.students
    return students


def _first(items: Iterable, key, limit: int | None) -> list:
    """``items`` sorted by ``key``, only the first ``limit`` of them (None: all)."""
    return sorted(items, key=key) if limit is None else heapq.nsmallest(limit, items, key=key)


def _flows_table(dashboard: Dashboard, limit: int | None = None) -> Table:
    current = _by_pair(dashboard.current.flows)
    previous = None if dashboard.previous is None else _by_pair(dashboard.previous.flows)
    before = previous or {}
    pairs = [p for p in set(current) | set(before) if current.get(p) or before.get(p)]

    def largest_first(pair):
        return (-current.get(pair, 0), -before.get(pair, 0), *pair)

    rows = []
    for sending, host in _first(pairs, largest_first, limit):
        students = current.get((sending, host), 0)
        earlier = None if previous is None else before.get((sending, host), 0)
        rows.append((sending, host, students, earlier, change(students, earlier)))
    return Table(
        key="flows",
        title="Flows between NMOs",
        header=("Sending NMO", "Host NMO", "Students", "Previous season", "Change"),
        rows=tuple(rows),
        row_count=len(pairs),
        description="Students nominated, accepted, confirmed, on exchange or back, from "
        "their NMO to their host's.",
        styles=(TEXT, TEXT, NUMBER, NUMBER, CHANGE),
    )


def _matrix_table(key: str, title: str, corner: str, flows, keep, description) -> Table:
    columns, rows = flow_matrix(flows, keep)
    return Table(
        key=key,
        title=title,
        header=(corner, *columns, TOTAL) if rows else (corner, TOTAL),
        rows=tuple(tuple(row) for row in rows),
        description=description,
        styles=(TEXT, *(NUMBER for _ in columns), NUMBER),
    )


# The funnel


def previous_funnels(dashboard: Dashboard) -> dict[str, Funnel] | None:
    if dashboard.previous is None:
        return None
    return {funnel.name: funnel for funnel in dashboard.previous.funnels}


def _funnel_table(dashboard: Dashboard) -> Table:
    funnels = dashboard.current.funnels
    previous = previous_funnels(dashboard)
    empty = Funnel("", {}, {})
    header, styles = ["Stage or state"], [TEXT]
    for funnel in funnels:
        header += [
            funnel.name,
            f"{funnel.name}, previous season",
            f"{funnel.name}, change",
            f"{funnel.name}, % of submitted",
        ]
        styles += [NUMBER, NUMBER, CHANGE, PERCENT]

    def columns(funnel: Funnel, count, stage: str | None) -> list:
        before_funnel = None if previous is None else previous.get(funnel.name, empty)
        now = count(funnel)
        before = None if before_funnel is None else count(before_funnel)
        submitted = funnel.reached.get("submitted", 0)
        rate = percent(now, submitted) if stage is not None else None
        return [now, before, change(now, before), rate]

    rows = []
    if any(sum(f.states.values()) or sum(f.reached.values()) for f in funnels):
        for stage in STAGES:
            row = [f"Reached: {stage_label(stage)}"]
            for funnel in funnels:
                row += columns(funnel, lambda f, s=stage: f.reached.get(s, 0), stage)
            rows.append(tuple(row))
        present = {
            state
            for f in (*funnels, *(previous or {}).values())
            for state, n in f.states.items()
            if n
        }
        for state in sorted(present, key=_state_rank):
            row = [f"Now: {state_label(state)}"]
            for funnel in funnels:
                row += columns(funnel, lambda f, s=state: f.states.get(s, 0), None)
            rows.append(tuple(row))
    return Table(
        key="funnel",
        title="The funnel",
        header=tuple(header),
        rows=tuple(rows),
        description="“Reached” counts the applications that got at least as far as each "
        "stage, whatever happened next, with the conversion from submitted; “Now” counts "
        "them by the state they are in today.",
        styles=tuple(styles),
    )


# Late cards


def late_card_filters(dashboard: Dashboard, card: str, due: str, host: str) -> dict | None:
    """The applications list's query arguments for the late (``due="late"``) or overdue
    ``card`` ("ca" or "cc") of ``host``: an NMO's code on the federation's dashboard, an
    LC's id on the others, or "" for the NMO's applications not placed yet (None: no list
    shows them)."""
    filters = {"queue": "incoming", "state": "all", "card": card, "due": due}
    if dashboard.season_id is not None:
        filters["season"] = dashboard.season_id
    if dashboard.program_id is not None:
        filters["program"] = dashboard.program_id
    if dashboard.kind == FEDERATION:
        filters["host"] = host
    elif host:
        filters["host_lc"] = host
    elif dashboard.nmo:
        # Not placed yet: only a CA can be overdue, and every overdue CA is of an
        # application without a placement, so the host NMO's list shows them.
        filters["host"] = dashboard.nmo
    else:
        return None
    return filters


LATE_COLUMNS = (("ca", "late"), ("ca", "overdue"), ("cc", "late"), ("cc", "overdue"))


def late_counts(cards: LateCards) -> tuple[int, int, int, int]:
    return (cards.ca_late, cards.ca_overdue, cards.cc_late, cards.cc_overdue)


def _linked(dashboard: Dashboard, counts, host: str) -> list:
    """Each count as a Cell that links to its list (none for 0: an empty list)."""
    linked = []
    for n, (card, due) in zip(counts, LATE_COLUMNS, strict=True):
        filters = late_card_filters(dashboard, card, due, host) if n else None
        linked.append(Cell(n, filters) if filters else n)
    return linked


def _late_cards_table(dashboard: Dashboard) -> Table:
    current = {cards.host: cards for cards in dashboard.current.late_cards}
    previous = None
    if dashboard.previous is not None:
        previous = {cards.host: cards for cards in dashboard.previous.late_cards}
    names = {host: cards.host_name for host, cards in (previous or {}).items()}
    names |= {host: cards.host_name for host, cards in current.items()}
    rows = []
    for host, name in names.items():
        counts = late_counts(current[host]) if host in current else (0, 0, 0, 0)
        before = None
        if previous is not None:
            before = sum(late_counts(previous[host])) if host in previous else 0
        if sum(counts) or before:
            rows.append((name, *_linked(dashboard, counts, host), sum(counts), before))
    rows.sort(key=lambda row: (-row[5], -(row[6] or 0), row[0]))
    host = {FEDERATION: "host NMO", NMO_KIND: "host LC"}.get(dashboard.kind)
    return Table(
        key="late_cards",
        title=f"Late cards per {host}" if host else "Late cards",
        header=(
            "Host",
            "CA late",
            "CA overdue",
            "CC late",
            "CC overdue",
            "Total",
            "Previous season total",
        ),
        rows=tuple(rows),
        description="Late: the card came after its due date. Overdue: it is still awaited "
        "and its due date has passed. Each number opens the applications it counts.",
        styles=(TEXT, *(NUMBER for _ in range(6))),
    )


# Contract balance


def by_gap(pairs: Iterable[BalancePair], limit: int | None = None) -> list[BalancePair]:
    """The most unbalanced pairs first: the first ``limit`` of them (None: all)."""
    return _first(pairs, lambda p: (-p.gap, p.program, p.nmo, p.partner), limit)


def _balance_table(dashboard: Dashboard, limit: int | None = None) -> Table:
    rows = tuple(
        (
            p.program,
            p.nmo,
            p.partner,
            p.sent,
            p.hosted,
            p.used_sent,
            p.unused_sent,
            p.used_hosted,
            p.unused_hosted,
            p.proposed_sent,
            p.proposed_hosted,
            p.gap,
        )
        for p in by_gap(dashboard.current.balance, limit)
    )
    return Table(
        key="balance",
        title="Contract balance",
        header=(
            "Program",
            "NMO",
            "Partner",
            "Sent",
            "Hosted",
            "Used sent",
            "Unused sent",
            "Used hosted",
            "Unused hosted",
            "Proposed sent",
            "Proposed hosted",
            "Gap",
        ),
        rows=rows,
        row_count=len(dashboard.current.balance),
        description="Slots of confirmed contracts the NMO sends to its partner and hosts "
        "from it, how many nominations use, and the slots of contracts still proposed. The "
        "most unbalanced pairs come first.",
        styles=(TEXT, TEXT, TEXT, *(NUMBER for _ in range(9))),
    )


# Occupancy


def kind_rank(kind: str) -> int:
    kinds = list(KIND_LABELS)
    return kinds.index(kind) if kind in kinds else len(kinds)


def _season_rank(month: int) -> int:
    return SEASON_MONTHS.index(month) if month in SEASON_MONTHS else len(SEASON_MONTHS)


def _occupancy_table(dashboard: Dashboard) -> Table:
    current = {(o.month, o.kind): o for o in dashboard.current.occupancy}
    previous = None
    if dashboard.previous is not None:
        previous = {(o.month, o.kind): o.accepted for o in dashboard.previous.occupancy}
    keys = sorted(
        set(current) | set(previous or ()), key=lambda k: (_season_rank(k[0]), kind_rank(k[1]))
    )
    rows = []
    for month, kind in keys:
        now = current.get((month, kind), Occupancy(month, kind, 0, 0))
        before = None if previous is None else previous.get((month, kind), 0)
        if not (now.capacity or now.accepted or before):
            continue
        rows.append(
            (
                month_name(month),
                KIND_LABELS.get(kind, kind),
                now.capacity,
                now.accepted,
                max(now.capacity - now.accepted, 0),
                percent(now.accepted, now.capacity),
                before,
            )
        )
    return Table(
        key="occupancy",
        title="Occupancy",
        header=(
            "Month",
            "Kind",
            "Capacity",
            "Accepted",
            "Free",
            "% occupied",
            "Previous season accepted",
        ),
        rows=tuple(rows),
        description="Places offered in departments (SCOPE) and research projects (SCORE) "
        "each month, against the students accepted into them.",
        styles=(TEXT, TEXT, NUMBER, NUMBER, NUMBER, PERCENT, NUMBER),
    )


# Season over season


def headline(figures: Figures) -> list[tuple[str, int]]:
    """One season's headline numbers, by name: what the comparison table sets side by
    side (funnels' figures carry the funnel's name when there are two)."""
    numbers = []
    named = len(figures.funnels) > 1
    for funnel in figures.funnels:
        prefix = f"{funnel.name}: " if named else ""
        numbers.append((f"{prefix}Applications", sum(funnel.states.values())))
        for stage in STAGES:
            numbers.append((f"{prefix}{stage_label(stage)}", funnel.reached.get(stage, 0)))
    numbers += [
        ("Students in flows", sum(f.students for f in figures.flows)),
        ("Confirmed slots", sum(p.sent + p.hosted for p in figures.balance)),
        ("Capacity", sum(o.capacity for o in figures.occupancy)),
        ("Accepted into placements", sum(o.accepted for o in figures.occupancy)),
        ("Late cards", sum(sum(late_counts(c)) for c in figures.late_cards)),
    ]
    return numbers


def _comparison_table(dashboard: Dashboard) -> Table:
    before = None if dashboard.previous is None else dict(headline(dashboard.previous))
    rows = []
    for name, now in headline(dashboard.current):
        previous = None if before is None else before.get(name, 0)
        rows.append((name, now, previous, change(now, previous), change_percent(now, previous)))
    previous_title = dashboard.previous_season or "Previous season"
    return Table(
        key="comparison",
        title="Season over season",
        header=(
            "Figure",
            dashboard.season or "This season",
            previous_title,
            "Change",
            "Change %",
        ),
        rows=tuple(rows),
        description="This season's headline figures beside the previous season's.",
        styles=(TEXT, NUMBER, NUMBER, CHANGE, CHANGE_PERCENT),
    )


# Every table


TABLE_KEYS = (
    "flows",
    "flow_matrix",
    "region_flows",
    "funnel",
    "late_cards",
    "balance",
    "occupancy",
    "comparison",
)


def tables(dashboard: Dashboard, limit: int | None = None) -> list[Table]:
    """Every figure of ``dashboard`` as a table, in TABLE_KEYS' order (an empty one has no
    rows: the page shows its empty state): the first ``limit`` rows of each, as a page
    shows them, or whole (None), as downloads give them."""
    current = dashboard.current
    built = [
        _flows_table(dashboard, limit),
        _matrix_table(
            "flow_matrix",
            "Flows as a matrix",
            "Sending NMO → host NMO",
            current.flows,
            MATRIX_SIDE,
            f"The {MATRIX_SIDE} largest sending and host NMOs, the rest as “Others”.",
        ),
        _matrix_table(
            "region_flows",
            "Flows between regions",
            "Sending region → host region",
            current.region_flows,
            None,
            "Students from the NMOs of one region to those of another.",
        ),
        _funnel_table(dashboard),
        _late_cards_table(dashboard),
        _balance_table(dashboard, limit),
        _occupancy_table(dashboard),
        _comparison_table(dashboard),
    ]
    if limit is None:
        return built
    return [
        t if t.row_count is not None else replace(t, rows=t.rows[:limit], row_count=len(t.rows))
        for t in built
    ]


def table(dashboard: Dashboard, key: str) -> Table | None:
    """The table named ``key``, or None when there is no such figure."""
    return next((t for t in tables(dashboard) if t.key == key), None)
