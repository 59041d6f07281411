"""Forms of the admins' user management."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from exchange.auth.models import Role

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class RoleScopeMixin:
    """The role and the scope it needs; the service says which parts are required."""

    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.NATIONAL_OFFICER.value)
    nmo_id = SelectField("NMO", coerce=int, default=0)
    lc_id = SelectField(
        "Local committee", coerce=int, default=0, description="For local officers and students."
    )
    program_id = SelectField(
        "Program", coerce=int, default=0, description="For national and local officers."
    )


class NewUserForm(RoleScopeMixin, FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Create account and send invitation")


class AddRoleForm(RoleScopeMixin, FlaskForm):
    submit = SubmitField("Add role")
