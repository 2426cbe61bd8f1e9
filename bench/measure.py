"""Timing helpers and the results tables.

The headline is each page over HTTP (bench/pages.py) against /healthz on the same server:
what a user waits for, as a multiple of the least the server answers in. Beside it, "of
which SQL" is what the page's SQL costs on its own: the exact statements and parameters the
request sent, replayed on a raw DBAPI connection with no ORM, no templates, no Flask.
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


@dataclass
class Statement:
    sql: str
    parameters: object
    many: bool = False


@dataclass(frozen=True)
class Goal:
    """A page's goal (issue 13): met when its p50 is at most `ms`, or at most `ratio` times
    /healthz's p50 on the same server (so a slower machine is judged by the ratio)."""

    ms: float
    ratio: float | None = None

    def met(self, p50_ms: float, ratio: float) -> bool:
        return p50_ms <= self.ms or (self.ratio is not None and ratio <= self.ratio)

    def __str__(self) -> str:
        limit = f"{self.ms / 1000:g} s" if self.ms >= 1000 else f"{self.ms:g} ms"
        return f"<= {limit}" + (f" or <= {self.ratio:g}x" if self.ratio is not None else "")


@dataclass
class HttpRow:
    """One page over HTTP: p50 and p95 of its requests, against the p50 of the /healthz
    requests taken turn about with them."""

    case: str
    p50_ms: float
    p95_ms: float
    healthz_ms: float
    #: its SQL replayed alone (None: not measured)
    sql_ms: float | None = None
    goal: Goal | None = None
    note: str = ""
    #: requests timed
    runs: int = 0

    @property
    def ratio(self) -> float:
        return self.p50_ms / self.healthz_ms

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "-"
        return "met" if self.goal.met(self.p50_ms, self.ratio) else "NOT met"


@dataclass
class LoadRow:
    """Requests per second under concurrent load, against /healthz under the same load."""

    case: str
    requests: int
    per_second: float
    healthz_per_second: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.per_second / self.healthz_per_second


@dataclass
class Row:
    """One line of the in-process table: a median against a floor of its own."""

    case: str
    median_ms: float
    floor_ms: float
    statements: int
    note: str = ""

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
    warmup: bool = True,
) -> float:
    """Median time (ms) to send `statements` on a raw DBAPI connection and fetch every row.

    Each replay runs in its own transaction, rolled back afterwards so a replayed write
    leaves the data as it was. A write whose request commits passes `commit=True`: the
    commit is then timed as part of the floor, and the replayed rows stay. Either way
    `prepare(cursor)` runs first in that transaction, untimed: a write case uses it to
    remove what the captured request (or the previous replay) created, so the replayed
    inserts do not collide with it. `warmup=False` skips the untimed first replay (when the
    request itself has just warmed the caches).
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

        if warmup:
            once()  # warm the connection, the statement caches and the page cache
        return statistics.median(once() for _ in range(repeat))
    finally:
        connection.close()


def print_http_table(rows: list[HttpRow], out=print) -> None:
    """The headline: pages over HTTP, their ratio to /healthz and their goal."""
    header = (f"{'page (over HTTP)':<46} {'runs':>4} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'healthz':>7} {'x healthz':>9} {'SQL ms':>7}  {'goal (issue 13)':<22} verdict")
    out(header)
    out("-" * len(header))
    for row in rows:
        sql = f"{row.sql_ms:>7.1f}" if row.sql_ms is not None else f"{'-':>7}"
        out(f"{row.case:<46} {row.runs:>4} {row.p50_ms:>8.1f} {row.p95_ms:>8.1f} "
            f"{row.healthz_ms:>7.1f} {row.ratio:>8.1f}x "
            f"{sql}  {str(row.goal or '-'):<22} {row.verdict}")
        if row.note:
            out(f"    {row.note}")


def print_load_table(rows: list[LoadRow], out=print) -> None:
    """Throughput: requests per second, and as a share of /healthz's under the same load."""
    header = f"{'load':<46} {'requests':>9} {'req/s':>8} {'x healthz':>9}"
    out(header)
    out("-" * len(header))
    for row in rows:
        out(f"{row.case:<46} {row.requests:>9,} {row.per_second:>8.1f} {row.ratio:>9.3f}")
        if row.note:
            out(f"    {row.note}")


def print_table(rows: list[Row], out=print) -> None:
    """In-process cases: median against the floor each case names in its note."""
    header = f"{'case (in process)':<46} {'median ms':>10} {'floor ms':>9} {'ratio':>6} {'SQL':>4}"
    out(header)
    out("-" * len(header))
    for row in rows:
        out(f"{row.case:<46} {row.median_ms:>10.1f} {row.floor_ms:>9.1f} "
            f"{row.ratio:>5.2f}x {row.statements:>4}")
        if row.note:
            out(f"    {row.note}")
