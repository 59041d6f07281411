"""Login and logout, password reset, and the account page. (A student registers as a
member of an LC: see exchange.organizations.registration.)"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from exchange import clock
from exchange.auth import services, tokens
from exchange.auth.decorators import login_required, public
from exchange.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NameForm,
    ResetPasswordForm,
    TokenForm,
)
from exchange.extensions import limiter
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

bp = Blueprint("auth", __name__)


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_failed(response) -> bool:
    """Only a sign-in that did not succeed counts against the limit: a success redirects."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    login_rate_limit,
    methods=["POST"],
    deduct_when=_login_failed,
    error_message="Too many sign-in attempts",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash("That email and password do not match an active account.", "danger")
        elif user.email_confirmed_at is None:
            # Only someone who knows the password learns that the account waits for this.
            flash(
                f"Confirm your address first: open the link we mailed to {user.email} when "
                "you registered. No mail? Register again for a new link, or ask for a "
                "password link, which confirms the address too.",
                "warning",
            )
        elif outcome.ok:
            login_user(user, remember=form.remember_me.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    with attempt():
        services.end_sessions(current_user)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
# Every request counts here, answered or not: each may send a mail.
@limiter.limit(
    login_rate_limit, methods=["POST"], error_message="Too many requests for a password link"
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.request_password_reset(form.email.data)
        if outcome.ok:
            # The same answer whether or not the address has an account: no one learns who.
            flash(
                f"If {form.email.data} belongs to an account, a link to set a new password is "
                "on its way. It works once, for a limited time.",
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
        with attempt("Your new password is set. Log in with it.") as outcome:
            services.reset_password(user, form.password.data)
        if outcome.ok:
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
        with attempt("Your name is saved.") as outcome:
            services.change_name(current_user, name_form.name.data)
        if outcome.ok:
            return redirect(url_for("auth.account"))
    elif password_form.submit_password.data and password_form.validate():
        with attempt("Your password is changed.", flash_error=False) as outcome:
            services.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
            )
        if outcome.ok:
            # The new password ends every other session; this one carries on.
            login_user(current_user._get_current_object())
            return redirect(url_for("auth.account"))
        password_form.current_password.errors.append(str(outcome.error))
    return render_account(name_form=name_form, password_form=password_form)


def render_account(**forms) -> str:
    """The account page; ``forms`` holds those submitted, shown as typed, and a new
    token's text, shown this once."""
    name_form = forms.get("name_form") or NameForm(prefix="name", name=current_user.name)
    return render_template(
        "auth/account.html",
        name_form=name_form,
        password_form=forms.get("password_form") or ChangePasswordForm(prefix="password"),
        token_form=forms.get("token_form") or TokenForm(prefix="token"),
        new_token=forms.get("new_token"),
        tokens=[
            (token, tokens.status_of(token, current_user, clock.now()))
            for token in tokens.tokens_of(current_user)
        ],
        confirm_form=ConfirmForm(),
    )


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return render_account(token_form=form), 422
    days = int(form.expires_in.data) if form.expires_in.data else None
    with attempt(flash_error=False) as outcome:
        _token, text = tokens.create_token(current_user, form.token_name.data, days)
    if not outcome.ok:
        form.token_name.errors.append(str(outcome.error))
        return render_account(token_form=form), 422
    # Rendered, not redirected: the token is in this page only, never in the session.
    return render_account(new_token=text), 201


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        token = tokens.token_of(current_user, token_id)
        tokens.revoke_token(current_user, token)
        outcome.message = f"The token “{token.name}” is revoked: programs using it are refused."
    return redirect(url_for("auth.account"))
