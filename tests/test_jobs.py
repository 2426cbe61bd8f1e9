"""Long work runs as jobs: a person's own job page, the worker's bookkeeping, the reaper
that finds jobs lost with a worker, the PDF time limit and per-machine cap, and a real
`flask jobs work` process surviving kill -9 of its worker mid-job."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import create_app
from app import pdf as pdf_module
from app.demo.operations import demo_campaign, load_demo
from app.extensions import db
from app.formatting import user_clock
from app.jobs import operations, runner
from app.models import Job, JobStatus
from app.pdf import PdfError, PdfTimeout, render_slot, time_limit
from tests.conftest import stop_all

ROOT = Path(__file__).resolve().parent.parent


def asked(campaign, user, kind="report", **params):
    job = operations.ask(kind, campaign, user, {"today": "2026-10-14", **params})
    db.session.commit()
    return job


# --- The job page ----------------------------------------------------------------------


def test_a_waiting_job_refreshes_itself_and_shows_its_progress(campaign, users, as_lead):
    job = asked(campaign, users["lead"])
    operations.start(job, datetime.now(UTC))
    operations.progress(job, datetime.now(UTC), 250, 1000, "Checking rows")
    db.session.commit()
    page = as_lead.get(f"/campaigns/{campaign.slug}/jobs/{job.id}")
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "Checking rows: 250 of 1000" in page.text and 'aria-valuenow="25"' in page.text


def test_only_the_asker_sees_a_job_and_its_file(campaign, other_campaign, users, as_lead,
                                                login_as, run_jobs):
    job = asked(campaign, users["lead"])
    as_lead.application.extensions["jobs"].send(job.id)
    assert run_jobs() == 1
    db.session.expire_all()
    assert db.session.get(Job, job.id).status is JobStatus.done
    base = f"/campaigns/{campaign.slug}/jobs/{job.id}"
    assert as_lead.get(f"{base}/download").status_code == 200
    champion = login_as("champion")  # a member of the campaign, but not the asker
    assert champion.get(base).status_code == 404
    assert champion.get(f"{base}/download").status_code == 404
    admin = login_as("admin")
    assert admin.get(base).status_code == 404
    # Under another campaign's address the job does not exist either.
    other = f"/campaigns/{other_campaign.slug}/jobs/{job.id}"
    assert login_as("outsider").get(other).status_code == 404


def test_a_refused_request_sends_no_job(campaign, users, as_champion, run_jobs):
    response = as_champion.post(f"/campaigns/{campaign.slug}/briefings/new",
                                data={"audience": "director", "action": "generate"})
    assert response.status_code == 400
    assert run_jobs() == 0
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0


def test_a_job_rolled_back_with_its_transaction_is_never_sent(campaign, users, app, run_jobs):
    job = operations.ask("report", campaign, users["lead"], {})
    app.extensions["jobs"].send_after_commit(job.id)
    db.session.rollback()
    assert run_jobs() == 0


def test_our_failure_is_logged_and_reported_without_details(campaign, users, app, run_jobs,
                                                            caplog):
    def broken(job, step):
        raise RuntimeError("internal detail nobody should read")

    app.extensions["job_handlers"]["broken"] = broken
    job = asked(campaign, users["lead"], kind="broken")
    runner.run(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.failed and job.message == runner.OUR_FAULT
    assert "internal detail" in caplog.text
    runner.run(job.id)  # a job that is over is left alone
    assert db.session.get(Job, job.id).attempts == 1


def test_a_refusal_rolls_back_what_the_handler_wrote(campaign, users, app):
    from app.models import Landmine

    def half_then_refuse(job, step):
        db.session.add(Landmine(campaign_id=campaign.id, word="synergy", audiences=[],
                                suggestion="working together"))
        db.session.flush()
        raise runner.Refused("Row 3: no email.", outcome={"rows": [[3, "email", "missing"]]})

    app.extensions["job_handlers"]["half"] = half_then_refuse
    job = asked(campaign, users["lead"], kind="half")
    runner.run(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.failed and job.message == "Row 3: no email."
    assert job.outcome == {"rows": [[3, "email", "missing"]]}
    assert db.session.scalar(db.select(db.func.count(Landmine.id))
                             .filter_by(word="synergy")) == 0


# --- The reaper ------------------------------------------------------------------------


def test_the_reaper_sends_a_lost_job_again_then_gives_up(campaign, users, app, run_jobs):
    job = asked(campaign, users["lead"])
    now = datetime.now(UTC)
    operations.start(job, now)
    db.session.commit()
    limit = timedelta(seconds=app.config["PDF_TIMEOUT_SECONDS"]) + operations.GRACE

    runner.reap(now + limit - timedelta(seconds=1))  # still within its time: left alone
    assert db.session.get(Job, job.id).status is JobStatus.running and run_jobs() == 0

    runner.reap(now + limit + timedelta(seconds=1))
    assert db.session.get(Job, job.id).status is JobStatus.queued
    assert "Starting again" in db.session.get(Job, job.id).message
    assert app.extensions["jobs"].pending() == 1
    app.extensions["jobs"].huey.flush()

    operations.start(job, now)  # the second attempt's worker dies too
    db.session.commit()
    runner.reap(now + limit + timedelta(seconds=1))
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.failed and job.message == operations.LOST
    assert run_jobs() == 0


def test_the_reaper_resends_unstarted_jobs_and_forgets_old_ones(campaign, users, app, run_jobs):
    now = datetime.now(UTC)
    forgotten = asked(campaign, users["lead"])
    forgotten.created_at = now - operations.UNSTARTED - timedelta(seconds=1)
    old = asked(campaign, users["lead"])
    operations.finish(old, now - operations.KEEP_FINISHED - timedelta(hours=1), "Done")
    recent = asked(campaign, users["lead"])
    operations.finish(recent, now, "Done")
    db.session.commit()
    forgotten_id, old_id, recent_id = forgotten.id, old.id, recent.id
    runner.reap(now)
    assert run_jobs() == 1
    db.session.expire_all()
    assert db.session.get(Job, forgotten_id).status is JobStatus.done
    assert db.session.get(Job, old_id) is None and db.session.get(Job, recent_id) is not None


# --- PDF limits ------------------------------------------------------------------------


def test_a_render_past_its_time_limit_is_stopped(app, campaign, monkeypatch):
    app.config["PDF_TIMEOUT_SECONDS"] = 1

    class Slow:
        def __init__(self, **kwargs):
            pass

        def render(self):
            time.sleep(30)

    monkeypatch.setattr(pdf_module, "HTML", Slow)
    started = time.monotonic()
    with pytest.raises(PdfTimeout, match="longer than the 1-second limit"):
        pdf_module.render_pdf("print/base.html", campaign=campaign)
    assert time.monotonic() - started < 3


def test_the_time_limit_leaves_quick_work_alone():
    with time_limit(5, "too slow"):
        total = sum(range(1000))
    assert total == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_renders_beyond_the_machines_cap_wait_then_give_up(app):
    held, release = threading.Event(), threading.Event()

    def hold():
        with app.app_context(), render_slot(1, 5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        with pytest.raises(PdfError, match="Too many documents"):
            with render_slot(1, 1):
                pass
        assert 0.9 < time.monotonic() - started < 3
        with render_slot(2, 1):  # a second slot is free at once
            pass
    finally:
        release.set()
        holder.join()
    with render_slot(1, 1):  # and the first is free again
        pass


# --- A real worker process -------------------------------------------------------------


def worker_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


@pytest.fixture
def job_worker(database_url, tmp_path, app):
    """Starts `flask jobs work` on the test's database and gunicorn_server's queue file."""
    started = []

    def start(workers: int = 1) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "jobs", "work",
             "--workers", str(workers)],
            cwd=ROOT, start_new_session=True,
            env={**os.environ, "DATABASE_URL": database_url,
                 "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                 "SECRET_KEY": app.config["SECRET_KEY"]},
            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115
        )
        started.append(process)
        deadline = time.monotonic() + 60
        while len(worker_children(process.pid)) < workers:
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the job worker did not start"
            time.sleep(0.1)
        return process

    yield start
    stop_all(started, timeout=15)


def wait_for(condition, timeout=60.0, what="the job"):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} did not get there in {timeout} s"
        time.sleep(0.1)
    return found


def job_status(job_id: int) -> Job:
    db.session.rollback()  # read what other processes committed
    return db.session.get(Job, job_id)


@pytest.mark.commits
def test_a_worker_killed_mid_job_loses_nothing(gunicorn_server, job_worker, users, app,
                                               tmp_path, database_url):
    # The reaper below runs in this process, as an app configured like the servers.
    reaper = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x",
                         "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}"})
    load_demo(user_clock())
    db.session.commit()
    campaign = demo_campaign()
    server = gunicorn_server(workers=2)
    worker = job_worker(workers=1)

    import http.cookiejar
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"email": "lead@demo.groundswell.example",
                                   "password": "demo-lead-password"})
    opener.open(f"{server}/login", data=form.encode()).read()

    with opener.open(urllib.request.Request(
            f"{server}/campaigns/{campaign.slug}/report.pdf", data=b"", method="POST")) as page:
        job_url = page.url
    job_id = int(re.search(r"/jobs/(\d+)$", job_url).group(1))

    # Kill -9 the worker process while it works on the report.
    wait_for(lambda: job_status(job_id).status is not JobStatus.queued, what="the job start")
    victims = worker_children(worker.pid)
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    was_running = job_status(job_id).status is JobStatus.running
    if was_running:
        # Lost with its worker: the consumer starts a new worker process, and the reaper
        # (run here with a clock past the job's time limit) sends the job again.
        wait_for(lambda: set(worker_children(worker.pid)) - set(victims), what="a new worker")
        later = datetime.now(UTC) + timedelta(seconds=app.config["PDF_TIMEOUT_SECONDS"]) \
            + operations.GRACE + timedelta(seconds=1)
        with reaper.app_context():
            runner.reap(later)
    done = wait_for(lambda: (job := job_status(job_id)).over and job)
    assert done.status is JobStatus.done, done.message
    assert done.attempts == (2 if was_running else 1)

    with opener.open(job_url) as page:
        html = page.read().decode()
    link = re.search(r'href="([^"]+/download)"', html).group(1)
    with opener.open(f"{server}{link}") as download:
        body = download.read()
        assert download.headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and len(body) > 10_000
