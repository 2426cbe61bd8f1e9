"""Forms for key messages, the risk checklist, landmine words and the briefing builder."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.briefings.builder import (
    MAX_ATTENDEES,
    MAX_INTRODUCTION,
    MAX_MINUTES,
    MIN_MINUTES,
    load_attendees,
)
from app.briefings.queries import landmine_listed
from app.forms import enum_choices, enum_coerce, plausible_date, strip
from app.models import Level, RiskArea, RiskStatus


def enum_select(label: str, enum_class, **kwargs) -> SelectField:
    return SelectField(label, choices=enum_choices(enum_class), coerce=enum_coerce(enum_class),
                       **kwargs)


class KeyMessageForm(FlaskForm):
    level = enum_select("Audience level", Level)
    title = StringField(
        "Message",
        filters=[strip],
        validators=[DataRequired(), Length(max=160)],
        description="One sentence the audience should remember.",
    )
    body = TextAreaField(
        "Detail",
        validators=[Length(max=5000)],
        description="Markdown. The evidence or example that makes the message stick.",
    )
    position = IntegerField(
        "Order",
        validators=[Optional(), NumberRange(min=0, max=999)],
        description="Lower numbers come first in briefings; leave empty to put it last.",
    )


class RiskItemForm(FlaskForm):
    area = enum_select("Area", RiskArea)
    question = StringField("Question", filters=[strip],
                           validators=[DataRequired(), Length(max=300)])
    status = enum_select("Status", RiskStatus, default=RiskStatus.not_assessed)
    owner = StringField(
        "Owner",
        filters=[strip],
        validators=[Length(max=120)],
        description="Who answers for it, e.g. Information Security.",
    )
    notes = TextAreaField("Notes", validators=[Length(max=5000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


_WORD_RE = re.compile(r"^[\w][\w .'\-]*\*?$", re.UNICODE)


class LandmineForm(FlaskForm):
    word = StringField(
        "Word or phrase",
        filters=[strip],
        validators=[DataRequired(), Length(max=60)],
        description="Plurals and -ing forms match too; end with * to match any ending.",
    )
    audiences = MultiCheckboxField(
        "Puts off",
        choices=enum_choices(Level),
        validators=[DataRequired("Pick at least one level.")],
    )
    suggestion = StringField(
        "Say instead",
        filters=[strip],
        validators=[DataRequired(), Length(max=200)],
    )
    reason = TextAreaField("Why", validators=[Length(max=2000)])

    def __init__(self, *args, campaign=None, landmine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.landmine = landmine

    def validate_word(self, field):
        if not _WORD_RE.match(field.data or ""):
            raise ValidationError(
                "Use letters, digits, spaces, hyphens or dots; * only at the end."
            )
        if landmine_listed(self.campaign, field.data, excluding=self.landmine):
            raise ValidationError("That word is already on the list.")


class AttendeesField(Field):
    """Engagement ids posted as repeated `attendees` values; `engagements` after validation."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.engagements = []

    def process_formdata(self, valuelist):
        self.data = []
        self.raw = [value for value in valuelist if value.strip()]
        for value in self.raw:
            try:
                self.data.append(int(value))
            except ValueError:
                self.process_errors.append("Pick attendees from the list.")
                self.data = []
                return

    def _value(self):
        return ""


class BriefingForm(FlaskForm):
    audience = enum_select("Audience", Level, default=Level.executive)
    meeting_on = DateField("Meeting date", validators=[Optional(), plausible_date])
    minutes = IntegerField(
        "Length (minutes)",
        validators=[
            Optional(),
            NumberRange(min=MIN_MINUTES, max=MAX_MINUTES,
                        message=f"Between {MIN_MINUTES} and {MAX_MINUTES} minutes."),
        ],
    )
    attendees = AttendeesField("Attendees")
    introduction = TextAreaField(
        "Introduction",
        validators=[Length(max=MAX_INTRODUCTION,
                           message=f"At most {MAX_INTRODUCTION:,} characters.")],
        description="Markdown. Opens the briefing; checked for landmine words too.",
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def validate_attendees(self, field):
        ids = list(dict.fromkeys(field.data or []))
        if len(ids) > MAX_ATTENDEES:
            raise ValidationError(f"At most {MAX_ATTENDEES} attendees.")
        # The ones that do belong stay picked, so the form comes back as it was typed.
        field.engagements = load_attendees(self.campaign, ids)
        if len(field.engagements) != len(ids):
            raise ValidationError("An attendee is not part of this campaign.")
