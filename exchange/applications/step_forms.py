"""Forms of the steps on the application page: nominate, accept (the CA), confirm (the CC),
arrival, evaluation, substitute, points, and a reason for closing."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

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
    placement_id = SelectField("Placement", coerce=int)
    starts_on = DateField("Start date", validators=[DataRequired()])
    contact_person = StringField("Contact person", validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField("Contact email", validators=[Optional(), Email(), Length(max=254)])
    tutor = StringField("Tutor", validators=[Length(max=200)])
    meeting_point = TextAreaField(
        "Meeting point or pick-up",
        validators=[Length(max=2000)],
        description="Where and how the student is met on arrival.",
    )
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
