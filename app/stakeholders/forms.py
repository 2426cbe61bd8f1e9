"""Forms for adding, editing and importing stakeholders."""

from flask import g
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.filters import ChoiceFilter, FilterForm, FlagFilter, NumberFilter, SearchFilter
from app.forms import enum_choices, enum_coerce, optional_int, strip
from app.models import Level, Stance
from app.stakeholders import queries
from app.stakeholders.operations import would_cycle

INFLUENCE_CHOICES = [
    SelectChoice("1", "1 · little say"),
    SelectChoice("2", "2 · some say"),
    SelectChoice("3", "3 · listened to"),
    SelectChoice("4", "4 · shapes opinion"),
    SelectChoice("5", "5 · decides"),
]
INTEREST_CHOICES = [
    SelectChoice("1", "1 · indifferent"),
    SelectChoice("2", "2 · mildly curious"),
    SelectChoice("3", "3 · interested"),
    SelectChoice("4", "4 · keen"),
    SelectChoice("5", "5 · invested"),
]


class StakeholderForm(FlaskForm):
    """A person and where they stand in this campaign, on one form."""

    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired(), Email(message="That is not an email address."),
                    Length(max=254)],
    )
    title = StringField("Job title", filters=[strip], validators=[Length(max=120)])
    department = StringField("Department", filters=[strip], validators=[Length(max=80)])
    level = SelectField("Level", choices=enum_choices(Level), coerce=enum_coerce(Level))
    reports_to = StringField(
        "Reports to",
        filters=[strip],
        validators=[Optional(), Length(max=254)],
        description="Their manager's email; the manager must be in this campaign.",
    )
    influence = SelectField("Influence", choices=INFLUENCE_CHOICES, coerce=int, default=3)
    stance = SelectField("Stance now", choices=enum_choices(Stance), coerce=enum_coerce(Stance),
                         default=Stance.unknown)
    target_stance = SelectField("Target stance", choices=enum_choices(Stance),
                                coerce=enum_coerce(Stance), default=Stance.supporter)
    stance_reason = StringField(
        "Why did the stance change?",
        filters=[strip],
        validators=[Length(max=500)],
        description="Optional; kept in their stance history.",
    )
    interest = SelectField("Interest", choices=INTEREST_CHOICES, coerce=int, default=3)
    owner_id = SelectField("Owning champion", coerce=optional_int)

    def __init__(self, *args, engagement=None, **kwargs):
        super().__init__(*args, **kwargs)
        #: The engagement being edited; None on the new-person form.
        self.engagement = engagement
        #: Set when the email belongs to someone else in this campaign (other campaigns'
        #: people are never looked at: the same email there is another record).
        self.existing_engagement = None
        #: The manager's stakeholder id once `reports_to` validated.
        self.reports_to_id = None
        owners = queries.owners(g.campaign)
        choices = [SelectChoice("", "Nobody yet")]
        choices += [SelectChoice(str(user.id), user.name) for user in owners]
        current = engagement.owner if engagement is not None else None
        if current is not None and all(user.id != current.id for user in owners):
            # A former champion stays selectable, so saving other edits keeps them.
            choices.append(
                SelectChoice(str(current.id), f"{current.name} (no longer a champion here)")
            )
        self.owner_id.choices = choices

    @property
    def stakeholder_id(self) -> int | None:
        return self.engagement.stakeholder_id if self.engagement is not None else None

    def validate_email(self, field):
        engagement = queries.engagement_by_email(g.campaign, field.data)
        if engagement is None or engagement.stakeholder_id == self.stakeholder_id:
            return
        self.existing_engagement = engagement
        raise ValidationError(
            f"{engagement.stakeholder.name} already has this email and is in this campaign."
        )

    def validate_reports_to(self, field):
        if not field.data:
            return
        current_manager = self.engagement.stakeholder.reports_to_id if self.engagement else None
        manager = queries.engagement_by_email(g.campaign, field.data)
        if manager is None:
            raise ValidationError("No one in this campaign has that email.")
        stakeholder = manager.stakeholder
        if manager.archived_at is not None and stakeholder.id != current_manager:
            raise ValidationError(f"{stakeholder.name} is archived; pick someone current.")
        if stakeholder.id == self.stakeholder_id or would_cycle(
            self.stakeholder_id, stakeholder.id
        ):
            raise ValidationError(
                f"{stakeholder.name} reports (directly or not) to this person: "
                "that would make a loop."
            )
        self.reports_to_id = stakeholder.id

    def person_values(self) -> dict:
        """The person's fields as the operations take them."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "title": self.title.data or "",
            "department": self.department.data or "",
            "level": self.level.data,
            "reports_to_id": self.reports_to_id,
            "influence": self.influence.data,
        }

    def engagement_values(self) -> dict:
        """Where the person stands in this campaign, as the operations take it."""
        return {
            "stance": self.stance.data,
            "target_stance": self.target_stance.data,
            "interest": self.interest.data,
            "owner_id": self.owner_id.data,
        }


class ImportForm(FlaskForm):
    """A CSV file of people to add to this campaign."""

    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")])


class StakeholderFilterForm(FilterForm):
    """The list's search, filters and sort, read from the query string."""

    q = SearchFilter("Search", max_length=queries.MAX_TERM, placeholder="Name, email or title",
                     column="col-12 col-lg-3")
    level = ChoiceFilter("Level", invalid="Unknown level “{value}” was ignored.")
    department = ChoiceFilter(
        "Department", casefold=True,
        invalid="No one in this campaign is in the department “{value}”; that filter was ignored.",
    )
    stance = ChoiceFilter("Stance", invalid="Unknown stance “{value}” was ignored.")
    owner = ChoiceFilter("Owner", blank="Anyone", invalid="Unknown owner “{value}” was ignored.")
    not_contacted = NumberFilter(
        "Quiet for", maximum=queries.MAX_DAYS, unit="d", placeholder="–",
        description="Last contact longer ago than this, or never",
        column="col-6 col-md-4 col-lg-1",
        invalid=f"“Not contacted for” needs a number of days from 0 to {queries.MAX_DAYS}; "
                "“{value}” was ignored.",
    )
    archived = FlagFilter("Include archived")
    sort = ChoiceFilter("Sort", hidden=True, narrows=False, default="name",
                        invalid="Unknown sort “{value}” was ignored.")

    def bind(self, *, user, departments, owners) -> None:
        self.user = user
        self.level.choices = enum_choices(Level)
        self.department.choices = [(name, name) for name in departments]
        self.stance.choices = enum_choices(Stance)
        self.owner.choices = [("me", "Mine"), ("none", "Nobody"),
                              *((str(owner.id), owner.name) for owner in owners)]
        self.sort.choices = [(key, key) for name in queries.SORTS for key in (name, f"-{name}")]

    def filters(self) -> queries.ListFilters:
        """What the list query narrows and sorts by."""
        owner = self.owner.data
        return queries.ListFilters(
            q=self.q.data,
            level=Level.parse(self.level.data),
            department=self.department.data,
            stance=Stance.parse(self.stance.data),
            owner=owner,
            owner_id=self.user.id if owner == "me" else int(owner) if owner.isdigit() else None,
            not_contacted=self.not_contacted.data,
            archived=self.archived.data,
            sort=self.sort.data,
        )
