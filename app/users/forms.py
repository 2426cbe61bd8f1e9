"""Forms of the Users page (admins) and of the one-time password links (everyone)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.operations import find_user
from app.campaigns.forms import ROLE_CHOICES as CAMPAIGN_ROLE_CHOICES
from app.forms import enum_choices, strip
from app.models import Role

ROLE_CHOICES = enum_choices(Role)
STATUS_CHOICES = [SelectChoice("", "Any status"), SelectChoice("active", "Active"),
                  SelectChoice("invited", "Invited, not yet accepted"),
                  SelectChoice("disabled", "Disabled")]


class InviteForm(FlaskForm):
    """Who to invite, their global role and, if wanted, a first campaign."""

    email = EmailField("Email", validators=[DataRequired("Give their email."),
                                            Email("That is not an email address."),
                                            Length(max=254)], filters=[strip])
    name = StringField("Name", validators=[DataRequired("Give their name."), Length(max=120)],
                       filters=[strip])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.champion.name,
                       description="Admins manage users and see every campaign; leads start "
                                   "campaigns; champions and viewers work in the campaigns "
                                   "they are members of.")
    campaign = SelectField("Campaign (optional)", choices=[])
    campaign_role = SelectField("Role in that campaign", choices=CAMPAIGN_ROLE_CHOICES,
                                default=Role.champion.name)

    def __init__(self, campaigns, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = [SelectChoice("", "None for now")] + [
            SelectChoice(str(campaign.id), campaign.name) for campaign in campaigns]

    def validate_email(self, field):
        if field.data and find_user(field.data) is not None:
            raise ValidationError(f"A user with email {field.data.lower()} already exists.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ActionForm(FlaskForm):
    """CSRF only: disable, enable, sign out everywhere and new links are POST buttons."""


class SetPasswordForm(FlaskForm):
    """A new password, typed twice; the password policy itself is User.set_password's."""

    password = PasswordField("New password", validators=[DataRequired("Choose a password."),
                                                         Length(max=1000)])
    confirm = PasswordField("The same password again", validators=[
        DataRequired("Type the password a second time."),
        EqualTo("password", "The two passwords are not the same."),
    ])
