"""The dashboards' figures shaped for people, from hand-made values: the tables a page, a
CSV and an XLSX show, the charts' data, the largest flows with the rest as "Others", the
change from the previous season, conversion rates and the public "fewer than 5"."""

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from exchange.csv_files import write_table_csv, write_tables_csv
from exchange.reports import charts as chart_data
from exchange.reports import figures, summary
from exchange.reports.display import NONE_SHOWN, display
from exchange.reports.figures import FEWER_THAN, TABLE_KEYS, Cell, tables
from exchange.reports.records import (
    BalancePair,
    Dashboard,
    Figures,
    Flow,
    Funnel,
    LateCards,
    Occupancy,
)
from exchange.spreadsheets import Sheet, fitted_columns, write_workbook

NOTHING = Figures()


def dashboard(current=NOTHING, previous=None, **fields) -> Dashboard:
    values = {
        "title": "The federation",
        "season": "2026/27",
        "season_id": 7,
        "previous_season": "2025/26" if previous is not None else None,
        "program": None,
        "current": current,
        "previous": previous,
    }
    return Dashboard(**(values | fields))


def table(board: Dashboard, key: str) -> figures.Table:
    return figures.table(board, key)


def column(t: figures.Table, title: str) -> list:
    number = t.header.index(title)
    return [figures.plain(row[number]) for row in t.rows]


def funnel(name="All", states=None, **reached) -> Funnel:
    return Funnel(name, states or {}, reached)


# Small figures


@pytest.mark.parametrize(
    ("n", "shown"), [(0, FEWER_THAN), (1, FEWER_THAN), (4, FEWER_THAN), (5, 5), (1234, 1234)]
)
def test_a_public_count_below_5_is_fewer_than_5(n, shown):
    assert figures.public_count(n) == shown


@pytest.mark.parametrize(
    ("now", "before", "change", "percent"),
    [
        (12, 10, 2, 20.0),
        (7, 10, -3, -30.0),
        (10, 10, 0, 0.0),
        (3, 0, 3, None),  # nothing to compare with: no percentage
        (3, None, None, None),  # no previous season: no change at all, not 0
        (2, 3, -1, -33.3),
    ],
)
def test_the_change_from_the_previous_season(now, before, change, percent):
    assert figures.change(now, before) == change
    assert figures.change_percent(now, before) == percent


@pytest.mark.parametrize(
    ("part", "whole", "percent"), [(1, 3, 33.3), (2, 3, 66.7), (3, 3, 100.0), (0, 0, None)]
)
def test_percent_has_one_decimal_and_none_of_nothing(part, whole, percent):
    assert figures.percent(part, whole) == percent


def test_months_come_in_the_season_s_order_april_first():
    assert figures.season_months([1, 12, 7, 3, 4]) == [4, 7, 12, 1, 3]


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (None, "", NONE_SHOWN),
        (None, figures.CHANGE, NONE_SHOWN),
        (1234, "", "1,234"),
        (3, figures.CHANGE, "+3"),
        (-2, figures.CHANGE, "-2"),
        (0, figures.CHANGE, "0"),
        (66.7, figures.PERCENT, "66.7%"),
        (12.5, figures.CHANGE_PERCENT, "+12.5%"),
        (-30.0, figures.CHANGE_PERCENT, "-30.0%"),
        ("SLOMSIC", figures.TEXT, "SLOMSIC"),
    ],
)
def test_values_read_for_people(value, style, text):
    assert display(value, style) == text


# Flows


FLOWS = tuple(
    Flow(sending, host, students)
    for sending, host, students in [
        ("HR", "SI", 9),
        ("SI", "HR", 7),
        ("AT", "SI", 5),
        ("HR", "AT", 3),
        ("SI", "AT", 2),
        ("AT", "HR", 1),
    ]
)


def test_the_grouped_flows_name_the_largest_senders_and_hosts_and_group_the_rest():
    # Sent: HR 12, SI 9, AT 6. Hosted: SI 14, HR 8, AT 5.
    assert figures.grouped_flows(reversed(FLOWS), 2) == (
        Flow("HR", "SI", 9),
        Flow("SI", "HR", 7),
        Flow(figures.OTHERS, "SI", 5),
        Flow("HR", figures.OTHERS, 3),
        Flow("SI", figures.OTHERS, 2),
        Flow(figures.OTHERS, "HR", 1),
    )


def test_no_others_when_every_nmo_is_named_and_empty_flows_are_dropped():
    flows = (Flow("HR", "SI", 2), Flow("SI", "HR", 0))
    assert figures.grouped_flows(flows, 8) == (Flow("HR", "SI", 2),)
    assert figures.grouped_flows((), 8) == ()


def test_equal_flows_keep_one_order():
    flows = (Flow("SI", "HR", 2), Flow("AT", "HR", 2), Flow("AT", "AT", 2))
    assert [(f.sending, f.host) for f in figures.grouped_flows(flows, 5)] == [
        ("AT", "AT"),
        ("AT", "HR"),
        ("SI", "HR"),
    ]


def test_the_matrix_shows_the_largest_senders_and_hosts_with_others_and_totals():
    hosts, rows = figures.flow_matrix(FLOWS, keep=2)
    # Sent: HR 12, SI 9, AT 6. Hosted: SI 14, HR 8, AT 5.
    assert hosts == ["SI", "HR", figures.OTHERS]
    assert rows == [
        ["HR", 9, 0, 3, 12],
        ["SI", 0, 7, 2, 9],
        [figures.OTHERS, 5, 1, 0, 6],
        [figures.TOTAL, 14, 8, 5, 27],
    ]


def test_a_matrix_without_a_rest_has_no_others():
    hosts, rows = figures.flow_matrix(FLOWS, keep=None)
    assert figures.OTHERS not in hosts
    assert [row[0] for row in rows] == ["HR", "SI", "AT", figures.TOTAL]
    assert rows[-1][-1] == sum(f.students for f in FLOWS)


def test_the_flows_table_without_a_previous_season_shows_no_change_not_zero():
    t = table(dashboard(Figures(flows=FLOWS)), "flows")
    assert t.header == ("Sending NMO", "Host NMO", "Students", "Previous season", "Change")
    assert t.rows[0] == ("HR", "SI", 9, None, None)
    assert column(t, "Students") == [9, 7, 5, 3, 2, 1]
    assert t.shown_rows()[0][3].text == t.shown_rows()[0][4].text == NONE_SHOWN


def test_the_flows_table_sets_each_pair_beside_the_previous_season_s():
    previous = Figures(flows=(Flow("HR", "SI", 4), Flow("HR", "DE", 6)))
    current = Figures(flows=(Flow("HR", "SI", 9), Flow("SI", "HR", 7)))
    t = table(dashboard(current, previous), "flows")
    assert t.rows == (
        ("HR", "SI", 9, 4, 5),
        ("SI", "HR", 7, 0, 7),  # new this season: the previous season had none
        ("HR", "DE", 0, 6, -6),  # gone this season, still shown
    )
    assert [c.text for c in t.shown_rows()[2]] == ["HR", "DE", "0", "6", "-6"]
    assert t.shown_rows()[0][4].numeric and not t.shown_rows()[0][0].numeric


def test_the_flow_matrix_and_region_tables():
    regions = (Flow("Europe", "Europe", 30), Flow("Europe", "Americas", 4))
    board = dashboard(Figures(flows=FLOWS, region_flows=regions))
    matrix = table(board, "flow_matrix")
    assert matrix.header == ("Sending NMO → host NMO", "SI", "HR", "AT", "Total")
    assert matrix.rows[-1] == ("Total", 14, 8, 5, 27)
    by_region = table(board, "region_flows")
    assert by_region.header == ("Sending region → host region", "Europe", "Americas", "Total")
    assert by_region.rows == (("Europe", 30, 4, 34), ("Total", 30, 4, 34))


def test_the_matrix_shows_ten_senders_and_hosts_at_most():
    flows = tuple(Flow(f"S{n:02}", f"H{n:02}", 100 - n) for n in range(15))
    matrix = table(dashboard(Figures(flows=flows)), "flow_matrix")
    assert len(matrix.header) == 1 + figures.MATRIX_SIDE + 2  # label, hosts, Others, Total
    assert [row[0] for row in matrix.rows][-2:] == [figures.OTHERS, figures.TOTAL]
    assert matrix.rows[-1][-1] == sum(f.students for f in flows)


# The funnel


def test_the_funnel_converts_from_submitted_and_counts_each_state():
    current = Figures(
        funnels=(
            funnel(
                states={"draft": 5, "submitted": 10, "accepted": 6, "rejected": 4},
                submitted=20,
                nominated=16,
                accepted=10,
                confirmed=5,
                certified=0,
            ),
        )
    )
    t = table(dashboard(current), "funnel")
    assert t.header == (
        "Stage or state",
        "All",
        "All, previous season",
        "All, change",
        "All, % of submitted",
    )
    assert t.rows[:5] == (
        ("Reached: Submitted", 20, None, None, 100.0),
        ("Reached: Nominated", 16, None, None, 80.0),
        ("Reached: Accepted", 10, None, None, 50.0),
        ("Reached: Confirmed", 5, None, None, 25.0),
        ("Reached: Certified", 0, None, None, 0.0),
    )
    # States in the order of an application's life, closed ones last.
    assert [row[0] for row in t.rows[5:]] == [
        "Now: Draft",
        "Now: Submitted",
        "Now: Accepted (CA issued)",
        "Now: Rejected",
    ]
    assert t.rows[5][1:] == (5, None, None, None)


def test_a_funnel_with_nothing_submitted_has_no_conversion():
    t = table(dashboard(Figures(funnels=(funnel(states={"draft": 2}),))), "funnel")
    assert t.rows[0] == ("Reached: Submitted", 0, None, None, None)


def test_two_funnels_stand_side_by_side_beside_the_previous_season():
    current = Figures(
        funnels=(
            funnel("Outgoing", {"submitted": 3}, submitted=4, nominated=1),
            funnel("Incoming", {"nominated": 2}, submitted=2, nominated=2),
        )
    )
    # The previous season had no incoming funnel: its figures are 0, not missing.
    previous = Figures(funnels=(funnel("Outgoing", {"withdrawn": 1}, submitted=2),))
    t = table(dashboard(current, previous), "funnel")
    assert t.header[1::4] == ("Outgoing", "Incoming")
    assert t.rows[0] == ("Reached: Submitted", 4, 2, 2, 100.0, 2, 0, 2, 100.0)
    assert t.rows[1] == ("Reached: Nominated", 1, 0, 1, 25.0, 2, 0, 2, 100.0)
    # A state present in the previous season only is still shown.
    assert [row[0] for row in t.rows[5:]] == ["Now: Submitted", "Now: Nominated", "Now: Withdrawn"]
    assert t.rows[-1] == ("Now: Withdrawn", 0, 1, -1, None, 0, 0, 0, None)


def test_an_empty_funnel_is_an_empty_table():
    assert table(dashboard(Figures(funnels=(funnel(),))), "funnel").empty
    assert table(dashboard(), "funnel").empty


# Late cards


LATE = (
    LateCards("SI", "SLOMSIC (Slovenia)", ca_late=2, ca_overdue=0, cc_late=1, cc_overdue=3),
    LateCards("AT", "AMSA (Austria)", ca_late=0, ca_overdue=1, cc_late=0, cc_overdue=0),
)


def test_each_late_card_number_links_to_the_applications_it_counts():
    t = table(dashboard(Figures(late_cards=LATE)), "late_cards")
    assert t.title == "Late cards per host NMO"
    assert t.header == (
        "Host",
        "CA late",
        "CA overdue",
        "CC late",
        "CC overdue",
        "Total",
        "Previous season total",
    )
    first = t.rows[0]
    assert first[0] == "SLOMSIC (Slovenia)"
    assert first[1] == Cell(
        2,
        {
            "queue": "incoming",
            "state": "all",
            "card": "ca",
            "due": "late",
            "season": 7,
            "host": "SI",
        },
    )
    assert first[3].filters["card"] == "cc" and first[3].filters["due"] == "late"
    assert first[4].filters == first[3].filters | {"due": "overdue"}
    # Nothing to list: no link.
    assert first[2] == 0
    assert first[5:] == (6, None)
    assert t.values[0] == ["SLOMSIC (Slovenia)", 2, 0, 1, 3, 6, None]
    assert t.shown_rows()[0][1].filters == first[1].filters
    assert t.shown_rows()[0][2].filters is None


def test_late_cards_of_an_nmo_link_per_lc_and_keep_the_program():
    cards = (
        LateCards("41", "LC Ljubljana", 1, 0, 0, 0),
        LateCards("", "Not placed yet", 0, 2, 0, 0),
    )
    board = dashboard(Figures(late_cards=cards), kind="nmo", program_id=3, nmo="SLOMSIC")
    t = table(board, "late_cards")
    assert t.title == "Late cards per host LC"
    by_host = {row[0]: row for row in t.rows}
    assert by_host["LC Ljubljana"][1].filters == {
        "queue": "incoming",
        "state": "all",
        "card": "ca",
        "due": "late",
        "season": 7,
        "program": 3,
        "host_lc": "41",
    }
    # Not placed yet: no LC, so the host NMO's list of overdue CAs.
    assert by_host["Not placed yet"][2].filters["host"] == "SLOMSIC"
    assert "host_lc" not in by_host["Not placed yet"][2].filters


def test_an_lc_s_late_cards_link_to_its_incoming_list():
    board = dashboard(Figures(late_cards=(LateCards("41", "LC Ljubljana", 0, 0, 0, 5),)), kind="lc")
    t = table(board, "late_cards")
    assert t.title == "Late cards"
    assert t.rows[0][4].filters["host_lc"] == "41"


def test_late_cards_beside_the_previous_season_s():
    previous = Figures(
        late_cards=(
            LateCards("SI", "SLOMSIC (Slovenia)", 1, 1, 1, 1),
            LateCards("DE", "bvmd (Germany)", 0, 0, 2, 0),
        )
    )
    t = table(dashboard(Figures(late_cards=LATE), previous), "late_cards")
    assert [(row[0], row[5], row[6]) for row in t.rows] == [
        ("SLOMSIC (Slovenia)", 6, 4),
        ("AMSA (Austria)", 1, 0),
        ("bvmd (Germany)", 0, 2),  # none this season, and still shown
    ]


# Balance and occupancy


def pair(nmo, partner, sent, hosted, program="SCOPE") -> BalancePair:
    return BalancePair(program, nmo, partner, sent, hosted, 1, 0, 2, 0)


def test_the_most_unbalanced_pairs_come_first_with_used_unused_and_proposed_apart():
    balance = (pair("HR", "SI", 3, 3), pair("HR", "AT", 10, 2), pair("HR", "DE", 0, 4, "SCORE"))
    t = table(dashboard(Figures(balance=balance)), "balance")
    assert [row[2] for row in t.rows] == ["AT", "DE", "SI"]
    assert t.header[3:] == (
        "Sent",
        "Hosted",
        "Used sent",
        "Unused sent",
        "Used hosted",
        "Unused hosted",
        "Proposed sent",
        "Proposed hosted",
        "Gap",
    )
    assert t.rows[0] == ("SCOPE", "HR", "AT", 10, 2, 1, 9, 0, 2, 2, 0, 8)


def test_occupancy_per_month_in_season_order_with_the_previous_season():
    current = Figures(
        occupancy=(
            Occupancy(1, "departments", 4, 1),
            Occupancy(7, "projects", 2, 2),
            Occupancy(7, "departments", 10, 12),
            Occupancy(4, "departments", 0, 0),  # nothing offered, nothing taken: left out
        )
    )
    previous = Figures(occupancy=(Occupancy(7, "departments", 8, 6),))
    t = table(dashboard(current, previous), "occupancy")
    assert t.header == (
        "Month",
        "Kind",
        "Capacity",
        "Accepted",
        "Free",
        "% occupied",
        "Previous season accepted",
    )
    assert t.rows == (
        ("July", "Departments", 10, 12, 0, 120.0, 6),
        ("July", "Research projects", 2, 2, 0, 100.0, 0),
        ("January", "Departments", 4, 1, 3, 25.0, 0),
    )


# Season over season


def test_the_comparison_sets_the_headline_numbers_side_by_side():
    current = Figures(
        flows=(Flow("HR", "SI", 3),),
        funnels=(funnel(states={"submitted": 4}, submitted=4, nominated=2),),
        balance=(pair("HR", "SI", 3, 1),),
        occupancy=(Occupancy(7, "departments", 5, 2),),
        late_cards=LATE,
    )
    previous = Figures(flows=(Flow("HR", "SI", 2),), funnels=(funnel(submitted=0),))
    t = table(dashboard(current, previous), "comparison")
    assert t.header == ("Figure", "2026/27", "2025/26", "Change", "Change %")
    rows = {row[0]: row[1:] for row in t.rows}
    assert rows["Applications"] == (4, 0, 4, None)
    assert rows["Submitted"] == (4, 0, 4, None)
    assert rows["Students in flows"] == (3, 2, 1, 50.0)
    assert rows["Confirmed slots"] == (4, 0, 4, None)
    assert rows["Capacity"] == (5, 0, 5, None)
    assert rows["Accepted into placements"] == (2, 0, 2, None)
    assert rows["Late cards"] == (7, 0, 7, None)


def test_without_a_previous_season_the_comparison_shows_dashes():
    t = table(dashboard(Figures(flows=(Flow("HR", "SI", 3),))), "comparison")
    assert t.header[2] == "Previous season"
    row = next(r for r in t.rows if r[0] == "Students in flows")
    assert row == ("Students in flows", 3, None, None, None)
    assert [c.text for c in t.shown_rows()[t.rows.index(row)]][2:] == [NONE_SHOWN] * 3


def test_two_funnels_are_named_in_the_comparison():
    current = Figures(funnels=(funnel("Outgoing", submitted=1), funnel("Incoming", submitted=2)))
    names = [row[0] for row in table(dashboard(current), "comparison").rows]
    assert "Outgoing: Submitted" in names and "Incoming: Certified" in names


# Every table


def test_every_dashboard_has_every_table_in_one_order():
    assert [t.key for t in figures.tables(dashboard())] == list(TABLE_KEYS)
    assert figures.table(dashboard(), "no-such-figure") is None


def test_an_empty_season_gives_empty_tables_but_the_comparison():
    empty = {t.key for t in figures.tables(dashboard()) if t.empty}
    assert empty == set(TABLE_KEYS) - {"comparison"}
    assert dashboard().empty


def test_every_value_of_every_table_is_one_a_file_can_hold():
    board = full_dashboard()
    for t in figures.tables(board):
        assert t.title and t.header, t.key
        assert len(t.styles) == len(t.header), t.key
        for row in t.values:
            assert len(row) == len(t.header), t.key
            assert all(v is None or isinstance(v, int | float | str) for v in row), t.key


# Charts


def full_dashboard() -> Dashboard:
    figures_ = Figures(
        flows=FLOWS,
        region_flows=(Flow("Europe", "Europe", 27),),
        funnels=(funnel("Outgoing", {"submitted": 2}, submitted=4, nominated=2),),
        late_cards=LATE,
        balance=(pair("HR", "SI", 3, 1),),
        occupancy=(Occupancy(7, "departments", 5, 2), Occupancy(1, "projects", 3, 0)),
    )
    return dashboard(figures_, figures_)


def test_an_empty_season_draws_no_chart():
    assert chart_data.charts(dashboard()) == {}
    quiet = Figures(
        funnels=(funnel(),),
        late_cards=(LateCards("SI", "SLOMSIC", 0, 0, 0, 0),),
        balance=(pair("HR", "SI", 0, 0),),
        occupancy=(Occupancy(7, "departments", 0, 0),),
    )
    assert chart_data.charts(dashboard(quiet)) == {}


def test_the_flows_sankey_labels_senders_and_hosts_apart():
    sankey = chart_data.charts(dashboard(Figures(flows=FLOWS[:3])))["flows"]
    assert sankey == {
        "kind": "sankey",
        "labels": ["HR", "SI", "AT", "→ SI", "→ HR"],
        "source": [0, 1, 2],
        "target": [3, 4, 3],
        "value": [9, 7, 5],
        "left_out": 0,
    }


def test_the_sankey_names_eight_senders_and_hosts_and_groups_the_rest_as_others():
    flows = (
        *(Flow(f"S{n:02}", f"H{n:02}", 100 - n) for n in range(20)),
        Flow("S00", "H19", 1),  # a named sender to a host among "Others"
    )
    sankey = chart_data.charts(dashboard(Figures(flows=flows)))["flows"]
    side = chart_data.SANKEY_SIDE
    assert len(sankey["value"]) == side + 1
    assert (sankey["labels"][sankey["source"][-1]], sankey["labels"][sankey["target"][-1]]) == (
        "S00",
        "→ Others",
    )
    # Between the NMOs of "Others" on both sides: counted, not drawn.
    assert sankey["left_out"] == sum(100 - n for n in range(side, 20))
    assert "Others" not in [sankey["labels"][n] for n in sankey["source"]]
    assert sum(sankey["value"]) + sankey["left_out"] == sum(f.students for f in flows)


def test_the_bar_charts():
    drawn = chart_data.charts(full_dashboard())
    assert set(drawn) == {"flows", "funnel", "late_cards", "balance", "occupancy"}
    assert drawn["funnel"] == {
        "kind": "bar",
        "categories": ["Submitted", "Nominated", "Accepted", "Confirmed", "Certified"],
        "series": [
            {"name": "2026/27", "values": [4, 2, 0, 0, 0]},
            {"name": "2025/26", "values": [4, 2, 0, 0, 0]},
        ],
        "stacked": False,
        "horizontal": False,
    }
    late = drawn["late_cards"]
    assert late["categories"] == ["SLOMSIC (Slovenia)", "AMSA (Austria)"]
    assert [s["name"] for s in late["series"]] == ["CA late", "CA overdue", "CC late", "CC overdue"]
    assert [s["values"] for s in late["series"]] == [[2, 0], [0, 1], [1, 0], [3, 0]]
    assert late["stacked"] and late["horizontal"]
    assert drawn["balance"]["categories"] == ["HR ↔ SI (SCOPE)"]
    assert drawn["balance"]["series"] == [
        {"name": "Sent", "values": [3]},
        {"name": "Hosted", "values": [1]},
    ]
    occupancy = drawn["occupancy"]
    assert occupancy["categories"] == ["July", "January"]
    assert occupancy["series"] == [
        {"name": "Departments: capacity", "values": [5, 0]},
        {"name": "Departments: accepted", "values": [2, 0]},
        {"name": "Research projects: capacity", "values": [0, 3]},
        {"name": "Research projects: accepted", "values": [0, 0]},
    ]


def test_two_funnels_are_named_in_their_chart():
    current = Figures(funnels=(funnel("Outgoing", submitted=1), funnel("Incoming", submitted=2)))
    series = chart_data.charts(dashboard(current, Figures()))["funnel"]["series"]
    assert [s["name"] for s in series] == ["Outgoing, 2026/27", "Incoming, 2026/27"]


def test_bar_charts_show_the_fifteen_largest():
    balance = tuple(pair(f"N{n:02}", "SI", n, 0) for n in range(30))
    chart = chart_data.charts(dashboard(Figures(balance=balance)))["balance"]
    assert len(chart["categories"]) == chart_data.CHART_BARS
    assert chart["categories"][0] == "N29 ↔ SI (SCOPE)"


def test_the_json_holds_the_charts():
    board = full_dashboard()
    data = json.loads(json.dumps(summary.page_data(summary.dashboard_page(board))))
    assert {k: data[k] for k in ("title", "season", "previous_season", "program", "empty")} == {
        "title": "The federation",
        "season": "2026/27",
        "previous_season": "2025/26",
        "program": None,
        "empty": False,
    }
    assert set(data) == {"title", "season", "previous_season", "program", "empty", "charts"}
    assert data["charts"] == json.loads(json.dumps(chart_data.charts(board)))
    assert set(data["charts"]) == {"flows", "funnel", "late_cards", "balance", "occupancy"}


def test_the_shaping_modules_import_no_flask_and_no_sqlalchemy():
    code = (
        "import sys; import exchange.reports.figures, exchange.reports.records, "
        "exchange.reports.charts, "
        "exchange.reports.display, exchange.reports.summary; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Files of several tables


def test_tables_in_one_csv_keep_numbers_as_numbers_and_guard_text():
    text = write_tables_csv(
        [
            ("Flows", ("Sending", "Change"), [("=EVIL", -3), ("-SI", 2.5), (None, None)]),
            ("=Title", ("@Header",), []),
        ]
    )
    assert list(csv.reader(io.StringIO(text))) == [
        ["Flows"],
        ["Sending", "Change"],
        ["'=EVIL", "-3"],
        ["'-SI", "2.5"],
        ["", ""],
        [],
        ["'=Title"],
        ["'@Header"],
        [],
    ]
    assert write_table_csv(("A",), [(-1,)]) == "A\r\n-1\r\n"


def test_a_workbook_has_one_sheet_per_table_with_names_a_spreadsheet_takes():
    rows = [("CROMSIC", 1234567, 66.7, None)]
    columns = fitted_columns(("NMO", "Students", "% occupied", "Previous season"), rows)
    assert [c.width for c in columns] == [9, 10, 12, 17]
    body = write_workbook(
        [
            Sheet("Flows: in/out [2026?]", columns, rows),
            Sheet("flows: in/out [2026?]", columns, []),
            Sheet("A title far longer than thirty-one characters", columns, []),
        ]
    )
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == [
        "Flows  in out  2026",
        "flows  in out  2026 (2)",
        "A title far longer than thirty-",
    ]
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["CROMSIC", 1234567, 66.7, None]
    assert sheet.column_dimensions["B"].width == 10
    assert load_workbook(io.BytesIO(write_workbook([]))).sheetnames == ["Sheet"]


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_a_page_s_tables_are_the_first_rows_of_the_whole_tables(limit):
    board = full_dashboard()
    many = [Flow(f"S{n:03}", f"H{n % 7}", n % 5 + 1) for n in range(60)]
    board = Dashboard(
        title=board.title,
        season=board.season,
        season_id=board.season_id,
        previous_season=board.previous_season,
        program=None,
        current=replace(board.current, flows=board.current.flows + tuple(many)),
        previous=board.previous,
    )
    whole, cut = tables(board), tables(board, limit)
    assert [t.key for t in cut] == [t.key for t in whole]
    for full, first in zip(whole, cut, strict=True):
        assert first.rows == full.rows[:limit], full.key
        assert first.total_rows == len(full.rows), full.key


def test_a_page_holds_each_table_s_first_rows_the_charts_and_the_sides():
    flows = (
        *(Flow("CROMSIC", f"H{n}", n) for n in range(1, 8)),
        Flow("SLOMSIC", "CROMSIC", 4),
        Flow("BRA", "CROMSIC", 2),
        Flow("SLOMSIC", "H1", 9),  # neither side of CROMSIC
    )
    outgoing = Funnel("Outgoing", {"nominated": 3}, {"submitted": 3, "nominated": 3})
    incoming = Funnel("Incoming", {"accepted": 6}, {"nominated": 6, "accepted": 6})
    board = Dashboard(
        title="CROMSIC",
        season="2026/27",
        season_id=1,
        previous_season="2025/26",
        program=None,
        current=Figures(flows=flows, funnels=(outgoing, incoming)),
        previous=Figures(funnels=(Funnel("Outgoing", {}, {"submitted": 1}),)),
        kind="nmo",
        nmo="CROMSIC",
    )
    page = summary.dashboard_page(board, limit=3)
    assert [t.rows for t in page.tables] == [t.rows for t in tables(board, 3)]
    assert page.charts == chart_data.charts(board)
    out, into = page.sides
    assert (out.name, out.funnel, out.previous.reached) == ("Outgoing", outgoing, {"submitted": 1})
    assert out.students == sum(range(1, 8))
    assert out.partners == (("H7", 7), ("H6", 6), ("H5", 5), ("H4", 4), ("H3", 3))
    assert out.partner_count == 7
    assert (into.name, into.funnel, into.previous) == ("Incoming", incoming, None)
    assert (into.students, into.partners, into.partner_count) == (
        6,
        (("SLOMSIC", 4), ("BRA", 2)),
        2,
    )
    # The federation's dashboard has no sides.
    assert summary.dashboard_page(replace(board, kind="federation")).sides == ()
