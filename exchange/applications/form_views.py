"""The student's application form: starting it, filling it in, its documents, submitting it."""

from dataclasses import dataclass

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
from exchange.applications.documents import DOCUMENT_KINDS, DocumentRefused, document_path
from exchange.applications.forms import (
    ApplicationForm,
    DocumentForm,
    NewApplicationForm,
    PlacementFilterForm,
)
from exchange.applications.models import Application, Document
from exchange.applications.pages import application_or_404, bp, to_page, upload_rate_limit
from exchange.applications.states import State
from exchange.applications.step_forms import ReasonForm
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role
from exchange.extensions import db, limiter
from exchange.months import SEASON_MONTHS, format_month, month_name
from exchange.organizations import queries as organization_queries
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.programs import PlacementKind
from exchange.organizations.queries import active_nmos, seasons_open_for_applications
from exchange.placements.models import Placement
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


# The application form (AF)

_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def _ordinal(number: int) -> str:
    return _ORDINALS.get(number, f"{number}th")


@dataclass
class RankedItem:
    """One line of the student's ranking: the placement, or None for an id that names no
    placement (crafted, or deleted since)."""

    placement_id: int
    placement: Placement | None


@dataclass
class Chooser:
    """What the page shows to choose and rank placements: the host's open placements, which
    of them the filter shows, their free places in the months offered, and the ranking."""

    placements: list[Placement]
    shown: set[int]
    free: dict[int, dict[int, int]]  # placement id -> month -> free places
    months: list[int]  # the months whose free places count: the chosen ones, else all offered
    chosen: bool  # whether ``months`` are the student's or all the months offered
    ranking: list[RankedItem]
    limit: int
    filters: PlacementFilterForm

    @property
    def ranked_ids(self) -> list[int]:
        return [item.placement_id for item in self.ranking]

    @property
    def full(self) -> bool:
        return len(self.ranking) >= self.limit

    def free_text(self, placement_id: int) -> str:
        """The free places of a placement in the months that count, in words (the page's
        script writes the same words when the student ticks other months)."""
        places = self.free.get(placement_id, {})
        parts = [
            f"{month_name(month)}: {places[month]} free"
            for month in self.months
            if places.get(month, 0) > 0
        ]
        if parts:
            return ", ".join(parts)
        return "No free place in your months" if self.chosen else "No free place this season"


def _chooser(
    application: Application, months: list[int], offered: list[int], ranked: list[int]
) -> Chooser:
    placements = queries.open_placements_of_host(application)
    by_id = {p.id: p for p in placements}
    by_id |= queries.placements_by_id(i for i in ranked if i not in by_id)
    filters = PlacementFilterForm(request.args)
    filters.offer(
        sorted({p.field for p in placements}),
        sorted({p.city for p in placements}),
        "Specialty" if application.program.placement_kind == PlacementKind.DEPARTMENT else "Field",
    )
    # Every month the form offers, so that the script can show the free places of the
    # months the student ticks without asking the server again.
    free = queries.free_places(application, {*offered, *months})
    # The months chosen that are still offered (a closed one is about to go), else all.
    chosen = [m for m in SEASON_MONTHS if m in months and m in offered]
    counted = chosen or offered
    shown = {
        p.id
        for p in placements
        if (not filters.field.data or p.field == filters.field.data)
        and (not filters.city.data or p.city == filters.city.data)
        and (not filters.free.data or any(free.get(p.id, {}).get(m, 0) > 0 for m in counted))
    }
    return Chooser(
        placements=placements,
        shown=shown,
        free=free,
        months=counted,
        chosen=bool(chosen),
        ranking=[RankedItem(i, by_id.get(i)) for i in ranked],
        limit=application.program.max_preferences,
        filters=filters,
    )


def _application_form(application: Application, posted: bool) -> ApplicationForm:
    """The AF as the request posted it, or as saved."""
    form = ApplicationForm() if posted else ApplicationForm(formdata=None)
    # A month not offered (begun, past its deadline, not hosted) reaches the service,
    # which refuses it by name and says why.
    form.months.validate_choice = False
    if not posted:
        form.months.data = application.months
        form.study_year.data = application.study_year
        form.motivation.data = application.motivation
        form.placement_ids.data = [p.placement_id for p in application.preferences]
    return form


def _document_form() -> DocumentForm:
    return DocumentForm(prefix="document")


def _document_kinds(form: DocumentForm, required: list[str]) -> None:
    form.kind.choices = [
        SelectChoice(kind, label + (" (required)" if kind in required else ""))
        for kind, label in DOCUMENT_KINDS.items()
    ]


def _edit_page(
    application: Application,
    form: ApplicationForm,
    document_form: DocumentForm,
    ranked: list[int] | None = None,
    status: int = 200,
):
    """The edit page with these forms, as the student left them; ``ranked`` is the ranking
    to show when it differs from the form's (a move asked for and refused)."""
    today = clock.today()
    season = application.season
    # Only months the host hosts, that have not begun and whose deadline has not passed.
    offered = services.months_open_to_apply(application, today)
    form.months.choices = [
        SelectChoice(month, format_month(season.month_date(month))) for month in offered
    ]
    months = [m for m in (form.months.data or []) if isinstance(m, int)]
    closed_months = [
        format_month(season.month_date(month))
        for month in application.months
        if month not in offered
    ]
    conditions = services.exchange_conditions_for(application)
    required = list(conditions.required_documents) if conditions else []
    if document_form.kind.choices is None:
        _document_kinds(document_form, required)
    chooser = _chooser(
        application, months, offered, form.placement_ids.data if ranked is None else ranked
    )
    page = render_template(
        "applications/edit.html",
        application=application,
        form=form,
        chooser=chooser,
        filter_args=chooser.filters.args(),
        document_form=document_form,
        conditions=conditions,
        required=required,
        missing=services.missing_for_submission(application, today),
        closed_months=closed_months,
        study_years=services.STUDY_YEARS,
        max_motivation=services.MAX_MOTIVATION,
        confirm_form=ConfirmForm(),
        reason_form=ReasonForm(),
        document_kinds=DOCUMENT_KINDS,
    )
    return page, status


def _draft_of_the_student(code: str) -> Application:
    application = application_or_404(code)
    if application.student_id != current_user.id:
        abort(404)
    return application


def _saved_message(form: ApplicationForm, ranked: list[int]) -> str:
    """What the save did, in words: a ranking button says where the placement went."""
    move = form.rank_move()
    if move is None:
        return "Your application is saved."
    placement = queries.placements_by_id([move[1]]).get(move[1])
    name = f"{placement.title} ({placement.city})" if placement else "That placement"
    if move[1] in ranked:
        where = f"is your {_ordinal(ranked.index(move[1]) + 1)} choice now"
    else:
        where = "is off your ranking"
    return f"{name} {where}. Your application is saved."


@bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def edit(code: str):
    application = _draft_of_the_student(code)
    if application.state != State.DRAFT:
        return redirect(url_for("applications.show", code=code))
    form = _application_form(application, posted=request.method == "POST")
    if request.method == "GET":
        return _edit_page(application, form, _document_form())
    ranked = form.ranking()
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            services.update_draft(
                current_user,
                application,
                months=form.months.data or [],
                study_year=form.study_year.data,
                motivation=form.motivation.data or "",
                placement_ids=ranked,
            )
            outcome.message = _saved_message(form, ranked)
        if outcome.ok:
            # Back to the same filter, and to the ranking when a button of it was pressed.
            anchor = "ranking" if form.rank_move() else None
            filters = PlacementFilterForm(request.args).args()
            return redirect(url_for("applications.edit", code=code, _anchor=anchor, **filters))
        if isinstance(outcome.error, services.DraftRefused):
            for name, messages in outcome.error.errors.items():
                form[name].errors = [*form[name].errors, *messages]
        else:
            flash(str(outcome.error), "danger")
    for message in form.errors.get("csrf_token", []):
        flash(f"{message} Reload the page and save again.", "danger")
    flash("Nothing is saved yet: correct what is marked below.", "danger")
    return _edit_page(application, form, _document_form(), ranked=ranked, status=422)


@bp.route("/<code>/documents", methods=["POST"])
@role_required(Role.STUDENT)
@limiter.limit(upload_rate_limit)
def upload_document(code: str):
    application = _draft_of_the_student(code)
    form = _document_form()
    conditions = services.exchange_conditions_for(application)
    _document_kinds(form, list(conditions.required_documents) if conditions else [])
    status = 422
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            document = services.attach_document(
                current_user, application, form.kind.data, form.file.data
            )
            outcome.message = (
                f"{DOCUMENT_KINDS[document.kind]} attached: {document.original_filename}."
            )
        if outcome.ok:
            return redirect(url_for("applications.edit", code=code))
        if not isinstance(outcome.error, DocumentRefused):
            flash(str(outcome.error), "danger")  # not the file: the application (submitted)
            return redirect(url_for("applications.edit", code=code))
        form[outcome.error.field].errors.append(str(outcome.error))
        status = outcome.error.status_code
    for message in form.errors.get("csrf_token", []):
        flash(f"{message} Reload the page and upload again.", "danger")
    # The AF as saved: this form posted the document only.
    return _edit_page(
        application, _application_form(application, posted=False), form, status=status
    )


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
