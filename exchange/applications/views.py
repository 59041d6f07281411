"""The application pages: the student's form and documents, the application page with its
timeline and the actions the viewer may take, the cards, and the officers' queues."""

from flask import (
    abort,
    flash,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.applications import (
    calendar,
    personal_views,
    queries,
    queues,
    record_panels,
    services,
)
from exchange.applications.deadlines import late_cards
from exchange.applications.documents import DOCUMENT_KINDS
from exchange.applications.models import Application, Preference, StateTransition
from exchange.applications.pages import application_or_404, bp, refused, to_page
from exchange.applications.pdf import card_of_acceptance_pdf, certificate_pdf
from exchange.applications.permissions import page_flags
from exchange.applications.states import HOLDS_PLACE, Action, State
from exchange.applications.step_forms import (
    AcceptForm,
    ArrivalForm,
    ConfirmationForm,
    EvaluationForm,
    NominateForm,
    PointsForm,
    ReasonForm,
    SubstituteForm,
)
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role, User
from exchange.auth.permissions import can_place_in
from exchange.errors import CapacityExceeded
from exchange.extensions import db
from exchange.months import format_date, format_month, month_name
from exchange.placements.models import Placement, PlacementKind
from exchange.placements.services import accommodation_and_meals
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

ACCEPT_REFUSED = "The card of acceptance is not issued: correct the fields marked below."

# The application page and its actions


@bp.route("/<code>")
@login_required
def show(code: str):
    application = application_or_404(
        code,
        selectinload(Application.history).selectinload(StateTransition.actor),
        selectinload(Application.preferences).selectinload(Preference.placement),
        selectinload(Application.documents),
        # Its student (with their roles) and placement in the application's own SELECT.
        joinedload(Application.student).joinedload(User.memberships),
        joinedload(Application.placement),
    )
    return render_show(application)


def render_show(application: Application, **submitted) -> str:
    """The application's page; ``submitted`` holds a refused form, shown as typed."""
    today = clock.today()
    flags = page_flags(current_user, application)
    actions = flags.actions
    not_before = services.steps_not_open_yet(application, today)
    forms = {}
    if Action.NOMINATE in actions:
        forms["nominate"] = NominateForm()
        forms["nominate"].month.choices = _month_choices(application)
    slot_month_begun = application.exchange_month is not None and not calendar.month_is_open(
        application.season.month_date(application.exchange_month), today
    )
    if Action.ACCEPT in actions and not slot_month_begun:
        forms["accept"] = submitted.get("accept") or _accept_form(application)
    if Action.CONFIRM in actions:
        forms["confirm"] = submitted.get("confirm") or _confirmation_form(application)
    if Action.MARK_ARRIVED in actions and Action.MARK_ARRIVED not in not_before:
        forms["arrived"] = ArrivalForm()
        if request.method == "GET":
            forms["arrived"].arrived_on.data = today
    if Action.SUBMIT_EVALUATION in actions and Action.SUBMIT_EVALUATION not in not_before:
        forms["evaluate"] = EvaluationForm()
    points_form = submitted.get("points")
    if points_form is None and flags.can_set_points:
        points_form = PointsForm()
        points_form.points.data = (
            application.points if application.state == State.SUBMITTED else application.host_points
        )
    substitute_form = None
    if flags.can_choose_substitute:
        candidates = services.substitute_candidates(application)
        substitute_form = SubstituteForm()
        substitute_form.substitute_id.choices = [
            SelectChoice(
                c.id,
                f"{c.code}: {c.student.name}" + (f" ({c.points} points)" if c.points else ""),
            )
            for c in candidates
        ]
    conditions = services.exchange_conditions_for(application)
    return render_template(
        "applications/show.html",
        application=application,
        actions=actions,
        forms=forms,
        reason_form=ReasonForm(),
        confirm_form=ConfirmForm(),
        substitute_form=substitute_form,
        points_form=points_form,
        late=late_cards(application, clock.today()),
        conditions=conditions,
        stay=accommodation_and_meals(application.placement, conditions),
        # The state steps and the points changes, in the order they happened.
        history=sorted(
            [
                *application.history,
                *queries.points_history(application),
                *record_panels.history_entries(current_user, application),
            ],
            key=lambda step: step.created_at,
        ),
        arrival_opens=(
            calendar.arrival_opens_on(application.starts_on, services.step_windows())
            if application.starts_on
            else None
        ),
        not_before=not_before,
        slot_month_begun=slot_month_begun,
        today=today,
        same_months=_exchanges_in_the_same_months(application, actions),
        has_card_of_acceptance=flags.has_card_of_acceptance,
        document_kinds=DOCUMENT_KINDS,
        personal_panel=personal_views.panel(current_user, application),
        notes_panel=record_panels.notes_panel(current_user, application, submitted.get("note")),
        fee_panel=record_panels.fee_panel(current_user, application, submitted.get("fee")),
        free_slots=queues.free_slots_by_month(application) if forms.get("nominate") else {},
        Action=Action,
    )


def _month_choices(application: Application) -> list[SelectChoice]:
    """The months the student can go that have not begun: the only ones offered."""
    return [
        SelectChoice(month, format_month(application.season.month_date(month)))
        for month in services.nomination_months(application, clock.today())
    ]


def _exchanges_in_the_same_months(application: Application, actions) -> list[Application]:
    """Before an officer nominates or accepts: the student's exchanges in the other
    program in the months concerned, to warn of a student booked twice."""
    if Action.NOMINATE in actions:
        months = application.months
    elif Action.ACCEPT in actions:
        months = [application.exchange_month]
    else:
        return []
    return queries.exchanges_in_the_same_months(application, months)


def _confirmation_form(application: Application) -> ConfirmationForm:
    form = ConfirmationForm()
    earliest, latest = calendar.cc_arrival_window(application.starts_on, services.step_windows())
    form.arrival_local.description = (
        f"Between {format_date(earliest)} and {format_date(latest)}: the exchange starts on "
        f"{format_date(application.starts_on)}."
    )
    form.arrival_local.render_kw = {
        "min": f"{earliest.isoformat()}T00:00",
        "max": f"{latest.isoformat()}T23:59",
    }
    return form


def _accept_form(application: Application) -> AcceptForm:
    """The acceptance, offering the placements the officer may place in, the student's
    choices first, with their free places in the month and the addresses the CA prints.
    Opened afresh it proposes the first choice with a free place, the earliest start and
    the officer as the contact person (and a research project's supervisor as the tutor)."""
    form = AcceptForm()
    ranked = [p.placement for p in application.preferences]
    others = queries.open_placements_of_host(application)
    placements = ranked + [p for p in others if p not in ranked]
    placements = [p for p in placements if can_place_in(current_user, p, application.program_id)]
    month = application.exchange_month
    free = queries.free_places(application, [month]) if month else {}
    form.placement_id.choices = [
        SelectChoice(
            p.id,
            (f"Choice {ranked.index(p) + 1}: " if p in ranked else "") + f"{p.title}, {p.lc.name}",
        )
        for p in placements
    ]
    if not placements:
        form.placement_id.description = (
            f"You can place students in none of {application.host_nmo.acronym}'s open "
            f"{application.program.placement_noun}s."
        )
    if month:
        first_day = form.first_day = application.season.month_date(month)
        earliest, latest = calendar.start_window(first_day, clock.today())
        form.starts_on.render_kw = {"min": earliest.isoformat(), "max": latest.isoformat()}
        weeks = sorted({p.weeks for p in placements}) or list(application.program.rules.weeks)
        length = " or ".join(str(w) for w in weeks)
        form.starts_on.description = (
            f"Between {format_date(earliest)} and {format_date(latest)}. The exchange lasts "
            f"{length} weeks from the start, as its placement says."
        )
        if request.method == "GET":
            form.starts_on.data = earliest
    if request.method == "GET":
        proposed = next(
            (p for p in placements if p in ranked and free.get(p.id, {}).get(month)),
            placements[0] if placements else None,
        )
        if proposed is not None:
            form.placement_id.data = proposed.id
            if proposed.kind == PlacementKind.RESEARCH_PROJECT:
                form.tutor.data = proposed.supervisor
        form.contact_person.data = current_user.name
        form.contact_email.data = current_user.email
    # Beside the choice: the free places and the address the card would print, of the
    # student's choices and of the placement chosen (proposed, or as the refused form had it).
    form.offered = tuple(
        (p, free.get(p.id, {}).get(month, 0))
        for p in placements
        if p in ranked or p.id == form.placement_id.data
    )
    return form


@bp.route("/<code>/points", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def set_points(code: str):
    application = application_or_404(code)
    form = PointsForm()
    if not form.validate_on_submit():
        flash("Give points from 0 to 1000.", "danger")
        return render_show(application, points=form), 422
    saved = (
        f"The points of {application.code} are saved."
        if form.points.data is not None
        else f"The points of {application.code} are cleared."
    )
    with attempt(saved) as outcome:
        services.set_points(current_user, application, form.points.data)
    if not outcome.ok:
        return render_show(application, points=form), 422  # as typed, beside the message
    return to_page(application)


@bp.route("/<code>/nominate", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def nominate(code: str):
    application = application_or_404(code)
    form = NominateForm()
    form.month.choices = _month_choices(application)
    form.month.validate_choice = False  # the service refuses a begun month by name
    if not form.validate_on_submit():
        return refused("Choose a month.", application)
    with attempt(f"{application.code} is nominated to {application.host_nmo.acronym}.") as outcome:
        services.nominate_application(current_user, application, form.month.data)
    if outcome.ok:
        _warn_of_the_same_months(application, [form.month.data])
    return to_page(application)


def _warn_of_the_same_months(application: Application, months: list[int]) -> None:
    for other in queries.exchanges_in_the_same_months(application, months):
        flash(
            f"{application.student.name} also holds {other.code} ({other.program.code}) in "
            f"{month_name(other.exchange_month)}: check the two exchanges do not overlap.",
            "warning",
        )


@bp.route("/<code>/accept", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def accept(code: str):
    application = application_or_404(code)
    if Action.ACCEPT not in page_flags(current_user, application).actions:
        return refused("The card of acceptance is not yours to issue now.", application)
    form = _accept_form(application)
    if not form.validate_on_submit():
        flash(ACCEPT_REFUSED, "danger")
        return render_show(application, accept=form), 422  # each message beside its field
    placement = db.session.get(Placement, form.placement_id.data)
    with attempt(
        f"{application.code} is accepted; the card of acceptance is issued.", flash_error=False
    ) as outcome:
        services.accept_application(
            current_user,
            application,
            placement,
            form.starts_on.data,
            form.contact_person.data,
            form.contact_email.data,
            tutor=form.tutor.data or "",
            meeting_point=form.meeting_point.data or "",
        )
    if not outcome.ok:
        _show_refusal(form, outcome.error)
        return render_show(application, accept=form), 422  # as typed, beside the message
    _warn_of_the_same_months(application, [application.exchange_month])
    return to_page(application)


def _show_refusal(form: AcceptForm, error: Exception) -> None:
    """The service's reason for refusing, at the top, and beside the placement when it
    has no free place left (another officer may have just taken it)."""
    flash(str(error), "danger")
    if isinstance(error, CapacityExceeded):
        form.placement_id.errors = [*form.placement_id.errors, str(error)]


@bp.route("/<code>/confirm", methods=["POST"])
@role_required(Role.STUDENT)
def confirm(code: str):
    application = application_or_404(code)
    if Action.CONFIRM not in page_flags(current_user, application).actions:
        return refused("The card of confirmation is not yours to send now.", application)
    form = _confirmation_form(application)
    if not form.validate_on_submit():
        flash("Give your arrival date, time and transport.", "danger")
        return render_show(application, confirm=form), 422
    with attempt("Your card of confirmation is in. Have a good journey!") as outcome:
        services.confirm_application(
            current_user,
            application,
            form.arrival_local.data,
            form.transport.data,
        )
    if not outcome.ok:
        # What the student typed stays in the form, beside the window it must fall in.
        return render_show(application, confirm=form), 422
    return to_page(application)


@bp.route("/<code>/arrived", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def mark_arrived(code: str):
    application = application_or_404(code)
    form = ArrivalForm()
    if not form.validate_on_submit():
        return refused("Give the day the student arrived.", application)
    with attempt(f"{application.student.name} has arrived."):
        services.mark_arrived(current_user, application, form.arrived_on.data)
    return to_page(application)


@bp.route("/<code>/evaluation", methods=["POST"])
@role_required(Role.STUDENT)
def evaluate(code: str):
    application = application_or_404(code)
    form = EvaluationForm()
    if not form.validate_on_submit():
        return refused("Rate each part from 1 to 5.", application)
    with attempt("Thank you: your evaluation form is in."):
        services.submit_evaluation(
            current_user,
            application,
            form.overall.data,
            form.placement.data,
            form.supervision.data,
            form.accommodation.data,
            form.comments.data or "",
        )
    return to_page(application)


@bp.route("/<code>/certify", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def certify(code: str):
    application = application_or_404(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt("The certificate is issued."):
        services.certify_application(current_user, application)
    return to_page(application)


def _with_reason(code: str, service, message: str) -> Response:
    application = application_or_404(code)
    form = ReasonForm()
    if not form.validate_on_submit():
        return refused("Give a reason.", application)
    with attempt(message.format(code=application.code)):
        service(current_user, application, form.reason.data)
    return to_page(application)


@bp.route("/<code>/reject", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def reject(code: str):
    return _with_reason(code, services.reject_application, "{code} is rejected.")


@bp.route("/<code>/withdraw", methods=["POST"])
@role_required(Role.STUDENT)
def withdraw(code: str):
    return _with_reason(code, services.withdraw_application, "{code} is withdrawn.")


@bp.route("/<code>/cancel", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.ADMIN)
def cancel(code: str):
    return _with_reason(code, services.cancel_application, "{code} is cancelled.")


@bp.route("/<code>/substitute", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def substitute(code: str):
    application = application_or_404(code)
    form = SubstituteForm()
    candidates = services.substitute_candidates(application)
    form.substitute_id.choices = [SelectChoice(c.id, c.code) for c in candidates]
    form.substitute_id.validate_choice = False  # the service says why it refuses one
    if not form.validate_on_submit():
        return refused("Choose the substitute.", application)
    chosen = db.session.get(Application, form.substitute_id.data)
    if chosen is None:
        return refused("Choose the substitute.", application)
    with attempt(f"{chosen.code} takes over the slot of {application.code}."):
        services.substitute_application(current_user, application, chosen)
    return to_page(application)


# The cards


def _card_holder_or_404(code: str, issued_in: tuple[State, ...]) -> Application:
    application = application_or_404(code)
    if application.state not in issued_in:
        abort(404)
    return application


@bp.route("/<code>/card-of-acceptance")
@login_required
def card_of_acceptance(code: str):
    application = _card_holder_or_404(code, HOLDS_PLACE)
    conditions = services.exchange_conditions_for(application)
    return render_template(
        "applications/card_of_acceptance.html",
        application=application,
        conditions=conditions,
        stay=accommodation_and_meals(application.placement, conditions),
    )


@bp.route("/<code>/card-of-acceptance.pdf")
@login_required
def card_of_acceptance_download(code: str):
    application = _card_holder_or_404(code, HOLDS_PLACE)
    return _pdf(card_of_acceptance_pdf(application), f"CA-{application.code}.pdf")


@bp.route("/<code>/certificate.pdf")
@login_required
def certificate_download(code: str):
    application = _card_holder_or_404(code, (State.CERTIFIED,))
    return _pdf(certificate_pdf(application), f"certificate-{application.code}.pdf")


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
