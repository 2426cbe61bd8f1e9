"""Changing jobs: asking for one, a worker's steps through it, and the reaper.

Each function flushes; the caller commits (the request's commit point, or the worker in
app/jobs/runner.py, which commits a job's start, its progress and its end separately so
the person watching sees them).
"""

from datetime import datetime, timedelta

from flask import current_app

from app.extensions import db
from app.models import Job, JobStatus

#: A worker that has shown no sign of life for this long, past the work's own time limit,
#: is taken to have died: its job is sent again or, after MAX_ATTEMPTS, marked failed.
GRACE = timedelta(seconds=60)
MAX_ATTEMPTS = 2
#: A queued job no worker has started this long after it was asked for is sent again
#: (its message to the queue may have been lost, e.g. Redis restarted).
UNSTARTED = timedelta(minutes=2)
#: Finished jobs, their files and reports, are deleted this long after they end.
KEEP_FINISHED = timedelta(days=1)

LOST = ("The worker making this stopped before it finished (it was restarted or ran out "
        "of memory). Nothing was saved; try again.")


def ask(kind: str, campaign, user, params: dict, *, payload: bytes | None = None,
        cache_key: str | None = None, message: str = "Waiting for a worker") -> Job:
    """A new queued job; the caller sends it to the queue after commit."""
    job = Job(kind=kind, campaign_id=getattr(campaign, "id", None),
              user_id=getattr(user, "id", None), params=params, payload=payload,
              cache_key=cache_key, message=message, outcome={}, status=JobStatus.queued)
    db.session.add(job)
    db.session.flush()
    return job


def start(job: Job, now: datetime) -> None:
    job.status = JobStatus.running
    job.attempts += 1
    job.started_at = job.heartbeat_at = now
    job.message = "Working on it"
    db.session.flush()


def progress(job: Job, now: datetime, done: int, total: int | None = None,
             message: str | None = None) -> None:
    """A step forward: `done` of `total` (rows, pages...), and what is happening."""
    job.progress_done = done
    if total is not None:
        job.progress_total = total
    if message is not None:
        job.message = message
    job.heartbeat_at = now
    db.session.flush()


def finish(job: Job, now: datetime, message: str, *, result: bytes | None = None,
           result_name: str | None = None, result_type: str | None = None,
           outcome: dict | None = None) -> None:
    job.status = JobStatus.done
    job.finished_at = job.heartbeat_at = now
    job.message = message
    job.payload = None
    if result is not None:
        job.result, job.result_name, job.result_type = result, result_name, result_type
    if outcome is not None:
        job.outcome = outcome
    if job.progress_total:
        job.progress_done = job.progress_total
    db.session.flush()


def fail(job: Job, now: datetime, message: str, *, outcome: dict | None = None) -> None:
    """The job is over without a result; `message` (and an import's `outcome` report) says why."""
    job.status = JobStatus.failed
    job.finished_at = job.heartbeat_at = now
    job.message = message
    job.payload = None
    if outcome is not None:
        job.outcome = outcome
    db.session.flush()


def _time_limit(job: Job) -> timedelta:
    """How long a job may go without a sign of life before it is taken for lost."""
    seconds = current_app.config["PDF_TIMEOUT_SECONDS"] if job.kind != "import" else 0
    return timedelta(seconds=seconds) + GRACE


def reap(now: datetime) -> tuple[list[Job], list[Job]]:
    """Jobs whose worker died, and queued jobs nobody picked up: send again (returned
    first) or fail (returned second); and delete long-finished jobs."""
    resend, failed = [], []
    running = db.session.scalars(
        db.select(Job).where(Job.status == JobStatus.running)
    ).all()
    for job in running:
        if job.heartbeat_at and now - job.heartbeat_at <= _time_limit(job):
            continue
        if job.attempts < MAX_ATTEMPTS:
            job.status, job.message = JobStatus.queued, "Starting again after a worker stopped"
            resend.append(job)
        else:
            fail(job, now, LOST)
            failed.append(job)
    stale = db.session.scalars(
        db.select(Job).where(Job.status == JobStatus.queued, Job.started_at.is_(None),
                             Job.created_at < now - UNSTARTED)
    ).all()
    resend.extend(stale)
    db.session.execute(
        db.delete(Job).where(Job.status.in_([JobStatus.done, JobStatus.failed]),
                             Job.finished_at < now - KEEP_FINISHED)
    )
    db.session.flush()
    return resend, failed
