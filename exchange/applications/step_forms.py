"""Forms of the steps on the application page: nominate, accept (the CA), confirm (the CC),
arrival, evaluation, substitute, points, and a reason for closing."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from exchange import clock
from exchange.applications import calendar
from exchange.errors import DomainError
from exchange.web.forms import PlainDecimalField

RATING_CHOICES = [
    SelectChoice(r, f"{r}: {label}")
    for r, label in [(5, "excellent"), (4, "good"), (3, "fair"), (2, "poor"), (1, "bad")]
]


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason", validators=[DataRequired(message="Give a reason."), Length(max=2000)]
    )
    submit = SubmitField("Confirm")


class NominateForm(FlaskForm):
    month = SelectField("Month of the exchange", coerce=int)
    submit = SubmitField("Nominate")


class AcceptForm(FlaskForm):
    """The card of acceptance. ``first_day`` is the first day of the month the student is
    nominated for: the start must fall in it (``calendar.refuse_start``, which the service
    applies again), and the message stands beside the start date."""

    first_day: date | None = None
    offered: tuple = ()  # (placement, free places): what the page shows beside the choice

    placement_id = SelectField("Placement", coerce=int)
    starts_on = DateField("Start date", validators=[DataRequired(message="Give the start date.")])
    contact_person = StringField(
        "Contact person",
        validators=[
            DataRequired(message="Name the contact person for the student."),
            Length(max=200),
        ],
        description="Whom the student writes to before they come.",
    )
    contact_email = EmailField(
        "Contact email",
        validators=[
            Optional(),
            Email(message="Give an email address such as name@example.org."),
            Length(max=254),
        ],
    )
    tutor = StringField(
        "Tutor",
        validators=[Length(max=200)],
        description="Who guides the student at the placement, if not the contact person.",
    )
    meeting_point = TextAreaField(
        "Meeting point or pick-up",
        validators=[Length(max=2000)],
        description="Where and how the student is met on arrival, e.g. at the main bus "
        "station by a local officer, or at the hospital's main entrance at 8:00.",
    )
    submit = SubmitField("Accept and issue the CA")

    def validate_starts_on(self, field) -> None:
        if self.first_day is not None and field.data is not None:
            try:
                calendar.refuse_start(field.data, self.first_day, clock.today())
            except DomainError as refusal:
                raise ValidationError(str(refusal)) from refusal


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
    points = PlainDecimalField(
        "Ranking points",
        places=2,
        validators=[Optional(), NumberRange(0, 1000)],
        description="Your NMO's points for this student; the matcher can rank by them.",
    )
    submit_points = SubmitField("Save points")
