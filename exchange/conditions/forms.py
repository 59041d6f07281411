"""The exchange conditions form."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from exchange.applications.documents import DOCUMENT_KINDS
from exchange.applications.forms import MONTH_CHOICES, MultiCheckboxField
from exchange.applications.personal import REQUIRABLE
from exchange.conditions.services import (
    ACCOMMODATION_REQUIRED,
    CANCELLATION_POLICY_REQUIRED,
    CURRENCIES,
    MAX_FEE,
    MAX_LEAD_WEEKS,
    MAX_TEXT,
    ConditionsData,
    clean_languages,
)
from exchange.web.forms import PlainDecimalField


def currency_choices(current: str | None = None) -> list[SelectChoice]:
    codes = list(CURRENCIES)
    if current and current not in codes:
        codes.insert(0, current)
    return [SelectChoice(code, code) for code in codes]


def _text(label: str, description: str = "", required: str | None = None) -> TextAreaField:
    """A text of at most MAX_TEXT characters; ``required`` is the message when left blank."""
    validators = [DataRequired(message=required)] if required else []
    return TextAreaField(
        label, validators=[*validators, Length(max=MAX_TEXT)], description=description
    )


class ConditionsForm(FlaskForm):
    fee_amount = PlainDecimalField(
        "Fee",
        places=2,
        validators=[
            InputRequired(message="Give the fee; 0 if there is none."),
            NumberRange(min=0, max=MAX_FEE, message="The fee cannot be negative."),
        ],
        description="What an incoming student pays the host; 0 for none.",
    )
    fee_currency = SelectField("Currency")
    min_study_year = IntegerField(
        "Lowest year of study",
        validators=[
            InputRequired(message="Give the lowest year of study."),
            NumberRange(1, 8, message="A year of study is between 1 and 8."),
        ],
    )
    max_study_year = IntegerField(
        "Highest year of study",
        validators=[
            InputRequired(message="Give the highest year of study."),
            NumberRange(1, 8, message="A year of study is between 1 and 8."),
        ],
    )
    languages = StringField(
        "Languages",
        validators=[Length(max=400)],
        description="Languages students must speak, separated by commas, e.g. English, German.",
    )
    required_documents = MultiCheckboxField(
        "Required documents",
        choices=[SelectChoice(kind, label) for kind, label in DOCUMENT_KINDS.items()],
    )
    required_personal_data = MultiCheckboxField(
        "Personal data required for submission",
        choices=[SelectChoice(f.key, f.label) for f in REQUIRABLE],
        description="Students always give the languages they speak, with a level in each.",
    )
    accommodation = _text(
        "Accommodation",
        "e.g. Student dormitory, shared room, free.",
        required=ACCOMMODATION_REQUIRED,
    )
    meals = _text("Meals", "e.g. One meal a day at the hospital canteen.")
    months_not_hosted = MultiCheckboxField("Months not hosted", coerce=int, choices=MONTH_CHOICES)
    application_lead_weeks = IntegerField(
        "Application lead time (weeks)",
        validators=[
            InputRequired(message="Give the lead time in weeks; 0 if there is none."),
            NumberRange(0, MAX_LEAD_WEEKS, message=f"Between 0 and {MAX_LEAD_WEEKS} weeks."),
        ],
        description="How many weeks before the start of the exchange the application "
        "must be submitted.",
    )
    cancellation_policy = _text(
        "Cancellation policy",
        "e.g. Cancellations less than 8 weeks before the start lose the fee.",
        required=CANCELLATION_POLICY_REQUIRED,
    )
    notes = _text("Notes", "Anything else students should know.")
    # Shown when a month being marked not hosted has nominated or accepted students.
    not_hosted_anyway = BooleanField(
        "Mark it not hosted anyway; the nominated and accepted students stay as they are"
    )
    save = SubmitField("Save the exchange conditions")

    def validate_max_study_year(self, field) -> None:
        low = self.min_study_year.data
        if low is not None and field.data is not None and 1 <= low <= 8 and field.data < low:
            raise ValidationError(f"The highest year of study cannot be below the lowest ({low}).")

    def fill_from(self, data: ConditionsData) -> None:
        self.fee_amount.data = data.fee_amount
        self.fee_currency.data = data.fee_currency
        self.min_study_year.data = data.min_study_year
        self.max_study_year.data = data.max_study_year
        self.languages.data = ", ".join(data.languages)
        self.required_documents.data = list(data.required_documents)
        self.required_personal_data.data = list(data.required_personal_data)
        self.accommodation.data = data.accommodation
        self.meals.data = data.meals
        self.months_not_hosted.data = list(data.months_not_hosted)
        self.application_lead_weeks.data = data.application_lead_weeks
        self.cancellation_policy.data = data.cancellation_policy
        self.notes.data = data.notes

    def to_data(self) -> ConditionsData:
        return ConditionsData(
            fee_amount=self.fee_amount.data,
            fee_currency=self.fee_currency.data,
            min_study_year=self.min_study_year.data,
            max_study_year=self.max_study_year.data,
            languages=clean_languages((self.languages.data or "").split(",")),
            required_documents=list(self.required_documents.data or []),
            required_personal_data=list(self.required_personal_data.data or []),
            accommodation=self.accommodation.data or "",
            meals=self.meals.data or "",
            months_not_hosted=list(self.months_not_hosted.data or []),
            application_lead_weeks=self.application_lead_weeks.data,
            cancellation_policy=self.cancellation_policy.data or "",
            notes=self.notes.data or "",
        )
