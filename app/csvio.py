"""CSV downloads: every table Groundswell hands out as CSV goes through here, so no cell
runs as a spreadsheet formula. Big tables are made by an export job (csv_bytes), never
in a request."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import Enum

#: A spreadsheet runs a cell starting with one of these as a formula. Tab and carriage
#: return count too (OWASP): a spreadsheet drops them and reads the formula after them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Stream in chunks of about this many characters.
CHUNK = 16_384


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: enums by label, dates as ISO, formulas
    defused with a leading quote (the stakeholder import strips it again)."""
    if value is None:
        return ""
    if isinstance(value, Enum) and hasattr(value, "label"):
        return value.label
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _chunks(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text in chunks: the header, then each row with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """The whole CSV as UTF-8 bytes, for an export job to store."""
    return "".join(_chunks(header, rows)).encode("utf-8")
