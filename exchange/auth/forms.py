"""Forms of the auth area."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange

from exchange.auth.services import MIN_PASSWORD_LENGTH

_password_help = f"At least {MIN_PASSWORD_LENGTH} characters."


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember_me = BooleanField("Remember me on this computer")
    submit = SubmitField("Log in")


class RegistrationForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    nmo_id = SelectField(
        "National member organization (NMO)",
        coerce=int,
        validators=[DataRequired(message="Choose your NMO.")],
    )
    lc_id = SelectField(
        "Local committee (LC)",
        coerce=int,
        validators=[DataRequired(message="Choose your local committee.")],
    )
    year_of_study = IntegerField(
        "Year of study", validators=[DataRequired(), NumberRange(min=1, max=8)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_password_help,
    )
    password_again = PasswordField(
        "Password again",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Create my account")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    submit = SubmitField("Send me a link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_password_help,
    )
    password_again = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Set my password")


class NameForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    submit_name = SubmitField("Save name")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_password_help,
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit_password = SubmitField("Change password")


TOKEN_EXPIRY_CHOICES = [
    SelectChoice("", "Never"),
    SelectChoice("30", "In 30 days"),
    SelectChoice("90", "In 90 days"),
    SelectChoice("365", "In a year"),
]


class TokenForm(FlaskForm):
    token_name = StringField(
        "Name",
        validators=[DataRequired(message="Name the token after what uses it."), Length(max=80)],
        description="What uses it, e.g. “NMO spreadsheet”.",
    )
    expires_in = SelectField("Expires", choices=TOKEN_EXPIRY_CHOICES, default="")
    submit_token = SubmitField("Create token")
