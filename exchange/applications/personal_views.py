"""The personal data page of the application form, and the panel of it on the
application page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exchange import clock
from exchange.applications import personal, personal_data
from exchange.applications.pages import application_or_404, bp, to_page
from exchange.applications.personal import PersonalData
from exchange.applications.personal_data import PersonalDataRefused
from exchange.applications.personal_forms import PersonalDataForm
from exchange.applications.states import State
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.web.transaction import attempt

REFUSED = "Nothing is saved yet: correct the fields marked below."


@bp.route("/<code>/personal", methods=["GET", "POST"], endpoint="personal")
@role_required(Role.STUDENT)
def personal_page(code: str):
    application = application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    refusal = personal_data.editing_refusal(current_user, application)
    if refusal is not None:
        flash(refusal, "info")
        return to_page(application)
    required = personal_data.required_personal_data(application)
    form = PersonalDataForm()
    if request.method == "GET":
        form.fill_from(PersonalData.of(application))
    elif form.validate_on_submit():
        with attempt("Your personal data is saved.", flash_error=False) as outcome:
            personal_data.save_personal_data(current_user, application, form.to_data())
        if outcome.ok:
            return redirect(url_for("applications.personal", code=code))
        if isinstance(outcome.error, PersonalDataRefused):
            form.show_errors(outcome.error.errors)
            flash(REFUSED, "danger")
        else:
            flash(str(outcome.error), "danger")
    else:
        # A date that is not one: the other fields are checked all the same, so that every
        # refusal shows at once. Nothing is saved.
        form.show_errors(personal_data.personal_data_problems(application, form.to_data()))
        for message in form.errors.get("csrf_token", []):
            flash(f"{message} Reload the page and save again.", "danger")
        flash(REFUSED, "danger")
    form.mark_required(required)
    return render_template(
        "applications/personal.html",
        application=application,
        form=form,
        required_labels=personal.required_labels(required),
        latest_end=personal.latest_end(application),
        longest_weeks=max(application.program.rules.weeks),
        missing=(
            personal.missing_for_submission(application, required)
            if application.state == State.DRAFT
            else []
        ),
    )


def panel(viewer, application) -> dict | None:
    """What the application page shows of the personal data to this viewer, if anything."""
    if not personal_data.can_view_personal_data(viewer, application):
        return None
    required = set(personal_data.required_personal_data(application))
    return {
        "rows": [
            {
                "label": label,
                "value": value,
                "required": key in required,
            }
            for key, label, value in personal.display_rows(application, clock.today())
        ],
        "languages": [personal.language_text(item) for item in personal.languages_of(application)],
        "editable": personal_data.editing_refusal(viewer, application) is None,
        "is_student": getattr(viewer, "id", None) == application.student_id,
        "seen_by_host": personal.seen_by_host(application),
    }
