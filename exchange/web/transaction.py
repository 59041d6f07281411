"""One commit per request: the only place a view's changes are committed or rolled back.

Services flush and never commit. A view wraps the service call in ``attempt``:

    with attempt("The placement is saved.") as outcome:
        services.update_placement(current_user, placement, ...)
    if outcome.ok:
        return redirect(...)
    return render_template(...)  # the form again, with what the user typed

On success the block's work is committed and the success message flashed. On a
``DomainError`` everything is rolled back: a page gets the error's message as a flash,
an API request gets the problem+json answer of ``exchange.web.errors``. A half-written
record never stays behind.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from sqlalchemy.exc import IntegrityError

from exchange.errors import DomainError
from exchange.extensions import db
from exchange.web.errors import wants_json


@dataclass
class Outcome:
    """What became of an ``attempt``: ``ok`` once committed, else the ``error``."""

    message: str | None = None  # flashed on success; the block may set it
    error: Exception | None = None
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.committed


@contextmanager
def attempt(
    success: str | None = None,
    *,
    conflict: str | None = None,
    flash_error: bool = True,
) -> Iterator[Outcome]:
    """Commit what the block did, or roll all of it back.

    ``conflict`` is the message for a database constraint that a concurrent request won
    (an IntegrityError); without it such an error is unexpected and propagates.
    ``flash_error=False`` leaves showing a domain error to the view (beside a field).
    """
    outcome = Outcome(message=success)
    try:
        yield outcome
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if wants_json():
            raise
        outcome.error = error
        if flash_error:
            flash(str(error), "danger")
        return
    except IntegrityError as error:
        db.session.rollback()
        if conflict is None:
            raise
        outcome.error = error
        flash(conflict, "danger")
        return
    except BaseException:
        db.session.rollback()
        raise
    outcome.committed = True
    if outcome.message:
        flash(outcome.message, "success")
