"""`flask jobs work`: the job worker, for `make run`, `make serve` and worker machines."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.group("jobs")
def jobs_cli() -> None:
    """Long work (PDFs, imports) done off the request path."""


@jobs_cli.command("work")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: JOB_WORKERS, 2).")
@with_appcontext
def work(workers: int | None) -> None:
    """Run jobs as they are asked for, until stopped (Ctrl-C or SIGTERM finish the jobs
    under way; a second Ctrl-C stops at once)."""
    queue = current_app.extensions["jobs"]
    # Each worker process is forked from this one: it must not inherit open connections.
    db.engine.dispose()
    consumer = queue.huey.create_consumer(
        workers=workers or current_app.config["JOB_WORKERS"],
        worker_type="process",
        periodic=True,
        check_worker_health=True,
        health_check_interval=5,
    )
    consumer.run()


@jobs_cli.command("run-pending")
@with_appcontext
def run_pending() -> None:
    """Run the jobs waiting in the queue here, then stop (for scripts and debugging)."""
    ran = current_app.extensions["jobs"].run_pending(limit=10_000)
    click.echo(f"Ran {ran} job{'s' if ran != 1 else ''}.")


commands = (jobs_cli,)
