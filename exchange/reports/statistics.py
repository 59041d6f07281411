"""The public statistics: the federation's flows per season, program and region, and the
NMOs taking part, open to anyone, as a page and as CSV.

Nothing personal is shown: no student, no application, only NMO codes and acronyms, region
names and counts. No count under 5 can be read, nor worked out from the others.

How small counts are kept from being worked out (the rule this module applies):

1. Every count under 5 reads "fewer than 5" (``figures.public_count``), zero included.
2. The figures hang together: a region's row of the matrix adds up to what its NMOs sent,
   a column to what its NMOs hosted. Anyone can write these sums down and solve them, so
   a count under 5 that is the only unknown of a sum would come out. For each such count
   (1 to 4) ``protect`` finds out what one can work out about it from everything the
   section publishes, bounds included ("fewer than 5" is 0 to 4, "5 or more" at least
   5); while that leaves it a single possible value, more counts are hidden, the smallest
   first, along the cheapest chain of sums that ties it to other unknowns. Those read
   "5 or more": hidden so that a smaller one stays hidden. At most a range is left, such
   as "these two hidden counts add up to 7".
3. A total is shown as a number only when it follows from the shown figures (every part of
   one of its sums is shown); otherwise it reads "at least N" (or "at most N", or "fewer
   than 5"), N worked out from the shown figures alone, so that it tells nothing more.
4. The programs are shown apart, never added up: the sum of both minus one program would
   give the other's small counts.

Not protected: what changes from one day to the next (the figures are live), and
federation-wide differences between the funnel's stages, which name no NMO.
"""

import heapq
from collections import deque
from dataclasses import dataclass, replace
from datetime import date

from flask import Response, render_template, request

from exchange import clock
from exchange.auth.decorators import public
from exchange.csv_files import write_csv
from exchange.generations import database_mark, kept
from exchange.organizations.queries import programs, seasons_newest_first
from exchange.reports import queries
from exchange.reports.figures import (
    FEWER_THAN,
    SMALLEST_PUBLIC_COUNT,
    STAGES,
    public_count,
    stage_label,
)
from exchange.reports.pages import bp
from exchange.reports.records import Figures
from exchange.reports.selection import NotFound, Selection, public_selection

# The figures are worked out at most once per ten minutes for each season and program.
FIGURES_KEPT_FOR = 10 * 60
# A count that is 5 or more, hidden so that a smaller one cannot be worked out from it.
HIDDEN_TO_PROTECT = f"{SMALLEST_PUBLIC_COUNT} or more"
LARGEST_HIDDEN = SMALLEST_PUBLIC_COUNT - 1
ALL_REGIONS = "All regions"
CSV_HEADER = ("Season", "Program", "Figure", "Sending", "Host", "Count")

# The counts of one program's section, as ``protect`` sees them: the students from one
# region to another, sent by one NMO, hosted by one NMO.
CELL, SENT, HOSTED = "cell", "sent", "hosted"
# Each count is an arrow of a flow of students that adds up everywhere (a circulation):
# into a sending region from the NMOs that sent them, from there to each host region,
# and out of each host region to the NMOs that hosted them.
OUTSIDE = ("NMOs",)


# Which counts to hide


def _ends(item: tuple, region_of: dict[str, str]) -> tuple[tuple, tuple]:
    """Where a count's arrow starts and ends."""
    if item[0] == CELL:
        return ("sending", item[1]), ("host", item[2])
    if item[0] == SENT:
        return OUTSIDE, ("sending", region_of[item[1]])
    return ("host", region_of[item[1]]), OUTSIDE


def _max_flow(capacity: list[list[int]], source: int, sink: int) -> int:
    """The largest flow from ``source`` to ``sink`` (Edmonds-Karp); uses up ``capacity``."""
    size, total = len(capacity), 0
    while True:
        parent = [-1] * size
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] == -1:
            node = queue.popleft()
            for other in range(size):
                if parent[other] == -1 and capacity[node][other] > 0:
                    parent[other] = node
                    queue.append(other)
        if parent[sink] == -1:
            return total
        push, node = None, sink
        while node != source:
            left = capacity[parent[node]][node]
            push = left if push is None else min(push, left)
            node = parent[node]
        node = sink
        while node != source:
            capacity[parent[node]][node] -= push
            capacity[node][parent[node]] += push
            node = parent[node]
        total += push


def _possible(ends: dict, bounds: dict) -> bool:
    """Whether the counts can take values within ``bounds`` (item: lowest, highest) and
    still add up everywhere: a circulation with bounds, checked by one maximum flow."""
    nodes = sorted({node for pair in ends.values() for node in pair})
    index = {node: number for number, node in enumerate(nodes)}
    source, sink = len(nodes), len(nodes) + 1
    capacity = [[0] * (len(nodes) + 2) for _ in range(len(nodes) + 2)]
    excess = [0] * len(nodes)
    for item, (lowest, highest) in bounds.items():
        tail, head = (index[node] for node in ends[item])
        capacity[tail][head] += highest - lowest
        excess[head] += lowest
        excess[tail] -= lowest
    needed = 0
    for number, amount in enumerate(excess):
        if amount > 0:
            capacity[source][number] += amount
            needed += amount
        elif amount < 0:
            capacity[number][sink] -= amount
    return _max_flow(capacity, source, sink) == needed


def _pinned(values: dict, ends: dict, hidden: set, protected: set, item: tuple) -> bool:
    """Whether one who reads the section can tell ``item``'s exact value: the hidden
    counts under 5 are 0 to 4, those hidden to protect them 5 or more, and everything
    adds up."""
    # More than any count can be where every count adds up (the total of them all).
    unbounded = 2 * sum(values.values()) + 10 * len(values) + 1
    bounds = {}
    for other, value in values.items():
        if other in protected:
            bounds[other] = (SMALLEST_PUBLIC_COUNT, unbounded)
        elif other in hidden:
            bounds[other] = (0, LARGEST_HIDDEN)
        else:
            bounds[other] = (value, value)
    for guess in range(LARGEST_HIDDEN + 1):
        if guess != values[item] and _possible(ends, bounds | {item: (guess, guess)}):
            return False
    return True


def _cheapest_chain(values: dict, ends: dict, hidden: set, item: tuple) -> list[tuple]:
    """The shown counts to hide so that ``item`` has another unknown in every sum it is
    part of: the cheapest path between its ends that does not use it, where hidden
    counts cost nothing and a shown one costs its value (hide small counts first)."""
    start, goal = ends[item]
    links: dict[tuple, list] = {}
    for other, (tail, head) in ends.items():
        if other != item:
            cost = 0 if other in hidden else values[other]
            links.setdefault(tail, []).append((cost, other, head))
            links.setdefault(head, []).append((cost, other, tail))
    queue = [(0, start, ())]
    done = set()
    while queue:
        cost, node, path = heapq.heappop(queue)
        if node == goal:
            return [other for other in path if other not in hidden]
        if node in done:
            continue
        done.add(node)
        for step, other, there in sorted(links.get(node, ())):
            if there not in done:
                heapq.heappush(queue, (cost + step, there, (*path, other)))
    return []


def _next_shown(values: dict, ends: dict, hidden: set, item: tuple) -> list[tuple]:
    """The next shown count to hide where ``item`` has other unknowns, yet bounds still
    tell its value: the smallest one in the same sums first."""
    shown = [other for other in values if other not in hidden]
    beside = set(ends[item])
    shown.sort(key=lambda other: (not beside & set(ends[other]), values[other], other))
    return shown[:1]


def protect(values: dict[tuple, int], region_of: dict[str, str]) -> set[tuple]:
    """The counts of 5 or more to hide so that no count under 5 can be worked out from
    the section (see the module's docstring): ``values`` holds every count of the
    section, ``(CELL, sending region, host region)``, ``(SENT, NMO code)`` and
    ``(HOSTED, NMO code)``; ``region_of`` each NMO's region."""
    ends = {item: _ends(item, region_of) for item in values}
    hidden = {item for item, value in values.items() if value < SMALLEST_PUBLIC_COUNT}
    protected: set[tuple] = set()
    # A zero that comes out tells of no student; counts of 1 to 4 must not come out.
    small = sorted((values[item], item) for item in hidden if values[item] > 0)
    for _, item in small:
        while _pinned(values, ends, hidden | protected, protected, item):
            more = _cheapest_chain(values, ends, hidden | protected, item)
            more = more or _next_shown(values, ends, hidden | protected, item)
            if not more:
                break
            protected.update(more)
    return protected


# One program's section of the page


@dataclass(frozen=True)
class RegionRow:
    region: str  # the sending region
    cells: tuple[object, ...]  # to each host region, in the section's order
    total: object  # every student the region sent


@dataclass(frozen=True)
class TakingPart:
    code: str
    acronym: str
    region: str
    sent: object
    hosted: object


@dataclass(frozen=True)
class Section:
    """One program's public figures, every count as it may be shown: a number, "fewer
    than 5", "5 or more", or a total as "at least N"."""

    program: str  # program code
    title: str
    stages: tuple[tuple[str, object], ...]  # (stage, applications that reached it)
    regions: tuple[str, ...]
    region_rows: tuple[RegionRow, ...]
    hosted_totals: tuple[object, ...]  # every student each host region hosted
    grand_total: object
    nmos: tuple[TakingPart, ...]
    empty: bool


@dataclass(frozen=True)
class _Bound:
    """What the shown figures tell of a total: from ``lowest`` to ``highest`` (None: no
    upper bound)."""

    lowest: int
    highest: int | None

    def __and__(self, other: "_Bound") -> "_Bound":
        highs = [h for h in (self.highest, other.highest) if h is not None]
        return _Bound(max(self.lowest, other.lowest), min(highs) if highs else None)

    def __add__(self, other: "_Bound") -> "_Bound":
        both = self.highest is not None and other.highest is not None
        return _Bound(self.lowest + other.lowest, self.highest + other.highest if both else None)

    @property
    def shown(self) -> object:
        if self.lowest == self.highest:
            return self.lowest
        if self.lowest >= SMALLEST_PUBLIC_COUNT or self.highest is None:
            return f"at least {self.lowest:,}"
        # Here only counts under 5 add up to it: every shown count is 5 or more.
        if self.highest < SMALLEST_PUBLIC_COUNT:
            return FEWER_THAN
        return f"at most {self.highest:,}"


def _bound(items: list, values: dict, hidden: set, protected: set) -> _Bound:
    """What the shown figures tell of the sum of ``items``."""
    lowest = highest = 0
    for item in items:
        if item in protected:
            lowest += SMALLEST_PUBLIC_COUNT
            highest = None
        elif item in hidden:
            highest = None if highest is None else highest + LARGEST_HIDDEN
        else:
            lowest += values[item]
            highest = None if highest is None else highest + values[item]
    return _Bound(lowest, highest)


def _total(sums: list[list], values: dict, hidden: set, protected: set) -> _Bound:
    """A total that several sums of shown and hidden counts give: what all of them tell."""
    bound = _Bound(0, None)
    for items in sums:
        bound = bound & _bound(items, values, hidden, protected)
    return bound


def section(program_code: str, title: str, figures: Figures, taking_part: list) -> Section:
    """One program's section from its figures (``queries.public_figures``) and its NMOs
    (``queries.taking_part``), every count protected as the module's docstring says."""
    funnel = figures.funnels[0] if figures.funnels else None
    reached = funnel.reached if funnel else {}
    stages = tuple((stage_label(stage), public_count(reached.get(stage, 0))) for stage in STAGES)
    empty = not (funnel and sum(funnel.states.values())) and not figures.flows

    # Every count comes from the flows between NMOs, one statement's result, so that they
    # add up even while students are being nominated. taking_part says where each NMO is.
    region_of = {code: region for code, _, region, _, _ in taking_part}
    regions = sorted(set(region_of.values()))
    values = {(CELL, s, h): 0 for s in regions for h in regions}
    for code in region_of:
        values[(SENT, code)] = values[(HOSTED, code)] = 0
    for flow in figures.flows:
        if flow.sending in region_of and flow.host in region_of:
            values[(CELL, region_of[flow.sending], region_of[flow.host])] += flow.students
            values[(SENT, flow.sending)] += flow.students
            values[(HOSTED, flow.host)] += flow.students

    hidden = {item for item, value in values.items() if value < SMALLEST_PUBLIC_COUNT}
    protected = protect(values, region_of)

    def shown(item):
        if item in protected:
            return HIDDEN_TO_PROTECT
        return public_count(values[item])

    def sent_from(region):
        return [(SENT, code) for code, r in region_of.items() if r == region]

    def hosted_in(region):
        return [(HOSTED, code) for code, r in region_of.items() if r == region]

    rows, sent_totals, hosted_totals = [], [], []
    for s in regions:
        cells = [(CELL, s, h) for h in regions]
        sent_totals.append(_total([cells, sent_from(s)], values, hidden, protected))
        rows.append(RegionRow(s, tuple(shown(c) for c in cells), sent_totals[-1].shown))
    for h in regions:
        cells = [(CELL, s, h) for s in regions]
        hosted_totals.append(_total([cells, hosted_in(h)], values, hidden, protected))
    everything = [[item for item in values if item[0] == kind] for kind in (CELL, SENT, HOSTED)]
    grand = _total(everything, values, hidden, protected)
    if regions:
        grand = grand & _sum(sent_totals) & _sum(hosted_totals)
    return Section(
        program=program_code,
        title=title,
        stages=stages,
        regions=tuple(regions),
        region_rows=tuple(rows),
        hosted_totals=tuple(bound.shown for bound in hosted_totals),
        grand_total=grand.shown,
        nmos=tuple(
            TakingPart(code, acronym, region, shown((SENT, code)), shown((HOSTED, code)))
            for code, acronym, region, _, _ in taking_part
        ),
        empty=empty,
    )


def _sum(bounds: list[_Bound]) -> _Bound:
    total = _Bound(0, 0)
    for bound in bounds:
        total = total + bound
    return total


def csv_rows(season_code: str, sections: list[Section]) -> list[tuple]:
    """The sections as the CSV's rows (``CSV_HEADER``): one count a row."""
    rows = []
    for part in sections:
        start = (season_code, part.program)
        for stage, count in zip(STAGES, (count for _, count in part.stages), strict=True):
            rows.append((*start, f"Applications {stage}", "", "", count))
        figure = "Students from region to region"
        for row in part.region_rows:
            for host, count in zip(part.regions, row.cells, strict=True):
                rows.append((*start, figure, row.region, host, count))
            rows.append((*start, figure, row.region, ALL_REGIONS, row.total))
        for host, count in zip(part.regions, part.hosted_totals, strict=True):
            rows.append((*start, figure, ALL_REGIONS, host, count))
        if part.regions:
            rows.append((*start, figure, ALL_REGIONS, ALL_REGIONS, part.grand_total))
        for nmo in part.nmos:
            rows.append((*start, "Students sent by the NMO", nmo.code, "", nmo.sent))
            rows.append((*start, "Students hosted by the NMO", "", nmo.code, nmo.hosted))
    return rows


# The figures, kept for a while


def cache_key(season_code: str, program_code: str, today: date) -> str:
    """Where one program's section is kept: under the database's own mark
    (exchange.reports.recount), and under a new key every day."""
    return f"statistics:{database_mark()}:{season_code}:{program_code}:{today.isoformat()}"


def sections_of(selection: Selection) -> list[Section]:
    """The selection's sections, one a program (both when none is asked for), each
    worked out once per ``FIGURES_KEPT_FOR`` seconds and kept in the cache, already
    protected: the cache holds no count under 5 either."""
    if selection.season is None:
        return []
    chosen = (selection.program,) if selection.program else selection.programs
    sections = []
    for program in chosen:

        def work_out(program=program) -> Section:
            one = replace(selection, program=program, program_ids=(program.id,))
            return section(
                program.code,
                f"{program.code}: {program.name}",
                queries.public_figures(one),
                queries.taking_part(selection.season.id, (program.id,)),
            )

        key = cache_key(selection.season.code, program.code, clock.today())
        sections.append(kept(key, work_out, FIGURES_KEPT_FOR))
    return sections


# The pages


def _selection() -> Selection:
    return public_selection(
        request.args.get("season", "").strip(), request.args.get("program", "").strip()
    )


def _not_found(message: str):
    # The page itself, with its filters, says what was wrong: the generic 404 page would
    # not tell which season or program does not exist.
    page = render_template(
        "reports/statistics.html",
        problem=message,
        seasons=seasons_newest_first(),
        programs=programs(),
    )
    return page, 404


@bp.route("/statistics")
@public
def statistics():
    try:
        selection = _selection()
    except NotFound as error:
        return _not_found(str(error))
    return render_template(
        "reports/statistics.html",
        selection=selection,
        seasons=selection.seasons,
        programs=selection.programs,
        sections=sections_of(selection),
    )


@bp.route("/statistics.csv")
@public
def statistics_csv():
    try:
        selection = _selection()
    except NotFound as error:
        return _not_found(str(error))
    season = selection.season.code if selection.season else ""
    body = write_csv(CSV_HEADER, csv_rows(season, sections_of(selection)))
    program = selection.program.code.lower() if selection.program else "all-programs"
    filename = f"statistics-{season.replace('/', '-') or 'no-season'}-{program}.csv"
    # The byte order mark makes spreadsheets read the file as UTF-8.
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
