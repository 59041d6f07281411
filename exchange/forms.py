"""Form pieces shared by every area."""

from flask_wtf import FlaskForm
from wtforms import SubmitField

MAX_LANGUAGE = 40  # characters in a language's name


class ConfirmForm(FlaskForm):
    """A bare form for confirmed POST actions (delete, approve, mark...): the CSRF token."""

    submit = SubmitField("Confirm")


def clean_languages(values) -> list[str]:
    """Trimmed, non-empty, each once (first spelling wins), in the order given."""
    seen: set[str] = set()
    cleaned = []
    for value in values:
        language = " ".join(str(value).split())
        if language and language.casefold() not in seen:
            seen.add(language.casefold())
            cleaned.append(language)
    return cleaned
