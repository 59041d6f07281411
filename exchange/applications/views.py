"""The application pages: the student's form and documents, the application page with its
timeline and the actions the viewer may take, the cards, and the officers' queues."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.applications import calendar, queries, services
from exchange.applications.deadlines import late_cards
from exchange.applications.documents import DOCUMENT_KINDS, document_path
from exchange.applications.forms import (
    AcceptForm,
    ApplicationForm,
    ArrivalForm,
    ConfirmationForm,
    DocumentForm,
    EvaluationForm,
    NewApplicationForm,
    NominateForm,
    PointsForm,
    ReasonForm,
    SubstituteForm,
)
from exchange.applications.models import Application, Document, Preference, StateTransition
from exchange.applications.pdf import card_of_acceptance_pdf, certificate_pdf
from exchange.applications.permissions import actors_for, page_flags
from exchange.applications.queues import QUEUES, queue_page
from exchange.applications.reminders import REMINDER_DAYS_AHEAD
from exchange.applications.states import HOLDS_PLACE, Action, State
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_place_in
from exchange.extensions import db, limiter
from exchange.months import format_date, format_month, month_name
from exchange.organizations import queries as organization_queries
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import active_nmos, seasons_open_for_applications
from exchange.placements.models import Placement
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

bp = Blueprint("applications", __name__, url_prefix="/applications")


def _upload_rate_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def _application_or_404(code: str, *options) -> Application:
    """The application, if the viewer may see it; 404 otherwise, so codes reveal nothing."""
    application = queries.application_by_code(code, *options)
    if application is None or not actors_for(current_user, application):
        abort(404)
    return application


def _to_page(application: Application) -> Response:
    return redirect(url_for("applications.show", code=application.code))


def _refused(message: str, application: Application) -> Response:
    """A form that did not validate: nothing was changed."""
    flash(message, "danger")
    return _to_page(application)


# The student's application form


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.STUDENT)
@limiter.limit(_upload_rate_limit, methods=["POST"])
def new():
    membership = current_user.student_membership
    # Seasons open for applications with a month that has not begun yet.
    today = clock.today()
    seasons = [s for s in seasons_open_for_applications() if calendar.open_months(s, today)]
    if not seasons:
        flash("No season is open for applications yet.", "warning")
        return redirect(url_for("main.index"))
    form = NewApplicationForm()
    form.season_id.choices = [SelectChoice(s.id, s.code) for s in seasons]
    # The page offers the seasons open for applications; create_application decides,
    # and says why it refuses another one.
    form.season_id.validate_choice = False
    programs = organization_queries.programs()
    form.program_id.choices = [SelectChoice(p.id, f"{p.code}: {p.name}") for p in programs]
    hosts = [nmo for nmo in active_nmos() if nmo.id != membership.nmo_id]
    form.host_nmo_id.choices = [SelectChoice(0, "Choose the host NMO…")] + [
        SelectChoice(nmo.id, f"{nmo.country_name}: {nmo.acronym}") for nmo in hosts
    ]
    if request.method == "GET":
        host = next((n for n in hosts if n.code == request.args.get("host")), None)
        program = next((p for p in programs if p.code == request.args.get("program")), None)
        form.host_nmo_id.data = host.id if host else 0
        form.program_id.data = program.id if program else programs[0].id
        form.season_id.data = seasons[0].id
    if form.validate_on_submit():
        season = db.session.get(Season, form.season_id.data)
        if season is None:
            abort(400)
        with attempt() as outcome:
            application = services.create_application(
                current_user,
                db.session.get(Program, form.program_id.data),
                season,
                db.session.get(NMO, form.host_nmo_id.data),
            )
            outcome.message = f"{application.code} is started. Fill it in, then submit it."
        if outcome.ok:
            return redirect(url_for("applications.edit", code=application.code))
    return render_template("applications/new.html", form=form)


def _placement_choices(application: Application) -> list[SelectChoice]:
    return [
        SelectChoice(p.id, f"{p.field}: {p.title} ({p.city})")
        for p in queries.open_placements_of_host(application)
    ]


@bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def edit(code: str):
    application = _application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    if application.state != State.DRAFT:
        return redirect(url_for("applications.show", code=code))
    limit = application.program.max_preferences
    form = ApplicationForm()
    # Only months the host hosts, that have not begun and whose deadline has not passed.
    open_to_apply = services.months_open_to_apply(application, clock.today())
    form.months.choices = [
        SelectChoice(month, format_month(application.season.month_date(month)))
        for month in open_to_apply
    ]
    closed_months = [
        format_month(application.season.month_date(month))
        for month in application.months
        if month not in open_to_apply
    ]
    # A month not offered (begun, past its deadline, not hosted) reaches the service,
    # which refuses it by name and says why.
    form.months.validate_choice = False
    choices = [SelectChoice(0, "—"), *_placement_choices(application)]
    for field in form.choice_fields(4):
        field.choices = choices
    if request.method == "GET":
        form.months.data = application.months
        form.study_year.data = application.study_year
        form.languages.data = ", ".join(application.languages)
        form.motivation.data = application.motivation
        ranked = [p.placement_id for p in application.preferences]
        for index, field in enumerate(form.choice_fields(limit)):
            field.data = ranked[index] if index < len(ranked) else 0
    elif form.validate_on_submit():
        with attempt("Your application is saved.") as outcome:
            services.update_draft(
                current_user,
                application,
                months=form.months.data or [],
                study_year=form.study_year.data,
                languages=(form.languages.data or "").split(","),
                motivation=form.motivation.data or "",
                placement_ids=[field.data for field in form.choice_fields(limit)],
            )
        if outcome.ok:
            return redirect(url_for("applications.edit", code=code))
    document_form = DocumentForm(prefix="document")
    conditions = services.exchange_conditions_for(application)
    required = list(conditions.required_documents) if conditions else []
    document_form.kind.choices = [
        SelectChoice(kind, label + (" (required)" if kind in required else ""))
        for kind, label in DOCUMENT_KINDS.items()
    ]
    return render_template(
        "applications/edit.html",
        application=application,
        form=form,
        limit=limit,
        document_form=document_form,
        conditions=conditions,
        required=required,
        missing=services.missing_for_submission(application, clock.today()),
        closed_months=closed_months,
        confirm_form=ConfirmForm(),
        reason_form=ReasonForm(),
        document_kinds=DOCUMENT_KINDS,
    )


@bp.route("/<code>/documents", methods=["POST"])
@role_required(Role.STUDENT)
@limiter.limit(_upload_rate_limit)
def upload_document(code: str):
    application = _application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    form = DocumentForm(prefix="document")
    form.kind.choices = [SelectChoice(kind, label) for kind, label in DOCUMENT_KINDS.items()]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "danger")
        return redirect(url_for("applications.edit", code=code))
    with attempt() as outcome:
        document = services.attach_document(
            current_user, application, form.kind.data, form.file.data
        )
        outcome.message = f"{DOCUMENT_KINDS[document.kind]} attached: {document.original_filename}."
    return redirect(url_for("applications.edit", code=code))


def _document_or_404(application: Application, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    return document


@bp.route("/<code>/documents/<int:document_id>")
@login_required
def download_document(code: str, document_id: int):
    """Only the student and the officers concerned reach this: see _application_or_404."""
    application = _application_or_404(code)
    document = _document_or_404(application, document_id)
    return send_file(
        document_path(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_filename,
    )


@bp.route("/<code>/documents/<int:document_id>/delete", methods=["POST"])
@role_required(Role.STUDENT)
def remove_document(code: str, document_id: int):
    application = _application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    document = _document_or_404(application, document_id)
    with attempt("The document is removed."):
        services.remove_document(current_user, application, document)
    return redirect(url_for("applications.edit", code=code))


@bp.route("/<code>/submit", methods=["POST"])
@role_required(Role.STUDENT)
def submit(code: str):
    application = _application_or_404(code)
    submitted = f"{application.code} is submitted. Your NMO decides on nominations."
    with attempt(submitted) as outcome:
        services.submit_application(current_user, application, clock.today())
    if not outcome.ok:
        return redirect(url_for("applications.edit", code=code))
    return _to_page(application)


# The application page and its actions


@bp.route("/<code>")
@login_required
def show(code: str):
    application = _application_or_404(
        code,
        selectinload(Application.history).selectinload(StateTransition.actor),
        selectinload(Application.preferences).selectinload(Preference.placement),
        selectinload(Application.documents),
    )
    return _render_show(application)


def _render_show(application: Application, **submitted) -> str:
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
        forms["accept"] = _accept_form(application)
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
        conditions=services.exchange_conditions_for(application),
        # The state steps and the points changes, in the order they happened.
        history=sorted(
            [*application.history, *queries.points_history(application)],
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
    form = AcceptForm()
    ranked = [p.placement for p in application.preferences]
    others = queries.open_placements_of_host(application)
    placements = ranked + [p for p in others if p not in ranked]
    placements = [p for p in placements if can_place_in(current_user, p, application.program_id)]
    form.placement_id.choices = [
        SelectChoice(
            p.id,
            (f"Choice {ranked.index(p) + 1}: " if p in ranked else "") + f"{p.title}, {p.lc.name}",
        )
        for p in placements
    ]
    if application.exchange_month:
        first_day = application.season.month_date(application.exchange_month)
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
            form.contact_person.data = current_user.name
            form.contact_email.data = current_user.email
    return form


@bp.route("/<code>/points", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def set_points(code: str):
    application = _application_or_404(code)
    form = PointsForm()
    if not form.validate_on_submit():
        flash("Give points from 0 to 1000.", "danger")
        return _render_show(application, points=form), 422
    saved = (
        f"The points of {application.code} are saved."
        if form.points.data is not None
        else f"The points of {application.code} are cleared."
    )
    with attempt(saved) as outcome:
        services.set_points(current_user, application, form.points.data)
    if not outcome.ok:
        return _render_show(application, points=form), 422  # as typed, beside the message
    return _to_page(application)


@bp.route("/<code>/nominate", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def nominate(code: str):
    application = _application_or_404(code)
    form = NominateForm()
    form.month.choices = _month_choices(application)
    form.month.validate_choice = False  # the service refuses a begun month by name
    if not form.validate_on_submit():
        return _refused("Choose a month.", application)
    with attempt(f"{application.code} is nominated to {application.host_nmo.acronym}.") as outcome:
        services.nominate_application(current_user, application, form.month.data)
    if outcome.ok:
        _warn_of_the_same_months(application, [form.month.data])
    return _to_page(application)


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
    application = _application_or_404(code)
    form = _accept_form(application)
    if not form.validate_on_submit():
        errors = "; ".join(
            f"{form[name].label.text}: {' '.join(e)}" for name, e in form.errors.items()
        )
        return _refused(errors, application)
    placement = db.session.get(Placement, form.placement_id.data)
    with attempt(f"{application.code} is accepted; the card of acceptance is issued.") as outcome:
        services.accept_application(
            current_user,
            application,
            placement,
            form.starts_on.data,
            form.contact_person.data,
            form.contact_email.data,
        )
    if outcome.ok:
        _warn_of_the_same_months(application, [application.exchange_month])
    return _to_page(application)


@bp.route("/<code>/confirm", methods=["POST"])
@role_required(Role.STUDENT)
def confirm(code: str):
    application = _application_or_404(code)
    if Action.CONFIRM not in page_flags(current_user, application).actions:
        return _refused("The card of confirmation is not yours to send now.", application)
    form = _confirmation_form(application)
    if not form.validate_on_submit():
        flash("Give your arrival date, time and transport.", "danger")
        return _render_show(application, confirm=form), 422
    with attempt("Your card of confirmation is in. Have a good journey!") as outcome:
        services.confirm_application(
            current_user,
            application,
            form.arrival_local.data,
            form.transport.data,
        )
    if not outcome.ok:
        # What the student typed stays in the form, beside the window it must fall in.
        return _render_show(application, confirm=form), 422
    return _to_page(application)


@bp.route("/<code>/arrived", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def mark_arrived(code: str):
    application = _application_or_404(code)
    form = ArrivalForm()
    if not form.validate_on_submit():
        return _refused("Give the day the student arrived.", application)
    with attempt(f"{application.student.name} has arrived."):
        services.mark_arrived(current_user, application, form.arrived_on.data)
    return _to_page(application)


@bp.route("/<code>/evaluation", methods=["POST"])
@role_required(Role.STUDENT)
def evaluate(code: str):
    application = _application_or_404(code)
    form = EvaluationForm()
    if not form.validate_on_submit():
        return _refused("Rate each part from 1 to 5.", application)
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
    return _to_page(application)


@bp.route("/<code>/certify", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
def certify(code: str):
    application = _application_or_404(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt("The certificate is issued."):
        services.certify_application(current_user, application)
    return _to_page(application)


def _with_reason(code: str, service, message: str) -> Response:
    application = _application_or_404(code)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _refused("Give a reason.", application)
    with attempt(message.format(code=application.code)):
        service(current_user, application, form.reason.data)
    return _to_page(application)


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
    application = _application_or_404(code)
    form = SubstituteForm()
    candidates = services.substitute_candidates(application)
    form.substitute_id.choices = [SelectChoice(c.id, c.code) for c in candidates]
    form.substitute_id.validate_choice = False  # the service says why it refuses one
    if not form.validate_on_submit():
        return _refused("Choose the substitute.", application)
    chosen = db.session.get(Application, form.substitute_id.data)
    if chosen is None:
        return _refused("Choose the substitute.", application)
    with attempt(f"{chosen.code} takes over the slot of {application.code}."):
        services.substitute_application(current_user, application, chosen)
    return _to_page(application)


# The cards


def _card_holder_or_404(code: str, issued_in: tuple[State, ...]) -> Application:
    application = _application_or_404(code)
    if application.state not in issued_in:
        abort(404)
    return application


@bp.route("/<code>/card-of-acceptance")
@login_required
def card_of_acceptance(code: str):
    application = _card_holder_or_404(code, HOLDS_PLACE)
    return render_template("applications/card_of_acceptance.html", application=application)


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


# Lists


@bp.route("/")
@login_required
def index():
    """The viewer's applications: a student's own, an officer's queues."""
    default = "mine" if current_user.primary_role == Role.STUDENT else "incoming"
    queue = request.args.get("queue") or default
    if queue not in QUEUES:
        abort(404)
    page, options = queue_page(current_user, queue, request.args)
    return render_template(
        "applications/index.html",
        queue=queue,
        queues=QUEUES,
        page=page,
        options=options,
        states=list(State),
        today=clock.today(),
        late_cards=late_cards,
        reminder_days=REMINDER_DAYS_AHEAD,
    )
