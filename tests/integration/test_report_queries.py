"""The dashboards' figures (exchange.reports.queries) on a small federation built straight
into the tables, and the number of statements a dashboard sends at two data sizes.

The federation: CRO (Croatia) and SLO (Slovenia) in Europe, BRA (Brazil) in the Americas.
Season 2026/27 (today's, 15 April 2026): CRO sends to SLO in SCOPE (confirmed, 3 July and
2 August slots) and SLO one student back (1 July slot); CRO proposes 2 July slots to BRA;
BRA sends SCORE students to SLO (unilateral, 2 July slots). Season 2025/26 had one CRO to
SLO contract, one certified exchange and a submitted application.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from exchange import clock
from exchange.applications import deadlines
from exchange.applications.models import Application, Preference
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.contracts.models import Contract, ContractKind, ContractStatus
from exchange.extensions import cache, db
from exchange.organizations.models import NMO, LocalCommittee
from exchange.placements.models import Placement, PlacementCapacity
from exchange.reports import queries
from exchange.reports.records import BalancePair, Flow, LateCards, Occupancy
from exchange.reports.selection import select_dashboard
from tests import builders
from tests.integration.steps import research_project

NOW, PREVIOUS = "2026/27", "2025/26"
# The stages an application passes, in order, and what each fills in (see _application).
STAGES = (
    State.SUBMITTED,
    State.NOMINATED,
    State.ACCEPTED,
    State.CONFIRMED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.CERTIFIED,
)


@dataclass
class Federation:
    cro: NMO
    slo: NMO
    bra: NMO
    zagreb: LocalCommittee
    split: LocalCommittee
    ljubljana: LocalCommittee
    maribor: LocalCommittee
    sao_paulo: LocalCommittee
    admin: User
    cro_to_slo: Contract
    slo_to_cro: Contract
    cro_to_bra: Contract
    bra_to_slo: Contract
    cardiology: Placement
    surgery: Placement
    pediatrics: Placement
    clinica: Placement
    project: Placement
    applications: dict[str, Application]


def _application(
    home_lc: LocalCommittee,
    host: NMO,
    state: State,
    *,
    reached: State | None = None,
    contract: Contract | None = None,
    month: int = 7,
    placement: Placement | None = None,
    program_code: str = "SCOPE",
    season_code: str = NOW,
    **columns,
) -> Application:
    """An application of a new student of ``home_lc`` in ``state``, with what each stage
    up to ``reached`` (default: ``state``) fills in, then ``columns``."""
    student = builders.user(Role.STUDENT, lc_=home_lc)
    season = builders.season(season_code)
    start = season.month_date(month)
    now = clock.now()
    reached = reached or state
    stages = STAGES[: STAGES.index(reached) + 1] if reached in STAGES else ()
    values: dict = {"state": state}
    if State.SUBMITTED in stages:
        values["submitted_at"] = now
    if State.NOMINATED in stages:
        values |= {
            "contract_id": contract.id,
            "exchange_month": month,
            "nominated_at": now,
            "ca_due_on": deadlines.ca_due_on(start),
        }
    if State.ACCEPTED in stages:
        values |= {
            "placement_id": placement.id,
            "starts_on": start,
            "ends_on": start + timedelta(days=27),
            "contact_person": "Dr. Maja Kos",
            "accepted_at": now,
            "cc_due_on": deadlines.cc_due_on(start),
        }
    if State.CONFIRMED in stages:
        values |= {
            "arrival_local": datetime(start.year, start.month, 1, 10, 0),
            "arrival_transport": "Train",
            "confirmed_at": now,
        }
    if State.IN_PROGRESS in stages:
        values["arrived_at"] = now
    if State.COMPLETED in stages:
        values["completed_at"] = now
    if State.CERTIFIED in stages:
        values["certified_at"] = now
    if state in (State.REJECTED, State.WITHDRAWN, State.CANCELLED):
        values |= {"closed_at": now, "closing_reason": "Plans changed."}
    return builders.application(
        student, host, program_code=program_code, season_code=season_code, **(values | columns)
    )


def _use(contract: Contract, **used_by_month: int) -> None:
    """Record ``used`` slots on a contract's months (``m7=3``)."""
    for slot in contract.slots:
        slot.used = used_by_month.get(f"m{slot.month}", 0)
    db.session.flush()


@pytest.fixture
def federation(rolled_back) -> Federation:
    today = clock.today()
    cro = builders.nmo("CRO", "HR", "Croatia")
    slo = builders.nmo("SLO", "SI", "Slovenia")
    bra = builders.nmo("BRA", "BR", "Brazil", region_name="Americas")
    zagreb, split = builders.lc(cro, "LC Zagreb", "Zagreb"), builders.lc(cro, "LC Split", "Split")
    ljubljana = builders.lc(slo, "LC Ljubljana", "Ljubljana")
    maribor = builders.lc(slo, "LC Maribor", "Maribor")
    sao_paulo = builders.lc(bra, "LC Sao Paulo", "Sao Paulo")
    builders.season(PREVIOUS)

    cro_to_slo = builders.contract(cro, slo, slots={7: 3, 8: 2})
    slo_to_cro = builders.contract(slo, cro, slots={7: 1})
    cro_to_bra = builders.contract(cro, bra, slots={7: 2}, status=ContractStatus.PROPOSED)
    bra_to_slo = builders.contract(
        bra, slo, slots={7: 2}, program_code="SCORE", kind=ContractKind.UNILATERAL
    )
    last_season = builders.contract(cro, slo, slots={7: 1}, season_code=PREVIOUS)
    _use(cro_to_slo, m7=3, m8=2)
    _use(slo_to_cro, m7=1)
    _use(bra_to_slo, m7=1)
    _use(last_season, m7=1)

    cardiology = builders.department(ljubljana, "Cardiology", capacity={7: 2, 8: 1})
    db.session.add(
        PlacementCapacity(
            placement=cardiology, season=builders.season(PREVIOUS), month=7, capacity=1
        )
    )
    surgery = builders.department(maribor, "Surgery", capacity={7: 1})
    pediatrics = builders.department(zagreb, "Pediatrics", capacity={7: 1})
    clinica = builders.department(sao_paulo, "Clinica medica", capacity={7: 1})
    project = research_project(ljubljana, "Cell biology", capacity={7: 1})

    def scope(home_lc, host, state, **columns):
        return _application(home_lc, host, state, contract=_contract(home_lc, host), **columns)

    def _contract(home_lc, host):
        return {
            (cro.id, slo.id): cro_to_slo,
            (slo.id, cro.id): slo_to_cro,
            (cro.id, bra.id): cro_to_bra,
        }.get((home_lc.nmo_id, host.id))

    made = {
        "draft": scope(zagreb, slo, State.DRAFT),
        "submitted": scope(zagreb, slo, State.SUBMITTED),
        # Nominated for July, its CA due five days ago: overdue, and it ranks Cardiology.
        "ca_overdue": scope(zagreb, slo, State.NOMINATED, ca_due_on=today - timedelta(days=5)),
        "nominated_august": scope(zagreb, slo, State.NOMINATED, month=8),
        # Its CA came late, and its CC is due since yesterday: overdue.
        "accepted_late": scope(
            split,
            slo,
            State.ACCEPTED,
            placement=cardiology,
            ca_late=True,
            cc_due_on=today - timedelta(days=1),
        ),
        "confirmed_late": scope(zagreb, slo, State.CONFIRMED, placement=surgery, cc_late=True),
        "certified": scope(zagreb, slo, State.CERTIFIED, month=8, placement=cardiology),
        "cancelled": scope(
            zagreb, slo, State.CANCELLED, reached=State.ACCEPTED, placement=cardiology
        ),
        "rejected": scope(zagreb, slo, State.REJECTED, reached=State.SUBMITTED),
        "slo_to_cro": scope(ljubljana, cro, State.NOMINATED),
        "cro_to_bra": scope(split, bra, State.ACCEPTED, placement=clinica),
        "score": _application(
            sao_paulo,
            slo,
            State.ACCEPTED,
            contract=bra_to_slo,
            placement=project,
            program_code="SCORE",
        ),
        "previous_certified": _application(
            zagreb,
            slo,
            State.CERTIFIED,
            contract=last_season,
            placement=cardiology,
            season_code=PREVIOUS,
            ca_late=True,
        ),
        "previous_submitted": _application(zagreb, slo, State.SUBMITTED, season_code=PREVIOUS),
    }
    db.session.add(Preference(application=made["ca_overdue"], rank=1, placement_id=cardiology.id))
    db.session.flush()
    return Federation(
        cro=cro,
        slo=slo,
        bra=bra,
        zagreb=zagreb,
        split=split,
        ljubljana=ljubljana,
        maribor=maribor,
        sao_paulo=sao_paulo,
        admin=builders.user(Role.ADMIN),
        cro_to_slo=cro_to_slo,
        slo_to_cro=slo_to_cro,
        cro_to_bra=cro_to_bra,
        bra_to_slo=bra_to_slo,
        cardiology=cardiology,
        surgery=surgery,
        pediatrics=pediatrics,
        clinica=clinica,
        project=project,
        applications=made,
    )


def _dashboard(user, kind="federation", key="", season=NOW, program=""):
    return queries.dashboard(select_dashboard(user, kind, key, season, program))


def _occupancy(figures) -> dict[tuple[str, int], tuple[int, int]]:
    """{(kind, month): (capacity, accepted)} of the months with either."""
    return {
        (row.kind, row.month): (row.capacity, row.accepted)
        for row in figures.occupancy
        if row.capacity or row.accepted
    }


def _funnel(figures, name):
    return next(funnel for funnel in figures.funnels if funnel.name == name)


# The federation's dashboard


def test_the_federation_flows_count_students_on_their_way_or_gone(federation):
    figures = _dashboard(federation.admin).current

    # Drafts, submitted, rejected and cancelled applications went nowhere.
    assert figures.flows == (
        Flow("CRO", "SLO", 5),
        Flow("BRA", "SLO", 1),
        Flow("CRO", "BRA", 1),
        Flow("SLO", "CRO", 1),
    )
    assert figures.region_flows == (
        Flow("Europe", "Europe", 6),
        Flow("Americas", "Europe", 1),
        Flow("Europe", "Americas", 1),
    )


def test_the_federation_funnel_counts_every_state_and_the_stages_reached(federation):
    (funnel,) = _dashboard(federation.admin).current.funnels

    assert funnel.name == "All"
    assert funnel.states == {
        "draft": 1,
        "submitted": 1,
        "nominated": 3,
        "accepted": 3,
        "confirmed": 1,
        "certified": 1,
        "cancelled": 1,
        "rejected": 1,
    }
    # The cancelled exchange had been accepted; the rejected one had only been submitted.
    assert funnel.reached == {
        "submitted": 11,
        "nominated": 9,
        "accepted": 6,
        "confirmed": 2,
        "certified": 1,
    }


def test_late_cards_are_given_late_and_overdue_ones_still_pending(federation):
    figures = _dashboard(federation.admin).current

    assert figures.late_cards == (LateCards("SLO", "SLO (Slovenia)", 1, 1, 1, 1),)


def test_a_card_due_today_is_not_overdue_and_a_given_card_no_longer_is(federation):
    today = clock.today()
    federation.applications["ca_overdue"].ca_due_on = today
    # A CC given: the application is confirmed, its due date in the past does not count.
    confirmed = federation.applications["confirmed_late"]
    confirmed.cc_due_on, confirmed.cc_late = today - timedelta(days=3), False
    db.session.flush()

    figures = _dashboard(federation.admin).current

    assert figures.late_cards == (LateCards("SLO", "SLO (Slovenia)", 1, 0, 0, 1),)


def test_the_federation_balance_lists_each_pair_once_largest_gap_first(federation):
    figures = _dashboard(federation.admin).current

    assert figures.balance == (
        BalancePair("SCOPE", "CRO", "SLO", 5, 1, 5, 1, 0, 0),
        BalancePair("SCORE", "SLO", "BRA", 0, 2, 0, 1, 0, 0),
        # Proposed slots are shown apart, and do not make the pair unbalanced.
        BalancePair("SCOPE", "CRO", "BRA", 0, 0, 0, 0, 2, 0),
    )
    assert [pair.gap for pair in figures.balance] == [4, 2, 0]


def test_the_balance_is_the_contracts_pages_balance(federation):
    """The NMO dashboard's pairs are the contracts page's rows for that NMO."""
    from exchange.contracts.queries import nmo_balance

    figures = _dashboard(federation.admin, "nmo", "SLO").current
    page = {
        (row.program.code, row.partner.code): (row.sent, row.hosted, row.used_sent)
        for row in nmo_balance(federation.slo, builders.season())
    }

    assert {(p.program, p.partner): (p.sent, p.hosted, p.used_sent) for p in figures.balance} == (
        page
    )


def test_occupancy_is_capacity_against_accepted_students_by_month_and_kind(federation):
    figures = _dashboard(federation.admin).current

    # The cancelled student gave the July place in Cardiology back.
    assert _occupancy(figures) == {
        ("departments", 7): (5, 3),
        ("departments", 8): (1, 1),
        ("projects", 7): (1, 1),
    }
    # Each kind shown gets the season's twelve months, April first.
    assert [row.month for row in figures.occupancy if row.kind == "departments"] == [
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        1,
        2,
        3,
    ]
    assert figures.occupancy[3] == Occupancy(7, "departments", 5, 3)


def test_closed_placements_still_count_their_capacity(federation):
    federation.surgery.closed_at = clock.now()
    db.session.flush()

    assert _occupancy(_dashboard(federation.admin).current)[("departments", 7)] == (5, 3)


def test_the_previous_season_has_its_own_figures(federation):
    dashboard = _dashboard(federation.admin)
    previous = dashboard.previous

    assert (dashboard.season, dashboard.previous_season) == (NOW, PREVIOUS)
    assert dashboard.season_id == builders.season(NOW).id
    assert (dashboard.kind, dashboard.nmo, dashboard.program, dashboard.program_id) == (
        "federation",
        None,
        None,
        None,
    )
    assert previous.flows == (Flow("CRO", "SLO", 1),)
    assert _funnel(previous, "All").states == {"certified": 1, "submitted": 1}
    assert previous.late_cards == (LateCards("SLO", "SLO (Slovenia)", 1, 0, 0, 0),)
    assert previous.balance == (BalancePair("SCOPE", "CRO", "SLO", 1, 0, 1, 0, 0, 0),)
    assert _occupancy(previous) == {("departments", 7): (1, 1)}


def test_the_first_season_has_no_previous_one(federation):
    dashboard = _dashboard(federation.admin, season=PREVIOUS)

    assert dashboard.previous is None
    assert dashboard.previous_season is None
    assert dashboard.current.flows == (Flow("CRO", "SLO", 1),)


def test_a_season_without_data_is_empty(federation):
    builders.season("2027/28")

    dashboard = _dashboard(federation.admin, season="2027/28")

    assert dashboard.empty
    assert dashboard.current.flows == dashboard.current.late_cards == ()
    assert dashboard.current.occupancy == dashboard.current.balance == ()
    assert dashboard.previous.flows[0] == Flow("CRO", "SLO", 5)


# An NMO's dashboard


def test_an_nmo_dashboard_counts_the_flows_it_sends_or_hosts(federation):
    dashboard = _dashboard(federation.admin, "nmo", "SLO")

    assert (dashboard.title, dashboard.kind, dashboard.nmo) == ("SLO (Slovenia)", "nmo", "SLO")
    assert dashboard.current.flows == (
        Flow("CRO", "SLO", 5),
        Flow("BRA", "SLO", 1),
        Flow("SLO", "CRO", 1),
    )
    assert dashboard.current.region_flows == (
        Flow("Europe", "Europe", 6),
        Flow("Americas", "Europe", 1),
    )


def test_an_nmo_dashboard_has_an_outgoing_and_an_incoming_funnel(federation):
    figures = _dashboard(federation.admin, "nmo", "SLO").current

    assert [funnel.name for funnel in figures.funnels] == ["Outgoing", "Incoming"]
    outgoing, incoming = figures.funnels
    assert outgoing.states == {"nominated": 1}
    assert outgoing.reached == {
        "submitted": 1,
        "nominated": 1,
        "accepted": 0,
        "confirmed": 0,
        "certified": 0,
    }
    # Incoming: the applications with a contract slot to SLO, not the drafts to it.
    assert incoming.states == {
        "nominated": 2,
        "accepted": 2,
        "confirmed": 1,
        "certified": 1,
        "cancelled": 1,
    }
    assert incoming.reached == {
        "submitted": 7,
        "nominated": 7,
        "accepted": 5,
        "confirmed": 2,
        "certified": 1,
    }


def test_the_outgoing_funnel_counts_drafts_too(federation):
    outgoing, incoming = _dashboard(federation.admin, "nmo", "CRO").current.funnels

    assert outgoing.states["draft"] == 1
    assert "draft" not in incoming.states


def test_an_nmo_dashboard_gives_late_cards_per_host_lc(federation):
    figures = _dashboard(federation.admin, "nmo", "SLO").current
    ljubljana, maribor = federation.ljubljana, federation.maribor

    assert figures.late_cards == (
        LateCards(str(ljubljana.id), "LC Ljubljana", 1, 0, 0, 1),
        LateCards(str(maribor.id), "LC Maribor", 0, 0, 1, 0),
        # An overdue CA has no placement, so no LC, yet.
        LateCards(queries.NOT_PLACED_KEY, queries.NOT_PLACED_NAME, 0, 1, 0, 0),
    )
    # The cards SLO's students owe abroad are their hosts': none here.
    assert _dashboard(federation.admin, "nmo", "CRO").current.late_cards == ()


def test_an_nmo_dashboard_lists_its_partners_largest_gap_first(federation):
    figures = _dashboard(federation.admin, "nmo", "SLO").current

    assert figures.balance == (
        BalancePair("SCOPE", "SLO", "CRO", 1, 5, 1, 5, 0, 0),
        BalancePair("SCORE", "SLO", "BRA", 0, 2, 0, 1, 0, 0),
    )


def test_an_nmo_dashboard_counts_the_places_of_its_placements(federation):
    figures = _dashboard(federation.admin, "nmo", "SLO").current

    assert _occupancy(figures) == {
        ("departments", 7): (3, 2),
        ("departments", 8): (1, 1),
        ("projects", 7): (1, 1),
    }


# An LC's dashboard


def test_an_lc_dashboard_tells_its_outgoing_from_its_incoming(federation):
    dashboard = _dashboard(federation.admin, "lc", str(federation.ljubljana.id))
    outgoing, incoming = dashboard.current.funnels

    assert (dashboard.title, dashboard.kind, dashboard.nmo) == ("LC Ljubljana, SLO", "lc", "SLO")
    # Ljubljana's own student goes to Croatia; it hosts the students placed in it.
    assert (outgoing.name, outgoing.states) == ("Outgoing", {"nominated": 1})
    assert (incoming.name, incoming.states) == (
        "Incoming",
        {"accepted": 2, "certified": 1, "cancelled": 1},
    )
    assert incoming.reached["accepted"] == 4
    assert dashboard.current.flows == (
        Flow("CRO", "SLO", 2),
        Flow("BRA", "SLO", 1),
        Flow("SLO", "CRO", 1),
    )


def test_an_lc_hosts_only_the_students_placed_in_it(federation):
    figures = _dashboard(federation.admin, "lc", str(federation.maribor.id)).current
    outgoing, incoming = figures.funnels

    assert outgoing.states == {}
    assert incoming.states == {"confirmed": 1}
    assert figures.flows == (Flow("CRO", "SLO", 1),)


def test_an_lc_dashboard_chases_the_cards_of_its_incoming_queue(federation):
    """The LC's incoming queue: its placed students, and the nominated ones who rank one
    of its placements (whose CA it may give)."""
    ljubljana = federation.ljubljana

    figures = _dashboard(federation.admin, "lc", str(ljubljana.id)).current

    assert figures.late_cards == (LateCards(str(ljubljana.id), "LC Ljubljana", 1, 1, 0, 1),)
    split = _dashboard(federation.admin, "lc", str(federation.split.id)).current
    assert split.late_cards == ()


def test_an_lc_dashboard_shows_its_nmos_balance_and_its_own_places(federation):
    figures = _dashboard(federation.admin, "lc", str(federation.ljubljana.id)).current
    slo = _dashboard(federation.admin, "nmo", "SLO").current

    assert figures.balance == slo.balance
    assert _occupancy(figures) == {
        ("departments", 7): (2, 1),
        ("departments", 8): (1, 1),
        ("projects", 7): (1, 1),
    }


# Program filters


@pytest.mark.parametrize(("kind", "key"), [("federation", ""), ("nmo", "SLO"), ("lc", "ljubljana")])
def test_a_program_filter_narrows_every_figure(federation, kind, key):
    key = str(federation.ljubljana.id) if key == "ljubljana" else key
    score = _dashboard(federation.admin, kind, key, program="score")
    scope = _dashboard(federation.admin, kind, key, program="scope")
    both = _dashboard(federation.admin, kind, key)

    assert (score.program, score.program_id) == ("SCORE", builders.program("SCORE").id)
    assert score.current.flows == (Flow("BRA", "SLO", 1),)
    assert score.current.region_flows == (Flow("Americas", "Europe", 1),)
    assert sum(sum(funnel.states.values()) for funnel in score.current.funnels) == 1
    assert score.current.late_cards == ()
    assert {pair.program for pair in score.current.balance} == {"SCORE"}
    assert {row.kind for row in score.current.occupancy} == {"projects"}
    assert score.previous.flows == () and score.previous.balance == ()

    assert Flow("BRA", "SLO", 1) not in scope.current.flows
    assert {pair.program for pair in scope.current.balance} == {"SCOPE"}
    assert {row.kind for row in scope.current.occupancy} == {"departments"}
    assert scope.current.late_cards == both.current.late_cards
    assert len(scope.current.flows) + len(score.current.flows) == len(both.current.flows)


def test_a_national_officer_of_one_program_sees_that_programs_figures(federation):
    officer = builders.user(Role.NATIONAL_OFFICER, nmo_=federation.slo, program_code="SCORE")

    dashboard = _dashboard(officer, "nmo", "SLO")

    assert dashboard.program is None
    scored = _dashboard(federation.admin, "nmo", "SLO", program="score").current
    assert replace(dashboard.current, counted_at=None) == replace(scored, counted_at=None)


# The public statistics


def test_the_public_figures_are_the_federations_flows_and_funnel(federation):
    selection = select_dashboard(federation.admin, "federation", "", NOW, "")
    figures = queries.public_figures(selection)
    dashboard = queries.dashboard(selection)

    assert figures.flows == dashboard.current.flows
    assert figures.region_flows == dashboard.current.region_flows
    assert figures.funnels == dashboard.current.funnels
    assert figures.late_cards == figures.balance == figures.occupancy == ()


def test_the_nmos_taking_part_send_host_or_hold_a_contract(federation):
    quiet = builders.nmo("ARG", "AR", "Argentina", region_name="Americas")
    builders.nmo("CHL", "CL", "Chile", region_name="Americas")  # nothing this season
    builders.contract(quiet, federation.bra, slots={7: 1})
    season = builders.season()

    assert queries.taking_part(season.id, None) == [
        ("ARG", "ARG", "Americas", 0, 0),
        ("BRA", "BRA", "Americas", 1, 1),
        ("CRO", "CRO", "Europe", 6, 1),
        ("SLO", "SLO", "Europe", 1, 6),
    ]
    score = builders.program("SCORE")
    assert queries.taking_part(season.id, (score.id,)) == [
        ("BRA", "BRA", "Americas", 1, 0),
        ("SLO", "SLO", "Europe", 0, 1),
    ]


# A bounded number of statements


def _grow(federation: Federation, times: int) -> None:
    """Many more NMOs, LCs, contracts, placements and applications, in both seasons and
    on every side of every dashboard."""
    today = clock.today()
    for number in range(times):
        nmo = builders.nmo(f"X{number}", "XX", f"Country {number}", region_name="Africa")
        lc = builders.lc(nmo, f"LC X{number}")
        to_slo = builders.contract(nmo, federation.slo, slots={7: 4, 8: 4})
        from_slo = builders.contract(federation.slo, nmo, slots={7: 2})
        builders.contract(nmo, federation.cro, slots={7: 2}, season_code=PREVIOUS)
        department = builders.department(lc, f"Department {number}", capacity={7: 3, 9: 1})
        builders.department(federation.ljubljana, f"Ljubljana {number}", capacity={8: 1})
        for state, placement in (
            (State.NOMINATED, None),
            (State.ACCEPTED, federation.cardiology),
            (State.CONFIRMED, federation.surgery),
        ):
            _application(
                lc,
                federation.slo,
                state,
                contract=to_slo,
                placement=placement,
                ca_late=True,
                ca_due_on=today - timedelta(days=1),
            )
        _application(
            federation.ljubljana,
            nmo,
            State.ACCEPTED,
            contract=from_slo,
            placement=department,
            cc_late=True,
        )
        _application(lc, federation.cro, State.DRAFT, season_code=PREVIOUS)
        _application(federation.split, nmo, State.SUBMITTED)


@pytest.mark.parametrize("kind", ["federation", "nmo", "lc"])
def test_a_dashboard_sends_as_many_statements_whatever_the_data_size(
    federation, count_queries, kind
):
    key = {"federation": "", "nmo": "SLO", "lc": str(federation.ljubljana.id)}[kind]

    def statements() -> int:
        db.session.expire_all()
        cache.clear()  # count them, rather than read them as counted before
        selection = select_dashboard(federation.admin, kind, key, NOW, "")
        with count_queries() as counted:
            dashboard = queries.dashboard(selection)
        assert dashboard.current.flows and dashboard.previous.flows
        return counted.value

    small = statements()
    _grow(federation, 25)
    large = statements()

    assert small == large
    # Six a season: flows, funnels, late cards, balance, occupancy (2).
    assert large == 12


# Kept figures (exchange.reports.recount)


def _statements(count_queries, federation) -> tuple[int, object]:
    """The statements a federation dashboard sends, and the dashboard."""
    selection = select_dashboard(federation.admin, "federation", "", NOW, "")
    with count_queries() as counted:
        dashboard = queries.dashboard(selection)
    return counted.value, dashboard


def _students(dashboard, sending="CRO", host="SLO") -> int:
    flows = dashboard.current.flows
    return sum(f.students for f in flows if (f.sending, f.host) == (sending, host))


def test_figures_are_kept_until_a_commit_changes_what_they_count(federation, count_queries):
    db.session.commit()
    counted, first = _statements(count_queries, federation)
    assert counted == 12  # both seasons counted
    kept, again = _statements(count_queries, federation)
    assert kept == 0 and again == first

    _application(federation.split, federation.slo, State.NOMINATED, contract=federation.cro_to_slo)
    db.session.commit()
    recounted, after = _statements(count_queries, federation)

    # Today's season is counted again, with the new student; the previous one, ended, is
    # history and kept.
    assert recounted == 6
    assert _students(after) == _students(first) + 1
    assert after.previous == first.previous


def test_a_write_rolled_back_or_of_nothing_counted_keeps_the_figures(federation, count_queries):
    db.session.commit()
    _statements(count_queries, federation)

    _application(federation.split, federation.slo, State.NOMINATED, contract=federation.cro_to_slo)
    db.session.rollback()
    assert _statements(count_queries, federation)[0] == 0

    federation.admin.name = "Another name"  # users are not counted
    db.session.commit()
    assert _statements(count_queries, federation)[0] == 0


def test_a_guarded_update_statement_counts_again(federation, count_queries):
    # The cycle moves states with one UPDATE statement (exchange.applications.moves), past
    # the unit of work: that too is a change.
    db.session.commit()
    _, first = _statements(count_queries, federation)
    nominated = federation.applications["cro_to_bra"]
    db.session.execute(
        sa.update(Application)
        .where(Application.id == nominated.id)
        .values(state=State.WITHDRAWN, closed_at=clock.now(), closing_reason="Plans changed.")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    recounted, after = _statements(count_queries, federation)
    assert recounted == 6
    assert _students(after, "CRO", "BRA") == _students(first, "CRO", "BRA") - 1


def test_figures_are_kept_a_while_at_most_and_counted_anew_each_day(federation, count_queries):
    db.session.commit()
    _statements(count_queries, federation)
    start = clock.now()
    # Today's season at most ten minutes, in case a write went past this app's session;
    # the ended season an hour.
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert _statements(count_queries, federation)[0] == 6
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert _statements(count_queries, federation)[0] == 12


def test_every_figure_is_counted_anew_on_a_new_day(federation, count_queries):
    # A card pending today may be overdue tomorrow.
    db.session.commit()
    evening = datetime.combine(clock.today(), datetime.min.time(), clock.now().tzinfo)
    with time_machine.travel(evening + timedelta(hours=23, minutes=58), tick=False):
        assert _statements(count_queries, federation)[0] == 12
        assert _statements(count_queries, federation)[0] == 0
    with time_machine.travel(evening + timedelta(days=1, minutes=1), tick=False):
        assert _statements(count_queries, federation)[0] == 12


def test_a_write_before_a_rolled_back_savepoint_still_counts_again(federation, count_queries):
    db.session.commit()
    _statements(count_queries, federation)
    _application(federation.split, federation.slo, State.NOMINATED, contract=federation.cro_to_slo)
    db.session.flush()
    savepoint = db.session.begin_nested()
    savepoint.rollback()
    db.session.commit()
    assert _statements(count_queries, federation)[0] == 6


def test_the_same_figures_asked_for_a_program_or_held_in_one_link_apart(federation):
    # One officer holds only SCOPE and asks for no program; another holds both and asks
    # for SCOPE: the same figures, but only the second's links keep to SCOPE.
    db.session.commit()
    scope_only = builders.user(Role.NATIONAL_OFFICER, nmo_=federation.slo, program_code="SCOPE")
    both = builders.user(Role.NATIONAL_OFFICER, nmo_=federation.slo, program_code="SCOPE")
    score = builders.program("SCORE")
    db.session.add(
        Membership(
            user=both, role=Role.NATIONAL_OFFICER, nmo_id=federation.slo.id, program_id=score.id
        )
    )
    db.session.commit()
    held = queries.dashboard_page(select_dashboard(scope_only, "nmo", "SLO", NOW, ""))
    asked = queries.dashboard_page(select_dashboard(both, "nmo", "SLO", NOW, "scope"))
    assert (held.program, asked.program) == (None, "SCOPE")
