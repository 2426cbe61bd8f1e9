"""The app under gunicorn on the bench database, with a job worker beside it, as
`make serve` runs them in production.

Configured from the environment only (DATABASE_URL, SECRET_KEY, JOBS_URL; CSRF on), like
`wsgi.py` in production; tests/conftest.py's `gunicorn_server` fixture starts the suite's
servers the same way.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Gunicorn settings file: each worker says when it has loaded the app and can answer.
_HOOKS = """
def post_worker_init(worker):
    worker.log.info("Worker ready (pid: %s)", worker.pid)
"""


class Server(str):
    """The base URL, with the gunicorn master (`web`), the job worker (`jobs`) and the job
    queue's URL (`jobs_url`), for a caller that kills workers or runs the reaper."""

    web: subprocess.Popen
    jobs: subprocess.Popen
    jobs_url: str


@contextmanager
def gunicorn(database_url: str, workers: int, timeout: float = 60.0,
             job_workers: int = 1) -> Iterator[Server]:
    """Serve `wsgi:app` on `database_url` with `workers` sync workers on a free 127.0.0.1
    port, and a job worker (`flask jobs work`, `job_workers` processes) on a job queue of
    their own; yields the base URL once every worker has loaded the app and /healthz
    answers."""
    with tempfile.TemporaryDirectory(prefix="groundswell-bench-") as run:
        settings, error_log = Path(run, "settings.py"), Path(run, "error.log")
        settings.write_text(_HOOKS)
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith("GROUNDSWELL_WTF_")}
        jobs_url = f"sqlite:///{Path(run, 'jobs.sqlite3')}"
        environment.update(DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(32),
                           JOBS_URL=jobs_url)
        processes = []
        try:
            # --timeout 120: the whole-log CSV can outlast gunicorn's default 30 s on a busy
            # machine, and a killed worker would end the bench.
            processes.append(_start(
                ["-m", "gunicorn", "--config", str(settings), "--chdir", str(ROOT),
                 "--workers", str(workers), "--worker-class", "sync",
                 "--bind", "127.0.0.1:0", "--graceful-timeout", "5", "--timeout", "120",
                 "--error-logfile", str(error_log), "--log-level", "info", "wsgi:app"],
                environment))
            processes.append(_start(["-m", "flask", "--app", "app", "jobs", "work",
                                     "--workers", str(job_workers)], environment))
            server = Server(_wait_until_ready(processes[0], error_log, workers, timeout))
            server.web, server.jobs, server.jobs_url = *processes, jobs_url
            yield server
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def fresh_sqlite(url: str) -> None:
    """Delete a SQLite database (and its WAL files) so the run starts from nothing."""
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _start(arguments: list[str], environment: dict[str, str]) -> subprocess.Popen:
    """This interpreter running `arguments` in the checkout, in a process group of its own."""
    return subprocess.Popen(
        [sys.executable, *arguments], cwd=ROOT, env=environment, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _wait_until_ready(process: subprocess.Popen, error_log: Path, workers: int,
                      timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        log = error_log.read_text() if error_log.exists() else ""
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log)
        if listening and log.count("Worker ready") >= workers:
            url = listening.group(1)
            try:
                # Our own server on 127.0.0.1, a fixed http:// URL.
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:  # nosec B310
                    if answer.status == 200:
                        return url
            except OSError:
                pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start ({workers} workers):\n{log}")
        time.sleep(0.1)
