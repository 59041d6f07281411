"""Form pieces shared by every blueprint."""

import re

from flask_wtf import FlaskForm
from wtforms import DecimalField, SubmitField


class ConfirmForm(FlaskForm):
    """A bare form for confirmed POST actions (delete, approve, mark...): the CSRF token."""

    submit = SubmitField("Confirm")


# Plain ASCII digits, an optional sign and decimals: no exponent, "NaN" or "Infinity",
# which Decimal takes and then fails to compare ("sNaN") or the database fails to store
# ("1e-999999999" on PostgreSQL).
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]{1,12}(?:\.[0-9]{1,12})?")


class PlainDecimalField(DecimalField):
    """A DecimalField that takes only a number written out, e.g. 12 or 12.50; anything
    else is a message beside the field, with the text typed left in it."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if text and not _PLAIN_DECIMAL.fullmatch(text):
            self.data = None
            raise ValueError("Give a number written out, such as 12 or 12.50.")
        super().process_formdata(valuelist)
