"""The standalone follow-up form (Mark done / Reopen are plain CSRF-protected POST buttons)."""

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.conversations.forms import member_choices
from app.conversations.queries import campaign_members, load_people
from app.formatting import today_local
from app.forms import plausible_date


class FollowUpForm(FlaskForm):
    """A follow-up not tied to a conversation: what, who owns it, by when, about whom."""

    description = StringField(
        "What needs doing",
        validators=[
            DataRequired("Say what needs doing."),
            Length(max=500, message="At most 500 characters."),
        ],
    )
    owner_id = SelectField("Owner", coerce=int, choices=[])
    due_on = DateField("Due", validators=[InputRequired("Give a due date."), plausible_date])
    engagement_id = IntegerField("About", widget=HiddenField.widget, validators=[Optional()])

    def __init__(self, campaign, author, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.members = campaign_members(campaign, author)
        self.owner_id.choices = member_choices(self.members)
        if self.owner_id.data is None:
            self.owner_id.data = author.id
        if self.due_on.data is None and not self.due_on.raw_data:
            self.due_on.data = today_local() + timedelta(days=7)
        found = load_people(campaign, [self.engagement_id.data])
        #: (Engagement, Stakeholder) of the person it is about, when one is chosen and known.
        self.about = found.get(self.engagement_id.data)

    def validate_engagement_id(self, field):
        if field.data is not None and self.about is None:
            raise ValidationError("That person is not part of this campaign.")

