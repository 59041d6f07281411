"""The officers' records, called directly: internal notes are the officers' alone, and the
fee as paid is the host's to record, correct and clear, each change kept in the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exchange import clock
from exchange.applications import fees, records
from exchange.applications.models import Application, ApplicationNote
from exchange.applications.record_forms import parse_amount
from exchange.applications.record_models import FeeRecord
from exchange.auth.models import Role
from exchange.contracts.models import ContractKind
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from tests import builders
from tests.integration.steps import accepted, count, nominated, submitted

PAID_ON = date(2026, 4, 10)


def _asking_a_fee(world, amount="150", currency="EUR"):
    world.conditions.fee_amount = Decimal(amount)
    world.conditions.fee_currency = currency
    db.session.flush()


def _summaries(viewer, application) -> list[str]:
    return [entry.summary for entry in records.history_entries(viewer, application)]


# Internal notes


def test_who_writes_notes_for_which_side(world):
    application = submitted(world)
    stranger = builders.user(Role.NATIONAL_OFFICER, nmo_=builders.nmo("AMSA", "AT", "Austria"))
    home_leo = builders.user(Role.LOCAL_OFFICER, lc_=world.home_lc)
    home, host = world.home.id, world.host.id

    # Before the nomination: the home NMO and admins only.
    assert records.note_sides(world.home_neo, application) == [home]
    assert records.note_sides(home_leo, application) == [home]
    assert records.note_sides(world.admin, application) == [home]
    assert records.note_sides(world.host_neo, application) == []
    assert records.note_sides(application.student, application) == []
    assert records.note_sides(stranger, application) == []

    # Once nominated to the host, its officers too; admins write for either side.
    placed = accepted(world)
    assert records.note_sides(world.host_neo, placed) == [host]
    assert records.note_sides(world.host_leo, placed) == [host]
    assert records.note_sides(world.home_neo, placed) == [home]
    assert records.note_sides(world.admin, placed) == [home, host]
    assert records.note_sides(placed.student, placed) == []
    assert records.note_sides(stranger, placed) == []


def test_a_note_keeps_its_author_side_and_date(world):
    application = nominated(world)
    note = records.add_note(world.host_neo, application, world.host.id, "  Called the student.\n")
    assert (note.author_id, note.nmo_id, note.body) == (
        world.host_neo.id,
        world.host.id,
        "Called the student.",
    )
    assert note.created_at.date() == clock.today()
    records.add_note(world.admin, application, world.home.id, "Checked with the home NMO.")
    notes = records.notes_of(application)
    assert [(n.author.name, n.nmo.acronym) for n in notes] == [
        (world.host_neo.name, "SLOMSIC"),
        (world.admin.name, "CROMSIC"),
    ]


def test_notes_are_refused_to_those_who_may_not_write_them(world):
    application = submitted(world)
    with pytest.raises(NotAllowed):
        records.add_note(application.student, application, world.home.id, "Hello")
    with pytest.raises(NotAllowed):  # the host, before the application is nominated to it
        records.add_note(world.host_neo, application, world.host.id, "Hello")
    nominated_one = nominated(world)
    with pytest.raises(NotAllowed, match="home NMO"):  # the home NMO writes for itself
        records.add_note(world.home_neo, nominated_one, world.host.id, "Hello")
    assert count(ApplicationNote) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 4001, "at most 4,000 characters")],
)
def test_a_note_is_not_empty_nor_over_4000_characters(world, body, message):
    application = submitted(world)
    with pytest.raises(DomainError, match=message):
        records.add_note(world.home_neo, application, world.home.id, body)
    records.add_note(world.home_neo, application, world.home.id, "y" * 4000)
    assert count(ApplicationNote) == 1


def test_notes_are_in_the_history_of_officers_and_never_of_the_student(world):
    application = nominated(world)
    records.add_note(world.home_neo, application, world.home.id, "Good student.")
    records.add_note(world.host_neo, application, world.host.id, "Needs a dormitory.")
    expected = ["Internal note added (home NMO)", "Internal note added (host NMO)"]
    assert _summaries(world.home_neo, application) == expected
    assert _summaries(world.host_neo, application) == expected
    assert _summaries(world.admin, application) == expected
    assert _summaries(application.student, application) == []
    (entry, _) = records.history_entries(world.admin, application)
    assert entry.actor == world.home_neo


# The fee


def test_who_records_the_fee(world):
    application = nominated(world)
    other_leo = builders.user(Role.LOCAL_OFFICER, lc_=world.other_lc)
    assert records.can_record_fee(world.host_neo, application)
    assert records.can_record_fee(world.admin, application)
    # Local officers once the student is placed in their LC, and only theirs.
    assert not records.can_record_fee(world.host_leo, application)
    placed = accepted(world, month=8)
    assert records.can_record_fee(world.host_leo, placed)
    assert not records.can_record_fee(other_leo, placed)
    for outsider in (world.home_neo, placed.student):
        assert not records.can_record_fee(outsider, placed)
    # Before the nomination the host has nothing to record.
    assert not records.can_record_fee(world.host_neo, submitted(world))
    assert not records.can_record_fee(world.admin, submitted(world))


def test_the_host_records_corrects_and_clears_the_payment(world):
    _asking_a_fee(world)
    application = nominated(world)
    assert records.fee_asked_of(application) == fees.FeeAsked(
        Decimal("150.00"), "EUR", "the exchange conditions"
    )
    assert records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", PAID_ON)
    assert (
        application.fee_paid_amount,
        application.fee_paid_currency,
        application.fee_paid_on,
        application.fee_recorded_by_id,
    ) == (Decimal("150"), "EUR", PAID_ON, world.host_neo.id)
    assert records.fee_recorder(application) == world.host_neo

    # The same payment again changes nothing and adds nothing to the history.
    assert not records.record_fee_paid(
        world.host_neo, application, Decimal("150.00"), "EUR", PAID_ON
    )
    assert count(FeeRecord) == 1

    assert records.record_fee_paid(
        world.admin, application, Decimal("140.50"), "CHF", clock.today()
    )
    assert records.fee_recorder(application) == world.admin
    records.clear_fee_paid(world.host_neo, application)
    assert (application.fee_paid_amount, application.fee_paid_on) == (None, None)
    assert application.fee_recorded_by_id is None
    records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", PAID_ON)

    # Everyone who sees the application sees each change, the student too.
    expected = [
        "Fee recorded as paid: 150.00 EUR on 10 April 2026",
        "Fee payment corrected: 140.50 CHF on 15 April 2026",
        "Fee payment cleared",
        "Fee recorded as paid: 150.00 EUR on 10 April 2026",
    ]
    assert _summaries(application.student, application) == expected
    assert _summaries(world.home_neo, application) == expected
    entries = records.history_entries(application.student, application)
    assert [entry.actor for entry in entries] == [
        world.host_neo,
        world.admin,
        world.host_neo,
        world.host_neo,
    ]


def test_a_paid_fee_leaves_the_unpaid_list(world):
    _asking_a_fee(world)
    application = nominated(world)

    def unpaid() -> list[int]:
        return list(db.session.scalars(select(Application.id).where(fees.unpaid_fee_condition())))

    assert unpaid() == [application.id]
    records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", PAID_ON)
    assert unpaid() == []
    records.clear_fee_paid(world.host_neo, application)
    assert unpaid() == [application.id]


def test_only_the_host_records_the_fee(world):
    _asking_a_fee(world)
    application = nominated(world)
    for outsider in (world.home_neo, world.host_leo, application.student):
        with pytest.raises(NotAllowed):
            records.record_fee_paid(outsider, application, Decimal("150"), "EUR", PAID_ON)
    records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", PAID_ON)
    with pytest.raises(NotAllowed):
        records.clear_fee_paid(world.home_neo, application)
    assert count(FeeRecord) == 1


@pytest.mark.parametrize(
    ("amount", "currency", "paid_on", "message"),
    [
        (Decimal("0"), "EUR", PAID_ON, "more than 0"),
        (Decimal("-1"), "EUR", PAID_ON, "more than 0"),
        (Decimal("NaN"), "EUR", PAID_ON, "as a number"),
        (Decimal("sNaN"), "EUR", PAID_ON, "as a number"),
        (Decimal("Infinity"), "EUR", PAID_ON, "as a number"),
        (Decimal("1e999"), "EUR", PAID_ON, "at most 99,999,999.99"),
        (Decimal("12.345"), "EUR", PAID_ON, "at most 2 decimals"),
        (Decimal("150"), "XYZ", PAID_ON, "currency from the list"),
        (Decimal("150"), "EUR", date(2026, 4, 16), "in the future"),
    ],
)
def test_a_payment_is_positive_finite_in_a_known_currency_and_not_ahead(
    world, amount, currency, paid_on, message
):
    _asking_a_fee(world)
    application = nominated(world)
    with pytest.raises(DomainError, match=message):
        records.record_fee_paid(world.host_neo, application, amount, currency, paid_on)
    assert application.fee_paid_on is None
    assert count(FeeRecord) == 0


def test_no_fee_asked_no_payment_to_record_or_clear(world):
    application = nominated(world)  # the world's conditions ask no fee, the contract is bilateral
    assert records.fee_asked_of(application) is None
    with pytest.raises(DomainError, match="asks no fee"):
        records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", PAID_ON)
    with pytest.raises(DomainError, match="nothing to clear"):
        records.clear_fee_paid(world.host_neo, application)


def test_a_unilateral_contract_asks_a_fee_the_conditions_do_not_name(world):
    world.contract.kind = ContractKind.UNILATERAL
    db.session.flush()
    application = nominated(world)
    asked = records.fee_asked_of(application)
    assert (asked.amount, asked.currency, asked.why) == (None, "EUR", "the unilateral contract")
    records.record_fee_paid(world.host_neo, application, Decimal("300"), "EUR", PAID_ON)
    assert application.fee_paid_amount == Decimal("300")


def test_the_database_keeps_a_fee_record_complete_or_cleared(world):
    application = nominated(world)

    def refused(**columns):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(FeeRecord(application=application, actor_id=world.admin.id, **columns))
            db.session.flush()

    refused(amount=Decimal("10"), currency="EUR")  # no day
    refused(amount=Decimal("0"), currency="EUR", paid_on=PAID_ON)
    refused(paid_on=PAID_ON)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("150", Decimal("150.00")), (" 99.5 ", Decimal("99.50")), ("12.340", Decimal("12.34"))],
)
def test_an_amount_typed_is_read_to_the_cent(app, text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sNaN", "as a number"),
        ("NaN", "as a number"),
        ("Infinity", "as a number"),
        ("1e999", "as a number"),
        ("1,5", "as a number"),
        ("\uff11\uff15", "as a number"),  # fullwidth digits, which Decimal would take
        ("-1", "more than 0"),
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("12.345", "at most 2 decimals"),
        ("1" + "0" * 40, "at most 99,999,999.99"),
        ("", "Give the amount paid"),
    ],
)
def test_an_amount_typed_wrong_is_refused_in_words(app, text, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


def test_a_payment_day_may_be_long_ago_but_not_tomorrow(world):
    _asking_a_fee(world)
    application = nominated(world)
    tomorrow = clock.today() + timedelta(days=1)
    assert records.fee_date_problem(tomorrow, clock.today())
    assert records.fee_date_problem(clock.today(), clock.today()) is None
    records.record_fee_paid(world.host_neo, application, Decimal("150"), "EUR", date(2025, 12, 1))
