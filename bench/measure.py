"""Timing helpers: a page's median time, the SQL it runs, and that SQL's bare cost (the floor).

The floor of a page is what its SQL costs on its own: the exact statements and parameters
the request sent, replayed on a raw DBAPI connection with no ORM, no templates, no Flask.
A page at 2x its floor spends as long in Python as in the database; far above that, the
Python side (ORM loading, rendering, forms) is where the time goes.
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Statements that belong to the transaction, not to the page's work.
_SKIP = re.compile(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA)\b", re.I)
GOAL_RATIO = 3.0


@dataclass
class Statement:
    sql: str
    parameters: object
    many: bool = False


@dataclass
class Row:
    """One line of the results table."""

    case: str
    median_ms: float
    floor_ms: float
    statements: int
    note: str = ""
    #: False for a case measured for the record, with no ratio to reach.
    has_goal: bool = True

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms if self.floor_ms else float("inf")


def median_ms(
    fn: Callable[[], object],
    repeat: int = 20,
    warmup: int = 1,
    *,
    after: Callable[[], object] | None = None,
) -> float:
    """Median wall time of `fn()` in milliseconds over `repeat` runs, after `warmup` runs.

    `after()`, if given, runs untimed after each call (e.g. what a browser would do next).
    """
    times = []
    for run in range(warmup + repeat):
        start = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - start) * 1000
        if run >= warmup:
            times.append(elapsed)
        if after is not None:
            after()
    return statistics.median(times)


def read_flashes(client) -> None:
    """What a browser does after a form's redirect: show (and so clear) its flash messages.

    A bench that POSTs again without following the redirect would otherwise carry every
    unread message in the session cookie of each later request.
    """
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def _is_parameter_sets(parameters) -> bool:
    return (isinstance(parameters, list | tuple) and bool(parameters)
            and isinstance(parameters[0], list | tuple | dict))


def capture_statements(app, fn: Callable[[], object]) -> list[Statement]:
    """Run `fn()` once and return every SQL statement (with parameters) it sent to the
    app's database, in order."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    captured: list[Statement] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not _SKIP.match(statement):
            # SQLAlchemy's "insertmanyvalues" reports executemany for a batch it then sends
            # with execute(): only a sequence of parameter sets is a real executemany.
            many = executemany and _is_parameter_sets(parameters)
            captured.append(Statement(statement, parameters, many))

    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return captured


def replay_ms(
    engine: Engine,
    statements: list[Statement],
    repeat: int = 20,
    *,
    prepare: Callable[[object], None] | None = None,
    commit: bool = False,
) -> float:
    """Median time (ms) to send `statements` on a raw DBAPI connection and fetch every row.

    Each replay runs in its own transaction, rolled back afterwards so a replayed write
    leaves the data as it was. A write whose request commits passes `commit=True`: the
    commit is then timed as part of the floor, and the replayed rows stay. Either way
    `prepare(cursor)` runs first in that transaction, untimed: a write case uses it to
    remove what the captured request (or the previous replay) created, so the replayed
    inserts do not collide with it.
    """
    connection = engine.raw_connection()
    try:
        def once() -> float:
            cursor = connection.cursor()
            try:
                if prepare is not None:
                    prepare(cursor)
                start = time.perf_counter()
                for statement in statements:
                    if statement.many:
                        cursor.executemany(statement.sql, statement.parameters)
                    else:
                        cursor.execute(statement.sql, statement.parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
                if commit:
                    connection.commit()
                return (time.perf_counter() - start) * 1000
            finally:
                cursor.close()
                connection.rollback()

        once()  # warm the connection, the statement caches and the page cache
        return statistics.median(once() for _ in range(repeat))
    finally:
        connection.close()


def print_table(rows: list[Row], out=print) -> None:
    """The results as a fixed-width table with the goal column."""
    header = (f"{'case':<44} {'median ms':>10} {'floor ms':>9} {'ratio':>6} {'SQL':>4}"
              f"  goal <{GOAL_RATIO:g}x")
    out(header)
    out("-" * len(header))
    for row in rows:
        verdict = ("ok" if row.ratio < GOAL_RATIO else "OVER") if row.has_goal else "-"
        out(f"{row.case:<44} {row.median_ms:>10.1f} {row.floor_ms:>9.1f} "
            f"{row.ratio:>5.1f}x {row.statements:>4}  {verdict}")
        if row.note:
            out(f"    {row.note}")
