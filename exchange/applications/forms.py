"""Forms of the application cycle."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from exchange.months import SEASON_MONTHS, month_name

MONTH_CHOICES = [SelectChoice(month, month_name(month)) for month in SEASON_MONTHS]
RATING_CHOICES = [
    SelectChoice(r, f"{r}: {label}")
    for r, label in [(5, "excellent"), (4, "good"), (3, "fair"), (2, "poor"), (1, "bad")]
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewApplicationForm(FlaskForm):
    season_id = SelectField("Season", coerce=int)
    program_id = SelectField("Program", coerce=int)
    host_nmo_id = SelectField(
        "Host NMO", coerce=int, validators=[DataRequired(message="Choose the host NMO.")]
    )
    submit = SubmitField("Start the application")


class ApplicationForm(FlaskForm):
    """The AF: what the student fills in while it is a draft."""

    months = MultiCheckboxField("Months you can go", coerce=int, choices=MONTH_CHOICES)
    study_year = IntegerField("Year of study", validators=[Optional(), NumberRange(1, 8)])
    languages = StringField(
        "Languages you speak",
        validators=[Length(max=200)],
        description="Separate them with commas, e.g. English, Spanish.",
    )
    motivation = TextAreaField("Motivation", validators=[Length(max=4000)])
    choice_1 = SelectField("1st choice", coerce=int)
    choice_2 = SelectField("2nd choice", coerce=int)
    choice_3 = SelectField("3rd choice", coerce=int)
    choice_4 = SelectField("4th choice", coerce=int)
    save = SubmitField("Save")

    def choice_fields(self, limit: int):
        return [self.choice_1, self.choice_2, self.choice_3, self.choice_4][:limit]


class DocumentForm(FlaskForm):
    kind = SelectField("Document")
    file = FileField(
        "File",
        validators=[FileRequired(message="Choose a file.")],
        description="PDF, JPG, PNG or DOCX, at most 4 MB.",
    )
    upload = SubmitField("Upload")


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason", validators=[DataRequired(message="Give a reason."), Length(max=2000)]
    )
    submit = SubmitField("Confirm")


class NominateForm(FlaskForm):
    month = SelectField("Month of the exchange", coerce=int)
    submit = SubmitField("Nominate")


class AcceptForm(FlaskForm):
    placement_id = SelectField("Placement", coerce=int)
    starts_on = DateField("Start date", validators=[DataRequired()])
    contact_person = StringField("Contact person", validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(), Length(max=254)])
    submit = SubmitField("Accept and issue the CA")


class ConfirmationForm(FlaskForm):
    arrival_local = DateTimeLocalField(
        "Arrival (local time at the destination)", validators=[DataRequired()]
    )
    transport = StringField(
        "How you travel",
        validators=[DataRequired(), Length(max=200)],
        description="e.g. Flight OU 123, landing at 14:30, or the train from the capital",
    )
    submit = SubmitField("Submit the card of confirmation")


class ArrivalForm(FlaskForm):
    arrived_on = DateField(
        "Arrived on", validators=[DataRequired(message="Give the day the student arrived.")]
    )
    submit_arrival = SubmitField("Mark as arrived")


class EvaluationForm(FlaskForm):
    overall = SelectField("Overall", coerce=int, choices=RATING_CHOICES)
    placement = SelectField("Placement and learning", coerce=int, choices=RATING_CHOICES)
    supervision = SelectField("Supervision", coerce=int, choices=RATING_CHOICES)
    accommodation = SelectField("Accommodation and meals", coerce=int, choices=RATING_CHOICES)
    comments = TextAreaField("Comments", validators=[Length(max=4000)])
    submit = SubmitField("Submit the evaluation form")


class SubstituteForm(FlaskForm):
    substitute_id = SelectField("Substitute", coerce=int)
    submit = SubmitField("Nominate the substitute")


class PointsForm(FlaskForm):
    points = DecimalField(
        "Ranking points",
        places=2,
        validators=[Optional(), NumberRange(0, 1000)],
        description="Your NMO's points for this student; the matcher can rank by them.",
    )
    submit_points = SubmitField("Save points")
