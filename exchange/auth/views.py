"""Registration, login and logout, password reset, and the account page."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from exchange.auth import services
from exchange.auth.decorators import login_required, public
from exchange.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NameForm,
    RegistrationForm,
    ResetPasswordForm,
)
from exchange.errors import DomainError
from exchange.extensions import db, limiter
from exchange.organizations.queries import lc_choices, nmo_choices

bp = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("main.index")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    form.nmo_id.choices = nmo_choices("Choose your NMO…")
    form.lc_id.choices = lc_choices("Choose your local committee…")
    if form.validate_on_submit():
        try:
            user = services.register_student(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                nmo_id=form.nmo_id.data,
                lc_id=form.lc_id.data,
                year_of_study=form.year_of_study.data,
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome, {user.name}. Your student account is ready.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash("That email and password do not match an active account.", "danger")
        else:
            db.session.commit()
            login_user(user, remember=form.remember_me.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account: no one learns who does.
        flash(
            f"If {form.email.data} belongs to an account, a link to set a new password is on "
            "its way. It works once, for a limited time.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash("That link has expired or was used already. Ask for a new one.", "warning")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash("Your new password is set. Log in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    name_form = NameForm(prefix="name")
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "GET":
        name_form.name.data = current_user.name
    elif name_form.submit_name.data and name_form.validate():
        services.change_name(current_user, name_form.name.data)
        db.session.commit()
        flash("Your name is saved.", "success")
        return redirect(url_for("auth.account"))
    elif password_form.submit_password.data and password_form.validate():
        try:
            services.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
            )
        except DomainError as error:
            db.session.rollback()
            password_form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            # The new password ends every other session; this one carries on.
            login_user(current_user._get_current_object())
            flash("Your password is changed.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", name_form=name_form, password_form=password_form)
