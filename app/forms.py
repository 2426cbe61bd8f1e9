"""Form helpers every feature shares: enum selects, optional numbers, trimmed text."""

from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from app.inputs import FIRST_YEAR, LAST_YEAR


def enum_choices(enum_class) -> list[SelectChoice]:
    """Select options for an enum: stored name as value, human label as text."""
    return [SelectChoice(member.name, member.label) for member in enum_class]


def enum_coerce(enum_class):
    """A SelectField coerce that turns a member name into the member (ValueError otherwise)."""

    def coerce(value):
        if isinstance(value, enum_class):
            return value
        try:
            return enum_class[value]
        except KeyError:
            raise ValueError(f"Unknown {enum_class.__name__.lower()}") from None

    return coerce


def optional_int(value):
    """'' and None mean nobody; anything else must be a whole number."""
    if value in ("", None, "None"):
        return None
    return int(value)


def strip(value):
    """A filter that trims surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def plausible_date(form, field):
    """A validator for date fields: refuse years no campaign can have. It stops the chain, so
    later checks never do arithmetic near year 1 or 9999 (where it would fail)."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise StopValidation(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")


def member_choices(members) -> list[SelectChoice]:
    """Select options for users: id as value, name as text."""
    return [SelectChoice(str(member.id), member.name) for member in members]
