"""Forms for departments, research projects, their capacity per month, and the CSV import."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from exchange.months import SEASON_MONTHS, month_name
from exchange.placements.models import ProjectType
from exchange.placements.services import LENGTHS, MAX_CAPACITY, MAX_TEXT, PlacementData

# The texts every placement has, the same on the form as in PlacementData.
_TEXTS = ("title", "field", "city", "address", "description", "accommodation", "meals")
WEEKS_CHOICES = [SelectChoice(4, "4 weeks"), SelectChoice(8, "8 weeks")]


def _capacity_field(month: int) -> IntegerField:
    return IntegerField(
        month_name(month),
        validators=[
            Optional(),
            NumberRange(0, MAX_CAPACITY, message=f"From 0 to {MAX_CAPACITY} students in a month."),
        ],
    )


class _PlacementForm(FlaskForm):
    lc_id = SelectField("LC", coerce=int, validators=[DataRequired(message="Choose the LC.")])
    city = StringField(
        "City",
        validators=[Length(max=LENGTHS["city"])],
        description="Leave empty for the LC's city.",
    )
    address = StringField(
        "Address",
        validators=[Length(max=LENGTHS["address"])],
        description="Street, number and postcode where the student reports; the card of "
        "acceptance prints it.",
    )
    languages = StringField(
        "Languages",
        validators=[Length(max=400)],
        description="Languages spoken with students, separated by commas, e.g. English, Croatian.",
    )
    description = TextAreaField("Description", validators=[Length(max=MAX_TEXT)])
    accommodation = TextAreaField(
        "Accommodation",
        validators=[Length(max=MAX_TEXT)],
        description="Only where this placement offers its own: left empty, the card of "
        "acceptance prints the accommodation of your NMO's exchange conditions.",
    )
    meals = TextAreaField(
        "Meals",
        validators=[Length(max=MAX_TEXT)],
        description="Likewise: left empty, the exchange conditions' meals.",
    )
    submit = SubmitField("Save")

    def capacity_fields(self):
        return [self[f"capacity_{month}"] for month in SEASON_MONTHS]

    def capacities(self) -> dict[int, int]:
        return {month: self[f"capacity_{month}"].data or 0 for month in SEASON_MONTHS}

    def fill_capacities(self, months: dict[int, tuple]) -> None:
        for month in SEASON_MONTHS:
            self[f"capacity_{month}"].data = months.get(month, (0, 0))[0]

    def fill_from(self, data: PlacementData) -> None:
        for name in (*_TEXTS, "lc_id"):
            self[name].data = getattr(data, name)
        self.languages.data = ", ".join(data.languages)

    def to_data(self) -> PlacementData:
        return PlacementData(
            lc_id=self.lc_id.data,
            languages=(self.languages.data or "").split(","),
            **{name: self[name].data or "" for name in _TEXTS},
        )


for _month in SEASON_MONTHS:
    setattr(_PlacementForm, f"capacity_{_month}", _capacity_field(_month))


class DepartmentForm(_PlacementForm):
    title = StringField(
        "Department",
        validators=[DataRequired(message="Name the department."), Length(max=LENGTHS["title"])],
        description="e.g. Department of Cardiology",
    )
    field = StringField(
        "Specialty",
        validators=[DataRequired(message="Give the specialty."), Length(max=LENGTHS["field"])],
    )
    hospital = StringField(
        "Hospital",
        validators=[DataRequired(message="Name the hospital."), Length(max=LENGTHS["hospital"])],
    )

    def fill_from(self, data: PlacementData) -> None:
        super().fill_from(data)
        self.hospital.data = data.hospital

    def to_data(self) -> PlacementData:
        data = super().to_data()
        data.hospital = self.hospital.data or ""
        return data


class ResearchProjectForm(_PlacementForm):
    title = StringField(
        "Project title",
        validators=[
            DataRequired(message="Give the project's title."),
            Length(max=LENGTHS["title"]),
        ],
    )
    field = StringField(
        "Research field",
        validators=[DataRequired(message="Give the research field."), Length(max=LENGTHS["field"])],
    )
    supervisor = StringField(
        "Supervisor",
        validators=[
            DataRequired(message="Name the supervisor."),
            Length(max=LENGTHS["supervisor"]),
        ],
    )
    project_type = SelectField(
        "Project type",
        choices=[SelectChoice(t.value, t.label) for t in ProjectType],
        validators=[DataRequired(message="Choose the project type.")],
    )
    weeks = SelectField("Length", coerce=int, choices=WEEKS_CHOICES)
    methods = TextAreaField("Methods", validators=[Length(max=MAX_TEXT)])
    prerequisites = TextAreaField(
        "Prerequisites",
        validators=[Length(max=MAX_TEXT)],
        description="What the student must know or have done before.",
    )
    expected_output = TextAreaField(
        "Expected output",
        validators=[Length(max=MAX_TEXT)],
        description="e.g. an abstract, a poster, co-authorship of a paper.",
    )

    def fill_from(self, data: PlacementData) -> None:
        super().fill_from(data)
        for name in ("supervisor", "methods", "prerequisites", "expected_output", "weeks"):
            self[name].data = getattr(data, name)
        self.project_type.data = data.project_type or ProjectType.BASIC.value

    def to_data(self) -> PlacementData:
        data = super().to_data()
        data.supervisor = self.supervisor.data or ""
        data.project_type = self.project_type.data or ""
        data.methods = self.methods.data or ""
        data.prerequisites = self.prerequisites.data or ""
        data.expected_output = self.expected_output.data or ""
        data.weeks = self.weeks.data
        return data


class ImportForm(FlaskForm):
    season_id = SelectField("Capacities are for the season", coerce=int)
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose the CSV file.")],
        description="UTF-8, at most 1 MB, in the format of the export.",
    )
    submit = SubmitField("Check and import")
