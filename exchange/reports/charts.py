"""A dashboard's charts as the data the browser draws (``data.json``): pure Python, no
Flask, no SQLAlchemy.

Each chart is keyed like the table that holds its numbers (exchange.reports.figures):
``{"kind": "sankey", "labels", "source", "target", "value"}`` for the flows, and
``{"kind": "bar", "categories", "series": [{"name", "values"}], "stacked", "horizontal"}``
for the funnel, the late cards, the balance and the occupancy.
"""

from collections.abc import Sequence

from exchange.months import month_name
from exchange.reports.figures import (
    KIND_LABELS,
    LATE_COLUMNS,
    OTHERS,
    STAGES,
    by_gap,
    grouped_flows,
    kind_rank,
    late_counts,
    previous_funnels,
    season_months,
    stage_label,
)
from exchange.reports.records import Dashboard, Flow

# The Sankey diagram draws the flows between this many sending NMOs and this many hosts,
# the others grouped as "Others" on each side; a bar chart this many hosts or pairs.
SANKEY_SIDE = 8
CHART_BARS = 15


def _bar(categories, series, stacked=False, horizontal=False) -> dict:
    return {
        "kind": "bar",
        "categories": list(categories),
        "series": [{"name": name, "values": list(values)} for name, values in series],
        "stacked": stacked,
        "horizontal": horizontal,
    }


def sankey(flows: Sequence[Flow], left_out: int = 0) -> dict:
    """A Sankey diagram's data: sending nodes labelled by NMO code, host nodes "→ CODE",
    each flow as indexes into the labels, and how many students are ``left_out``."""
    labels: list[str] = []
    index: dict[tuple[str, str], int] = {}
    for side, name in [("sending", f.sending) for f in flows] + [("host", f.host) for f in flows]:
        if (side, name) not in index:
            index[(side, name)] = len(labels)
            labels.append(name if side == "sending" else f"→ {name}")
    return {
        "kind": "sankey",
        "labels": labels,
        "source": [index[("sending", f.sending)] for f in flows],
        "target": [index[("host", f.host)] for f in flows],
        "value": [f.students for f in flows],
        "left_out": left_out,
    }


def _reached(funnel) -> list[int]:
    return [funnel.reached.get(stage, 0) for stage in STAGES]


def _funnel_chart(dashboard: Dashboard) -> dict | None:
    """The stages each funnel reached this season, and the previous season's beside it."""
    funnels = dashboard.current.funnels
    if not any(sum(f.reached.values()) for f in funnels):
        return None
    previous = previous_funnels(dashboard) or {}
    this_season = dashboard.season or "this season"
    last_season = dashboard.previous_season or "previous season"
    series = []
    for funnel in funnels:
        named = f"{funnel.name}, " if len(funnels) > 1 else ""
        series.append((named + this_season, _reached(funnel)))
        if funnel.name in previous:
            series.append((named + last_season, _reached(previous[funnel.name])))
    return _bar([stage_label(s) for s in STAGES], series)


def _late_cards_chart(dashboard: Dashboard) -> dict | None:
    hosts = [c for c in dashboard.current.late_cards if sum(late_counts(c))]
    if not hosts:
        return None
    hosts = sorted(hosts, key=lambda c: (-sum(late_counts(c)), c.host_name))[:CHART_BARS]
    series = [
        (f"{card.upper()} {due}", [late_counts(c)[n] for c in hosts])
        for n, (card, due) in enumerate(LATE_COLUMNS)
    ]
    return _bar([c.host_name for c in hosts], series, stacked=True, horizontal=True)


def _balance_chart(dashboard: Dashboard) -> dict | None:
    pairs = by_gap(dashboard.current.balance, CHART_BARS)
    if not any(p.sent or p.hosted for p in pairs):
        return None
    return _bar(
        [f"{p.nmo} ↔ {p.partner} ({p.program})" for p in pairs],
        [("Sent", [p.sent for p in pairs]), ("Hosted", [p.hosted for p in pairs])],
        horizontal=True,
    )


def _occupancy_chart(dashboard: Dashboard) -> dict | None:
    occupancy = [o for o in dashboard.current.occupancy if o.capacity or o.accepted]
    if not occupancy:
        return None
    months = season_months(o.month for o in occupancy)
    kinds = sorted({o.kind for o in occupancy}, key=kind_rank)
    by_key = {(o.month, o.kind): o for o in occupancy}
    series = []
    for kind in kinds:
        label = KIND_LABELS.get(kind, kind)
        for measure in ("capacity", "accepted"):
            values = [
                getattr(by_key[(m, kind)], measure) if (m, kind) in by_key else 0 for m in months
            ]
            series.append((f"{label}: {measure}", values))
    return _bar([month_name(m) for m in months], series)


def charts(dashboard: Dashboard) -> dict:
    """The charts' data, by figure (TABLE_KEYS' names): a Sankey diagram of the flows and
    bar charts of the funnel, the late cards, the balance and the occupancy. A figure with
    nothing to draw is left out: the page shows its empty state instead."""
    drawn = {}
    grouped = grouped_flows(dashboard.current.flows, SANKEY_SIDE)
    # Between the NMOs not named the flow says nothing but its size, and at the
    # federation's scale it would crowd the named ones out: the chart leaves it out and
    # says how many students it holds.
    between_others = [f for f in grouped if (f.sending, f.host) == (OTHERS, OTHERS)]
    flows = [f for f in grouped if f not in between_others]
    if flows:
        drawn["flows"] = sankey(flows, left_out=sum(f.students for f in between_others))
    for key, chart in (
        ("funnel", _funnel_chart),
        ("late_cards", _late_cards_chart),
        ("balance", _balance_chart),
        ("occupancy", _occupancy_chart),
    ):
        data = chart(dashboard)
        if data is not None:
            drawn[key] = data
    return drawn
