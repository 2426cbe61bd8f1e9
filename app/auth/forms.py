from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from app.auth.passwords import MAX_SIGN_IN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    # Not the policy: a sign-in only checks the password, and the limit admits every password
    # the policy accepts, typed in any Unicode form.
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_SIGN_IN_LENGTH)]
    )
    remember = BooleanField("Keep me signed in on this device")
