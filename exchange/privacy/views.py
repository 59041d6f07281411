"""The person's copy of their data (account page) and an admin's erasure of a student's
(a user's admin page)."""

from flask import Blueprint, Response, abort, redirect, url_for
from flask_login import current_user

from exchange import audit, clock
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.privacy import erasure, export
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def is_erased(user: User) -> bool:
    return erasure.is_erased(user)


@bp.route("/account/data.zip")
@login_required
def download_data():
    with attempt():
        body = export.data_zip(current_user)
        audit.record("data_exported", current_user, f"user {current_user.id}")
    name = f"exchange-data-{clock.today().isoformat()}.zip"
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/admin/users/<int:user_id>/erase", methods=["POST"])
@role_required(Role.ADMIN)
def erase(user_id: int):
    student = db.session.get(User, user_id)
    if student is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        erasure.erase_student(current_user, student)
        outcome.message = f"The personal data of the account is erased: it is now {student.name}."
    return redirect(url_for("admin.user", user_id=user_id))
