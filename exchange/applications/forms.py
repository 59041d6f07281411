"""The forms a student fills in: starting an application, the AF, its documents."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from exchange.applications.documents import ACCEPT_EXTENSIONS, ALLOWED_TYPES_TEXT
from exchange.applications.models import MAX_DOCUMENT_BYTES
from exchange.months import SEASON_MONTHS, month_name
from exchange.numbers import whole_number
from exchange.web.uploads import format_size

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


class RankingField(Field):
    """The ranked placements, best first: one ``placement_ids`` value each, in the order
    the page lists them. Which ids may be ranked is the service's rule (update_draft)."""

    def _value(self):
        return ""

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        self.data = []
        for value in valuelist:
            try:
                self.data.append(int(value))
            except (TypeError, ValueError):
                raise ValueError("Rank placements from the list.") from None


# The buttons of the ranking post ``rank_action`` as "<move>:<placement id>".
RANK_MOVES = ("up", "down", "remove", "add")


def parse_rank_action(value: str | None) -> tuple[str, int] | None:
    """The move and the placement a ranking button asked for, or None."""
    move, _, placement = (value or "").partition(":")
    placement_id = whole_number(placement)
    if move not in RANK_MOVES or placement_id is None:
        return None
    return move, placement_id


def apply_rank_action(ranked: list[int], move: str, placement_id: int) -> list[int]:
    """``ranked`` after the move: up or down one place, removed, or added last. A move
    that cannot be made (the first one up, an unranked one down) changes nothing."""
    ranked = list(ranked)
    if move == "add":
        return ranked if placement_id in ranked else [*ranked, placement_id]
    if placement_id not in ranked:
        return ranked
    at = ranked.index(placement_id)
    if move == "remove":
        del ranked[at]
    elif move == "up" and at > 0:
        ranked[at - 1], ranked[at] = ranked[at], ranked[at - 1]
    elif move == "down" and at < len(ranked) - 1:
        ranked[at + 1], ranked[at] = ranked[at], ranked[at + 1]
    return ranked


class ApplicationForm(FlaskForm):
    """The AF: what the student fills in while it is a draft. The form only reads what was
    posted; update_draft decides what may be saved and says why not, field by field."""

    months = MultiCheckboxField(
        "Months you can go",
        coerce=int,
        choices=MONTH_CHOICES,
        invalid_value_message="Choose months from the list.",
    )
    study_year = IntegerField(
        "Year of study",
        validators=[Optional()],
        invalid_value_message="Give your year of study as a number, e.g. 4.",
    )
    motivation = TextAreaField(
        "Motivation",
        description="Why this exchange, and what you want to learn there.",
    )
    placement_ids = RankingField("Your ranking")
    rank_action = StringField()  # the ranking's buttons: see parse_rank_action
    save = SubmitField("Save")

    def rank_move(self) -> tuple[str, int] | None:
        """The ranking button pressed, if one was: (move, placement id)."""
        return parse_rank_action(self.rank_action.data)

    def ranking(self) -> list[int]:
        """The ranking as posted, with the move of the button pressed made."""
        ranked = list(self.placement_ids.data or [])
        move = self.rank_move()
        return apply_rank_action(ranked, *move) if move else ranked


class PlacementFilterForm(FlaskForm):
    """The filter of the placements a student ranks: GET parameters of the edit page, so
    that it works without JavaScript; the script filters the same rows in place."""

    class Meta:
        csrf = False

    field = SelectField("Specialty")
    city = SelectField("City")
    free = BooleanField("Only with free places in my months")

    def offer(self, fields: list[str], cities: list[str], field_label: str) -> None:
        self.field.label.text = field_label
        self.field.choices = [SelectChoice("", "All")] + [SelectChoice(f, f) for f in fields]
        self.city.choices = [SelectChoice("", "All")] + [SelectChoice(c, c) for c in cities]
        # A value no longer offered (a bookmarked filter) filters nothing.
        if self.field.data not in fields:
            self.field.data = ""
        if self.city.data not in cities:
            self.city.data = ""

    def args(self) -> dict[str, str]:
        """The filter as GET parameters, for links and redirects that keep it."""
        args = {
            "field": self.field.data,
            "city": self.city.data,
            "free": "1" if self.free.data else "",
        }
        return {name: value for name, value in args.items() if value}


class DocumentForm(FlaskForm):
    kind = SelectField("Document")
    file = FileField(
        "File",
        validators=[FileRequired(message="Choose a file.")],
        description=f"{ALLOWED_TYPES_TEXT}, at most {format_size(MAX_DOCUMENT_BYTES)}.",
        render_kw={"accept": ACCEPT_EXTENSIONS, "data-max-bytes": str(MAX_DOCUMENT_BYTES)},
    )
    upload = SubmitField("Upload")
