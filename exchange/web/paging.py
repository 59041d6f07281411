"""Pages of a list, as the request asks (``?page=``), of the configured size."""

from flask import current_app

from exchange.extensions import db


def page_of(statement):
    """One page of ``statement``; a page past the end is empty, never an error."""
    return db.paginate(statement, per_page=current_app.config["PAGE_SIZE"], error_out=False)
