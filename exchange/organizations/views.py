"""The directory of the federation's NMOs and their LCs."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from exchange.auth.decorators import login_required
from exchange.auth.models import Membership, Role, User
from exchange.auth.permissions import can_view_nmo_people
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Region
from exchange.web.paging import page_of

bp = Blueprint("organizations", __name__, url_prefix="/nmos")


@bp.route("/")
@login_required
def nmos():
    query = request.args.get("q", "").strip()
    region_id = request.args.get("region", type=int)
    program_id = request.args.get("program", type=int)
    statement = (
        select(NMO)
        .where(NMO.is_active)
        .options(selectinload(NMO.programs), selectinload(NMO.region))
        .order_by(NMO.country_name, NMO.acronym)
    )
    if query:
        statement = statement.where(
            or_(
                NMO.acronym.icontains(query, autoescape=True),
                NMO.name.icontains(query, autoescape=True),
                NMO.country_name.icontains(query, autoescape=True),
                NMO.code.icontains(query, autoescape=True),
            )
        )
    if region_id:
        statement = statement.where(NMO.region_id == region_id)
    if program_id:
        statement = statement.where(NMO.programs.any(Program.id == program_id))
    page = page_of(statement)
    lc_counts = dict(
        db.session.execute(
            select(LocalCommittee.nmo_id, func.count())
            .where(LocalCommittee.nmo_id.in_([nmo.id for nmo in page.items]))
            .group_by(LocalCommittee.nmo_id)
        ).all()
    )
    return render_template(
        "organizations/nmos.html",
        page=page,
        lc_counts=lc_counts,
        query=query,
        region_id=region_id,
        program_id=program_id,
        regions=db.session.scalars(select(Region).order_by(Region.name)).all(),
        programs=db.session.scalars(select(Program).order_by(Program.code)).all(),
    )


@bp.route("/<code>")
@login_required
def nmo(code: str):
    nmo = db.session.scalar(select(NMO).where(NMO.code == code))
    if nmo is None:
        abort(404)
    officers = []
    if can_view_nmo_people(current_user, nmo):
        officers = db.session.execute(
            select(Membership, User)
            .join(User)
            .where(
                Membership.nmo_id == nmo.id,
                Membership.role.in_([Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER]),
                User.is_active,
            )
            .order_by(Membership.role.desc(), User.name)
        ).all()
    return render_template("organizations/nmo.html", nmo=nmo, officers=officers)
