"""Numbers as people type them."""

import pytest

from exchange.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        (" 12 ", 12),
        ("-3", -3),
        ("123456789", 123456789),
        ("1234567890", None),  # longer than any count here: a slip, not a number
        ("²", None),  # str.isdigit says yes, int says no
        ("¹2", None),
        ("--1", None),
        ("1.5", None),
        ("", None),
        ("seven", None),
    ],
)
def test_whole_number(text, expected):
    assert whole_number(text) == expected
