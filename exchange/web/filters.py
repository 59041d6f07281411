"""Filters and globals for templates: dates in people's terms, state badges, months."""

from flask import Flask

from exchange.applications.states import State
from exchange.months import (
    format_date,
    format_datetime,
    format_local_datetime,
    format_month,
    month_name,
)

# One colour per state, the same on every page.
STATE_BADGE_CLASSES = {
    State.DRAFT: "text-bg-light border",
    State.SUBMITTED: "text-bg-info",
    State.NOMINATED: "text-bg-primary",
    State.REJECTED: "text-bg-danger",
    State.ACCEPTED: "text-bg-success",
    State.CONFIRMED: "text-bg-success",
    State.IN_PROGRESS: "text-bg-warning",
    State.COMPLETED: "text-bg-secondary",
    State.CERTIFIED: "text-bg-dark",
    State.WITHDRAWN: "text-bg-light border text-decoration-line-through",
    State.CANCELLED: "text-bg-light border text-danger",
}


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_local_datetime, "local_datetime")
    app.add_template_filter(month_name, "month_name")
    app.add_template_filter(format_month, "month")
    app.add_template_global(STATE_BADGE_CLASSES, "state_badge_classes")
