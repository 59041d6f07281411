"""Forms of the officers' records on the application page: an internal note, and the fee
as paid. Each has a prefix, so that another form posted to the page never fills it in."""

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from exchange import clock
from exchange.applications.records import (
    CENT,
    MAX_NOTE,
    fee_amount_problem,
    fee_date_problem,
    note_problem,
)

# Plain ASCII digits, with a decimal point and digits after it: no sign, exponent, "NaN"
# or "Infinity", which Decimal would take and then fail to compare or store.
_AMOUNT = re.compile(r"[0-9]+(?:\.([0-9]+))?")


def parse_amount(text: str) -> Decimal:
    """The amount ``text`` spells, or ValueError with the message to show."""
    text = text.strip()
    if not text:
        raise ValueError("Give the amount paid.")
    if text.startswith("-"):
        raise ValueError(
            "The amount paid is more than 0; to say nothing is paid, clear the payment."
        )
    matched = _AMOUNT.fullmatch(text)
    if matched is None:
        raise ValueError("Give the amount as a number, e.g. 150 or 150.50.")
    if len((matched.group(1) or "").rstrip("0")) > 2:
        raise ValueError(f"Give the amount with at most 2 decimals: {text} has more.")
    amount = Decimal(text)
    # The rule compares the amount with the largest fee before rounding it to cents, so
    # that a number of any length is refused in words rather than overflowing the context.
    problem = fee_amount_problem(amount)
    if problem:
        raise ValueError(problem)
    return amount.quantize(CENT)


class AmountField(StringField):
    """An amount of money, read with ``parse_amount``: a typing slip gives a message
    beside the field (and the text typed stays in it), never an error page."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # not posted: the value it was made with stays
        self.data = None
        if valuelist[0].strip():  # a blank one: InputRequired says so
            self.data = parse_amount(valuelist[0])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


def _note_text(form, field):
    problem = note_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _not_in_the_future(form, field):
    problem = field.data and fee_date_problem(field.data, clock.today())
    if problem:
        raise ValidationError(problem)


class NoteForm(FlaskForm):
    side = SelectField("Written for", coerce=int)
    body = TextAreaField(
        "Note",
        validators=[_note_text],
        description=f"At most {MAX_NOTE:,} characters; a note cannot be changed once added.",
        render_kw={"maxlength": MAX_NOTE, "rows": 3},
    )
    submit = SubmitField("Add the note")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class FeeForm(FlaskForm):
    amount = AmountField(
        "Amount paid",
        validators=[InputRequired(message="Give the amount paid.")],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField("Currency", validate_choice=False)
    paid_on = DateField(
        "Paid on",
        validators=[DataRequired(message="Give the day it was paid."), _not_in_the_future],
    )
    submit = SubmitField("Record the payment")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "fee")
        super().__init__(*args, **kwargs)

    def validate_currency(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose the currency from the list.")
