"""What a job worker does with a job id: run the handler for the job's kind and record
how it went. The job layer: it may render PDFs (through app.pdf) and call any feature's
logic, the way a view does for a request.

A handler is `handler(job, step)`: it reads `job.params` (and `job.payload`), does the
work through the feature's operations, and returns a `Done`. `step(done, total, message)`
commits a progress step the person watching can see. A handler refuses with PdfError or
an OperationError, whose message the person reads; anything else is logged and reported
as our failure. Either way what the handler wrote is rolled back.

A handler that commits part of its work as it goes (the stakeholder import, in batches)
registers an undoer for its kind, `undo(job)`, which removes what the job's row says was
committed: it runs after a failure, before a job whose worker died runs again, and when
the reaper gives such a job up, so the person never sees half a job.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app

from app.errors import OperationError
from app.extensions import db
from app.formatting import in_zone
from app.jobs import operations
from app.models import Job
from app.pdf import PdfError

log = logging.getLogger(__name__)

OUR_FAULT = ("Something went wrong on our side while making this. Nothing was saved; try "
             "again, and tell your administrator if it happens again.")


@dataclass
class Done:
    """What a finished job produced: a message, and a file and/or a structured outcome."""

    message: str
    result: bytes | None = None
    result_name: str | None = None
    result_type: str | None = None
    outcome: dict = field(default_factory=dict)


class Refused(OperationError):
    """A job that cannot be done as asked; `outcome` may carry a report (an import's rows)."""

    def __init__(self, message: str, outcome: dict | None = None):
        super().__init__(None, message)
        self.outcome = outcome


def now() -> datetime:
    return datetime.now(UTC)


def run(job_id: int) -> None:
    """Do one job, start to end. Safe to call twice: a job that is over is left alone."""
    job = db.session.get(Job, job_id)
    if job is None or job.over:
        return
    handler = current_app.extensions["job_handlers"].get(job.kind)
    operations.start(job, now())
    db.session.commit()
    if job.attempts > 1:
        _undo(job)  # what the attempt that died with its worker had committed
        db.session.commit()

    def step(done: int, total: int | None = None, message: str | None = None) -> None:
        operations.progress(job, now(), done, total, message)
        db.session.commit()

    try:
        if handler is None:
            raise Refused(f"This app cannot do jobs of the kind {job.kind!r}.")
        with in_zone(getattr(job.user, "timezone", None)):
            done = handler(job, step)
    except (PdfError, OperationError) as error:
        db.session.rollback()
        _undo(job)
        operations.fail(job, now(), str(error), outcome=getattr(error, "outcome", None))
        log.info("job %s (%s) refused: %s", job.id, job.kind, error)
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _undo(job)
        operations.fail(job, now(), OUR_FAULT)
    else:
        operations.finish(job, now(), done.message, result=done.result,
                          result_name=done.result_name, result_type=done.result_type,
                          outcome=done.outcome)
    db.session.commit()


def _undo(job: Job) -> None:
    """Remove what a job of a kind that commits as it goes had committed (flushed)."""
    undo = current_app.extensions["job_undoers"].get(job.kind)
    if undo is not None:
        undo(job)


def reap(at: datetime) -> None:
    """The periodic check for jobs lost with a worker (see operations.reap)."""
    resend, failed = operations.reap(at)
    for job in failed:
        _undo(job)
    db.session.commit()
    queue = current_app.extensions["jobs"]
    for job in resend:
        queue.send(job.id)
    for job in failed:
        log.warning("job %s (%s) lost twice with its worker; marked failed", job.id, job.kind)
