"""What the application page shows of the officers' records: the internal notes with
their form, the fee with its form, and their entries in the history."""

from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.applications import records
from exchange.applications.models import Application
from exchange.applications.record_forms import FeeForm, NoteForm
from exchange.web.forms import ConfirmForm


def notes_panel(viewer, application, form: NoteForm | None = None) -> dict | None:
    """The internal notes and the note form, for the officers of the NMOs concerned.
    ``form`` is a refused note, shown as typed; without it the form is made afresh (and
    on the note's own POST still holds what was typed)."""
    sides = records.note_sides(viewer, application)
    if not sides:
        return None
    if form is None:
        form = note_form(application, sides)
    return {
        "notes": [
            {"note": note, "side": records.side_label(application, note.nmo_id)}
            for note in records.notes_of(application)
        ],
        "form": form,
        "choose_side": len(sides) > 1,
    }


def fee_panel(viewer, application, form: FeeForm | None = None) -> dict | None:
    """The fee's state, and the form recording its payment for the host's officers."""
    asked = records.fee_asked_of(application)
    paid = application.fee_paid_on is not None
    if asked is None and not paid:
        return None
    may_record = records.can_record_fee(viewer, application)
    if may_record and form is None:
        form = fee_form(application, asked)
    return {
        "asked": asked,
        "paid": paid,
        "recorded_by": records.fee_recorder(application) if paid else None,
        "form": form if may_record else None,
        "clear_form": ConfirmForm() if may_record and paid else None,
    }


def history_entries(viewer, application) -> list:
    """Entries this viewer sees in the application's history besides its state steps and
    points changes (a note added, a fee recorded), each with a ``created_at``."""
    return records.history_entries(viewer, application)


def note_form(application: Application, sides: list[int]) -> NoteForm:
    form = NoteForm()
    form.side.choices = [
        SelectChoice(side, records.side_label(application, side).capitalize()) for side in sides
    ]
    if form.side.data is None:  # the only side there is, or the first to choose from
        form.side.data = sides[0]
    return form


def fee_form(application: Application, asked) -> FeeForm:
    if application.fee_paid_on is not None:
        defaults = {
            "amount": application.fee_paid_amount,
            "currency": application.fee_paid_currency,
            "paid_on": application.fee_paid_on,
        }
    else:
        defaults = {
            "amount": asked.amount if asked else None,
            "currency": asked.currency if asked else None,
            "paid_on": clock.today(),
        }
    # Values posted by the fee form itself take the place of these.
    form = FeeForm(data=defaults)
    codes = records.fee_currencies(asked)
    if application.fee_paid_currency and application.fee_paid_currency not in codes:
        codes.insert(0, application.fee_paid_currency)
    form.currency.choices = [SelectChoice(code, code) for code in codes]
    if application.fee_paid_on is not None:
        form.submit.label.text = "Correct the payment"
    return form
