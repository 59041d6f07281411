"""Forms of the admins' pages of NMOs, LCs and seasons. They check what a form can (a
value is there, it fits); the services check the rules (codes unique, NMO active...)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from exchange.applications.forms import MultiCheckboxField
from exchange.organizations.services import NMO_CODE_LENGTH


class NMOForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired(message="Give the NMO's code."), Length(max=NMO_CODE_LENGTH)],
        description="Unique; letters, digits and hyphens, stored in upper case (e.g. CROMSIC). "
        "Links and CSV files use it.",
    )
    acronym = StringField(
        "Acronym", validators=[DataRequired(message="Give the acronym."), Length(max=40)]
    )
    name = StringField(
        "Full name", validators=[DataRequired(message="Give the full name."), Length(max=200)]
    )
    country_code = StringField(
        "Country code",
        validators=[DataRequired(message="Give the country code."), Length(min=2, max=2)],
        description="Two letters of ISO 3166, e.g. HR.",
    )
    country_name = StringField(
        "Country",
        validators=[DataRequired(message="Give the country's name."), Length(max=100)],
    )
    region_id = SelectField("Region", coerce=int)
    program_ids = MultiCheckboxField("Programs it takes part in", coerce=int)
    submit = SubmitField("Save")


class LCForm(FlaskForm):
    nmo_id = SelectField(
        "NMO", coerce=int, validators=[NumberRange(min=1, message="Choose the LC's NMO.")]
    )
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the LC's name."), Length(max=120)],
        description="Unique within its NMO, e.g. LC Zagreb.",
    )
    city = StringField("City", validators=[DataRequired(message="Give the city."), Length(max=100)])
    university = StringField(
        "University or medical school", validators=[Length(max=200)], description="Optional."
    )
    submit = SubmitField("Save")


class LCImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose the CSV file.")],
        description="UTF-8, at most 1 MB, in the format of the export.",
    )
    submit = SubmitField("Check and import")


class NextSeasonForm(FlaskForm):
    """The code of the season the page offered to create."""

    code = HiddenField(validators=[DataRequired()])
