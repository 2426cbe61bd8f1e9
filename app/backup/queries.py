"""Writing a backup: every backed-up table read in one consistent snapshot."""

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import Connection, Table, func, select

from app.auth.operations import NO_PASSWORD
from app.backup.archive import (
    CREDENTIALS,
    Header,
    RowEncoder,
    backed_up_tables,
    check_schema,
)

#: Rows fetched from the database at a time, so a large table never sits in memory whole.
BATCH = 1000


@dataclass
class BackupSummary:
    revision: str
    #: Row count per table, in the file's order.
    rows: dict[str, int]
    credentials: bool


def _snapshot(connection: Connection) -> None:
    """Make every read of this connection's transaction see the same moment, so the backup is
    consistent while the app keeps writing."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    elif connection.dialect.name == "sqlite":
        # pysqlite starts no transaction for reads: without BEGIN each SELECT sees the
        # database as it is then. With it, WAL mode keeps the first read's snapshot.
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN")


def _write_rows(connection: Connection, table: Table, archive: IO[bytes], *,
                hidden: bool) -> None:
    encode = RowEncoder(table)
    secret = [column.name for column in table.columns].index(CREDENTIALS[1]) if hidden else None
    query = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for rows in result.partitions():
        lines = []
        for row in rows:
            # An invitation not yet accepted has no password to hide; keeping it keeps the
            # user invited.
            if secret is not None and row[secret] != NO_PASSWORD:
                row = (*row[:secret], None, *row[secret + 1:])
            lines.append(encode(row))
        archive.write(b"".join(lines))


def write_backup(connection: Connection, out: IO[bytes], *, with_credentials: bool,
                 timestamp: bool = True) -> BackupSummary:
    """Write the backup of the database `connection` reads to `out` (a binary file). Reads
    only; `connection` must be fresh (no transaction begun yet), and is rolled back after."""
    with connection.begin() as transaction:
        _snapshot(connection)
        revision = check_schema(connection)
        tables = backed_up_tables()
        counts = {table.name: connection.scalar(select(func.count()).select_from(table))
                  for table in tables}
        header = Header(
            revision=revision,
            created_at=datetime.now(UTC).isoformat(timespec="seconds") if timestamp else None,
            credentials=with_credentials,
            tables=[(table.name, [column.name for column in table.columns], counts[table.name])
                    for table in tables],
        )
        # No name and no time in the gzip header: the same data gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0,
                           compresslevel=6) as archive:
            archive.write(header.to_line())
            for table in tables:
                _write_rows(connection, table, archive, hidden=not with_credentials and
                            table.name == CREDENTIALS[0])
        transaction.rollback()
    return BackupSummary(revision, counts, with_credentials)
