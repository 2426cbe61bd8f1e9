"""The conversation forms: the scalar fields, plus repeated rows for attendees, objections
and follow-ups that the page adds and removes in the browser.

Rows are FieldLists of small sub-forms, so a refused submission re-renders every row the
user typed with a message on the field that is wrong. Choices that depend on the campaign
(themes, members, key messages) or on the submission itself (the chosen attendees) are bound
after the form has read the request, before it validates.
"""

from datetime import UTC, datetime, timedelta
from functools import cached_property

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app.case_studies.library import current_library
from app.conversations.operations import (
    AttendeeInput,
    ConversationInput,
    FollowUpInput,
    ObjectionInput,
)
from app.conversations.queries import ConversationFilters, current_key_messages
from app.filters import ChoiceFilter, DateFilter, FilterForm, RecordFilter
from app.followups.queries import campaign_members
from app.formatting import from_local, to_local, today_local
from app.forms import enum_choices, member_choices, optional_int, plausible_date
from app.inputs import is_record_id
from app.models import (
    Channel,
    KeyMessage,
    Level,
    ObjectionTheme,
    Stance,
    User,
)
from app.objections.playbook import current_themes
from app.stakeholders.queries import campaign_person, load_people

#: What `datetime-local` inputs send (with or without seconds) and how we fill them.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
SUMMARY_MAX = 20_000
#: Caps on repeated rows: far above a real meeting, low enough to refuse abuse cheaply.
MAX_ATTENDEES = 60
MAX_ROWS = 30


def stance_choices() -> list[SelectChoice]:
    return [SelectChoice(member.name, member.label) for member in Stance]


def channel_choices() -> list[SelectChoice]:
    return [SelectChoice(member.name, member.label) for member in Channel]


class ConversationDetailsForm(FlaskForm):
    """When, how and what was said: the part of a conversation that can be edited later."""

    occurred_at = DateTimeLocalField(
        "When", format=list(LOCAL_FORMATS),
        validators=[InputRequired("Say when it happened."), plausible_date],
    )
    channel = SelectField("How", choices=channel_choices(), default=Channel.one_to_one.name)
    duration_minutes = IntegerField(
        "Minutes",
        default=30,
        validators=[
            InputRequired("Say how long it took."),
            NumberRange(1, 24 * 60, "Between 1 minute and a day."),
        ],
    )
    subject = StringField(
        "Subject",
        validators=[Length(max=200, message="At most 200 characters.")],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    summary = TextAreaField(
        "What was said",
        validators=[Length(max=SUMMARY_MAX, message=f"At most {SUMMARY_MAX:,} characters.")],
    )

    def validate_occurred_at(self, field):
        if field.data is None:
            return  # unreadable: the field already says so
        if from_local(field.data) > datetime.now(UTC):
            raise ValidationError("That is in the future: log a conversation once it has happened.")

    def latest_allowed(self) -> str:
        """Now on the user's wall clock, as a datetime-local `max`: the picker greys out
        the future."""
        return to_local(datetime.now(UTC)).strftime(LOCAL_FORMATS[0])

    def when(self) -> datetime:
        """The typed wall-clock time as aware UTC."""
        return from_local(self.occurred_at.data)

    def details(self) -> dict:
        """The scalar fields as update_conversation takes them."""
        return {
            "occurred_at": self.when(),
            "channel": Channel[self.channel.data],
            "duration_minutes": self.duration_minutes.data,
            "subject": self.subject.data or "",
            "summary": self.summary.data or "",
        }

    def fill_from(self, conversation) -> None:
        """Show a stored conversation in the user's wall-clock time."""
        self.occurred_at.data = to_local(conversation.occurred_at).replace(tzinfo=None)
        self.channel.data = conversation.channel.name
        self.duration_minutes.data = conversation.duration_minutes
        self.subject.data = conversation.subject
        self.summary.data = conversation.summary


class AttendeeRow(Form):
    engagement_id = IntegerField(
        "Person", widget=HiddenField.widget, validators=[InputRequired("Pick a person.")]
    )
    stance_after = SelectField("Stance after", choices=stance_choices())


class ObjectionRow(Form):
    theme_id = SelectField("Theme", coerce=int, choices=[])
    raised_by = SelectField("Raised by", coerce=int, choices=[])
    statement = TextAreaField(
        "What was said",
        validators=[
            DataRequired("Say what was objected to, or remove this row."),
            Length(max=2000, message="At most 2,000 characters."),
        ],
    )


class FollowUpRow(Form):
    description = StringField(
        "What",
        validators=[
            DataRequired("Say what needs doing, or remove this row."),
            Length(max=500, message="At most 500 characters."),
        ],
    )
    owner_id = SelectField("Owner", coerce=int, choices=[])
    due_on = DateField("Due", validators=[InputRequired("Give a due date."), plausible_date])
    about = SelectField("About", coerce=optional_int, choices=[])


class ConversationForm(ConversationDetailsForm):
    """Everything logged about a new conversation, in one submission."""

    attendees = FieldList(FormField(AttendeeRow), max_entries=MAX_ATTENDEES)
    objections = FieldList(FormField(ObjectionRow), max_entries=MAX_ROWS)
    follow_ups = FieldList(FormField(FollowUpRow), max_entries=MAX_ROWS)
    key_message_ids = SelectMultipleField("Key messages used", coerce=int, choices=[])
    case_study_slugs = SelectMultipleField("Case studies used", choices=[])

    def __init__(self, campaign, author, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.author = author
        self.messages = current_key_messages(campaign)
        self.key_message_ids.choices = [
            SelectChoice(str(message.id), message.title) for message in self.messages
        ]
        self.case_studies = current_library().all()
        self.case_study_slugs.choices = [
            SelectChoice(study.slug, study.title) for study in self.case_studies
        ]
        self.people = load_people(
            campaign, [row.form.engagement_id.data for row in self.attendees]
        )
        self._bind_row_choices()

    # Loaded when first needed: a POST without objections or follow-ups needs neither.

    @cached_property
    def members(self) -> list[User]:
        return campaign_members(self.campaign, self.author)

    @cached_property
    def themes(self) -> list[ObjectionTheme]:
        return current_themes(self.campaign)

    # Rows -----------------------------------------------------------------------------

    def add_attendees(self, engagement_ids) -> None:
        """Pre-fill attendee rows (from ?attendee=...), skipping people not in this campaign."""
        found = load_people(self.campaign, engagement_ids)
        for engagement_id in dict.fromkeys(engagement_ids):
            if engagement_id in found and engagement_id not in self.people:
                engagement, _ = found[engagement_id]
                self.attendees.append_entry(
                    {"engagement_id": engagement_id, "stance_after": engagement.stance.name}
                )
                self.people[engagement_id] = found[engagement_id]
        self._bind_row_choices()

    def attendee_choices(self) -> list[SelectChoice]:
        """The chosen attendees (known ones only), in the order they were added."""
        choices = []
        for row in self.attendees:
            person = self.people.get(row.form.engagement_id.data)
            if person is not None:
                choices.append(SelectChoice(str(person[0].id), person[1].name))
        return choices

    def _bind_row_choices(self) -> None:
        attendees = self.attendee_choices()
        if self.objections.entries:
            themes = [SelectChoice(str(theme.id), theme.name) for theme in self.themes]
        if self.follow_ups.entries:
            owners = member_choices(self.members)
        for row in self.objections:
            row.form.theme_id.choices = themes
            row.form.raised_by.choices = attendees
        for row in self.follow_ups:
            row.form.owner_id.choices = owners
            row.form.about.choices = [SelectChoice("", "Nobody in particular"), *attendees]

    def blank_attendee(self) -> AttendeeRow:
        """An empty attendee row named `attendees-__index__-…`, the browser's template."""
        return AttendeeRow(prefix="attendees-__index__-")

    def blank_objection(self) -> ObjectionRow:
        """An empty objection row named `objections-__index__-…`, the browser's template."""
        row = ObjectionRow(prefix="objections-__index__-")
        row.theme_id.choices = [SelectChoice(str(theme.id), theme.name) for theme in self.themes]
        row.raised_by.choices = self.attendee_choices()
        return row

    def blank_follow_up(self) -> FollowUpRow:
        """An empty follow-up row (owner: me, due in a week), the browser's template."""
        row = FollowUpRow(
            prefix="follow_ups-__index__-",
            data={"owner_id": self.author.id, "due_on": today_local() + timedelta(days=7)},
        )
        row.owner_id.choices = member_choices(self.members)
        row.about.choices = [SelectChoice("", "Nobody in particular"), *self.attendee_choices()]
        return row

    def person(self, row):
        """(Engagement, Stakeholder) of an attendee row, or None for an unknown id."""
        return self.people.get(row.form.engagement_id.data)

    def messages_by_level(self) -> list[tuple[Level, list[KeyMessage]]]:
        return [
            (level, [message for message in self.messages if message.level is level])
            for level in Level
            if any(message.level is level for message in self.messages)
        ]

    # Validation -----------------------------------------------------------------------

    def validate_attendees(self, field):
        if not field.entries:
            raise ValidationError("Add at least one person who was there.")
        ids = [row.form.engagement_id.data for row in field.entries]
        if len(set(ids)) != len(ids):
            raise ValidationError("Each person can be listed once.")
        for row in field.entries:
            engagement_id = row.form.engagement_id.data
            if engagement_id is not None and engagement_id not in self.people:
                row.form.engagement_id.errors.append("This person is not part of this campaign.")
                raise ValidationError("Someone listed is not part of this campaign.")

    # Output ---------------------------------------------------------------------------

    def to_input(self) -> ConversationInput:
        """The validated form as log_conversation's input."""
        return ConversationInput(
            occurred_at=self.when(),
            channel=Channel[self.channel.data],
            duration_minutes=self.duration_minutes.data,
            subject=self.subject.data or "",
            summary=self.summary.data or "",
            attendees=[
                AttendeeInput(self.people[row.form.engagement_id.data][0],
                              Stance[row.form.stance_after.data])
                for row in self.attendees
            ],
            objections=[
                ObjectionInput(
                    self.people[row.form.raised_by.data][0],
                    next(theme for theme in self.themes if theme.id == row.form.theme_id.data),
                    row.form.statement.data,
                )
                for row in self.objections
            ],
            follow_ups=[
                FollowUpInput(
                    row.form.description.data,
                    row.form.due_on.data,
                    owner_id=row.form.owner_id.data,
                    engagement=self.people[row.form.about.data][0]
                    if row.form.about.data is not None
                    else None,
                )
                for row in self.follow_ups
            ],
            key_message_ids=list(self.key_message_ids.data or []),
            case_study_slugs=list(self.case_study_slugs.data or []),
        )


class ConversationFilterForm(FilterForm):
    """The list's filters, read from the query string."""

    channel = ChoiceFilter(
        "Channel", invalid="There is no channel called “{value}”; that filter was ignored.",
        column="col-6 col-md-3 col-lg-2",
    )
    author = ChoiceFilter(
        "Logged by", blank="Anyone", column="col-6 col-md-3 col-lg-2",
        # Anyone's id: an author who has left the campaign is still in the log.
        accept=lambda text: text.isdigit() and is_record_id(int(text)),
        invalid="The author filter was not understood and was ignored.",
    )
    date_from = DateFilter("From", name="from", column="col-6 col-md-3 col-lg-2",
                           invalid="“{value}” is not a date; the “from” filter was ignored.")
    date_to = DateFilter("To", name="to", column="col-6 col-md-3 col-lg-2",
                         invalid="“{value}” is not a date; the “to” filter was ignored.")
    attendee = RecordFilter("With",
                            invalid="The attendee filter was not understood and was ignored.")

    def bind(self, *, campaign, me, members) -> None:
        self.campaign, self.me = campaign, me
        self.channel.choices = enum_choices(Channel)
        self.author.choices = [("me", "Me"), *member_choices(
            [member for member in members if member.id != me.id])]
        self.person = None

    def check(self) -> None:
        if self.attendee.data is not None:
            self.person = campaign_person(self.campaign, self.attendee.data)
            if self.person is None:
                self.ignore(self.attendee,
                            "That person is not part of this campaign; the filter was ignored.")

    def filters(self) -> ConversationFilters:
        """What the list query narrows by."""
        author = self.author.data
        return ConversationFilters(
            channel=Channel.parse(self.channel.data),
            author_id=self.me.id if author == "me" else int(author) if author else None,
            author_is_me=author == "me",
            attendee=self.person,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
