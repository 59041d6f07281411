"""Application codes such as ``P-2627-00042``: program prefix, season, running number.
Pure Python: the one definition of the format, for the services, the demo and the tests."""

# P (SCOPE) or R (SCORE), the season's two two-digit years, five digits.
CODE_PATTERN = r"[PR]-\d{4}-\d{5}"


def application_code(program_prefix: str, season_short_code: str, number: int) -> str:
    """``application_code("P", "2627", 42)`` is ``"P-2627-00042"``."""
    return f"{program_prefix}-{season_short_code}-{number:05d}"
