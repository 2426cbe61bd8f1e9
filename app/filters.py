"""List filters, declared once per list as a form bound to the query string.

A list's `FilterForm` says which query arguments it reads, what each may hold, the message
when one holds something else, and how the filter bar shows it; `filter_bar` in
`templates/_macros.html` renders any of them. A filter never refuses the page: a value it
cannot use is dropped (that filter is off) and its message goes to `messages`, for the page
to show. The query string is read, never written, so there is no CSRF token to check.
"""

from datetime import date

from werkzeug.datastructures import MultiDict
from wtforms import Field, Form

from app.inputs import is_record_id, parse_day

#: Longest part of a typed value a message repeats back.
ECHO = 80


class FilterField(Field):
    """One filter. `data` is what the list narrows by (the default when off); `raw` is the
    trimmed text of a value that was used, which the filter bar shows again.

    Subclasses turn the text into `data` in `parse`, raising ValueError when they cannot;
    the field's `invalid` message (with `{value}`, the text typed) then says so.
    """

    #: How the filter bar draws it: search, select, date, number, check or hidden.
    kind = "text"

    def __init__(self, label=None, *, invalid="“{value}” was ignored.", column=None,
                 narrows=True, **kwargs):
        render_kw = {
            key: kwargs.pop(key) for key in ("placeholder", "maxlength", "min", "max")
            if key in kwargs
        }
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.invalid = invalid
        #: Bootstrap column classes of its cell in the bar (the bar has a default).
        self.column = column
        #: Whether it narrows the list (a sort order does not).
        self.narrows = narrows
        self.raw = ""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            raise ValueError(self.invalid.format(value=text[:ECHO])) from None
        self.raw = text

    def parse(self, text: str):
        return text

    @property
    def is_on(self) -> bool:
        # Compared one by one: `0 in (False, ...)` would hold, and 0 days is a filter.
        return self.data is not None and all(self.data != off for off in (self.default, "", []))

    def _value(self) -> str:
        return self.raw


class SearchFilter(FilterField):
    """Free text, cut (not refused) at `max_length`."""

    kind = "search"

    def __init__(self, label=None, *, max_length: int, **kwargs):
        super().__init__(label, default="", maxlength=max_length, **kwargs)
        self.max_length = max_length

    def parse(self, text: str) -> str:
        return text[: self.max_length]

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.raw = self.data


class ChoiceFilter(FilterField):
    """One of `choices` (value, label) pairs bound per request; `data` is the value.

    `casefold` matches regardless of case; `accept` is a test for values the list honours
    beyond those it offers (an author who has since left the campaign). With `multiple`,
    every value given is read and `data` is the list of the known ones.
    """

    kind = "select"

    def __init__(self, label=None, *, blank="Any", casefold=False, accept=None, multiple=False,
                 hidden=False, **kwargs):
        kwargs.setdefault("default", [] if multiple else "")
        super().__init__(label, **kwargs)
        #: The "no filter" option's text (None: the select has no such option).
        self.blank = blank
        self.casefold = casefold
        self.accept = accept
        self.multiple = multiple
        if hidden:
            self.kind = "hidden"
        #: (value, label) pairs, or SelectChoices.
        self.choices: list = []

    def parse(self, text: str) -> str:
        for value, *_ in self.choices:
            if value == text or (self.casefold and value.lower() == text.lower()):
                return value
        if self.accept is not None and self.accept(text):
            return text
        raise ValueError(text)

    def process_formdata(self, valuelist):
        if not self.multiple:
            super().process_formdata(valuelist)
            # The option as offered ("IT" for "it"), so the bar selects it.
            self.raw = self.data if self.raw else ""
            return
        known, unknown = [], False
        for text in (text.strip() for text in valuelist):
            if text:
                try:
                    known.append(self.parse(text))
                except ValueError:
                    unknown = True
        if known:
            self.data = known
        self.raw = known[0] if len(known) == 1 else ""
        if unknown:
            raise ValueError(self.invalid.format(value=""))

    def options(self):
        """(value, label, selected) for each option, the blank one first."""
        if self.blank is not None:
            yield "", self.blank, not self.raw
        for value, label, *_ in self.choices:
            yield value, label, value == self.raw


class DateFilter(FilterField):
    """A YYYY-MM-DD day within the years a date may have."""

    kind = "date"

    def parse(self, text: str) -> date:
        return parse_day(text)

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class NumberFilter(FilterField):
    """A whole number from 0 to `maximum`."""

    kind = "number"

    def __init__(self, label=None, *, maximum: int, unit: str = "", **kwargs):
        super().__init__(label, min="0", max=str(maximum), **kwargs)
        self.maximum = maximum
        #: Shown after the box ("d" for days).
        self.unit = unit

    def parse(self, text: str) -> int:
        if not text.isdigit() or int(text) > self.maximum:
            raise ValueError(text)
        return int(text)

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class FlagFilter(FilterField):
    """A checkbox: on for 1, on, true or yes."""

    kind = "check"

    def __init__(self, label=None, **kwargs):
        super().__init__(label, default=False, **kwargs)

    def parse(self, text: str) -> bool:
        return text.lower() in ("1", "on", "true", "yes")


class RecordFilter(FilterField):
    """The id of a record, carried as a hidden field; the form checks the record exists."""

    kind = "hidden"

    def parse(self, text: str) -> int:
        if not text.isdigit() or not is_record_id(int(text)):
            raise ValueError(text)
        return int(text)


class FilterForm(Form):
    """A list's filters read from `args` (request.args or a dict).

    Subclasses declare the fields, bind per-request choices in `bind(**context)` and check
    what needs the database or more than one field in `check()`, calling `ignore`.
    """

    def __init__(self, args, **context):
        super().__init__()
        self.bind(**context)
        self.process(args if hasattr(args, "getlist") else MultiDict(args))
        #: Why part of the query string was ignored, in the order of the fields.
        self.messages: list[str] = [error for field in self for error in field.process_errors]
        self.check()

    def bind(self, **context) -> None:
        """Set choices that depend on the campaign or the user."""

    def check(self) -> None:
        """Rules across fields or against the database; call `ignore` for what fails."""

    def ignore(self, field: FilterField, message: str) -> None:
        """Turn `field` off and say why."""
        field.data, field.raw = field.default, ""
        self.messages.append(message)

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the bar offers a reset then)."""
        return any(field.narrows and field.is_on for field in self)
