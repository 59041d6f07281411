"""The directory of the federation's NMOs and their LCs."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from exchange.auth.decorators import login_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_view_nmo_people, can_view_partner_officers
from exchange.auth.queries import officer_roles_of_nmo
from exchange.contracts.queries import partner_nmo_ids
from exchange.organizations import queries
from exchange.web.arguments import id_arg
from exchange.web.paging import page_of

bp = Blueprint("organizations", __name__, url_prefix="/nmos")


@bp.route("/")
@login_required
def nmos():
    query = request.args.get("q", "").strip()
    region_id = id_arg(request.args, "region")
    program_id = id_arg(request.args, "program")
    page = page_of(queries.nmo_search(query, region_id, program_id))
    lc_counts = queries.lc_counts([nmo.id for nmo in page.items])
    return render_template(
        "organizations/nmos.html",
        page=page,
        lc_counts=lc_counts,
        query=query,
        region_id=region_id,
        program_id=program_id,
        regions=queries.regions(),
        programs=queries.programs(),
    )


@bp.route("/<code>")
@login_required
def nmo(code: str):
    nmo = queries.nmo_by_code(code)
    if nmo is None:
        abort(404)
    officers, partner = [], False
    if can_view_nmo_people(current_user, nmo):
        officers = officer_roles_of_nmo(nmo.id)
    elif can_view_partner_officers(current_user, nmo, partner_nmo_ids(current_user)):
        # A partner NMO (a contract this season or the next): its national officers only.
        partner = True
        officers = [
            (membership, officer)
            for membership, officer in officer_roles_of_nmo(nmo.id)
            if membership.role == Role.NATIONAL_OFFICER
        ]
    return render_template("organizations/nmo.html", nmo=nmo, officers=officers, partner=partner)
