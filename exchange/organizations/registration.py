"""A student creates their account as a member of an LC of their NMO."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_user

from exchange.auth.decorators import public
from exchange.auth.forms import RegistrationForm
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
        with attempt() as outcome:
            user = register_student(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                nmo_id=form.nmo_id.data,
                lc_id=form.lc_id.data,
                year_of_study=form.year_of_study.data,
            )
            outcome.message = f"Welcome, {user.name}. Your student account is ready."
        if outcome.ok:
            login_user(user)
            return redirect(url_for("main.index"))
    return render_template("registration/register.html", form=form)
