"""The headline: pages over HTTP through gunicorn, as users meet them, against /healthz.

A gunicorn with 2 sync workers (and a job worker) serves the bench database; one signed-in
HTTP client asks for each page in turn, each request followed by one to /healthz (one
SELECT 1) on the same server, and each page's p50 is divided by /healthz's, so the figure
says how many "empty requests" a page costs on whatever machine runs it. Then a gunicorn
with 4 workers takes concurrent load (LOAD_THREADS clients) on the dashboard and on the
conversation form, each against /healthz under the same load.

"Of which SQL" is the page's own statements replayed on a raw connection (bench/measure.py):
where the rest of the time goes is Python, templates and the network.
"""

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import g, render_template
from weasyprint import HTML

from app.dashboard import metrics, summary
from app.dashboard.jobs import render_report
from app.dashboard.metrics import Filters, Scope
from app.extensions import db
from app.models import Campaign, Conversation, Stance
from bench.client import Browser, csrf_token, latencies_ms, load, paired_latencies_ms, percentile
from bench.measure import (
    Goal,
    HttpRow,
    LoadRow,
    Statement,
    capture_statements,
    median_ms,
    replay_ms,
)
from bench.server import gunicorn

#: Issue 13's goals: p50 within so many ms, or within so many times /healthz's p50.
STAKEHOLDER_LIST = Goal(50, 8)
PERSON_PAGE = Goal(60, 10)
OBJECTION_REGISTER = Goal(60, 10)
DASHBOARD = Goal(150, 25)
REPORT_PDF = Goal(1500)

#: The sponsor report: a POST asks a job worker for it, then the job's page offers it.
REPORT_PATH = "/report.pdf"
_DOWNLOAD = re.compile(r'href="([^"]+/jobs/\d+/download)"')
#: How often the bench looks at the job's page, and for how long at most.
JOB_POLL_S = 0.05
REPORT_TIMEOUT_S = 120
#: Requests to /healthz for its p50: cheap, and the yardstick of every ratio.
HEALTHZ_REPEAT = 200
#: Seconds of requests per page: a page that takes seconds (the dashboard at 20,000 people,
#: PDFs, the whole-log CSV) stops early, after at least MIN_RUNS, to keep the bench short.
PAGE_BUDGET_S = 10.0
MIN_RUNS = 3
#: Runs of each page's SQL replay (a secondary figure: a median of a few is enough).
SQL_REPEAT = 3
LATENCY_WORKERS = 2
LOAD_WORKERS = 4
LOAD_THREADS = 8


def run(ctx) -> list:
    """Every page's latency over HTTP, then throughput under load."""
    with gunicorn(ctx.database_url, LATENCY_WORKERS) as base_url:
        browser = _signed_in(ctx, base_url)
        try:
            rows = _latencies(ctx, browser)
        finally:
            browser.close()
    if ctx.load_seconds > 0:
        with gunicorn(ctx.database_url, LOAD_WORKERS) as base_url:
            browser = _signed_in(ctx, base_url)
            try:
                rows += _throughput(ctx, browser)
            finally:
                browser.close()
    return rows


def _signed_in(ctx, base_url: str) -> Browser:
    browser = Browser(base_url)
    browser.sign_in(ctx.lead_email, ctx.lead_password)
    return browser


def _pages(ctx) -> list[tuple[str, str, Goal | None]]:
    """(case, path, goal) of each page read with a GET (CSVs are jobs: see _latencies)."""
    person = ctx.busy_stakeholder_ids[0]
    deep = max(1, ctx.people // ctx.app.config["PER_PAGE"] // 2)
    past_day = (datetime.now(UTC) - timedelta(days=60)).date().isoformat()
    return [
        ("stakeholder list, page 1", "/stakeholders/", STAKEHOLDER_LIST),
        ("stakeholder list, manager+sceptic, by contact",
         "/stakeholders/?level=manager&stance=sceptic&sort=-last_contact", STAKEHOLDER_LIST),
        (f"stakeholder list, page {deep}", f"/stakeholders/?page={deep}", STAKEHOLDER_LIST),
        (f"person page, {ctx.attendance.get(person, 0):,} conversations",
         f"/stakeholders/{person}", PERSON_PAGE),
        ("objection register", "/objections/", OBJECTION_REGISTER),
        ("conversations list", "/conversations/", None),
        ("dashboard, whole campaign", "/dashboard/", DASHBOARD),
        ("dashboard, one department", "/dashboard/?department=Risk", DASHBOARD),
        ("dashboard, as of 60 days ago", f"/dashboard/?to={past_day}", DASHBOARD),
    ]


def _latencies(ctx, browser: Browser) -> list[HttpRow]:
    healthz = latencies_ms(lambda: browser.get("/healthz"), HEALTHZ_REPEAT, warmup=5)
    healthz_ms = percentile(healthz, 0.5)
    rows = [HttpRow("/healthz (SELECT 1), in a row", healthz_ms, percentile(healthz, 0.95),
                    healthz_ms, runs=len(healthz),
                    note=f"gunicorn with {LATENCY_WORKERS} sync workers")]
    for case, path, goal in _pages(ctx):
        url = ctx.url(path)
        rows.append(_row(ctx, browser, case, lambda url=url: browser.get(url), goal,
                         sql=_in_process_get(ctx, url)))
    rows += _conversation_form(ctx, browser)
    rows.append(_report(ctx, browser))
    # CSVs are export jobs: ask, wait, download. No goal, no SQL replay; the whole log at
    # 200,000 conversations takes seconds: one timed run at least.
    rows.append(_row(ctx, browser, "dashboard CSV: next conversations (job)",
                     _through_job(ctx, browser, "/dashboard/next-conversations.csv",
                                  _is_csv), None, note="no goal; no SQL replay"))
    rows.append(_row(ctx, browser, "conversation log CSV, whole log (job)",
                     _through_job(ctx, browser, "/conversations/export.csv", _is_csv),
                     None, at_least=1,
                     note=f"no goal; runs stop after {PAGE_BUDGET_S:g} s (one at least); "
                          "no SQL replay"))
    return rows


def _row(ctx, browser: Browser, case: str, fetch, goal: Goal | None, *, sql=None,
         note: str = "", at_least: int = MIN_RUNS) -> HttpRow:
    """`fetch` timed over HTTP, turn about with /healthz; `sql` (an in-process fetch) gives
    the SQL column."""
    times, healthz = paired_latencies_ms(fetch, lambda: browser.get("/healthz"), ctx.repeat,
                                         budget_s=PAGE_BUDGET_S, at_least=at_least)
    return HttpRow(case, percentile(times, 0.5), percentile(times, 0.95),
                   percentile(healthz, 0.5), _sql_ms(ctx, sql) if sql else None, goal,
                   note=note, runs=len(times))


def _in_process_get(ctx, url: str):
    """The same GET through the in-process test client, read to the end (for its SQL)."""
    def fetch():
        response = ctx.client.get(url)
        response.get_data()
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} in process answered {response.status_code}")
    return fetch


def _sql_ms(ctx, fetch, *, prepare=None, commit=False) -> float | None:
    """What the request's SQL costs replayed alone, or None when --no-sql."""
    if not ctx.sql:
        return None
    statements: list[Statement] = capture_statements(ctx.app, fetch)
    # Capturing ran the request once more: the database's caches are as warm as can be.
    return replay_ms(ctx.engine, statements, SQL_REPEAT, prepare=prepare, commit=commit,
                     warmup=False)


def _conversation_form(ctx, browser: Browser) -> list[HttpRow]:
    """The log-a-conversation form: GET it, then POST it with its token, `repeat` times
    (turn about with /healthz); every POST must save one conversation."""
    form_url, conversation = ctx.url("/conversations/new"), _conversation_data(ctx)
    before = _conversations(ctx)
    gets, posts, healthz = [], [], []
    for turn in range(ctx.repeat + 1):
        start = time.perf_counter()
        browser.get("/healthz")
        asked = time.perf_counter()
        token = csrf_token(browser.get(form_url))
        shown = time.perf_counter()
        browser.submit(form_url, conversation(turn), token)
        if turn:  # the first is a warm-up
            healthz.append((asked - start) * 1000)
            gets.append((shown - asked) * 1000)
            posts.append((time.perf_counter() - shown) * 1000)
    healthz_ms = percentile(healthz, 0.5)
    saved = _conversations(ctx) - before
    if saved != ctx.repeat + 1:
        raise RuntimeError(f"{ctx.repeat + 1} conversation form POSTs saved {saved}")

    def post_in_process():
        response = ctx.client.post(form_url, data=conversation(0))
        if response.status_code != 302:
            raise RuntimeError(f"POST {form_url} in process answered {response.status_code}")
        with ctx.client.session_transaction() as session:
            session.pop("_flashes", None)

    return [
        HttpRow("conversation form (GET)", percentile(gets, 0.5), percentile(gets, 0.95),
                healthz_ms, _sql_ms(ctx, _in_process_get(ctx, form_url)), runs=len(gets)),
        HttpRow("conversation form POST (saves, 2 people)", percentile(posts, 0.5),
                percentile(posts, 0.95), healthz_ms,
                _sql_ms(ctx, post_in_process, prepare=_forget_newest_conversation(ctx),
                        commit=True), runs=len(posts),
                note=f"{saved} conversations saved by {saved} POSTs (counted in the "
                     "database); its SQL includes the commit"),
    ]


def _conversation_data(ctx):
    """The form as a champion fills it in: two attendees, one of whom moves each time."""
    manager, worker = ctx.attendee_engagement_ids

    def data(turn: int) -> dict:
        when = (datetime.now(UTC) - timedelta(hours=2)).astimezone(ctx.zone)
        return {
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "channel": "meeting",
            "duration_minutes": "30",
            "subject": "Team space walk-through",
            "summary": "Showed the **questions forum**; both will try it this week.",
            "attendees-0-engagement_id": str(manager),
            "attendees-0-stance_after": Stance.supporter.name,
            "attendees-1-engagement_id": str(worker),
            "attendees-1-stance_after": (Stance.neutral if turn % 2 else Stance.supporter).name,
        }
    return data


def _conversations(ctx) -> int:
    with ctx.app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Conversation)
                                 .where(Conversation.campaign_id == ctx.campaign_id))


def _forget_newest_conversation(ctx):
    def prepare(cursor):
        # Inside the replay's transaction: remove the newest conversation (the captured
        # request's, then each replay's), so the replayed INSERT gets the same id back and
        # the captured statements that name that id fit.
        cursor.execute("SELECT MAX(id) FROM conversation")
        (conversation_id,) = cursor.fetchone()
        for table in ("stance_change", "conversation_attendee", "exposure", "follow_up",
                      "objection"):
            # Fixed table names and an id read back from the database: no outside input.
            cursor.execute(f"DELETE FROM {table} WHERE conversation_id = {conversation_id}")  # nosec B608
        cursor.execute(f"DELETE FROM conversation WHERE id = {conversation_id}")  # nosec B608
        if ctx.dialect == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('conversation', 'id'), "
                           f"{conversation_id - 1})")
    return prepare


def _report(ctx, browser: Browser) -> HttpRow:
    """The sponsor report PDF, asked for until its bytes are in hand: the POST, the job's
    page until the job worker is done, the download. Against WeasyPrint alone laying out
    the same HTML."""
    fetch = _through_job(ctx, browser, REPORT_PATH, lambda content: content.startswith(b"%PDF"))
    row = _row(ctx, browser, "sponsor report PDF (job: ask, wait, download)", fetch,
               REPORT_PDF, sql=_render_report_in_process(ctx))
    html = _report_html(ctx)
    static = Path(ctx.app.static_folder).resolve().as_uri() + "/"
    layout = median_ms(lambda: HTML(string=html, base_url=static).write_pdf(), row.runs)
    floor = layout + (row.sql_ms or 0)
    row.note = (f"floor {floor:.0f} ms = WeasyPrint alone on the same HTML ({layout:.0f} ms)"
                + (f" + its SQL ({row.sql_ms:.0f} ms)" if row.sql_ms else "")
                + f"; asking for it is {row.p50_ms / floor:.2f}x that (the job's page, polled "
                  f"every {JOB_POLL_S * 1000:g} ms here, refreshes every 2 s in a browser)")
    return row


def _is_csv(content: bytes) -> bool:
    return b"," in content.partition(b"\n")[0]


def _through_job(ctx, browser: Browser, path: str, looks_right):
    """A fetch that asks for a job's file with a POST to `path`, polls the job's page until
    the worker is done, and downloads the file (`looks_right(content)` must hold)."""
    url = ctx.url(path)
    token = csrf_token(browser.get(ctx.url("/dashboard/")))

    def fetch():
        job = browser.submit(url, {}, token).headers["Location"]
        deadline = time.monotonic() + REPORT_TIMEOUT_S
        while True:
            page = browser.get(job).text
            if link := _DOWNLOAD.search(page):
                break
            if 'http-equiv="refresh"' not in page or time.monotonic() > deadline:
                raise RuntimeError(f"the job for {path} made no file:\n{page[:2000]}")
            time.sleep(JOB_POLL_S)
        if not looks_right(browser.get(link.group(1)).content):
            raise RuntimeError(f"{link.group(1)} (from {path}) is not what was asked for")

    return fetch


def _report_scope(ctx) -> Scope:
    campaign = db.session.get(Campaign, ctx.campaign_id)
    g.campaign = campaign
    now = datetime.now(UTC)
    return Scope(campaign, Filters(), now, now.date())


def _render_report_in_process(ctx):
    """What the job does, here (for its SQL)."""
    def render():
        with ctx.app.test_request_context():
            render_report(_report_scope(ctx))
    return render


def _report_html(ctx) -> str:
    """The report's HTML exactly as app.pdf.render_pdf would lay it out."""
    with ctx.app.test_request_context():
        scope = _report_scope(ctx)
        return render_template("print/report.html", board=summary.build(scope), scope=scope,
                               campaign=scope.campaign, score_formula=metrics.SCORE_FORMULA,
                               stances=metrics.STANCE_ORDER, generated_on=scope.today)


def _throughput(ctx, browser: Browser) -> list[LoadRow]:
    """Requests per second with LOAD_THREADS clients, each against /healthz's."""
    dashboard, form_url = ctx.url("/dashboard/"), ctx.url("/conversations/new")
    conversation = _conversation_data(ctx)

    def healthz(client: Browser) -> int:
        client.get("/healthz")
        return 1

    def dashboard_page(client: Browser) -> int:
        client.get(dashboard)
        return 1

    def log_conversation(client: Browser) -> int:
        token = csrf_token(client.get(form_url))
        client.submit(form_url, conversation(0), token)
        return 2

    def under_load(one_round):
        return load(browser, one_round, LOAD_THREADS, ctx.load_seconds)

    base = under_load(healthz)
    shown = under_load(dashboard_page)
    before = _conversations(ctx)
    logged = under_load(log_conversation)
    saved = _conversations(ctx) - before
    if saved != logged.requests // 2:
        raise RuntimeError(f"{logged.requests // 2} conversation POSTs under load saved {saved}")
    how = (f"gunicorn with {LOAD_WORKERS} sync workers, {LOAD_THREADS} client threads, "
           f"{ctx.load_seconds:g} s each")
    return [
        LoadRow("/healthz", base.requests, base.per_second, base.per_second, note=how),
        LoadRow("dashboard, whole campaign", shown.requests, shown.per_second,
                base.per_second),
        LoadRow("conversation form, GET + POST", logged.requests, logged.per_second,
                base.per_second,
                note=f"{saved} conversations saved ({saved / logged.seconds:.1f}/s), "
                     "each a GET and a POST"),
    ]
