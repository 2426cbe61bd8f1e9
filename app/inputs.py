"""Request input no database column can hold, refused before any view runs.

PostgreSQL cannot store, or even compare against, text holding a NUL character, and no
INTEGER column holds a number above 2**31 - 1; SQLite is laxer in the first case and
overflows differently in the second. Checking here, once, keeps every query string, form
and path id on both databases to a 4xx with a message instead of a 500.
"""

from datetime import date

from flask import abort, request

#: The largest value of an INTEGER column (ids, counts) on PostgreSQL.
MAX_ID = 2**31 - 1
#: Years a typed date may have. Outside them it is a slip of the keyboard, and the date
#: arithmetic on it (a time zone, a week's start, a day either side) would leave Python's
#: years 1 to 9999 and fail.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_day(text: str) -> date:
    """A YYYY-MM-DD query argument as a date; ValueError for other text or an absurd year."""
    day = date.fromisoformat(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{text!r} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return day


def is_record_id(value) -> bool:
    """Whether `value` is a number that could be the id of a stored record."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def record_id(value) -> int:
    """A query argument as a record id; ValueError otherwise, so `args.get(type=)` drops it."""
    number = int(value)
    if not is_record_id(number):
        raise ValueError(f"{value!r} cannot be a record id")
    return number


def refuse_unstorable_input() -> None:
    """400 for a NUL character in the query string or form; 404 for ids and pages beyond
    any INTEGER, which no record or page can have."""
    for where, values in (("query string", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                abort(400, f"The {where} field “{name.replace(chr(0), '')}” contains a NUL "
                           "character (\\0), which Groundswell cannot store. Remove it and "
                           "try again.")
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not is_record_id(value):
            abort(404)
    page = request.args.get("page", "")
    if page.isdigit() and int(page) > MAX_ID:
        abort(404, f"There is no page {page}.")
