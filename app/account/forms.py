"""Forms of the Account page: change password, time zone, and CSRF-only session buttons."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from app.account.queries import time_zones
from app.auth.passwords import (
    COMMON_PASSWORDS,
    MAX_PASSWORD_LENGTH,
    MAX_SIGN_IN_LENGTH,
    MIN_PASSWORD_LENGTH,
    password_problem,
)


def meets_policy(form, field):
    """The password policy, in the same words as everywhere else."""
    problem = password_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)


class PasswordForm(FlaskForm):
    """Change your password. InputRequired, not DataRequired: a password of spaces gets
    the policy's own message, as it does from the shell."""

    current_password = PasswordField("Current password", validators=[
        InputRequired("Type your current password."), Length(max=MAX_SIGN_IN_LENGTH)])
    new_password = PasswordField(
        "New password",
        validators=[InputRequired("Type a new password."), meets_policy],
        description=(f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, not one of "
                     f"the {COMMON_PASSWORDS:,} most common passwords. A phrase of a few words "
                     "is easy to remember."),
    )
    confirm_password = PasswordField("New password again", validators=[
        InputRequired("Type the new password again."),
        EqualTo("new_password", "The two new passwords are not the same."),
    ])


class TimeZoneForm(FlaskForm):
    """The zone dates are shown and typed in; blank means the app's default."""

    timezone = SelectField("Time zone", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = current_app.config["DEFAULT_TIMEZONE"]
        self.timezone.choices = [("", f"Groundswell's default ({default})")] + [
            (name, name.replace("_", " ")) for name in time_zones()
        ]

    def validate_timezone(self, field):
        if field.data and field.data not in time_zones():
            raise ValidationError(f"“{field.data}” is not a time zone Groundswell knows; "
                                  "pick one from the list.")


class SessionButtonForm(FlaskForm):
    """CSRF only: ending a session is a POST."""
