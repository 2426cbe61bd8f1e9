"""The backup file: gzip-compressed JSON lines.

Line 1 is the header: format and version, the Alembic revision of the schema, when the
backup was made (or null), whether password hashes are in it, and each table in dependency
order with its columns and row count. Then one line per row, `{"table": ..., "row": {...}}`,
table by table in the header's order, each table's rows by primary key. Datetimes are ISO
8601 with their offset, dates ISO 8601, binary base64, enumerations by name, JSON columns as
JSON. Everything after line 1 depends only on the data, and the gzip header carries no time
or name, so two backups of the same data differ at most in line 1's `created_at`.
"""

import base64
import binascii
import enum
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Enum,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
)

from app.auth.operations import RESTORED_WITHOUT_PASSWORD
from app.config import project_folder
from app.errors import RequestError
from app.extensions import db

FORMAT = "groundswell-backup"
VERSION = 1

#: Tables a backup leaves out, and why. Every other table of db.metadata is backed up, so a
#: new model is included without a change here (tests/test_backup.py checks the two lists
#: cover every table the migrations create).
EXCLUDED_TABLES = {
    "user_session": "signed-in sessions: a restored server starts with everyone signed out",
    "sign_in_failure": "sign-in throttle counters, which expire within minutes",
    "job": "long work under way or done within the last day (PDFs made, imports): a job "
           "is asked for again, and its files are kept only a day",
    "account_token": "one-time invitation and reset links: only their hashes are kept, so "
                     "they could not be handed out again; an admin makes new ones",
}

#: The (table, column) a backup writes as null unless made --with-credentials. A restore
#: puts RESTORED_WITHOUT_PASSWORD there: such users sign in again after a reset link.
CREDENTIALS = ("user", "password_hash")


class BackupError(RequestError):
    """A backup or restore refused, with the reason for the operator."""


def backed_up_tables() -> list[Table]:
    """Every table a backup holds, parents before children."""
    return [table for table in db.metadata.sorted_tables if table.name not in EXCLUDED_TABLES]


def code_revision() -> str | None:
    """The Alembic revision this code's models describe (the newest migration)."""
    return ScriptDirectory(str(project_folder("migrations"))).get_current_head()


def database_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at; None when it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def check_schema(connection: Connection) -> str:
    """The database's revision; refuses a database that is not at this code's revision."""
    current, expected = database_revision(connection), code_revision()
    if current is None:
        raise BackupError("This database has no schema yet: run `flask --app app db upgrade` "
                          "first.")
    if current != expected:
        raise BackupError(f"This database is at revision {current} but this version of "
                          f"Groundswell expects {expected}: run `flask --app app db upgrade`.")
    return current


@dataclass
class Header:
    """What line 1 of a backup says."""

    revision: str
    created_at: str | None
    credentials: bool
    #: (table name, column names, row count), in the order the rows follow.
    tables: list[tuple[str, list[str], int]]

    def to_line(self) -> bytes:
        return _line({
            "format": FORMAT,
            "version": VERSION,
            "alembic_revision": self.revision,
            "created_at": self.created_at,
            "credentials": self.credentials,
            "tables": [{"name": name, "columns": columns, "rows": rows}
                       for name, columns, rows in self.tables],
            "excluded": sorted(EXCLUDED_TABLES),
        })


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _line(value) -> bytes:
    return (_JSON.encode(value) + "\n").encode()


def _parse(line: bytes) -> Any:
    return json.loads(line.decode("utf-8"))


def _encoder(column: Column) -> Callable[[Any], Any] | None:
    """How a column's values are written, when not as they are (text, numbers, JSON)."""
    kind = _kind(column)
    if kind in (DateTime, Date):
        return lambda value: value.isoformat()
    if kind is LargeBinary:
        return lambda value: base64.b64encode(value).decode("ascii")
    if kind is Enum:
        return lambda value: value.name if isinstance(value, enum.Enum) else value
    return None


class RowEncoder:
    """Turns a row of `table` (values in column order) into a line of the file."""

    def __init__(self, table: Table):
        self.table = table.name
        self.columns = [(column.name, _encoder(column)) for column in table.columns]

    def __call__(self, values: Sequence) -> bytes:
        row = {name: value if encode is None or value is None else encode(value)
               for (name, encode), value in zip(self.columns, values, strict=True)}
        return _line({"table": self.table, "row": row})


def _impl(column: Column):
    column_type = column.type
    return column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type


def _kind(column: Column) -> type:
    for kind in (DateTime, Date, LargeBinary, JSON, Enum, Boolean, Integer, String):
        if isinstance(_impl(column), kind):
            return kind
    return object


def _decoder(column: Column) -> Callable[[Any], Any]:
    """How a column's value is read back from the file (never None), refusing what the
    column cannot hold."""
    where, kind = f"{column.table.name}.{column.name}", _kind(column)

    def text(value) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{where} is not text: {value!r}")
        return value

    def moment(value) -> datetime:
        parsed = datetime.fromisoformat(text(value))
        if parsed.tzinfo is None:
            raise ValueError(f"{where} has a time without its offset: {value}")
        return parsed

    def member(value):
        try:
            return members[text(value)]
        except KeyError:
            raise ValueError(f"{where} has an unknown value {value!r}") from None

    def truth(value) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where} is not true or false: {value!r}")
        return value

    def number(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where} is not a whole number: {value!r}")
        return value

    members = getattr(_impl(column), "enum_class", None)
    if kind is Enum and members is None:
        return text
    return {
        DateTime: moment,
        Date: lambda value: date.fromisoformat(text(value)),
        LargeBinary: lambda value: base64.b64decode(text(value), validate=True),
        Enum: member,
        Boolean: truth,
        Integer: number,
        String: text,
    }.get(kind, lambda value: value)


#: Marks a column that may not be empty.
_REQUIRED = object()


class _Decoder:
    """Turns a row as the file holds it back into the values its table's columns take."""

    def __init__(self, table: Table, *, credentials: bool):
        self.table = table
        self.names = {column.name for column in table.columns}
        self.columns = []
        for column in table.columns:
            if not credentials and (table.name, column.name) == CREDENTIALS:
                empty = RESTORED_WITHOUT_PASSWORD
            elif column.nullable:
                empty = None
            else:
                empty = _REQUIRED
            self.columns.append((column.name, _decoder(column), empty))

    def __call__(self, row: Any) -> dict:
        if not isinstance(row, dict) or row.keys() != self.names:
            raise ValueError(f"a {self.table.name} row does not have the table's columns")
        decoded = {}
        for name, decode, empty in self.columns:
            value = row[name]
            if value is not None:
                decoded[name] = decode(value)
            elif empty is _REQUIRED:
                raise ValueError(f"{self.table.name}.{name} is empty but may not be")
            else:
                decoded[name] = empty
        return decoded


#: What a file that is not a whole, readable backup raises while it is read.
UNREADABLE = (OSError, EOFError, zlib.error, ValueError, binascii.Error)


class Reader:
    """Reads a backup: `header` first, then `rows()` gives (table, row values) in file order,
    checking each table's rows against its count. Raises BackupError for a file that is not
    a whole Groundswell backup."""

    def __init__(self, stream: IO[bytes], name: str):
        self.lines = iter(stream)
        self.name = name
        self.header = self._read_header()
        self.tables = {table.name: table for table in backed_up_tables()}

    def _broken(self, problem: str) -> BackupError:
        return BackupError(f"{self.name} is not a whole Groundswell backup: {problem}.")

    def _read_header(self) -> Header:
        try:
            first = _parse(next(self.lines))
        except StopIteration:
            raise self._broken("it is empty") from None
        except UNREADABLE as error:
            raise self._broken(_reason(error)) from None
        if not isinstance(first, dict) or first.get("format") != FORMAT:
            raise self._broken("its first line is not a backup header")
        if first.get("version") != VERSION:
            raise BackupError(f"{self.name} is a version {first.get('version')} backup; this "
                              f"Groundswell reads version {VERSION}.")
        try:
            tables = [(entry["name"], list(entry["columns"]), int(entry["rows"]))
                      for entry in first["tables"]]
            return Header(str(first["alembic_revision"]), first.get("created_at"),
                          first["credentials"] is True, tables)
        except (KeyError, TypeError, ValueError):
            raise self._broken("its header is incomplete") from None

    def check_tables(self) -> None:
        """Refuses a file whose tables or columns are not those this code backs up."""
        expected = [(table.name, [column.name for column in table.columns])
                    for table in self.tables.values()]
        found = [(name, columns) for name, columns, _rows in self.header.tables]
        if sorted(found) != sorted(expected):
            names = {name for name, _ in found} ^ {name for name, _ in expected}
            detail = f" (differing: {', '.join(sorted(names))})" if names else ""
            raise self._broken(f"its tables and columns are not this schema's{detail}")

    def rows(self) -> Iterator[tuple[Table, dict]]:
        """(table, decoded row) for every row, in the file's order."""
        self.check_tables()
        expected = iter(self.header.tables)
        name, count, seen = None, 0, 0
        decoder = None
        number = 1
        try:
            for line in self.lines:
                number += 1
                entry = _parse(line)
                if not isinstance(entry, dict) or set(entry) != {"table", "row"}:
                    raise ValueError("a line is not a table row")
                while entry["table"] != name:
                    if name is not None and seen != count:
                        raise ValueError(f"{name} has {seen} rows, the header says {count}")
                    name, _columns, count = next(expected, (None, None, 0))
                    if name is None:
                        raise ValueError(f"rows of {entry['table']!r} are out of place")
                    seen, decoder = 0, _Decoder(self.tables[name],
                                             credentials=self.header.credentials)
                seen += 1
                yield self.tables[name], decoder(entry["row"])
            if name is not None and seen != count:
                raise ValueError(f"{name} has {seen} rows, the header says {count}")
            for name, _columns, count in expected:
                if count:
                    raise ValueError(f"the rows of {name} are missing")
        except UNREADABLE as error:
            raise self._broken(f"line {number}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, EOFError):
        return "it ends early (was it cut short?)"
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        return "a line is not JSON"
    if isinstance(error, OSError):
        return f"it is not gzip data, or damaged ({error})"
    return str(error)
