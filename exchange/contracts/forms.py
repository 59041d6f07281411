"""Forms of the contracts pages: the contract editor, the CSV upload, the partner's answer
to a proposal, and confirmations."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from exchange.contracts.models import ContractKind
from exchange.contracts.services import MAX_SLOTS
from exchange.months import SEASON_MONTHS, month_name

# The short name of each month, as in the CSV columns and the compact slot lists.
MONTH_KEYS = {month: month_name(month)[:3].lower() for month in SEASON_MONTHS}

KIND_CHOICES = [
    SelectChoice(ContractKind.BILATERAL.value, "Bilateral: both NMOs send and host alike"),
    SelectChoice(ContractKind.UNILATERAL.value, "Unilateral: one-way, the student pays a fee"),
]


class ContractForm(FlaskForm):
    """A contract: the two NMOs, program, season, kind, and slots for each month.

    The twelve month fields (``apr`` ... ``mar``) are added below, in season order.
    """

    sending_nmo_id = SelectField(
        "Sending NMO", coerce=int, validators=[DataRequired(message="Choose the sending NMO.")]
    )
    host_nmo_id = SelectField(
        "Host NMO", coerce=int, validators=[DataRequired(message="Choose the host NMO.")]
    )
    program_id = SelectField(
        "Program", coerce=int, validators=[DataRequired(message="Choose the program.")]
    )
    season_id = SelectField(
        "Season", coerce=int, validators=[DataRequired(message="Choose the season.")]
    )
    kind = SelectField("Kind", choices=KIND_CHOICES, default=ContractKind.BILATERAL.value)
    mirror = BooleanField(
        "Also create or update the mirror contract (host → sending) with the same slots",
        description="Only for bilateral contracts; both are saved together or not at all.",
    )
    submit = SubmitField("Save the contract")

    def month_fields(self):
        return [(month, self[key]) for month, key in MONTH_KEYS.items()]

    def slots_by_month(self) -> dict[int, int]:
        return {month: field.data or 0 for month, field in self.month_fields()}


for _month, _key in MONTH_KEYS.items():
    setattr(
        ContractForm,
        _key,
        IntegerField(
            month_name(_month),
            default=0,
            validators=[
                Optional(),
                NumberRange(min=0, message="Slots cannot be negative."),
                NumberRange(max=MAX_SLOTS, message=f"At most {MAX_SLOTS} slots a month."),
            ],
            render_kw={"min": 0, "inputmode": "numeric"},
        ),
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose a CSV file.")],
        description="UTF-8 (with or without BOM), comma or semicolon separated, at most 1 MB.",
    )
    submit = SubmitField("Check and import")


class AnswerForm(FlaskForm):
    """The partner confirms or declines a proposal. ``seen`` is the last history step the
    page showed: a contract changed since is not answered blindly."""

    seen = IntegerField(validators=[Optional()])
    # Checked by the service (given, at most MAX_REASON characters), which says what is wrong.
    reason = TextAreaField("Reason", validators=[Optional()])
    submit = SubmitField("Confirm")
