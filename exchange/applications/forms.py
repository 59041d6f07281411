"""The forms a student fills in: starting an application, the AF, its documents."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from exchange.months import SEASON_MONTHS, month_name

MONTH_CHOICES = [SelectChoice(month, month_name(month)) for month in SEASON_MONTHS]


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
