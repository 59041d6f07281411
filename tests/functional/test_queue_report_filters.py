"""The applications list's filters that the dashboards link to: by host NMO, by host LC, by
sending NMO, and the cards that came late; each kept by the export links and said in the
sentence above the list; each only narrows what the viewer may see; and no value in the
query string, however long or odd, breaks the page."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications import deadlines
from exchange.applications.models import Preference
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.contracts.models import Contract
from exchange.extensions import db
from exchange.organizations.models import LocalCommittee
from tests import builders
from tests.functional.steps import as_user
from tests.functional.test_list_exports import csv_rows
from tests.functional.test_queues import codes_in, get

INCOMING = "/applications/?queue=incoming&state=all&season=all"


def confirmed_columns(placement) -> dict:
    """What a confirmed application holds: its placement, its CA's and its CC's data."""
    starts_on = builders.season().month_date(7)
    return {
        "state": State.CONFIRMED,
        "placement_id": placement.id,
        "starts_on": starts_on,
        "ends_on": starts_on + timedelta(weeks=4),
        "contact_person": "Dr. Maja Kos",
        "accepted_at": clock.now(),
        "cc_due_on": deadlines.cc_due_on(starts_on),
        "arrival_local": datetime(2026, 7, 5, 14, 30),
        "arrival_transport": "Bus",
        "confirmed_at": clock.now(),
    }


def incoming(home_lc, host, wish=None, placement=None, **columns):
    """An application of a new student of ``home_lc`` nominated to ``host`` under their
    NMO's contract, waiting for a placement (wishing ``wish``) or confirmed in
    ``placement``."""
    student = builders.user(Role.STUDENT, lc_=home_lc)
    contract = db.session.scalar(
        select(Contract).where(
            Contract.sending_nmo_id == student.student_membership.nmo_id,
            Contract.host_nmo_id == host.id,
        )
    )
    values = {
        "state": State.NOMINATED,
        "submitted_at": clock.now(),
        "nominated_at": clock.now(),
        "ca_due_on": deadlines.ca_due_on(builders.season().month_date(7)),
        "contract_id": contract.id,
        "months": [7],
        "exchange_month": 7,
    }
    if placement is not None:
        values |= confirmed_columns(placement)
    application = builders.application(student, host, **(values | columns))
    if wish is not None:
        db.session.add(Preference(application=application, rank=1, placement=wish))
    return application


@pytest.fixture
def lists(world):
    """Applications to the host from home and from a third NMO, and one from home to the
    third NMO: placed in either of the host's LCs or waiting for a placement, some with
    late or overdue cards."""
    federation = world.federation
    third = builders.nmo("AMSA-X", "AT", "Austria")
    builders.contract(third, federation.host)
    builders.contract(federation.home, third)
    zagreb, wien = federation.home_lc, builders.lc(third, "LC Wien", "Wien")
    made = {
        "placed_late_ca": incoming(
            zagreb, federation.host, placement=world.department, ca_late=True
        ),
        "waiting_here": incoming(zagreb, federation.host, wish=world.department),
        "waiting_elsewhere": incoming(
            zagreb,
            federation.host,
            wish=world.other_department,
            ca_due_on=date(2026, 4, 1),  # overdue on the suite's 15 April
        ),
        "placed_elsewhere_late_cc": incoming(
            wien,
            federation.host,
            placement=world.other_department,
            cc_late=True,
        ),
        "to_the_third": incoming(zagreb, third),
    }
    db.session.commit()
    return {name: application.code for name, application in made.items()}


def summary(page: str) -> str:
    found = re.search(r'<p [^>]*id="list-filter">(.*?)</p>', page, re.S)
    assert found, "the list says what it shows"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.parametrize(
    ("query", "names", "said"),
    [
        (
            "host=SLOMSIC",
            {"placed_late_ca", "waiting_here", "waiting_elsewhere", "placed_elsewhere_late_cc"},
            "hosted by SLOMSIC",
        ),
        ("host=AMSA-X", {"to_the_third"}, "hosted by AMSA-X"),
        ("home=AMSA-X", {"placed_elsewhere_late_cc"}, "from AMSA-X"),
        (
            "home=CROMSIC&host=SLOMSIC",
            {"placed_late_ca", "waiting_here", "waiting_elsewhere"},
            "from CROMSIC; hosted by SLOMSIC",
        ),
        ("card=ca&due=late", {"placed_late_ca"}, "CA sent late"),
        ("card=cc&due=late", {"placed_elsewhere_late_cc"}, "CC sent late"),
        ("card=ca&due=overdue&host=SLOMSIC", {"waiting_elsewhere"}, "CA overdue"),
        ("host=NOBODY", set(), "hosted by “NOBODY” (no such NMO)"),
    ],
)
def test_the_list_filters_by_host_home_and_late_cards(client, world, lists, query, names, said):
    as_user(client, world.federation.admin)
    page = get(client, f"{INCOMING}&{query}")
    assert set(codes_in(page)) == {lists[name] for name in names}
    assert said in summary(page)


def test_the_host_lc_filter_shows_what_the_lc_hosts(client, world, lists):
    """Placed in the LC, or waiting for a placement and wishing one of its placements:
    what the LC's own officers see in their incoming list."""
    as_user(client, world.federation.admin)
    ljubljana = world.federation.host_lc
    page = get(client, f"{INCOMING}&host_lc={ljubljana.id}")
    assert set(codes_in(page)) == {lists["placed_late_ca"], lists["waiting_here"]}
    assert "hosted by LC Ljubljana" in summary(page)

    as_user(client, world.host_leo)
    assert set(codes_in(get(client, INCOMING))) == set(codes_in(page))

    maribor = world.other_department.lc_id
    as_user(client, world.federation.admin)
    page = get(client, f"{INCOMING}&host_lc={maribor}&card=cc&due=late")
    assert codes_in(page) == [lists["placed_elsewhere_late_cc"]]


def test_the_home_lc_filter_shows_its_students_applications(client, world, lists):
    as_user(client, world.federation.admin)
    wien = db.session.scalar(select(LocalCommittee).where(LocalCommittee.name == "LC Wien"))
    page = get(client, f"{INCOMING}&home_lc={wien.id}")
    assert codes_in(page) == [lists["placed_elsewhere_late_cc"]]
    assert "from LC Wien" in summary(page)
    zagreb = world.federation.home_lc.id
    outgoing = get(client, f"/applications/?queue=outgoing&state=all&season=all&home_lc={zagreb}")
    assert set(codes_in(outgoing)) == {
        lists[name]
        for name in ("placed_late_ca", "waiting_here", "waiting_elsewhere", "to_the_third")
    }
    # An export of an LC's students keeps to them too.
    rows = csv_rows(client, f"queue=incoming&state=all&season=all&home_lc={wien.id}")
    assert [row[0] for row in rows[1:]] == [lists["placed_elsewhere_late_cc"]]


def test_the_export_links_and_the_exports_keep_the_filters(client, world, lists):
    as_user(client, world.federation.admin)
    ljubljana = world.federation.host_lc.id
    query = f"host=SLOMSIC&home=CROMSIC&host_lc={ljubljana}&card=ca&due=late"
    page = get(client, f"{INCOMING}&{query}")
    assert codes_in(page) == [lists["placed_late_ca"]]
    links = re.findall(r'href="(/applications/export\.csv\?[^"]+)"', page)
    assert links, "the list links to its CSV"
    link = links[0].replace("&amp;", "&")
    for part in query.split("&"):
        assert part in link.split("?")[1].split("&"), part
    rows = csv_rows(client, link.split("?")[1])
    assert [row[0] for row in rows[1:]] == [lists["placed_late_ca"]]


def test_the_filters_only_narrow_what_the_viewer_may_see(client, world, lists):
    as_user(client, world.host_neo)  # SLOMSIC's: the third NMO's incoming is not theirs
    assert codes_in(get(client, f"{INCOMING}&host=AMSA-X")) == []
    assert set(codes_in(get(client, f"{INCOMING}&home=AMSA-X"))) == {
        lists["placed_elsewhere_late_cc"]
    }
    as_user(client, world.host_leo)  # LC Ljubljana's: Maribor's is not theirs
    maribor = world.other_department.lc_id
    assert codes_in(get(client, f"{INCOMING}&host_lc={maribor}")) == []


@pytest.mark.parametrize(
    "query",
    [
        "host_lc=abc",
        "home_lc=abc",
        "home_lc=%C2%B2",
        "host_lc=%C2%B2",
        "host_lc=0",
        "host_lc=",
        "program=abc",
        "due=late",
        "card=xx&due=late",
        "card=ca&due=never",
    ],
)
def test_a_value_that_can_match_nothing_is_left_out(client, world, lists, query):
    as_user(client, world.federation.admin)
    everything = set(codes_in(get(client, INCOMING)))
    assert everything == set(lists.values())
    page = client.get(f"{INCOMING}&{query}")
    assert page.status_code == 200
    assert set(codes_in(page.get_data(as_text=True))) == everything
    assert client.get(f"/applications/export.csv?queue=incoming&{query}").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "host_lc=99999999999999999999",
        "home_lc=99999999999999999999",
        "host_lc=-1",
        "season=99999999999999999999",
        "program=-99999999999999999999",
    ],
)
def test_a_number_that_can_be_no_id_is_a_404_that_says_so(client, world, lists, query):
    # Issue 14: one input-parsing layer answers an out-of-range number with a 404 and a
    # message (before, such a filter was left out, as a word still is, above).
    as_user(client, world.federation.admin)
    name, _, value = query.partition("=")
    page = client.get(f"/applications/?queue=incoming&state=all&{query}")
    assert page.status_code == 404
    assert f"There is no {name} numbered {value[:24]}." in page.get_data(as_text=True)
    assert client.get(f"/applications/export.csv?queue=incoming&{query}").status_code == 404


@pytest.mark.parametrize("value", ["x" * 5000, "=1+1", "%27%3B--", "ÄÖ"])
def test_an_odd_nmo_code_matches_nothing(client, world, lists, value):
    as_user(client, world.federation.admin)
    for name in ("host", "home"):
        response = client.get(f"{INCOMING}&{name}={value}")
        assert response.status_code == 200
        assert codes_in(response.get_data(as_text=True)) == []
