"""A student creates their account as a member of an LC of their NMO."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user, logout_user

from exchange.auth.decorators import public
from exchange.auth.forms import RegistrationForm
from exchange.auth.services import CONFIRMATION_MAX_AGE, confirm_account, normalize_email
from exchange.auth.views import login_rate_limit
from exchange.extensions import limiter
from exchange.organizations.memberships import register_student
from exchange.organizations.queries import lc_choices, nmos_with_lcs_choices
from exchange.web.transaction import attempt

bp = Blueprint("registration", __name__)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(login_rate_limit, methods=["POST"], error_message="Too many registration attempts")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    # Only NMOs with a local committee: a student belongs to one.
    form.nmo_id.choices = nmos_with_lcs_choices("Choose your NMO…")
    form.lc_id.choices = lc_choices("Choose your local committee…")
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        # The same answer whether or not the address has an account: only its owner,
        # who reads the mail, learns which.
        sent = (
            f"Check your inbox: we sent a message to {email}. Open its link within "
            f"{CONFIRMATION_MAX_AGE // (24 * 3600)} days to open your account."
        )
        with attempt(sent) as outcome:
            register_student(
                email=email,
                name=form.name.data,
                password=form.password.data,
                nmo_id=form.nmo_id.data,
                lc_id=form.lc_id.data,
                year_of_study=form.year_of_study.data,
            )
        if outcome.ok:
            return redirect(url_for("auth.login"))
    return render_template("registration/register.html", form=form)


@bp.route("/register/confirm/<token>")
@public
def confirm(token: str):
    """The link of a registration's mail: the address is confirmed, the student logged in."""
    if current_user.is_authenticated:
        logout_user()
    user = None
    with attempt() as outcome:
        user = confirm_account(token)
        if user is not None:
            outcome.message = f"Welcome, {user.name}. Your student account is ready."
    if not outcome.ok or user is None:
        flash(
            "That link is too old or has been replaced by a newer one. Register again, or "
            "ask for a password link if you have an account.",
            "danger",
        )
        return redirect(url_for("auth.login"))
    login_user(user)
    return redirect(url_for("main.index"))
