"""Admins manage accounts: list and search users, create officers and admins, change roles."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from exchange import audit
from exchange.admin.forms import AddRoleForm, NewUserForm
from exchange.auth import services
from exchange.auth.decorators import role_required
from exchange.auth.models import Membership, Role, User
from exchange.auth.queries import users_statement
from exchange.extensions import db
from exchange.organizations.memberships import build_membership
from exchange.organizations.models import NMO, LocalCommittee, Program
from exchange.organizations.queries import lc_choices, nmo_choices, program_choices
from exchange.web.arguments import id_arg
from exchange.web.forms import ConfirmForm
from exchange.web.paging import page_of
from exchange.web.transaction import attempt

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _fill_scope_choices(form) -> None:
    form.nmo_id.choices = nmo_choices("—")
    form.lc_id.choices = lc_choices("—")
    form.program_id.choices = program_choices("—")


def _membership_from(form) -> Membership:
    return build_membership(
        Role(form.role.data),
        nmo=db.session.get(NMO, form.nmo_id.data) if form.nmo_id.data else None,
        lc=db.session.get(LocalCommittee, form.lc_id.data) if form.lc_id.data else None,
        program=db.session.get(Program, form.program_id.data) if form.program_id.data else None,
    )


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    nmo_id = id_arg(request.args, "nmo")
    status = request.args.get("status", "")
    page = page_of(users_statement(query, role, nmo_id, status))
    return render_template(
        "admin/users.html",
        page=page,
        query=query,
        role=role,
        nmo_id=nmo_id,
        status=status,
        roles=list(Role),
        nmos=nmo_choices("Any NMO")[1:],
    )


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    action = request.args.get("action", "")
    query = request.args.get("q", "").strip()
    page = page_of(audit.entries_statement(action, query))
    return render_template(
        "admin/audit.html", page=page, action=action, query=query, actions=audit.ACTIONS
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    _fill_scope_choices(form)
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            user = services.create_user(
                current_user,
                email=form.email.data,
                name=form.name.data,
                # Nobody knows this password: the invitation link lets the person choose one.
                password=secrets.token_urlsafe(32),
                membership=_membership_from(form),
            )
            outcome.message = (
                f"{user.name}'s account is created; an invitation to set a password went "
                f"to {user.email}."
            )
        if outcome.ok:
            return redirect(url_for("admin.user", user_id=user.id))
        existing = services.find_user_by_email(form.email.data)
        if existing is not None:
            # The service refused the address as taken; an admin is shown that account, to
            # give it the role there, rather than the students' "log in instead".
            form.email.errors.append(_email_taken(existing))
        else:
            flash(str(outcome.error), "danger")
    return render_template("admin/new_user.html", form=form)


def _email_taken(user: User) -> Markup:
    roles = ", ".join(m.title for m in user.memberships) or "no role"
    state = "" if user.is_active else ", deactivated"
    return Markup(
        'An account with this email exists already: <a href="{}">{}</a> ({}{}). Add the role '
        "on that account's page instead."
    ).format(url_for("admin.user", user_id=user.id), user.name, roles, state)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    user = _user_or_404(user_id)
    form = AddRoleForm()
    _fill_scope_choices(form)
    if form.validate_on_submit():
        with attempt(f"{user.name} now also holds that role.") as outcome:
            services.add_membership(current_user, user, _membership_from(form))
        if outcome.ok:
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form, confirm_form=ConfirmForm())


@bp.route("/users/<int:user_id>/roles/<int:membership_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def remove_role(user_id: int, membership_id: int):
    user = _user_or_404(user_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt("The role is removed."):
        services.remove_membership(current_user, membership)
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_active(user_id: int):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    verb = "reactivated" if active else "deactivated; they can no longer log in"
    with attempt(f"{user.name}'s account is {verb}."):
        services.set_user_active(current_user, user, active)
    return redirect(url_for("admin.user", user_id=user.id))
