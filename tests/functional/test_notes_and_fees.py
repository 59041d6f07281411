"""Internal notes and the fee on the application page, through the real forms: notes are
the officers' alone, the fee is the host's to record, and everyone sees its state."""

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications.models import ApplicationNote, Preference
from exchange.applications.record_models import FeeRecord
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from tests import builders
from tests.functional.steps import accept, as_user, nominate

NOTE = "Called the student: the passport comes next week."


def _page(client, application) -> str:
    response = client.get(f"/applications/{application.code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _add_note(client, application, body, **extra):
    return client.post(f"/applications/{application.code}/notes", data={"note-body": body, **extra})


def _count(model) -> int:
    return len(db.session.scalars(select(model)).all())


@pytest.fixture
def submitted(world, spring):
    """A submitted application ranking Cardiology (LC Ljubljana), straight to the table:
    the student's form is not what these tests are about."""
    application = builders.application(
        world.student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
        preferences=[Preference(rank=1, placement_id=world.department.id)],
    )
    db.session.commit()
    return application


@pytest.fixture
def asking_a_fee(world):
    conditions = db.session.scalar(select(ExchangeConditions))
    conditions.fee_amount, conditions.fee_currency = 150, "EUR"
    db.session.commit()
    return conditions


# Internal notes


def test_the_home_nmo_keeps_notes_that_the_student_never_sees(client, world, submitted):
    as_user(client, world.home_neo)
    assert "Internal notes" in _page(client, submitted)
    response = _add_note(client, submitted, NOTE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{submitted.code}#notes")
    page = _page(client, submitted)
    assert NOTE in page and "Your internal note is added." in page
    assert f"{world.home_neo.name} for the home NMO (CROMSIC)" in page
    assert "Internal note added (home NMO)" in page

    # The home LC's local officer sees it too.
    as_user(client, world.federation.local_officer)
    assert NOTE in _page(client, submitted)

    # The student: not the note, not the panel, not the history entry, not in any mail.
    as_user(client, world.student)
    page = _page(client, submitted)
    assert NOTE not in page
    assert "Internal note" not in page
    assert _add_note(client, submitted, "Mine").status_code == 403
    # The mails of the next step carry nothing of it either.
    nominate(client, world, submitted)
    mails = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to_address == world.student.email)
    ).all()
    assert mails and not any(NOTE in body for body in mails)
    assert _count(ApplicationNote) == 1


def test_the_host_keeps_notes_once_the_application_is_nominated_to_it(client, world, submitted):
    # Before the nomination the host does not see the application at all.
    as_user(client, world.host_neo)
    assert client.get(f"/applications/{submitted.code}").status_code == 404
    assert _add_note(client, submitted, "Too early").status_code == 404

    nominate(client, world, submitted)
    as_user(client, world.host_neo)
    assert _add_note(client, submitted, "We have a dormitory for her.").status_code == 302
    page = _page(client, submitted)
    assert "We have a dormitory for her." in page
    assert "Internal note added (host NMO)" in page
    # Both sides read each other's notes: the note says whose it is.
    as_user(client, world.home_neo)
    page = _page(client, submitted)
    assert "We have a dormitory for her." in page
    assert f"{world.host_neo.name} for the host NMO (SLOMSIC)" in page


def test_an_officer_of_another_nmo_finds_no_notes(client, world, submitted):
    as_user(client, world.home_neo)
    _add_note(client, submitted, NOTE)
    stranger = builders.user(Role.NATIONAL_OFFICER, nmo_=builders.nmo("AMSA", "AT", "Austria"))
    db.session.commit()
    as_user(client, stranger)
    assert client.get(f"/applications/{submitted.code}").status_code == 404
    assert _add_note(client, submitted, "Hello").status_code == 404
    assert _count(ApplicationNote) == 1


def test_an_admin_writes_for_the_side_chosen(client, world, submitted):
    nominate(client, world, submitted)
    as_user(client, world.federation.admin)
    page = _page(client, submitted)
    assert 'name="note-side"' in page  # home or host: the admin chooses
    response = _add_note(
        client, submitted, "For the host.", **{"note-side": world.federation.host.id}
    )
    assert response.status_code == 302
    (note,) = db.session.scalars(select(ApplicationNote)).all()
    assert note.nmo_id == world.federation.host.id
    # An officer writes for their own side, and is not asked which.
    as_user(client, world.home_neo)
    assert 'name="note-side"' not in _page(client, submitted)
    response = _add_note(client, submitted, "Forged", **{"note-side": world.federation.host.id})
    assert response.status_code == 422
    assert "Write the note for your own side" in response.get_data(as_text=True)
    assert _count(ApplicationNote) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write the note first"), ("Long. " * 700, "at most 4,000 characters")],
)
def test_a_refused_note_keeps_what_was_typed(client, world, submitted, body, message):
    as_user(client, world.home_neo)
    response = _add_note(client, submitted, body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if body.strip():
        assert body.strip()[:200] in page
    assert _count(ApplicationNote) == 0


# The fee


def _record_fee(client, application, amount="150", currency="EUR", paid_on="2026-02-27"):
    return client.post(
        f"/applications/{application.code}/fee",
        data={"fee-amount": amount, "fee-currency": currency, "fee-paid_on": paid_on},
    )


def test_no_fee_asked_no_fee_panel(client, world, submitted):
    nominate(client, world, submitted)
    as_user(client, world.host_neo)
    assert 'id="fee"' not in _page(client, submitted)
    response = _record_fee(client, submitted)
    assert response.status_code == 422
    assert "SLOMSIC asks no fee of this exchange." in response.get_data(as_text=True)


def test_the_host_records_corrects_and_clears_the_fee(client, world, submitted, asking_a_fee):
    code = submitted.code
    nominate(client, world, submitted)

    # The student sees the fee asked and unpaid, and no form.
    as_user(client, world.student)
    page = _page(client, submitted)
    assert 'id="fee"' in page and "a fee of 150.00 EUR" in page and "unpaid" in page
    assert "Record the payment" not in page
    assert _record_fee(client, submitted).status_code == 403
    # Nor does the home NMO record it.
    as_user(client, world.home_neo)
    assert "Record the payment" not in _page(client, submitted)
    assert _record_fee(client, submitted).status_code == 403

    as_user(client, world.host_neo)
    page = _page(client, submitted)
    assert "Record the payment" in page and 'value="150.00"' in page
    response = _record_fee(client, submitted)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{code}#fee")
    page = _page(client, submitted)
    assert f"The fee of {code} is recorded as paid." in page
    assert f"Paid: 150.00 EUR on 27 February 2026, recorded by {world.host_neo.name}" in page
    assert "Correct the payment" in page

    assert _record_fee(client, submitted, amount="140.5", currency="CHF").status_code == 302
    assert "Fee payment corrected: 140.50 CHF on 27 February 2026" in _page(client, submitted)
    assert client.post(f"/applications/{code}/fee/clear").status_code == 302
    page = _page(client, submitted)
    assert "is cleared: it shows as unpaid" in page and "No payment is recorded yet." in page
    assert client.post(f"/applications/{code}/fee/clear").status_code == 302
    assert "nothing to clear" in _page(client, submitted)

    # The student reads each change in the history.
    as_user(client, world.student)
    page = _page(client, submitted)
    for summary in (
        "Fee recorded as paid: 150.00 EUR on 27 February 2026",
        "Fee payment corrected: 140.50 CHF on 27 February 2026",
        "Fee payment cleared",
    ):
        assert summary in page
    assert _count(FeeRecord) == 3


def test_the_local_officer_of_the_lc_placed_in_records_the_fee(
    client, world, submitted, asking_a_fee
):
    nominate(client, world, submitted)
    as_user(client, world.host_leo)
    assert "Record the payment" not in _page(client, submitted)  # not placed yet
    assert _record_fee(client, submitted).status_code == 403
    accept(client, world.host_leo, submitted, world.department)
    assert "Record the payment" in _page(client, submitted)
    assert _record_fee(client, submitted).status_code == 302


@pytest.mark.parametrize(
    ("amount", "currency", "paid_on", "message"),
    [
        ("sNaN", "EUR", "2026-02-27", "Give the amount as a number"),
        ("NaN", "EUR", "2026-02-27", "Give the amount as a number"),
        ("Infinity", "EUR", "2026-02-27", "Give the amount as a number"),
        ("1e999", "EUR", "2026-02-27", "Give the amount as a number"),
        ("-1", "EUR", "2026-02-27", "The amount paid is more than 0"),
        ("0", "EUR", "2026-02-27", "The amount paid is more than 0"),
        ("12.345", "EUR", "2026-02-27", "at most 2 decimals: 12.345 has more"),
        ("9" * 30, "EUR", "2026-02-27", "at most 99,999,999.99"),
        ("", "EUR", "2026-02-27", "Give the amount paid."),
        ("150", "XYZ", "2026-02-27", "Choose the currency from the list."),
        ("150", "EUR", "2026-03-03", "cannot be paid in the future"),
        ("150", "EUR", "27/02/2026", "Give the day it was paid."),
        ("150", "EUR", "", "Give the day it was paid."),
    ],
)
def test_a_payment_typed_wrong_is_refused_as_typed(
    client, world, submitted, asking_a_fee, amount, currency, paid_on, message
):
    nominate(client, world, submitted)
    as_user(client, world.host_neo)
    response = _record_fee(client, submitted, amount, currency, paid_on)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if amount:
        assert f'value="{amount}"' in page  # what was typed stays in the field
    assert _count(FeeRecord) == 0
    db.session.refresh(submitted)
    assert submitted.fee_paid_on is None
