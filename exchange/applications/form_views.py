"""The student's application form: starting it, filling it in, its documents, submitting it."""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.applications import calendar, queries, services
from exchange.applications.documents import DOCUMENT_KINDS, document_path
from exchange.applications.forms import ApplicationForm, DocumentForm, NewApplicationForm
from exchange.applications.models import Application, Document
from exchange.applications.pages import application_or_404, bp, to_page, upload_rate_limit
from exchange.applications.states import State
from exchange.applications.step_forms import ReasonForm
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role
from exchange.extensions import db, limiter
from exchange.months import format_month
from exchange.organizations import queries as organization_queries
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import active_nmos, seasons_open_for_applications
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

# The student's application form


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.STUDENT)
@limiter.limit(upload_rate_limit, methods=["POST"])
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
    application = application_or_404(code)
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
@limiter.limit(upload_rate_limit)
def upload_document(code: str):
    application = application_or_404(code)
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
    """Only the student and the officers concerned reach this: see application_or_404."""
    application = application_or_404(code)
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
    application = application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    document = _document_or_404(application, document_id)
    with attempt("The document is removed."):
        services.remove_document(current_user, application, document)
    return redirect(url_for("applications.edit", code=code))


@bp.route("/<code>/submit", methods=["POST"])
@role_required(Role.STUDENT)
def submit(code: str):
    application = application_or_404(code)
    submitted = f"{application.code} is submitted. Your NMO decides on nominations."
    with attempt(submitted) as outcome:
        services.submit_application(current_user, application, clock.today())
    if not outcome.ok:
        return redirect(url_for("applications.edit", code=code))
    return to_page(application)
