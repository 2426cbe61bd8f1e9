"""Forms of the objection register and the playbook."""

import re

from flask import g
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.filters import ChoiceFilter, DateFilter, FilterForm
from app.formatting import today_local
from app.forms import enum_choices, plausible_date
from app.models import Level, ObjectionStatus, ObjectionTheme
from app.objections.queries import ACTIVE_STATUSES, RegisterFilters, find_engagement, theme_named

STATEMENT_MAX = 2000
NOTE_MAX = 2000
ANSWER_MAX = 10_000

#: Statuses that close an objection; moving to one needs a note saying why.
NOTE_REQUIRED = (ObjectionStatus.parked, ObjectionStatus.resolved)


def _theme_choices(themes) -> list[SelectChoice]:
    return [SelectChoice("", "Choose a theme…")] + [
        SelectChoice(str(theme.id), theme.name) for theme in themes
    ]


class ThemeChoiceMixin:
    """A theme select filled with the campaign's themes; `chosen_theme` after validation."""

    def set_themes(self, themes) -> None:
        self._themes = {theme.id: theme for theme in themes}
        self.theme_id.choices = _theme_choices(themes)

    def select_theme(self, slug: str | None) -> None:
        """Pre-select the theme with this slug, if the campaign has one."""
        theme = next((theme for theme in self._themes.values() if theme.slug == slug), None)
        if theme is not None:
            self.theme_id.data = str(theme.id)

    @property
    def chosen_theme(self) -> ObjectionTheme | None:
        return self._themes.get(int(self.theme_id.data)) if self.theme_id.data else None


class StatusForm(FlaskForm):
    """Move an objection to another status, with a note."""

    status = SelectField("New status",
                         choices=[SelectChoice(name, label)
                                  for name, label in ObjectionStatus.choices()],
                         validators=[DataRequired()])
    note = TextAreaField(
        "Note", validators=[Length(max=NOTE_MAX)],
        description="What was answered, why it is resolved or parked. Required to resolve or park.",
    )

    def __init__(self, *args, current: ObjectionStatus | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_status(self, field) -> None:
        if ObjectionStatus.parse(field.data) is self.current:
            raise ValidationError(f"It is already {self.current.label.lower()}.")

    def validate_note(self, field) -> None:
        status = ObjectionStatus.parse(self.status.data)
        if status in NOTE_REQUIRED and not (field.data or "").strip():
            raise ValidationError(f"Say why it is {status.label.lower()}.")

    @property
    def new_status(self) -> ObjectionStatus:
        return ObjectionStatus[self.status.data]


class ObjectionEditForm(ThemeChoiceMixin, FlaskForm):
    """Correct an objection's theme or wording."""

    theme_id = SelectField("Theme", validators=[DataRequired(message="Choose a theme.")])
    statement = TextAreaField(
        "What was said",
        validators=[DataRequired(message="Say what was objected to."), Length(max=STATEMENT_MAX)],
        description="In the person's terms. Markdown allowed.",
    )


class NewObjectionForm(ThemeChoiceMixin, FlaskForm):
    """Raise an objection outside a conversation."""

    person = StringField(
        "Who raised it",
        validators=[DataRequired(message="Say who raised it."), Length(max=254)],
        description="Start typing a name and pick the person, or enter their email.",
    )
    theme_id = SelectField("Theme", validators=[DataRequired(message="Choose a theme.")])
    statement = TextAreaField(
        "What was said",
        validators=[DataRequired(message="Say what was objected to."), Length(max=STATEMENT_MAX)],
        description="In the person's terms. Markdown allowed.",
    )
    raised_on = DateField("Raised on",
                          validators=[DataRequired(message="Give a date."), plausible_date])
    engagement = None

    def validate_person(self, field) -> None:
        self.engagement = find_engagement(g.campaign, field.data)
        if self.engagement is None:
            raise ValidationError(
                "No one in this campaign has that email (or that exact name). "
                "Pick a person from the suggestions or type their email."
            )

    def validate_raised_on(self, field) -> None:
        if field.data and field.data > today_local():
            raise ValidationError("The date cannot be in the future.")


class ThemeForm(FlaskForm):
    """A playbook theme: its name, what people say, and the answer per level."""

    name = StringField("Name", validators=[DataRequired(message="Give the theme a name."),
                                           Length(max=120)])
    description = TextAreaField(
        "What people say", validators=[Length(max=STATEMENT_MAX)],
        description="One sentence in the words people use. Markdown allowed.",
    )
    answer_executive = TextAreaField(
        "Answer for executives", validators=[Length(max=ANSWER_MAX)],
        description="Value, risk, evidence, in two or three sentences. Markdown allowed.",
    )
    answer_manager = TextAreaField(
        "Answer for managers", validators=[Length(max=ANSWER_MAX)],
        description="Relevance to their team's work; short and practical. Markdown allowed.",
    )
    answer_worker = TextAreaField(
        "Answer for workers", validators=[Length(max=ANSWER_MAX)],
        description="What is in it for them, day to day. Markdown allowed.",
    )
    place = IntegerField(
        "Place in the playbook", validators=[
            Optional(), NumberRange(min=1, max=999, message="Give a place from 1 up.")],
        description="1 puts it first; leave empty to keep it where it is (new themes go last).",
    )

    def __init__(self, *args, theme: ObjectionTheme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme

    def validate_name(self, field) -> None:
        if not re.search(r"[A-Za-z0-9]", field.data or ""):
            raise ValidationError("The name needs at least one letter or digit.")
        clash = theme_named(g.campaign, field.data.strip())
        if clash is not None and (self.theme is None or clash != self.theme.id):
            raise ValidationError("The playbook already has a theme of that name.")

    @property
    def answers(self) -> dict[Level, str]:
        return {level: getattr(self, f"answer_{level.name}").data or "" for level in Level}


class RegisterFilterForm(FilterForm):
    """The register's filters, read from the query string."""

    status = ChoiceFilter("Status", blank="Open & answered", multiple=True,
                          column="col-6 col-md-4 col-lg-auto gs-filter-status",
                          invalid="Ignored an unknown status in the filter.")
    theme = ChoiceFilter("Theme", blank="All themes",
                         invalid="Ignored an unknown theme in the filter.")
    level = ChoiceFilter("Level", blank="All levels",
                         column="col-6 col-md-4 col-lg-auto gs-filter-level",
                         invalid="Ignored an unknown level in the filter.")
    raised_from = DateFilter("Raised from", column="col-6 col-md-4 col-lg-2",
                             invalid="Ignored the “raised from” date: use the form YYYY-MM-DD.")
    raised_to = DateFilter("Raised to", column="col-6 col-md-4 col-lg-2",
                           invalid="Ignored the “raised to” date: use the form YYYY-MM-DD.")

    def bind(self, *, themes: list[ObjectionTheme]) -> None:
        self.themes = {theme.slug: theme for theme in themes}
        self.status.choices = [("all", "All statuses"), *enum_choices(ObjectionStatus)]
        self.theme.choices = [(theme.slug, theme.name) for theme in themes]
        self.level.choices = enum_choices(Level)

    def check(self) -> None:
        starts, ends = self.raised_from, self.raised_to
        if starts.data and ends.data and starts.data > ends.data:
            self.messages.append("“Raised from” was after “raised to”; the dates were swapped.")
            starts.data, ends.data = ends.data, starts.data

    def filters(self) -> RegisterFilters:
        """What the register's queries narrow by."""
        names = self.status.data
        if "all" in names:
            statuses = tuple(ObjectionStatus)
        else:
            statuses = tuple(status for status in ObjectionStatus if status.name in names)
        return RegisterFilters(
            statuses=statuses or ACTIVE_STATUSES,
            theme=self.themes.get(self.theme.data),
            level=Level.parse(self.level.data),
            raised_from=self.raised_from.data,
            raised_to=self.raised_to.data,
        )
