"""Restoring a backup into an empty, migrated database, in the session's one transaction."""

import gzip
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy import Connection, Table, bindparam, false, func, literal, select
from sqlalchemy.exc import StatementError

from app.auth.operations import RESTORED_WITHOUT_PASSWORD
from app.backup.archive import (
    CREDENTIALS,
    BackupError,
    Header,
    Reader,
    backed_up_tables,
    check_schema,
    database_revision,
)
from app.extensions import db

#: Rows sent to the database in one statement.
BATCH = 500


@dataclass
class RestoreSummary:
    header: Header
    #: Rows restored per table, in the order they were.
    rows: dict[str, int] = field(default_factory=dict)
    #: Emails of users restored without a password (the backup held no credentials).
    without_password: list[str] = field(default_factory=list)


#: What the emptiness check counts by name when it finds them (anything else: by table).
_COUNTED = {"campaign": ("campaign", "campaigns"), "user": ("user", "users"),
            "stakeholder": ("person", "people")}


def _refuse_unless_empty(connection: Connection) -> None:
    holding = [table for table in backed_up_tables()
               if connection.scalar(select(literal(1)).select_from(table).limit(1))]
    if not holding:
        return
    counted = []
    for table in holding:
        if table.name in _COUNTED:
            count = connection.scalar(select(func.count()).select_from(table))
            one, many = _COUNTED[table.name]
            counted.append(f"{count} {one if count == 1 else many}")
    what = ", ".join(counted) or f"rows in {', '.join(table.name for table in holding)}"
    raise BackupError(f"This database is not empty: it already has {what}. Restore only into "
                      "a new database after `flask --app app db upgrade`.")


def _check_revision(connection: Connection, header: Header, name: str) -> None:
    current = database_revision(connection)
    if current is not None and current != header.revision:
        raise BackupError(
            f"{name} was made at revision {header.revision}, but this database is at "
            f"revision {current}. Restore it with the Groundswell version that made it, into "
            f"a database at {header.revision}; then `flask --app app db upgrade`.")
    check_schema(connection)


class _TableWriter:
    """Inserts one table's rows in batches. A column referring to its own table (a
    stakeholder's manager) is filled in after all the table's rows are in, since a row may
    name one that comes later; columns the update would otherwise stamp (updated_at) keep
    their restored values."""

    def __init__(self, connection: Connection, table: Table):
        self.connection, self.table = connection, table
        self.pending: list[dict] = []
        self.count = 0
        self.self_references = [key.parent for key in table.foreign_keys
                                if key.column.table is table]
        self.stamped = [column for column in table.columns if column.onupdate is not None]
        self.links: dict[str, list[dict]] = {column.name: [] for column in self.self_references}

    def add(self, row: dict) -> None:
        for column in self.self_references:
            if row[column.name] is not None:
                (key,) = self.table.primary_key.columns
                self.links[column.name].append({
                    "_key": row[key.name], "_value": row[column.name],
                    **{f"_{stamped.name}": row[stamped.name] for stamped in self.stamped}})
                row[column.name] = None
        self.pending.append(row)
        self.count += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.connection.execute(self.table.insert(), self.pending)
            self.pending = []

    def finish(self) -> int:
        self.flush()
        for name, links in self.links.items():
            if links:
                (key,) = self.table.primary_key.columns
                values = {name: bindparam("_value"),
                          **{stamped.name: bindparam(f"_{stamped.name}")
                             for stamped in self.stamped}}
                self.connection.execute(
                    self.table.update().where(key == bindparam("_key")).values(values), links)
        return self.count


def _reset_sequences(connection: Connection) -> None:
    """Let PostgreSQL's id sequences continue after the restored ids."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer
    for table in backed_up_tables():
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = func.pg_get_serial_sequence(quote.format_table(table), column.name)
        connection.execute(select(func.setval(
            sequence, func.coalesce(func.max(column), 0) + 1, false())).select_from(table))


def restore_backup(stream: IO[bytes], name: str) -> RestoreSummary:
    """Load the backup `stream` (named `name` in messages) into this empty, migrated
    database: the same rows with the same ids. Flushes through the session's connection, in
    its one transaction; the caller commits, or rolls back on BackupError."""
    connection = db.session.connection()
    with gzip.GzipFile(fileobj=stream, mode="rb") as archive:
        reader = Reader(archive, name)
        summary = RestoreSummary(reader.header, {
            table_name: 0 for table_name, _columns, _rows in reader.header.tables})
        _check_revision(connection, reader.header, name)
        reader.check_tables()
        _refuse_unless_empty(connection)
        writer = None
        try:
            for table, row in reader.rows():
                if writer is None or writer.table is not table:
                    if writer is not None:
                        summary.rows[writer.table.name] = writer.finish()
                    writer = _TableWriter(connection, table)
                if (table.name == CREDENTIALS[0]
                        and row[CREDENTIALS[1]] == RESTORED_WITHOUT_PASSWORD):
                    summary.without_password.append(row["email"])
                writer.add(row)
            if writer is not None:
                summary.rows[writer.table.name] = writer.finish()
            _reset_sequences(connection)
        except StatementError as error:
            # A row the database refuses (an edited file): a missing parent, a duplicate.
            detail = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise BackupError(f"{name} does not fit this database: {detail}.") from None
    return summary
