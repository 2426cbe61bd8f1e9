"""The task queue: Huey, on SQLite storage by default and on Redis for several machines.

`JOBS_URL` picks the storage: `sqlite:///path` (the default: a file beside the app's
SQLite database; one machine), `redis://host:port/db` (app servers and job workers on
several machines), or `memory://` (tests that run jobs in their own process). Huey carries
only job ids; the `job` table holds what the job is and what came of it.

A job is sent only after the transaction that created its row has committed (a worker
must find the row), and never when that transaction rolls back.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

PENDING = "groundswell_jobs_to_send"


@dataclass
class Queue:
    """The app's Huey and its one task, which runs a job by id."""

    huey: Huey
    run_job: object

    def send(self, job_id: int) -> None:
        self.run_job(job_id)

    def send_after_commit(self, job_id: int) -> None:
        """Send the job once the current transaction commits (dropped if it rolls back)."""
        db.session().info.setdefault(PENDING, []).append((self, job_id))

    def run_pending(self, limit: int = 100) -> int:
        """Run queued tasks here, one after another (tests, and `flask jobs run-pending`).
        Returns how many ran."""
        ran = 0
        while ran < limit and (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            ran += 1
        return ran

    def pending(self) -> int:
        return self.huey.pending_count()


def make_huey(url: str, instance_path: str) -> Huey:
    """The Huey instance `JOBS_URL` names."""
    name = "groundswell"
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_absolute():
            path = Path(instance_path) / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), timeout=10)
    if url == "memory://":
        return MemoryHuey(name)
    raise ValueError(f"JOBS_URL must start with sqlite:///, redis:// or be memory://, not {url!r}")


def init_app(app: Flask, run, reap) -> Queue:
    """Build the app's queue; `run(job_id)` and `reap(now)` do the work in an app context."""
    huey = make_huey(app.config["JOBS_URL"], app.instance_path)

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            run(job_id)

    @huey.periodic_task(crontab(minute="*"), name="reap_jobs")
    def reap_jobs() -> None:
        with app.app_context():
            reap(datetime.now(UTC))

    @huey.on_startup(name="fresh_connections")
    def fresh_connections() -> None:
        # A forked worker must not share the parent's database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    queue = Queue(huey, run_job)
    app.extensions["jobs"] = queue
    return queue


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    for queue, job_id in session.info.pop(PENDING, []):
        queue.send(job_id)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING, None)
