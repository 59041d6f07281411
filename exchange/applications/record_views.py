"""Officers' records on an application: adding an internal note, recording the fee as
paid, and clearing it."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from exchange.applications import record_panels, records, views
from exchange.applications.models import Application
from exchange.applications.pages import application_or_404, bp, refused
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

OFFICERS = (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.ADMIN)


def _to_panel(application: Application, anchor: str):
    return redirect(url_for("applications.show", code=application.code, _anchor=anchor))


def _page_again(application: Application, **refused):
    """The application's page with a refused form as typed, beside the message."""
    return views.render_show(application, **refused), 422


@bp.route("/<code>/notes", methods=["POST"])
@role_required(*OFFICERS)
def add_note(code: str):
    application = application_or_404(code)
    sides = records.note_sides(current_user, application)
    if not sides:
        abort(403)
    form = record_panels.note_form(application, sides)
    form.side.validate_choice = False  # the service says which side the author writes for
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return _page_again(application, note=form)
    with attempt("Your internal note is added.") as outcome:
        records.add_note(current_user, application, form.side.data, form.body.data)
    if not outcome.ok:
        return _page_again(application, note=form)
    return _to_panel(application, "notes")


def _fee_application(code: str):
    """The application whose fee the viewer records, and the answer refusing it, if any:
    a fee is recorded once the application holds a contract slot, by the host's officers."""
    application = application_or_404(code)
    if application.contract_id is None:
        message = "A fee is recorded once the application is nominated to its host."
        return application, refused(message, application)
    if not records.can_record_fee(current_user, application):
        abort(403)
    return application, None


@bp.route("/<code>/fee", methods=["POST"])
@role_required(*OFFICERS)
def record_fee(code: str):
    application, refusal = _fee_application(code)
    if refusal is not None:
        return refusal
    form = record_panels.fee_form(application, records.fee_asked_of(application))
    if not form.validate_on_submit():
        flash(_first_error(form), "danger")
        return _page_again(application, fee=form)
    if application.fee_paid_on is None:
        message = f"The fee of {application.code} is recorded as paid."
    else:
        message = f"The payment of {application.code}'s fee is corrected."
    with attempt(message) as outcome:
        changed = records.record_fee_paid(
            current_user, application, form.amount.data, form.currency.data, form.paid_on.data
        )
        if not changed:
            outcome.message = "The payment was recorded so already: nothing changed."
    if not outcome.ok:
        return _page_again(application, fee=form)
    return _to_panel(application, "fee")


@bp.route("/<code>/fee/clear", methods=["POST"])
@role_required(*OFFICERS)
def clear_fee(code: str):
    application, refusal = _fee_application(code)
    if refusal is not None:
        return refusal
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt(f"The payment of {application.code}'s fee is cleared: it shows as unpaid."):
        records.clear_fee_paid(current_user, application)
    return _to_panel(application, "fee")


def _first_error(form) -> str:
    """The message of the form's first refused field, with the field's name."""
    for name, errors in form.errors.items():
        if errors and name in form:
            return f"{form[name].label.text}: {errors[0]}"
    return "Check the form and send it again."
