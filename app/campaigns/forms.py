"""Forms for creating and editing a campaign, its targets and its members."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.campaigns.operations import MEMBER_ROLES
from app.forms import plausible_date
from app.models import GOALS, Level, Phase, Stance

MAX_OWN_GOALS = 10
#: Stances a target can ask for: `unknown` is not a place on the scale.
TARGET_STANCES = [
    SelectChoice(stance.name, stance.label) for stance in Stance if stance.rank is not None
]
PHASES = [SelectChoice(phase.name, phase.label) for phase in Phase]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; values outside the choices fail validation."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TargetForm(Form):
    """One level's target: `share` % at `min_stance` or better by `due_on`. All blank = none."""

    share = IntegerField(
        "Share of people (%)", validators=[Optional(), NumberRange(0, 100, "Between 0 and 100.")]
    )
    min_stance = SelectField("At least", choices=TARGET_STANCES, default=Stance.supporter.name)
    due_on = DateField("By", validators=[Optional(), plausible_date])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A share needs a date and a date a share; the Optional() fields cannot say so.
        if self.share.data is not None and self.due_on.data is None and not self.due_on.errors:
            self.due_on.errors.append("Give the date this target is due.")
            valid = False
        if self.due_on.data is not None and self.share.data is None and not self.share.errors:
            self.share.errors.append("Give the share this target asks for, or clear the date.")
            valid = False
        return valid

    def values(self) -> dict | None:
        """The target as CampaignTarget fields, or None when the level has no target."""
        if self.share.data is None:
            return None
        return {
            "share": self.share.data,
            "min_stance": Stance[self.min_stance.data],
            "due_on": self.due_on.data,
        }


class CampaignForm(FlaskForm):
    """What a campaign introduces, why, when, and the targets it sets per level."""

    name = StringField("Campaign name", validators=[DataRequired(), Length(max=120)])
    change = StringField(
        "What is being introduced",
        validators=[DataRequired(), Length(max=200)],
        description="In plain words, e.g. “An internal collaboration platform”.",
    )
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)],
        description="Why now, for whom, what success looks like. Markdown is fine.",
    )
    goals = MultiCheckboxField("Goals", choices=[SelectChoice(goal) for goal in GOALS])
    own_goals = TextAreaField(
        "Goals of your own", validators=[Length(max=2000)],
        description="One per line.",
    )
    phase = SelectField("Phase", choices=PHASES, default=Phase.embrace.name)
    starts_on = DateField("Starts on",
                          validators=[InputRequired("Give the start date."), plausible_date])
    ends_on = DateField("Ends on", validators=[Optional(), plausible_date])
    target_executive = FormField(TargetForm, label="Executives")
    target_manager = FormField(TargetForm, label="Managers")
    target_worker = FormField(TargetForm, label="Workers")

    def target_fields(self):
        """(level, subform) for each level, in the scale's order."""
        return [(level, getattr(self, f"target_{level.name}")) for level in Level]

    def own_goal_lines(self) -> list[str]:
        return [line.strip() for line in (self.own_goals.data or "").splitlines() if line.strip()]

    def validate_own_goals(self, field):
        lines = self.own_goal_lines()
        if len(lines) > MAX_OWN_GOALS:
            raise ValidationError(f"At most {MAX_OWN_GOALS} goals of your own.")
        if any(len(line) > 200 for line in lines):
            raise ValidationError("Keep each goal under 200 characters.")
        if not lines and not self.goals.data:
            raise ValidationError("Pick at least one goal or write your own.")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The end date must be after the start date.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Cross-field: a target due before the campaign starts can never be judged.
        start = self.starts_on.data
        for _level, subform in self.target_fields():
            due = subform.due_on.data
            if start and due and due < start and not subform.due_on.errors:
                subform.due_on.errors.append("The target date must not be before the start.")
                valid = False
        return valid

    def values(self) -> dict:
        """The campaign's own fields, ready for create_campaign / update_campaign."""
        goals = list(self.goals.data or [])
        goals += [line for line in self.own_goal_lines() if line not in goals]
        return {
            "name": self.name.data.strip(),
            "change": self.change.data.strip(),
            "description": (self.description.data or "").strip(),
            "goals": goals,
            "phase": Phase[self.phase.data],
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }

    def target_values(self) -> dict:
        """{Level: target fields or None}, for set_targets."""
        return {level: subform.values() for level, subform in self.target_fields()}

    def fill_from(self, campaign) -> None:
        """Prefill an edit form from the campaign and its targets."""
        self.name.data = campaign.name
        self.change.data = campaign.change
        self.description.data = campaign.description
        self.goals.data = [goal for goal in campaign.goals if goal in GOALS]
        self.own_goals.data = "\n".join(goal for goal in campaign.goals if goal not in GOALS)
        self.phase.data = campaign.phase.name
        self.starts_on.data = campaign.starts_on
        self.ends_on.data = campaign.ends_on
        for target in campaign.targets:
            subform = getattr(self, f"target_{target.level.name}")
            subform.share.data = target.share
            subform.min_stance.data = target.min_stance.name
            subform.due_on.data = target.due_on


ROLE_CHOICES = [SelectChoice(role.name, role.label) for role in MEMBER_ROLES]


class AddMemberForm(FlaskForm):
    email = EmailField("Email of an existing user",
                       validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[lambda value: value.strip() if value else value])
    role = SelectField("Role", choices=ROLE_CHOICES, default="champion")


class MemberRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class RemoveMemberForm(FlaskForm):
    """CSRF only: removing a member is a POST."""
