"""Domain exceptions. Pure Python: no Flask, no SQLAlchemy.

Each carries a message a person can act on. ``exchange.web.errors`` turns them into a
flash message on a page or an ``application/problem+json`` answer under ``/api/``.
"""


class DomainError(Exception):
    """A rule of the domain refused an action; the message says what to do instead."""

    status_code = 400


class NotAllowed(DomainError):
    """The acting user may not do this to this object."""

    status_code = 403


class CapacityExceeded(DomainError):
    """A placement or contract slot has no room left for the month asked."""

    status_code = 409


class InvalidTransition(DomainError):
    """An action that the application's state or the actor does not allow."""
