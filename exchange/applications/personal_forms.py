"""The personal data form of the application: what a host needs to receive the student.
The rules are exchange.applications.personal's; the form only carries what was typed."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from exchange.applications import personal
from exchange.applications.personal import BY_KEY, LEVELS, MOST_LANGUAGES, PersonalData

DATE_MESSAGE = "Give a date: day, month and year."


class _DateField(DateField):
    """A date, refused in words a student understands when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


def _label(key: str) -> str:
    return BY_KEY[key].label


class LanguageForm(Form):
    """One row of the languages: a language and the student's level in it."""

    language = StringField("Language")
    level = SelectField(
        "Level",
        choices=[SelectChoice("", "Level…"), *(SelectChoice(k, v) for k, v in LEVELS.items())],
        # A level off the list reaches the rules, which refuse it by name.
        validate_choice=False,
    )


class PersonalDataForm(FlaskForm):
    date_of_birth = _DateField(_label("date_of_birth"), validators=[Optional()])
    nationality = SelectField(
        _label("nationality"),
        choices=[
            SelectChoice("", "Choose your nationality…"),
            *(SelectChoice(code, name) for code, name in personal.COUNTRIES.items()),
        ],
        validate_choice=False,
    )
    passport_name = StringField(
        _label("passport_name"),
        description="In Latin letters, exactly as your passport prints it.",
    )
    passport_number = StringField(_label("passport_number"))
    passport_expires_on = _DateField(
        _label("passport_expires_on"),
        validators=[Optional()],
        description="It must be valid after your exchange ends.",
    )
    phone = TelField(_label("phone"), description="With + and the country code.")
    emergency_contact_name = StringField(_label("emergency_contact_name"))
    emergency_contact_relation = StringField(
        _label("emergency_contact_relation"), description="e.g. mother, partner, friend."
    )
    emergency_contact_phone = TelField(
        _label("emergency_contact_phone"), description="With + and the country code."
    )
    insurance_company = StringField(_label("insurance_company"))
    insurance_policy_number = StringField(_label("insurance_policy_number"))
    allergies = TextAreaField(
        _label("allergies"), description="Optional: food, medicines, latex… Leave empty if none."
    )
    medical_notes = TextAreaField(
        _label("medical_notes"),
        description="Optional: anything the host should know to keep you safe. Only the "
        "officers handling your application read it.",
    )
    languages = FieldList(
        FormField(LanguageForm), min_entries=MOST_LANGUAGES, max_entries=MOST_LANGUAGES + 2
    )
    save = SubmitField("Save the personal data")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language_errors: list[str] = []  # refusals of the languages as a whole

    def fill_from(self, data: PersonalData) -> None:
        for field in personal.FIELDS:
            getattr(self, field.key).data = getattr(data, field.key)
        self.nationality.data = data.nationality or ""
        rows = list(data.languages)[:MOST_LANGUAGES]
        while len(self.languages.entries) > 0:
            self.languages.pop_entry()
        for language, level in [*rows, *[("", "")] * (MOST_LANGUAGES - len(rows))]:
            self.languages.append_entry({"language": language, "level": level})

    def to_data(self) -> PersonalData:
        values = {field.key: getattr(self, field.key).data for field in personal.FIELDS}
        rows = tuple(
            (entry.form.language.data or "", entry.form.level.data or "")
            for entry in self.languages.entries
        )
        return PersonalData(**values, languages=rows)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put the service's refusals beside their fields (``languages-<row>`` on its row)."""
        self.language_errors = []
        for key, message in errors.items():
            if key.startswith("languages-"):
                index = int(key.removeprefix("languages-"))
                if index < len(self.languages.entries):
                    entry = self.languages.entries[index].form.language
                    entry.errors = [*entry.errors, message]
                    continue
            if key in BY_KEY:
                field = getattr(self, key)
                field.errors = [*field.errors, message]
            else:
                self.language_errors.append(message)

    def mark_required(self, required: list[str]) -> None:
        """Mark the fields the host requires for submission in their labels."""
        for key in required:
            if key in BY_KEY and BY_KEY[key].requirable:
                getattr(self, key).label.text = f"{BY_KEY[key].label} (required)"
