"""Forms of the matching workspace."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from exchange.matching.models import MatchingKind, Ranking


class RunForm(FlaskForm):
    kind = SelectField(
        "What to match",
        choices=[SelectChoice(k.value, k.label) for k in MatchingKind],
        description="Outgoing: your submitted students into your contract slots. "
        "Incoming: students nominated to you into your departments or projects.",
    )
    scope = SelectField("NMO and program")  # "nmo_id:program_id"
    season_id = SelectField("Season", coerce=int)
    ranking = SelectField(
        "Rank students",
        choices=[SelectChoice(r.value, r.label.capitalize()) for r in Ranking],
    )
    submit = SubmitField("Run the matcher")
