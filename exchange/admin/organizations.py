"""Admins keep the federation's organizations: NMOs, LCs (also as CSV) and seasons.

NMOs and LCs are never deleted, only deactivated: what they have on record keeps its
organization, and a deactivated one leaves every chooser.
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.months import format_date
from exchange.organizations import admin_queries, lc_csv, queries, services
from exchange.organizations.admin_forms import LCForm, LCImportForm, NextSeasonForm, NMOForm
from exchange.organizations.models import NMO, LocalCommittee, Season
from exchange.organizations.seasons import next_season_code, season_code_of
from exchange.web.arguments import id_arg
from exchange.web.forms import ConfirmForm
from exchange.web.paging import page_of
from exchange.web.transaction import attempt
from exchange.web.uploads import fits

bp = Blueprint("admin_organizations", __name__, url_prefix="/admin")

LARGEST_ID = 2**31 - 1
LARGEST_PAGE = 10**6


def _get_or_404(model, object_id: int):
    found = db.session.get(model, object_id) if 0 < object_id <= LARGEST_ID else None
    if found is None:
        abort(404)
    return found


def _status_arg() -> str:
    status = request.args.get("status", "")
    return status if status in admin_queries.STATUSES else ""


def _paged(statement):
    """``page_of`` the list, after refusing a page number no list can reach (a number
    that large would overflow the database's OFFSET)."""
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = 1  # the pager reads it as the first page
    if abs(number) > LARGEST_PAGE:
        abort(404)
    return page_of(statement)


# NMOs


def _nmo_choices(form: NMOForm) -> None:
    form.region_id.choices = [SelectChoice(0, "Choose the region…")] + [
        SelectChoice(region.id, region.name) for region in queries.regions()
    ]
    form.program_ids.choices = [
        SelectChoice(program.id, f"{program.code}: {program.name}")
        for program in queries.programs()
    ]


def _nmo_data(form: NMOForm) -> services.NMOData:
    return services.NMOData(
        code=form.code.data or "",
        acronym=form.acronym.data or "",
        name=form.name.data or "",
        country_code=form.country_code.data or "",
        country_name=form.country_name.data or "",
        region_id=form.region_id.data or None,
        program_ids=tuple(form.program_ids.data or ()),
    )


def _code_conflict(form: NMOForm) -> str:
    code = services.clean_nmo_code(form.code.data or "")
    return (
        f"Another admin has just saved an NMO with the code {code}; nothing was saved. "
        "Choose another code."
    )


@bp.route("/nmos")
@role_required(Role.ADMIN)
def nmos():
    query = request.args.get("q", "").strip()
    region_id, program_id = id_arg(request.args, "region"), id_arg(request.args, "program")
    status = _status_arg()
    page = _paged(queries.nmo_search(query, region_id, program_id, status))
    return render_template(
        "admin/nmos.html",
        page=page,
        lc_counts=queries.lc_counts([nmo.id for nmo in page.items]),
        query=query,
        region_id=region_id,
        program_id=program_id,
        status=status,
        regions=queries.regions(),
        programs=queries.programs(),
    )


@bp.route("/nmos/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_nmo():
    form = NMOForm()
    _nmo_choices(form)
    if request.method == "GET":
        form.program_ids.data = [choice.value for choice in form.program_ids.choices]
    if form.validate_on_submit():
        with attempt(conflict=_code_conflict(form)) as outcome:
            nmo = services.create_nmo(current_user, _nmo_data(form))
            outcome.message = f"{nmo.acronym} ({nmo.code}) is added to the federation."
        if outcome.ok:
            return redirect(url_for("admin_organizations.nmos", q=nmo.code))
    return render_template("admin/nmo_form.html", form=form, nmo=None)


@bp.route("/nmos/<int:nmo_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_nmo(nmo_id: int):
    nmo = _get_or_404(NMO, nmo_id)
    form = NMOForm(obj=nmo)
    _nmo_choices(form)
    if request.method == "GET":
        form.program_ids.data = [program.id for program in nmo.programs]
    if form.validate_on_submit():
        with attempt(conflict=_code_conflict(form)) as outcome:
            changed = services.update_nmo(current_user, nmo, _nmo_data(form))
            outcome.message = f"{nmo.acronym} is saved." if changed else "Nothing was changed."
        if outcome.ok:
            return redirect(url_for("admin_organizations.edit_nmo", nmo_id=nmo.id))
    return render_template(
        "admin/nmo_form.html",
        form=form,
        nmo=nmo,
        history=admin_queries.nmo_history(nmo.id),
        confirm_form=ConfirmForm(),
    )


@bp.route("/nmos/<int:nmo_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_nmo_active(nmo_id: int):
    nmo = _get_or_404(NMO, nmo_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    done = (
        "is active again: it is offered in every chooser"
        if active
        else "is deactivated: it is offered in no chooser, and its records stay"
    )
    with attempt(f"{nmo.acronym} {done}."):
        services.set_nmo_active(current_user, nmo, active)
    return redirect(url_for("admin_organizations.edit_nmo", nmo_id=nmo.id))


# Local committees


def _lc_filters() -> dict:
    return {
        "query": request.args.get("q", "").strip(),
        "nmo_id": id_arg(request.args, "nmo"),
        "region_id": id_arg(request.args, "region"),
        "program_id": id_arg(request.args, "program"),
        "status": _status_arg(),
    }


def _lc_statement(filters: dict):
    return admin_queries.lcs_statement(
        filters["query"],
        filters["nmo_id"],
        filters["region_id"],
        filters["program_id"],
        filters["status"],
    )


@bp.route("/lcs")
@role_required(Role.ADMIN)
def lcs():
    filters = _lc_filters()
    return render_template(
        "admin/lcs.html",
        page=_paged(_lc_statement(filters)),
        nmos=admin_queries.all_nmos(),
        regions=queries.regions(),
        programs=queries.programs(),
        **filters,
    )


def _lc_data(form: LCForm) -> services.LCData:
    return services.LCData(
        nmo_id=form.nmo_id.data or None,
        name=form.name.data or "",
        city=form.city.data or "",
        university=form.university.data or "",
    )


def _lc_conflict(form: LCForm) -> str:
    return (
        f"Another admin has just saved an LC called {services.one_line(form.name.data)} in "
        "that NMO; nothing was saved. Choose another name."
    )


@bp.route("/lcs/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_lc():
    form = LCForm()
    form.nmo_id.choices = queries.nmo_choices("Choose the NMO…")
    if request.method == "GET":
        form.nmo_id.data = id_arg(request.args, "nmo") or 0
    if form.validate_on_submit():
        with attempt(conflict=_lc_conflict(form)) as outcome:
            lc = services.create_lc(current_user, _lc_data(form))
            outcome.message = f"{lc.name} is added to {lc.nmo.acronym}."
        if outcome.ok:
            # The NMO's list, where the new LC stands among its others.
            return redirect(url_for("admin_organizations.lcs", nmo=lc.nmo_id))
    return render_template("admin/lc_form.html", form=form, lc=None)


@bp.route("/lcs/<int:lc_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_lc(lc_id: int):
    lc = _get_or_404(LocalCommittee, lc_id)
    history = admin_queries.lc_history(lc.id)
    form = LCForm(obj=lc)
    if any(history.values()):
        # An LC with history stays in its NMO: the service refuses a move, the form offers none.
        form.nmo_id.choices = [SelectChoice(lc.nmo.id, f"{lc.nmo.country_name}: {lc.nmo.acronym}")]
    else:
        form.nmo_id.choices = queries.nmo_choices("Choose the NMO…")
        if not lc.nmo.is_active:
            form.nmo_id.choices.append(
                SelectChoice(lc.nmo.id, f"{lc.nmo.country_name}: {lc.nmo.acronym} (deactivated)")
            )
    if form.validate_on_submit():
        with attempt(conflict=_lc_conflict(form)) as outcome:
            changed = services.update_lc(current_user, lc, _lc_data(form))
            outcome.message = f"{lc.name} is saved." if changed else "Nothing was changed."
        if outcome.ok:
            return redirect(url_for("admin_organizations.edit_lc", lc_id=lc.id))
    return render_template(
        "admin/lc_form.html", form=form, lc=lc, history=history, confirm_form=ConfirmForm()
    )


@bp.route("/lcs/<int:lc_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_lc_active(lc_id: int):
    lc = _get_or_404(LocalCommittee, lc_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    done = (
        "is active again: students and officers can choose it"
        if active
        else "is deactivated: it is offered in no chooser, and its records stay"
    )
    with attempt(f"{lc.name} {done}."):
        services.set_lc_active(current_user, lc, active)
    return redirect(url_for("admin_organizations.edit_lc", lc_id=lc.id))


@bp.route("/lcs/export.csv")
@role_required(Role.ADMIN)
def export_lcs():
    text = lc_csv.export_lcs(admin_queries.lcs_for_export(_lc_statement(_lc_filters())))
    # The byte order mark makes spreadsheets read the file as UTF-8; the import accepts it.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="local-committees.csv"'},
    )


@bp.route("/lcs/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_lcs():
    form = LCImportForm()
    report = None
    if form.validate_on_submit() and fits(form.file, lc_csv.MAX_BYTES):
        content = form.file.data.read(lc_csv.MAX_BYTES + 1)
        conflict = (
            "Nothing was imported: another admin changed local committees meanwhile, or two "
            "rows exchange names. Export again, or make the change in two imports."
        )
        with attempt(flash_error=False, conflict=conflict) as outcome:
            report = lc_csv.import_lcs(current_user, content)
            outcome.message = (
                f"The file is imported: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        if outcome.ok:
            return redirect(url_for("admin_organizations.lcs"))
        report = None
        if isinstance(outcome.error, lc_csv.ImportRefused):
            report = outcome.error.report
        elif isinstance(outcome.error, DomainError):
            flash(str(outcome.error), "danger")
    return render_template(
        "admin/lc_import.html",
        form=form,
        report=report,
        columns=lc_csv.COLUMNS,
        max_bytes=lc_csv.MAX_BYTES,
    )


# Seasons


def _next_season_code() -> str:
    latest = admin_queries.latest_season()
    return next_season_code(latest.code) if latest else season_code_of(clock.today())


@bp.route("/seasons")
@role_required(Role.ADMIN)
def seasons():
    next_code = _next_season_code()
    return render_template(
        "admin/seasons.html",
        rows=admin_queries.season_rows(clock.today()),
        next_code=next_code,
        next_form=NextSeasonForm(code=next_code),
        confirm_form=ConfirmForm(),
    )


@bp.route("/seasons/next", methods=["POST"])
@role_required(Role.ADMIN)
def create_next_season():
    form = NextSeasonForm()
    if not form.validate_on_submit():
        abort(400)
    code = form.code.data.strip()
    conflict = f"Another admin has just created the season {code}."
    with attempt(conflict=conflict) as outcome:
        season = services.create_next_season(current_user, code)
        outcome.message = (
            f"Season {season.code} is created, {format_date(season.starts_on)} to "
            f"{format_date(season.ends_on)}. Officers can prepare its contracts, conditions "
            "and capacities now; it is closed for applications until you open it."
        )
    return redirect(url_for("admin_organizations.seasons"))


@bp.route("/seasons/<int:season_id>/applications", methods=["POST"])
@role_required(Role.ADMIN)
def set_season_open(season_id: int):
    season = _get_or_404(Season, season_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    open_ = request.form.get("open") == "1"
    done = (
        "is open: students can start and submit applications for it"
        if open_
        else "is closed: students can no longer start or submit applications for it"
    )
    with attempt(f"Season {season.code} {done}."):
        services.set_applications_open(current_user, season, open_)
    return redirect(url_for("admin_organizations.seasons"))
