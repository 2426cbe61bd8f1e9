"""`make loadtest`: Groundswell under load and faults, as an IT department would try it.

Against the production stack (`make serve`'s gunicorn with 4 sync workers and a job worker
beside it, on a fresh database): many champions log conversations at once for a while,
while a large stakeholder import and several sponsor-report PDFs run as jobs; halfway
through, one web worker and one job worker are killed with SIGKILL. Then it checks:

- no request answered 5xx, and the 95th percentile of conversation saves is under 1 s;
- every acknowledged conversation is in the database, and nothing else is (a save in
  flight when its web worker was killed may be stored without its answer arriving: it is
  counted as "lost in flight", never as stored twice);
- the import is all or nothing (every imported person or none), its job over;
- every PDF job ended (done, or failed with a message): none lost with its worker, once
  the reaper has run;
- the database passes its own integrity check (SQLite's PRAGMA integrity_check, and on
  both: every attendee row has its conversation);
- /healthz stayed fast (p99 reported, overall and while the PDFs rendered).

`python -m bench.loadtest --short` is the few-second form CI runs; `--database-url` points
it at PostgreSQL (its tables are dropped and rebuilt). Exit status 1 when a check fails.
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.security import generate_password_hash

from bench.server import fresh_sqlite, gunicorn

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".loadtest"
PASSWORD = "loadtest-password"
IMPORT_DOMAIN = "imported.loadtest.example"


# --- Set-up ------------------------------------------------------------------------------


def seed(app, champions: int, people: int) -> dict:
    """A campaign of `people`, a lead and `champions` champion accounts (cheap hashes)."""
    from app.campaigns.operations import set_member
    from app.extensions import db
    from app.models import Campaign, Engagement, Role, User
    from bench.seed import seed as seed_campaign

    with app.app_context():
        db.drop_all()
        db.create_all()
        seeded = seed_campaign(people=people, conversations=people * 2, log=lambda *a: None)
        campaign = db.session.get(Campaign, seeded.campaign_id)
        emails = []
        for number in range(champions):
            email = f"load-champion{number}@loadtest.example"
            user = User(email=email, name=f"Load Champion {number}", role=Role.champion,
                        password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"))
            db.session.add(user)
            db.session.flush()
            set_member(campaign, user, Role.champion)
            emails.append(email)
        db.session.commit()
        engagement_ids = list(db.session.scalars(
            db.select(Engagement.id).where(Engagement.campaign_id == campaign.id)
            .order_by(Engagement.id).limit(500)))
        return {"slug": seeded.slug, "lead": seeded.lead_email, "lead_password":
                seeded.lead_password, "champions": emails, "engagements": engagement_ids}


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise SystemExit(f"loadtest: {what} did not happen within {timeout:.0f} s")
        time.sleep(0.1)
    return found


# --- A browser-less client ----------------------------------------------------------------


class Client:
    """One signed-in person: a cookie jar, their CSRF token, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect)
        self.csrf = ""

    def request(self, path: str, data: bytes | None = None, headers=None,
                timeout: float = 120) -> tuple[int, str, dict]:
        request = urllib.request.Request(f"{self.base}{path}", data=data,
                                         headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return answer.status, answer.read().decode("utf-8", "replace"), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def post(self, path: str, fields: dict, timeout: float = 120):
        body = urllib.parse.urlencode({**fields, "csrf_token": self.csrf}, doseq=True)
        return self.request(path, body.encode(), timeout=timeout)

    def sign_in(self, email: str, password: str) -> None:
        status, page, _ = self.request("/login")
        self.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.post("/login", {"email": email, "password": password})
        if status != 302:
            raise SystemExit(f"loadtest: sign-in as {email} answered {status}")
        _, page, _ = self.request("/account/")
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        self.csrf = found.group(1) if found else self.csrf

    def job(self, location: str, timeout: float) -> str:
        """Poll a job's page until it is over; its final HTML (or the page it sent us to)."""
        path = urllib.parse.urlsplit(location).path
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, page, headers = self.request(path)
            if status in (302, 303):
                return f"followed to {headers['Location']}"
            if 'http-equiv="refresh"' not in page:
                return page
            time.sleep(0.5)
        return "still running"


# --- The run ------------------------------------------------------------------------------


@dataclass
class Tally:
    saves: list[float] = field(default_factory=list)
    acknowledged: int = 0
    refused: int = 0
    in_flight_lost: int = 0
    healthz_lost: int = 0
    server_errors: list[str] = field(default_factory=list)
    healthz: list[tuple[float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def champion_loop(base, email, slug, engagements, stop, tally: Tally, seed_value: int):
    rng = random.Random(seed_value)
    client = Client(base)
    client.sign_in(email, PASSWORD)
    stances = ["blocker", "sceptic", "neutral", "supporter", "champion"]
    while not stop.is_set():
        when = datetime.now() - timedelta(minutes=rng.randint(1, 600))
        fields = {
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "channel": "one_to_one",
            "duration_minutes": "30", "subject": "Load test",
            "attendees-0-engagement_id": str(rng.choice(engagements)),
            "attendees-0-stance_after": rng.choice(stances),
        }
        started = time.perf_counter()
        try:
            status, body, _ = client.post(f"/campaigns/{slug}/conversations/new", fields,
                                          timeout=30)
        except OSError:
            with tally.lock:  # the web worker answering it was killed
                tally.in_flight_lost += 1
            continue
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.saves.append(elapsed)
            if status in (302, 303):
                tally.acknowledged += 1
            elif status >= 500:
                tally.server_errors.append(f"conversation save {status}")
            else:
                tally.refused += 1


def healthz_loop(base, stop, tally: Tally):
    client = Client(base)
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _, _ = client.request("/healthz", timeout=10)
        except OSError:
            with tally.lock:  # the web worker answering it was killed: no answer, not a 5xx
                tally.healthz_lost += 1
            stop.wait(0.05)
            continue
        moment = time.monotonic()
        with tally.lock:
            tally.healthz.append((moment, time.perf_counter() - started))
            if status >= 500:
                tally.server_errors.append(f"/healthz {status}")
        stop.wait(0.05)


def import_csv(rows: int, run_tag: str) -> bytes:
    lines = ["name,email,title,department,level,stance"]
    for number in range(rows):
        lines.append(f"Imported Person {number},p{number}.{run_tag}@{IMPORT_DOMAIN},"
                     f"Analyst,Operations,worker,neutral")
    return ("\n".join(lines) + "\n").encode()


def post_file(client: Client, path: str, name: str, content: bytes):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
        f"{client.csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.request(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL"),
                        help="default: SQLite under .loadtest/")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--champions", type=int, default=50)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-kill", action="store_true", help="do not kill workers midway")
    parser.add_argument("--short", action="store_true",
                        help="CI's form: 12 s, 10 champions, a 1,000-row import, 2 PDFs")
    args = parser.parse_args(argv)
    if args.short:
        args.seconds, args.champions, args.import_rows, args.pdfs = 12, 10, 1000, 2

    WORK.mkdir(exist_ok=True)
    url = args.database_url or f"sqlite:///{WORK / 'loadtest.sqlite3'}"
    if url.startswith("sqlite:///"):
        fresh_sqlite(url)
    os.environ["LOG_LEVEL"] = "WARNING"

    from app import create_app

    started = time.perf_counter()
    world = seed(create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_URL": "memory://"}),
                 args.champions, people=2000)
    print(f"Seeded {url.split('@')[-1]}: 2,000 people, {args.champions} champions "
          f"({time.perf_counter() - started:.1f} s).")

    with gunicorn(url, args.workers, job_workers=2) as server:
        # This process runs the reaper, on the servers' job queue.
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_URL": server.jobs_url})
        wait_until(lambda: len(children(server.jobs.pid)) >= 2, 60, "the job worker start")
        failures = run(args, server, world, app, server.web, server.jobs)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("All checks passed.")
    return 0


def run(args, base, world, app, web, worker) -> list[str]:
    from app.extensions import db
    from app.jobs import runner
    from app.models import Conversation, Job, JobStatus, Stakeholder

    slug = world["slug"]
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(Conversation.id)))
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=healthz_loop, args=(base, stop, tally), daemon=True)]
    for number, email in enumerate(world["champions"]):
        threads.append(threading.Thread(
            target=champion_loop, daemon=True,
            args=(base, email, slug, world["engagements"], stop, tally, number)))
    for thread in threads:
        thread.start()

    lead = Client(base)
    lead.sign_in(world["lead"], world["lead_password"])
    run_tag = uuid.uuid4().hex[:8]
    asked = time.perf_counter()
    status, body, headers = post_file(lead, f"/campaigns/{slug}/stakeholders/import",
                                      "people.csv", import_csv(args.import_rows, run_tag))
    import_answer = time.perf_counter() - asked
    import_location = headers.get("Location", "") if status in (302, 303) else ""
    if status >= 500:
        tally.server_errors.append(f"import {status}")

    pdf_locations, pdf_started = [], time.monotonic()
    for _ in range(args.pdfs):
        status, _, headers = lead.post(f"/campaigns/{slug}/report.pdf", {})
        if status >= 500:
            tally.server_errors.append(f"report PDF {status}")
        if "/jobs/" in headers.get("Location", ""):
            pdf_locations.append(headers["Location"])

    killed = []
    time.sleep(args.seconds / 2)
    if not args.no_kill:
        for process, what in ((web, "web worker"), (worker, "job worker")):
            pids = children(process.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(f"{what} {pids[0]}")
    time.sleep(args.seconds / 2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    # The reaper, run with a clock past every job's time limit: jobs lost with the killed
    # job worker are sent again to the worker that replaced it.
    later = datetime.now(UTC) + timedelta(seconds=app.config["PDF_TIMEOUT_SECONDS"] + 61)
    with app.app_context():
        runner.reap(later)
    pdf_pages = [lead.job(location, timeout=300) for location in pdf_locations]
    pdfs_done = sum("Download" in page for page in pdf_pages)
    import_page = lead.job(import_location, timeout=600) if import_location else body
    import_seconds = time.perf_counter() - asked
    pdf_window = (pdf_started, time.monotonic())

    with app.app_context():
        stored = db.session.scalar(db.select(db.func.count(Conversation.id))) - before
        imported = db.session.scalar(db.select(db.func.count(Stakeholder.id))
                                     .where(Stakeholder.email.like(f"%.{run_tag}@%")))
        unfinished = db.session.scalar(db.select(db.func.count(Job.id)).where(
            Job.status.in_([JobStatus.queued, JobStatus.running])))
        integrity = integrity_check(db)

    saves = tally.saves
    health = [latency for _, latency in tally.healthz]
    health_pdf = [latency for moment, latency in tally.healthz
                  if pdf_window[0] <= moment <= pdf_window[1]]
    print(json.dumps({"killed": killed}))
    rows = [
        ("conversation saves", f"{len(saves)} ({len(saves) / args.seconds:.1f}/s)"),
        ("  p50 / p95 / max", f"{statistics.median(saves) * 1000:.0f} / "
                               f"{percentile(saves, .95) * 1000:.0f} / {max(saves) * 1000:.0f} ms"
         if saves else "none"),
        ("  acknowledged / stored / refused / lost in flight",
         f"{tally.acknowledged} / {stored} / {tally.refused} / {tally.in_flight_lost}"),
        ("5xx answers", str(len(tally.server_errors))),
        (f"import of {args.import_rows:,} rows", f"asked in {import_answer * 1000:.0f} ms, "
         f"over after {import_seconds:.1f} s, {imported:,} people stored"),
        (f"{args.pdfs} sponsor-report PDFs", f"{pdfs_done} done, "
         f"{len(pdf_pages) - pdfs_done} failed with a message"),
        ("/healthz p50 / p99", f"{statistics.median(health) * 1000:.0f} / "
                               f"{percentile(health, .99) * 1000:.0f} ms "
                               f"({tally.healthz_lost} lost with the killed worker)"
         if health else "none"),
        ("/healthz p99 while the PDFs ran", f"{percentile(health_pdf, .99) * 1000:.0f} ms "
                                            f"({len(health_pdf)} requests)"),
        ("jobs still queued or running", str(unfinished)),
        ("integrity check", integrity or "ok"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")

    failures = []
    if tally.server_errors:
        failures.append(f"5xx answers: {sorted(set(tally.server_errors))}")
    if saves and percentile(saves, .95) >= 1.0:
        failures.append(f"p95 of conversation saves is {percentile(saves, .95):.2f} s (goal < 1 s)")
    if not tally.acknowledged <= stored <= tally.acknowledged + tally.in_flight_lost:
        failures.append(f"{stored} conversations stored, {tally.acknowledged} acknowledged")
    if imported not in (0, args.import_rows):
        failures.append(f"the import stored {imported} of {args.import_rows} people")
    if import_location and imported == 0 and "alert-danger" not in import_page:
        failures.append("the import stored nobody and did not say why")
    if any(page == "still running" for page in pdf_pages) or unfinished:
        failures.append(f"{unfinished} jobs never ended")
    if integrity:
        failures.append(f"integrity: {integrity}")
    return failures


def integrity_check(db) -> str:
    """'' when the database is sound; otherwise what is wrong."""
    from app.models import Conversation, ConversationAttendee

    problems = []
    if db.engine.dialect.name == "sqlite":
        result = db.session.execute(db.text("PRAGMA integrity_check")).scalar()
        if result != "ok":
            problems.append(f"PRAGMA integrity_check: {result}")
    orphans = db.session.scalar(
        db.select(db.func.count(ConversationAttendee.conversation_id))
        .outerjoin(Conversation, Conversation.id == ConversationAttendee.conversation_id)
        .where(Conversation.id.is_(None)))
    if orphans:
        problems.append(f"{orphans} attendee rows without their conversation")
    return "; ".join(problems)


if __name__ == "__main__":
    sys.exit(main())
