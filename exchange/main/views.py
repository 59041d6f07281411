"""The home page: for a visitor, what the system is; for each role, what to do next."""

from flask import Blueprint, render_template
from flask_login import current_user

from exchange import clock
from exchange.applications.deadlines import late_cards
from exchange.applications.reminders import REMINDER_DAYS_AHEAD
from exchange.auth.decorators import public
from exchange.auth.models import Role
from exchange.reports import dashboards

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    role = current_user.primary_role
    if role == Role.ADMIN:
        return render_template("main/home_admin.html", **dashboards.admin_home())
    if role in (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER):
        return render_template(
            "main/home_officer.html",
            panels=dashboards.officer_panels(current_user),
            reminder_days=REMINDER_DAYS_AHEAD,
        )
    return render_template(
        "main/home_student.html",
        late_cards=late_cards,
        today=clock.today(),
        **dashboards.student_home(current_user),
    )
