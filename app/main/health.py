"""What /healthz checks: one function per dependency Groundswell needs to answer requests.

A check returns when its dependency answers and raises when it does not. To add one (the
job queue's, say), write the function and name it in `CHECKS`: /healthz then reports it
with its time, and answers 503 while it fails.
"""

import logging
import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

log = logging.getLogger(__name__)

#: How long PostgreSQL may take to answer before the database counts as down. LOCAL: it
#: ends with this request's transaction, which a GET never commits. (SQLite answers from
#: its local file or fails at once; a new PostgreSQL connection is bounded by
#: DATABASE_CONNECT_TIMEOUT.)
STATEMENT_TIMEOUT = text("SET LOCAL statement_timeout = '2s'")


def check_database() -> None:
    """A SELECT 1 round trip on the request's own session, with a short statement timeout."""
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(STATEMENT_TIMEOUT)
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        raise


def check_jobs() -> None:
    """The job queue's storage answers (a SQLite file read or a Redis LLEN)."""
    current_app.extensions["jobs"].pending()


#: name -> check, in the order /healthz reports them.
CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "jobs": check_jobs}


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Run every check: whether all passed, and per check {"ok", "ms"} (plus "error", the
    failure's kind, when it failed; the details go to the log, not to this public page)."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        # Whatever a dependency's client raises means "down": reported and logged, not hidden.
        except Exception as error:
            elapsed = (time.perf_counter() - started) * 1000
            log.warning("health check failed", extra={
                "check": name, "error": f"{type(error).__name__}: {error}"[:300]})
            results[name] = {"ok": False, "ms": round(elapsed, 1), "error": type(error).__name__}
        else:
            elapsed = (time.perf_counter() - started) * 1000
            results[name] = {"ok": True, "ms": round(elapsed, 1)}
    return all(result["ok"] for result in results.values()), results
