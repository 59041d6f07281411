"""The applications blueprint with every page of it: each view module adds its routes."""

from exchange.applications import (  # noqa: F401 (their routes)
    form_views,
    list_views,
    personal_views,
    record_views,
    views,
)
from exchange.applications.pages import bp

__all__ = ["bp"]
