"""The dashboards' SQL aggregations: one season's figures for the federation, an NMO or an
LC, filled into exchange.reports.figures' plain values.

Every figure is counted by the database (GROUP BY, COUNT ... FILTER), never by looping over
applications in Python, and each takes a fixed number of statements whatever the data size:
a dashboard sends the same number of queries for ten applications as for 100,000.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import and_, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.queues import host_lc_condition, late_card_condition
from exchange.applications.reminders import CA, CC, overdue_condition
from exchange.applications.states import HOLDS_PLACE, NOMINATED_OR_LATER
from exchange.contracts.models import Contract, ContractStatus
from exchange.contracts.queries import balance_by_codes
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, LocalCommittee, Region, Season
from exchange.organizations.programs import PlacementKind
from exchange.placements.models import Placement, PlacementCapacity
from exchange.reports import summary
from exchange.reports.records import (
    BalancePair,
    Dashboard,
    Figures,
    Flow,
    Funnel,
    LateCards,
    Occupancy,
)
from exchange.reports.recount import kept, season_key
from exchange.reports.selection import FEDERATION, LC_KIND, NMO_KIND, Selection
from exchange.reports.summary import DashboardPage

T = TypeVar("T")

# A flow counts the students on their way or gone: nominated to certified. Rejected,
# withdrawn and cancelled applications went nowhere.
FLOW_STATES = NOMINATED_OR_LATER
# The funnel's stages, each counted from the moment it was reached: an application that
# was nominated and later cancelled still got as far as the nomination.
REACHED = {
    "submitted": Application.submitted_at,
    "nominated": Application.nominated_at,
    "accepted": Application.accepted_at,
    "confirmed": Application.confirmed_at,
    "certified": Application.certified_at,
}
# Occupancy's kinds, in the order they are shown.
KIND_NAMES = {
    PlacementKind.DEPARTMENT: "departments",
    PlacementKind.RESEARCH_PROJECT: "projects",
}
# The row of an NMO's late cards whose applications have no placement, hence no LC, yet:
# a CA is overdue only while the application waits for its placement.
NOT_PLACED_KEY, NOT_PLACED_NAME = "", "Not placed yet"


# What one dashboard counts


def _lc_placements(lc_id: int):
    return select(Placement.id).where(Placement.lc_id == lc_id)


def _sides(selection: Selection) -> tuple[tuple[str, object], ...]:
    """The dashboard's funnels, each as (name, the SQL condition on Application; None:
    every application). The flows count the applications of any side."""
    if selection.kind == NMO_KIND:
        nmo_id = selection.nmo.id
        return (
            ("Outgoing", Application.home_nmo_id == nmo_id),
            (
                "Incoming",
                and_(Application.host_nmo_id == nmo_id, Application.contract_id.is_not(None)),
            ),
        )
    if selection.kind == LC_KIND:
        lc_id = selection.lc.id
        return (
            ("Outgoing", Application.home_lc_id == lc_id),
            (
                "Incoming",
                and_(
                    Application.placement_id.in_(_lc_placements(lc_id)),
                    Application.contract_id.is_not(None),
                ),
            ),
        )
    return (("All", None),)


def _any_side(selection: Selection) -> list:
    """The WHERE conditions of the applications any of the dashboard's sides counts."""
    conditions = [condition for _, condition in _sides(selection) if condition is not None]
    return [or_(*conditions)] if conditions else []


def _in_season(season_id: int, program_ids) -> list:
    conditions = [Application.season_id == season_id]
    if program_ids is not None:
        conditions.append(Application.program_id.in_(program_ids))
    return conditions


def _counted(aggregate, condition):
    """``aggregate`` over the rows that meet ``condition`` (None: over every row)."""
    return aggregate if condition is None else aggregate.filter(condition)


# The figures


# Which rows of the flows' statement are between NMOs, and which between regions.
_BY_NMO, _BY_REGION = 0, 1


def _flows(where: list) -> tuple[tuple[Flow, ...], tuple[Flow, ...]]:
    """Students from each sending NMO to each host NMO, and from region to region, the
    largest first: one statement, both summed from one GROUP BY of the applications (a
    CTE, so the applications are read once)."""
    pairs = (
        select(
            Application.home_nmo_id.label("sending_id"),
            Application.host_nmo_id.label("host_id"),
            func.count().label("students"),
        )
        .where(*where, Application.state.in_(FLOW_STATES))
        .group_by(Application.home_nmo_id, Application.host_nmo_id)
        .cte("pairs")
    )
    sending, host = aliased(NMO), aliased(NMO)
    sending_region, host_region = aliased(Region), aliased(Region)
    by_nmo = (
        select(
            literal_column(str(_BY_NMO)).label("level"),
            sending.code.label("sending"),
            host.code.label("host"),
            pairs.c.students.label("students"),
        )
        .select_from(pairs)
        .join(sending, sending.id == pairs.c.sending_id)
        .join(host, host.id == pairs.c.host_id)
    )
    by_region = (
        select(
            literal_column(str(_BY_REGION)).label("level"),
            sending_region.name.label("sending"),
            host_region.name.label("host"),
            func.sum(pairs.c.students).label("students"),
        )
        .select_from(pairs)
        .join(sending, sending.id == pairs.c.sending_id)
        .join(sending_region, sending_region.id == sending.region_id)
        .join(host, host.id == pairs.c.host_id)
        .join(host_region, host_region.id == host.region_id)
        .group_by(sending_region.name, host_region.name)
    )
    both = union_all(by_nmo, by_region).subquery()
    rows = db.session.execute(
        select(both).order_by(both.c.level, both.c.students.desc(), both.c.sending, both.c.host)
    )
    flows: dict[int, list[Flow]] = {_BY_NMO: [], _BY_REGION: []}
    for level, sending_name, host_name, students in rows:
        flows[level].append(Flow(sending_name, host_name, int(students)))
    return tuple(flows[_BY_NMO]), tuple(flows[_BY_REGION])


def _funnels(sides, where: list) -> tuple[Funnel, ...]:
    """Each side's applications per state, and how many reached each stage: one
    statement, grouped by state, a pair of counts per side."""
    columns = []
    for _, condition in sides:
        columns.append(_counted(func.count(), condition))
        columns.extend(_counted(func.count(stamp), condition) for stamp in REACHED.values())
    rows = db.session.execute(
        select(Application.state, *columns).where(*where).group_by(Application.state)
    ).all()
    width = 1 + len(REACHED)
    funnels = []
    for index, (name, _) in enumerate(sides):
        first = 1 + index * width
        # One row per state: at most eleven rows to add up, never the applications.
        states = {row[0].value: row[first] for row in rows if row[first]}
        reached = {
            stage: sum(row[first + 1 + offset] for row in rows)
            for offset, stage in enumerate(REACHED)
        }
        funnels.append(Funnel(name, states, reached))
    return tuple(funnels)


def _late_counts(today):
    """CAs and CCs that came late (the flags set when the card was given) and those
    pending past their due date (the reminders' rule)."""
    return (
        func.count().filter(Application.ca_late).label("ca_late"),
        func.count().filter(overdue_condition(CA, today)).label("ca_overdue"),
        func.count().filter(Application.cc_late).label("cc_late"),
        func.count().filter(overdue_condition(CC, today)).label("cc_overdue"),
    )


def _late_total(counts):
    return counts.c.ca_late + counts.c.ca_overdue + counts.c.cc_late + counts.c.cc_overdue


def _late_cards(selection: Selection, in_season: list, today) -> tuple[LateCards, ...]:
    """Late and overdue cards per host: per host NMO (federation), per LC of the NMO's
    incoming applications (NMO, with the applications not placed yet apart), or what the
    LC hosts as its local officers' incoming queue counts it (LC: placed in it, or
    nominated and ranking one of its placements, whose CA it may give: the applications
    list's ``host_lc``). One statement; the hosts with the most late cards first."""
    late = [*in_season, late_card_condition(today), Application.contract_id.is_not(None)]
    if selection.kind == FEDERATION:
        counts = (
            select(Application.host_nmo_id.label("host_id"), *_late_counts(today))
            .where(*late)
            .group_by(Application.host_nmo_id)
            .subquery()
        )
        rows = db.session.execute(
            select(NMO.code, NMO.acronym, NMO.country_name, counts)
            .select_from(counts)
            .join(NMO, NMO.id == counts.c.host_id)
            .order_by(_late_total(counts).desc(), NMO.acronym)
        )
        return tuple(
            LateCards(
                row.code,
                f"{row.acronym} ({row.country_name})",
                row.ca_late,
                row.ca_overdue,
                row.cc_late,
                row.cc_overdue,
            )
            for row in rows
        )
    if selection.kind == NMO_KIND:
        counts = (
            select(Placement.lc_id.label("lc_id"), *_late_counts(today))
            .select_from(Application)
            .outerjoin(Placement, Placement.id == Application.placement_id)
            .where(*late, Application.host_nmo_id == selection.nmo.id)
            .group_by(Placement.lc_id)
            .subquery()
        )
        rows = db.session.execute(
            select(LocalCommittee.name, counts)
            .select_from(counts)
            .outerjoin(LocalCommittee, LocalCommittee.id == counts.c.lc_id)
            .order_by(
                # The applications not placed yet after the LCs that tie with them.
                _late_total(counts).desc(),
                counts.c.lc_id.is_(None),
                LocalCommittee.name,
            )
        )
        return tuple(
            LateCards(
                NOT_PLACED_KEY if row.lc_id is None else str(row.lc_id),
                NOT_PLACED_NAME if row.lc_id is None else row.name,
                row.ca_late,
                row.ca_overdue,
                row.cc_late,
                row.cc_overdue,
            )
            for row in rows
        )
    lc = selection.lc
    row = db.session.execute(
        select(*_late_counts(today)).where(*late, host_lc_condition(lc.id))
    ).one()
    if not any(row):
        return ()
    return (LateCards(str(lc.id), lc.name, *row),)


def _balance(selection: Selection, season: Season) -> tuple[BalancePair, ...]:
    """The contracts' reciprocity balance (exchange.contracts.queries, the contracts
    page's definition), the largest gap first: every pair once for the federation, the
    NMO's partners for an NMO and for each of its LCs. One statement."""
    nmo = None if selection.kind == FEDERATION else selection.nmo
    return tuple(
        BalancePair(
            program=row.program,
            nmo=row.nmo,
            partner=row.partner,
            sent=int(row.sent),
            hosted=int(row.hosted),
            used_sent=int(row.used_sent),
            used_hosted=int(row.used_hosted),
            proposed_sent=int(row.proposed_sent),
            proposed_hosted=int(row.proposed_hosted),
        )
        for row in balance_by_codes(season, selection.program_ids, nmo)
    )


def _placement_kinds(selection: Selection) -> list[PlacementKind]:
    """The kinds of placement of the dashboard's programs, in KIND_NAMES' order."""
    kinds = {
        p.placement_kind
        for p in selection.programs
        if selection.program_ids is None or p.id in selection.program_ids
    }
    return [kind for kind in KIND_NAMES if kind in kinds]


def _occupancy(selection: Selection, season_id: int, in_season: list) -> tuple[Occupancy, ...]:
    """Per kind and month: the places the season's placements offer (open or not) and the
    students accepted into them (accepted to certified, holding a place), in two
    statements. A kind with any place or student gets all twelve months, in season order."""
    kinds = _placement_kinds(selection)
    # Every kind asked for: no condition on it, one less for the database to check.
    placements = [] if len(kinds) == len(KIND_NAMES) else [Placement.kind.in_(kinds)]
    if selection.kind == NMO_KIND:
        placements.append(Placement.nmo_id == selection.nmo.id)
    elif selection.kind == LC_KIND:
        placements.append(Placement.lc_id == selection.lc.id)
    capacities = db.session.execute(
        select(Placement.kind, PlacementCapacity.month, func.sum(PlacementCapacity.capacity))
        .join(Placement, Placement.id == PlacementCapacity.placement_id)
        .where(PlacementCapacity.season_id == season_id, *placements)
        .group_by(Placement.kind, PlacementCapacity.month)
    )
    accepted = db.session.execute(
        select(Placement.kind, Application.exchange_month, func.count())
        .join(Placement, Placement.id == Application.placement_id)
        .where(*in_season, Application.state.in_(HOLDS_PLACE), *placements)
        .group_by(Placement.kind, Application.exchange_month)
    )
    capacity = {(kind, month): int(n) for kind, month, n in capacities}
    taken = {(kind, month): n for kind, month, n in accepted}
    shown = {kind for kind, _ in capacity.keys() | taken.keys()}
    return tuple(
        Occupancy(
            month,
            KIND_NAMES[kind],
            capacity.get((kind, month), 0),
            taken.get((kind, month), 0),
        )
        for kind in kinds
        if kind in shown
        for month in SEASON_MONTHS
    )


def _figures(selection: Selection, season: Season) -> Figures:
    today = clock.today()
    in_season = _in_season(season.id, selection.program_ids)
    counted = [*in_season, *_any_side(selection)]
    flows, region_flows = _flows(counted)
    return Figures(
        flows=flows,
        region_flows=region_flows,
        funnels=_funnels(_sides(selection), counted),
        late_cards=_late_cards(selection, in_season, today),
        balance=_balance(selection, season),
        occupancy=_occupancy(selection, season.id, in_season),
        counted_at=clock.now(),
    )


def _season_key(selection: Selection, season: Season, today) -> tuple[str, bool]:
    # The program asked for, beside the programs counted: the same figures read by one
    # who asked for SCOPE and by one who holds only SCOPE link to different lists.
    asked = selection.program.id if selection.program else "-"
    whose = f"{selection.kind}:{selection.key}:{asked}"
    return season_key(whose, season, selection.program_ids, today)


def _kept_figures(selection: Selection, season: Season) -> Figures:
    """The season's figures as counted earlier and kept (exchange.reports.recount), or
    counted now."""
    key, running = _season_key(selection, season, clock.today())
    return kept(key, running, lambda: _figures(selection, season))


def dashboard(selection: Selection) -> Dashboard:
    """The selection's dashboard: its season's figures beside the previous season's
    (None when there is none), in six statements a season whatever the data size when
    they are counted, none when they are kept from an earlier request."""
    season, previous = selection.season, selection.previous
    return Dashboard(
        title=selection.title,
        season=season.code if season else None,
        season_id=season.id if season else None,
        previous_season=previous.code if previous else None,
        program=selection.program.code if selection.program else None,
        current=_kept_figures(selection, season) if season else Figures(),
        previous=_kept_figures(selection, previous) if previous else None,
        kind=selection.kind,
        program_id=selection.program.id if selection.program else None,
        nmo=selection.nmo.code if selection.nmo else None,
    )


def dashboard_page(selection: Selection) -> DashboardPage:
    """What the selection's dashboard page and its ``data.json`` show, kept as long as the
    figures it is made of."""
    return kept_with_page(selection, "page", lambda: summary.dashboard_page(dashboard(selection)))


def kept_with_page(selection: Selection, what: str, work_out: Callable[[], T]) -> T:
    """``work_out()``, kept as long as the selection's dashboard page is: for what the page
    makes of its figures (``what`` names it), the same for every reader of the page."""
    if selection.season is None:
        return work_out()
    today = clock.today()
    seasons = [s for s in (selection.season, selection.previous) if s is not None]
    keys = [_season_key(selection, season, today) for season in seasons]
    key = f"{what}:" + "|".join(k for k, _ in keys)
    running = any(r for _, r in keys)
    return kept(key, running, work_out)


# The public statistics


def public_figures(selection: Selection) -> Figures:
    """The federation's flows (by NMO and by region) and its funnel for the selection's
    season and program: counts only, nothing personal. Two statements."""
    if selection.season is None:
        return Figures()
    in_season = _in_season(selection.season.id, selection.program_ids)
    flows, region_flows = _flows(in_season)
    return Figures(
        flows=flows,
        region_flows=region_flows,
        funnels=_funnels((("All", None),), in_season),
    )


def taking_part(season_id: int, program_ids) -> list[tuple[str, str, str, int, int]]:
    """The NMOs that send or host students in the season (in flows, as ``public_figures``
    counts them) or hold a contract in it: (code, acronym, region, students sent, students
    hosted), by region and acronym. One statement."""
    in_season = [*_in_season(season_id, program_ids), Application.state.in_(FLOW_STATES)]
    sent = (
        select(Application.home_nmo_id.label("nmo_id"), func.count().label("students"))
        .where(*in_season)
        .group_by(Application.home_nmo_id)
        .subquery()
    )
    hosted = (
        select(Application.host_nmo_id.label("nmo_id"), func.count().label("students"))
        .where(*in_season)
        .group_by(Application.host_nmo_id)
        .subquery()
    )
    contracts = [Contract.season_id == season_id, Contract.status != ContractStatus.DECLINED]
    if program_ids is not None:
        contracts.append(Contract.program_id.in_(program_ids))
    in_contracts = or_(
        NMO.id.in_(select(Contract.sending_nmo_id).where(*contracts)),
        NMO.id.in_(select(Contract.host_nmo_id).where(*contracts)),
    )
    rows = db.session.execute(
        select(
            NMO.code,
            NMO.acronym,
            Region.name,
            func.coalesce(sent.c.students, 0),
            func.coalesce(hosted.c.students, 0),
        )
        .join(Region, Region.id == NMO.region_id)
        .outerjoin(sent, sent.c.nmo_id == NMO.id)
        .outerjoin(hosted, hosted.c.nmo_id == NMO.id)
        .where(or_(sent.c.nmo_id.is_not(None), hosted.c.nmo_id.is_not(None), in_contracts))
        .order_by(Region.name, NMO.acronym, NMO.code)
    )
    return [(code, acronym, region, int(s), int(h)) for code, acronym, region, s, h in rows]
