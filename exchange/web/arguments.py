"""Reading ids from query strings and URLs, the same way everywhere: a value that can be
no row's id is no id, and never reaches the database."""

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


def id_arg(args, name: str) -> int | None:
    """The id the query string ``args`` gives as ``name``; None when it gives none, or
    something that can be no row's id."""
    return as_id(args.get(name, ""))


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past MAX_ID matches no URL (a 404, as for any
    id that names no row) instead of reaching the database, which refuses it."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
