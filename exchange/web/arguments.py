"""Reading what requests send, the same way everywhere: a value that can be no row's id
is no id, and a NUL character is refused before any view sees it; neither reaches the
database."""

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

# The largest id a query string may ask for: PostgreSQL's integer ends there, and a larger
# number must not reach the database (past 2**63 SQLite refuses it too).
MAX_ID = 2**31 - 1


def as_id(text: str) -> int | None:
    """``text`` as a row's id; None when it can be none (not a number, or out of range)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):  # "²" and fullwidth digits are digits to Python
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def id_arg(args, name: str) -> int | None:
    """The id the query string ``args`` gives as ``name``; None when it gives none (or 0,
    the choosers' "any", or a word such as "all"). A number that can be no row's id
    (negative, or past the database's integers) is a 404 that says so."""
    text = args.get(name, "").strip()
    number = as_id(text)
    if number is None and text.isascii() and _WHOLE_NUMBER.fullmatch(text) and int(text) != 0:
        abort(404, f"There is no {name} numbered {text[:24]}.")
    return number


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past MAX_ID matches no URL (a 404, as for any
    id that names no row) instead of reaching the database, which refuses it."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


NUL = "\x00"
NUL_REFUSED = (
    "What was sent holds a NUL character (\\0), which no address or field takes. "
    "Remove it and send it again."
)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def refuse_nul_characters() -> None:
    """Before every request: a NUL in the path, the query string, a form's fields or a
    JSON body is a 400 that says so. PostgreSQL's text refuses NUL, so it would otherwise
    end as a server error wherever it reached a query; no one types one."""
    sent = [request.path, *(part for pair in request.args.items(multi=True) for part in pair)]
    if request.method != "GET":
        sent += [part for pair in request.form.items(multi=True) for part in pair]
    if _holds_nul(sent) or (request.is_json and _holds_nul(request.get_json(silent=True))):
        abort(400, NUL_REFUSED)
