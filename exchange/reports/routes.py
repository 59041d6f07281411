"""The reports blueprint with every page of it: each view module adds its routes."""

from exchange.reports import downloads, statistics, views  # noqa: F401 (their routes)
from exchange.reports.pages import bp

__all__ = ["bp"]
