"""The exchange conditions (EC) editor: per NMO, program and season."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from exchange import clock
from exchange.applications.documents import DOCUMENT_KINDS
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_nmo, is_admin
from exchange.conditions import services
from exchange.conditions.forms import ConditionsForm, currency_choices
from exchange.conditions.queries import find_conditions
from exchange.errors import DomainError
from exchange.organizations.models import Season
from exchange.organizations.queries import (
    nmo_by_code,
    nmo_search,
    open_seasons,
    program_by_code,
    season_by_code,
)
from exchange.web.paging import page_of
from exchange.web.transaction import attempt

bp = Blueprint("conditions", __name__, url_prefix="/conditions")


def season_slug(season: Season) -> str:
    """ "2026-27" for 2026/27: a season's code as it appears in URLs."""
    return season.code.replace("/", "-")


@bp.route("/")
@role_required(Role.NATIONAL_OFFICER, Role.ADMIN)
def index():
    seasons = open_seasons()
    query = request.args.get("q", "").strip()
    page = None
    if is_admin(current_user):
        page = page_of(nmo_search(query, None, None))
        pairs = [(nmo, program) for nmo in page.items for program in nmo.programs]
    else:
        pairs = services.managed_pairs(current_user)
    return render_template(
        "conditions/index.html",
        rows=services.overview(pairs, seasons),
        seasons=seasons,
        page=page,
        query=query,
        season_slug=season_slug,
    )


def _target_or_404(nmo_code: str, program_code: str, season_code: str):
    nmo = nmo_by_code(nmo_code)
    program = program_by_code(program_code)
    season = season_by_code(season_code.replace("-", "/"))
    if nmo is None or program is None or season is None or program not in nmo.programs:
        abort(404)
    if not can_manage_nmo(current_user, nmo.id, program.id):
        abort(403)
    return nmo, program, season


@bp.route("/<nmo_code>/<program_code>/<season_code>", methods=["GET", "POST"])
@role_required(Role.NATIONAL_OFFICER, Role.ADMIN)
def edit(nmo_code: str, program_code: str, season_code: str):
    nmo, program, season = _target_or_404(nmo_code, program_code, season_code)
    conditions = find_conditions(nmo.id, program.id, season.id)
    previous = services.previous_conditions(nmo, program, season)
    form = ConditionsForm()
    holders: list[services.SlotHolder] = []
    form.fee_currency.choices = currency_choices(conditions.fee_currency if conditions else None)
    if request.method == "GET":
        if previous is not None and request.args.get("copy") == "last":
            form.fill_from(services.ConditionsData.of(previous))
            flash(
                f"The form holds {previous.season.code}'s conditions: check them, then save.",
                "info",
            )
        elif conditions is not None:
            form.fill_from(services.ConditionsData.of(conditions))
        else:
            form.fill_from(services.ConditionsData())
    elif form.validate_on_submit():
        # A conflict: someone published these conditions between this page's load and its save.
        conflict = (
            "These conditions were saved by someone else a moment ago; reload and "
            "check them before saving again."
        )
        with attempt(conflict=conflict, flash_error=False) as outcome:
            _, created = services.save_exchange_conditions(
                current_user,
                nmo,
                program,
                season,
                form.to_data(),
                not_hosted_anyway=form.not_hosted_anyway.data,
            )
            outcome.message = (
                f"{nmo.acronym}'s {program.code} exchange conditions for {season.code} are "
                + ("published." if created else "saved.")
            )
        if outcome.ok:
            return redirect(url_for("conditions.index"))
        if isinstance(outcome.error, services.MonthsHeldByStudents):
            # Listed beside the months, with the box that confirms closing them anyway.
            holders = outcome.error.holders
            flash(
                "Nothing is saved yet: students are nominated or accepted for a month "
                "marked not hosted (listed below).",
                "danger",
            )
        elif isinstance(outcome.error, DomainError):
            flash(str(outcome.error), "danger")
    else:
        flash("Nothing is saved yet: correct the fields marked below.", "danger")
    return render_template(
        "conditions/edit.html",
        form=form,
        nmo=nmo,
        program=program,
        season=season,
        conditions=conditions,
        previous=previous,
        ended=season.ends_on < clock.today(),
        season_slug=season_slug,
        document_kinds=DOCUMENT_KINDS,
        holders=holders,
    )
