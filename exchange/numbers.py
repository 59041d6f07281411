"""Reading numbers that people type into forms and spreadsheets."""

import re

# Nine digits at most: anything longer is a typing slip, and would overflow the columns.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


def whole_number(text: str) -> int | None:
    """The whole number ``text`` spells in plain ASCII digits, or None.

    ``str.isdigit`` also accepts characters such as "²" that ``int`` refuses, and ``int``
    takes numbers of any length: both would end in an error page instead of a message.
    """
    text = text.strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None
