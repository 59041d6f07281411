"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A bare form for confirmed POST actions (delete, approve, mark...): the CSRF token."""

    submit = SubmitField("Confirm")
