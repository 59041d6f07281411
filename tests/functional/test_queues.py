"""The officers' lists decide: the outgoing queue shows each student's LC, submission,
points and host wish with the free contract slots; the incoming queue the ranked
placements with their free places; the nominate panel the free slots per month. A local
officer's list opens on everything open; columns sort; a fee filter; nobody sees what is
not theirs; and no page makes a query per row."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update

from exchange import clock
from exchange.applications import deadlines
from exchange.applications.models import Preference
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractSlot
from exchange.extensions import db
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.steps import as_user

OUTGOING = "/applications/?queue=outgoing"
INCOMING = "/applications/?queue=incoming"


# Applications in each state, written straight to the tables (the services' own tests
# test the services); what the services keep (slots and places used) is kept here too.


def submitted(world, name=None, points=None, months=(7, 8), student=None, **columns):
    student = student or builders.user(Role.STUDENT, name=name, lc_=world.federation.home_lc)
    return builders.application(
        student,
        world.federation.host,
        **{
            "state": State.SUBMITTED,
            "submitted_at": clock.now(),
            "months": list(months),
            "points": points,
            **columns,
        },
    )


def nominated(world, month=7, wishes=(), **columns):
    contract = db.session.scalar(
        select(Contract).where(Contract.sending_nmo_id == world.federation.home.id)
    )
    db.session.execute(
        update(ContractSlot)
        .where(ContractSlot.contract_id == contract.id, ContractSlot.month == month)
        .values(used=ContractSlot.used + 1)
    )
    application = submitted(
        world,
        state=State.NOMINATED,
        contract_id=contract.id,
        exchange_month=month,
        nominated_at=clock.now(),
        ca_due_on=deadlines.ca_due_on(builders.season().month_date(month)),
        **columns,
    )
    for rank, placement in enumerate(wishes, start=1):
        db.session.add(Preference(application=application, rank=rank, placement=placement))
    db.session.flush()
    return application


def confirmed(world, placement, month=7, **columns):
    application = nominated(world, month, wishes=(placement,), **columns)
    db.session.execute(
        update(PlacementCapacity)
        .where(PlacementCapacity.placement_id == placement.id, PlacementCapacity.month == month)
        .values(used=PlacementCapacity.used + 1)
    )
    starts_on = builders.season().month_date(month)
    application.state = State.CONFIRMED
    application.placement_id = placement.id
    application.starts_on = starts_on
    application.ends_on = starts_on + timedelta(weeks=4)
    application.contact_person = "Dr. Maja Kos"
    application.accepted_at = clock.now()
    application.cc_due_on = deadlines.cc_due_on(starts_on)
    application.arrival_local = datetime(2026, 7, 5, 14, 30)
    application.arrival_transport = "Bus from Zagreb"
    application.confirmed_at = clock.now()
    db.session.flush()
    return application


def row_of(page: str, code: str) -> str:
    found = re.search(rf"<tr>(?:(?!</tr>).)*?>{re.escape(code)}</a>.*?</tr>", page, re.S)
    assert found, f"{code} is not listed"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def codes_in(page: str) -> list[str]:
    return re.findall(r'<td class="font-monospace[^"]*"><a href="/applications/([^"]+)"', page)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# The outgoing queue


def test_the_outgoing_queue_shows_lc_submission_points_and_free_slots_per_wished_month(
    client, world
):
    waiting = submitted(world, "Ana Horvat", Decimal("12.50"), months=(7, 8))
    nominated(world, month=7)  # takes July's only slot
    db.session.commit()
    as_user(client, world.home_neo)

    page = get(client, OUTGOING)

    headers = re.findall(r"<th(?:\s[^>]*)?>\s*(?:<a[^>]*>)?([^<]+)", page)
    assert [h.strip() for h in headers] == [
        "Code",
        "Student",
        "LC",
        "Submitted",
        "Points",
        "Host wish and free slots",
        "Month",
        "State",
        "Cards and fee",
    ]
    row = row_of(page, waiting.code)
    assert "Ana Horvat" in row and waiting.student.email in row
    assert "LC Zagreb" in row
    assert "15 April 2026" in row
    assert "12.50" in row
    assert "SLOMSIC" in row
    assert "July 2026: none free (all 1 used)" in row
    assert "August 2026: 1 of 1 free" in row


def test_a_wished_month_without_a_confirmed_slot_says_so(client, world):
    waiting = submitted(world, months=(7, 9))  # the contract has no September slot
    db.session.commit()
    as_user(client, world.home_neo)
    row = row_of(get(client, OUTGOING), waiting.code)
    assert "July 2026: 1 of 1 free" in row and "September 2026: no slot" in row

    db.session.execute(update(Contract).values(status="proposed"))
    db.session.commit()
    row = row_of(get(client, OUTGOING), waiting.code)
    assert "July 2026: no slot" in row  # a contract not confirmed takes no nomination


def test_the_nominate_panel_shows_the_free_slots_of_each_month(client, world):
    waiting = submitted(world, months=(7, 8))
    nominated(world, month=7)
    db.session.commit()
    as_user(client, world.home_neo)

    page = get(client, f"/applications/{waiting.code}")

    panel = page[page.index('id="nominate-free-slots"') :]
    panel = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel[: panel.index("</form>")]))
    assert "Free slots of the contract with SLOMSIC" in panel
    assert "July 2026: no slot free: all 1 are used : a nomination for this month is refused" in (
        panel
    )
    assert "August 2026: 1 of 1 slots free" in panel
    assert "No month left has a free slot" not in panel


def test_the_nominate_panel_says_when_no_month_has_a_slot(client, world):
    waiting = submitted(world, months=(7,))
    nominated(world, month=7)
    db.session.commit()
    as_user(client, world.home_neo)
    page = get(client, f"/applications/{waiting.code}")
    assert "No month left has a free slot" in page

    db.session.execute(update(Contract).values(status="proposed"))
    db.session.commit()
    page = get(client, f"/applications/{waiting.code}")
    assert "There is no confirmed contract with SLOMSIC" in page


# The incoming queue


def test_the_incoming_queue_shows_ranked_wishes_with_free_places_in_the_nominated_month(
    client, world
):
    waiting = nominated(world, 7, wishes=(world.department, world.other_department))
    db.session.commit()
    as_user(client, world.host_neo)

    row = row_of(get(client, INCOMING), waiting.code)
    assert "Cardiology, Ljubljana: 1 of 1 free in July" in row
    assert "Surgery, Maribor: 1 of 1 free in July" in row
    assert row.index("Cardiology") < row.index("Surgery")

    # Another student placed in Cardiology in July fills it.
    confirmed(world, world.department, 8)  # August: no effect on July
    db.session.execute(
        update(PlacementCapacity)
        .where(PlacementCapacity.placement_id == world.department.id, PlacementCapacity.month == 7)
        .values(used=1)
    )
    db.session.commit()
    row = row_of(get(client, INCOMING), waiting.code)
    assert "Cardiology, Ljubljana: full in July (all 1 taken)" in row
    assert "Surgery, Maribor: 1 of 1 free in July" in row


def test_a_wish_without_places_in_the_month_says_so(client, world):
    waiting = nominated(world, 8, wishes=(world.other_department,))  # Surgery: July only
    db.session.commit()
    as_user(client, world.host_neo)
    assert "Surgery, Maribor: no places in August" in row_of(get(client, INCOMING), waiting.code)


def test_a_local_officer_s_incoming_list_opens_on_every_open_application(client, world):
    placed = confirmed(world, world.department, 7, name="Ivo Kovač")
    waiting = nominated(world, 8, wishes=(world.department,))
    db.session.commit()

    as_user(client, world.host_leo)
    page = get(client, INCOMING)
    assert set(codes_in(page)) == {placed.code, waiting.code}
    assert "Shows applications received by" in page
    assert "open: submitted, nominated, accepted (CA issued)" in page
    assert 'value="open" selected' in page

    # A national officer's opens on the nominated, waiting to be placed, and says so.
    as_user(client, world.host_neo)
    page = get(client, INCOMING)
    assert codes_in(page) == [waiting.code]
    assert "nominated; season 2026/27; both programs" in page
    assert "Show every state" in page
    assert set(codes_in(get(client, INCOMING + "&state=all"))) == {placed.code, waiting.code}


def test_an_empty_list_says_what_it_shows_and_how_to_widen_it(client, world):
    as_user(client, world.host_leo)
    page = get(client, INCOMING)
    assert "No application matches: this list shows applications received by" in page
    assert "Show every state and season" in page
    assert "queue=incoming&amp;state=all&amp;season=all" in page


# Sorting


def test_columns_sort_both_ways_with_empty_values_last_and_ties_by_id(client, world):
    low = submitted(world, "Ana", Decimal("10"))
    high = submitted(world, "Bea", Decimal("30"))
    none = submitted(world, "Cvita", None)
    tie = submitted(world, "Dora", Decimal("10"))
    db.session.commit()
    as_user(client, world.home_neo)

    page = get(client, OUTGOING + "&sort=points&dir=desc")
    assert codes_in(page) == [high.code, low.code, tie.code, none.code]
    assert codes_in(get(client, OUTGOING + "&sort=points&dir=asc")) == [
        low.code,
        tie.code,
        high.code,
        none.code,
    ]
    assert codes_in(get(client, OUTGOING + "&sort=student&dir=desc")) == [
        tie.code,
        none.code,
        high.code,
        low.code,
    ]
    # The sorted header says so, and links to the other way.
    header = re.search(r'<th[^>]*aria-sort="([a-z]+)"[^>]*>\s*<a[^>]*href="([^"]+)"', page)
    assert header.group(1) == "descending"
    assert "sort=points" in header.group(2) and "dir=asc" in header.group(2)
    assert page.count("aria-sort=") == 1


def test_an_unknown_sort_key_falls_back_to_the_submission_order(client, world):
    first = submitted(world, submitted_at=clock.now() - timedelta(days=2))
    second = submitted(world, submitted_at=clock.now() - timedelta(days=1))
    db.session.commit()
    as_user(client, world.home_neo)
    page = get(client, OUTGOING + "&sort=passport_number&dir=desc")
    assert codes_in(page) == [second.code, first.code]


def test_sort_links_keep_the_filters_and_pages_keep_the_sort(make_app, world):
    for points in (1, 2, 3, 4, 5):
        submitted(world, points=Decimal(points))
    db.session.commit()
    client = make_app(PAGE_SIZE=2).test_client()
    as_user(client, world.home_neo)

    page = get(client, OUTGOING + "&q=P-&late=&program=&sort=points&dir=desc")
    links = re.findall(r'<th[^>]*>\s*<a[^>]*href="([^"]+)"', page)
    assert links and all("q=P-" in link and "queue=outgoing" in link for link in links)
    assert all("page=" not in link for link in links)
    next_page = re.search(r'<a class="page-link" href="([^"]+page=2[^"]*)"', page).group(1)
    assert "sort=points" in next_page and "dir=desc" in next_page
    second = get(client, next_page.replace("&amp;", "&"))
    points = re.findall(r'<td class="text-end">([\d.]+)</td>', second)
    assert points == ["3.00", "2.00"]


# The fee filter


def test_the_fee_filter_shows_the_unpaid_fees_with_a_badge(client, world):
    db.session.execute(update(ExchangeConditions).values(fee_amount=Decimal("50")))
    unpaid = nominated(world, 7, wishes=(world.department,))
    paid = nominated(world, 8, wishes=(world.department,))
    paid.fee_paid_amount, paid.fee_paid_currency, paid.fee_paid_on = 50, "EUR", clock.today()
    db.session.commit()
    as_user(client, world.host_neo)

    page = get(client, INCOMING)
    assert set(codes_in(page)) == {unpaid.code, paid.code}
    assert "fee unpaid" in row_of(page, unpaid.code)
    assert "fee unpaid" not in row_of(page, paid.code)

    page = get(client, INCOMING + "&fee=unpaid")
    assert codes_in(page) == [unpaid.code]
    assert 'id="fee" name="fee" value="unpaid" checked' in page
    assert "; fee unpaid." in page
    # The home side sees the same, in its own list.
    as_user(client, world.home_neo)
    assert codes_in(get(client, OUTGOING + "&state=all&fee=unpaid")) == [unpaid.code]


# Who sees what


@pytest.fixture
def elsewhere(world):
    """An application from a third NMO to the host, nominated there, and one of the world's
    students waiting at home."""
    third = builders.nmo("AMSA-X", "AT", "Austria")
    third_lc = builders.lc(third, "LC Wien", "Wien")
    builders.contract(third, world.federation.host, slots={7: 3})
    student = builders.user(Role.STUDENT, lc_=third_lc)
    contract = db.session.scalar(select(Contract).where(Contract.sending_nmo_id == third.id))
    foreign = builders.application(
        student,
        world.federation.host,
        state=State.NOMINATED,
        submitted_at=clock.now(),
        months=[7],
        contract_id=contract.id,
        exchange_month=7,
        nominated_at=clock.now(),
        ca_due_on=deadlines.ca_due_on(builders.season().month_date(7)),
    )
    db.session.add(Preference(application=foreign, rank=1, placement=world.other_department))
    home = submitted(world)
    db.session.commit()
    return third, foreign, home


def test_no_one_sees_in_a_list_what_is_not_theirs(client, world, elsewhere):
    _, foreign, home = elsewhere
    everything = "&state=all&season=all"

    as_user(client, world.home_neo)
    assert codes_in(get(client, OUTGOING + everything)) == [home.code]
    assert codes_in(get(client, INCOMING + everything)) == []

    as_user(client, world.host_neo)  # the host sees what is nominated to it only
    assert codes_in(get(client, INCOMING + everything)) == [foreign.code]
    assert codes_in(get(client, OUTGOING + everything)) == []

    as_user(client, world.host_leo)  # LC Ljubljana: Surgery in Maribor is not theirs
    assert codes_in(get(client, INCOMING + everything)) == []

    as_user(client, world.federation.local_officer)  # LC Zagreb, the home LC
    assert codes_in(get(client, OUTGOING + everything)) == [home.code]

    other_program = builders.user(
        Role.NATIONAL_OFFICER, nmo_=world.federation.home, program_code="SCORE"
    )
    db.session.commit()
    as_user(client, other_program)
    for queue in (OUTGOING, INCOMING):
        assert codes_in(get(client, queue + everything)) == []

    as_user(client, world.student)
    page = get(client, "/applications/?queue=outgoing" + everything)
    assert codes_in(page) == []
    assert client.get("/applications/?queue=everyone").status_code == 404

    as_user(client, world.federation.admin)
    assert set(codes_in(get(client, INCOMING + everything))) == {foreign.code}
    assert set(codes_in(get(client, OUTGOING + everything))) == {foreign.code, home.code}


def test_the_list_never_shows_the_passport_or_the_medical_notes(client, world):
    waiting = submitted(
        world, passport_number="HR7654321", medical_notes="Asthma, carries an inhaler"
    )
    db.session.commit()
    as_user(client, world.home_neo)
    page = get(client, OUTGOING)
    assert waiting.code in page
    assert "HR7654321" not in page
    assert "inhaler" not in page


# The page on a phone, and its speed


def test_the_table_scrolls_in_its_own_box_not_the_page(client, world):
    submitted(world)
    db.session.commit()
    as_user(client, world.home_neo)
    page = get(client, OUTGOING)
    assert re.search(r'<div class="table-responsive">\s*<table', page)


def _statements_of(client, url: str) -> list[str]:
    counted = []

    def count(connection, cursor, statement, *_):
        counted.append(statement)

    with client.application.app_context():
        engine = db.engine  # the engine of the client's own app
    event.listen(engine, "before_cursor_execute", count)
    try:
        get(client, url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # A page counts the rows of the list only when it is full.
    return [s for s in counted if not s.startswith("SELECT count(*)")]


@pytest.mark.parametrize(
    ("officer", "url"),
    [("home_neo", OUTGOING + "&state=all"), ("host_neo", INCOMING + "&state=all")],
)
def test_a_page_of_a_queue_makes_no_query_per_row(make_app, world, officer, url):
    db.session.execute(update(ContractSlot).values(slots=40))
    db.session.execute(update(PlacementCapacity).values(capacity=40))
    db.session.execute(update(ExchangeConditions).values(fee_amount=Decimal("50")))
    for month in (7, 8):
        nominated(world, month, wishes=(world.department, world.other_department))
    submitted(world)
    # A placed one too: each relation of the rows is loaded in one SELECT of them all, and
    # a relation no row has (no placement yet) needs none.
    confirmed(world, world.department, 7)
    db.session.commit()
    # An app of its own: each request reads afresh, as in production.
    client = make_app(PAGE_SIZE=25).test_client()
    as_user(client, getattr(world, officer))
    get(client, url)  # the seasons and the programs are kept from the first request on
    few = _statements_of(client, url)

    for month in (7, 8) * 8:
        nominated(world, month, wishes=(world.department, world.other_department))
        submitted(world)
    confirmed(world, world.department, 8)
    db.session.commit()
    many = _statements_of(client, url)

    assert len(many) == len(few), "\n\n".join(many)
    # The page's rows, then their five relations (student, NMOs, program, season,
    # placement), each in one SELECT: exchange.applications.queues.ROW_OPTIONS.
    assert len(few) <= 15, "\n\n".join(few)
