"""Fixtures: one app per test process on a real database (SQLite, or PostgreSQL via
TEST_DATABASE_URL; one database per pytest-xdist worker), each test rolled back at the end
(or, marked `commits`, committed and emptied), users for every role, a campaign they are
members of, and signed-in clients."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.security import generate_password_hash

from app import create_app
from app.campaigns.operations import create_campaign, set_member
from app.extensions import db
from app.models import Phase, Role, User

# The briefing modules' shared fixtures (`library`, `setting`).
pytest_plugins = ["tests.briefing_fixtures"]

PASSWORD = "correct horse battery"
# Hashing once, cheaply, keeps a few hundred sign-ins from costing minutes of scrypt.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _worker() -> str | None:
    """The pytest-xdist worker running this process ("gw0", "gw1"...), or None."""
    return os.environ.get("PYTEST_XDIST_WORKER")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """This process's test database: a SQLite file of its own, or, under TEST_DATABASE_URL,
    that PostgreSQL database (one pytest process) or `<its name>_gw0`, `_gw1`... created on
    the same server for each xdist worker and dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    worker = _worker()
    if not worker or not url.startswith("postgresql"):
        yield url
        return
    server, name = url.rsplit("/", 1)
    name = f"{name}_{worker}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{server}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class _FreshContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as on a real
    server: nothing in `g` (the signed-in user, the campaign) outlives a request, and the
    request has its own database session. The test's session is committed first, so the
    request sees what the test set up (on the fast path nothing is committed for real: see
    `app`), and its objects are expired, so the test then sees what the request changed."""

    def open(self, *args, **kwargs):
        if self.preserve_context or not has_app_context():
            return super().open(*args, **kwargs)
        db.session.commit()
        # Buffered: a streamed body is read while the request's context is still there.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


class _JoinedSession(FlaskSQLAlchemySession):
    """A session on the test's one connection when it was given one (Flask-SQLAlchemy's
    session otherwise always picks the engine)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(scope="session")
def _app(database_url):
    """One app per test process (per xdist worker), with the schema created once."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret",
            # Jobs wait in this process's memory until a test runs them (`run_jobs`).
            "JOBS_URL": "memory://",
            # Request lines at INFO would bury a failing test's output; tests that read
            # the logs lower it (tests/test_operable.py).
            "LOG_LEVEL": "WARNING",
        }
    )
    app.test_client_class = _FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


#: Fixtures whose code reads the database from another thread or process: their tests
#: commit for real (see `app`).
_COMMITTING_FIXTURES = {"live_server", "gunicorn_server"}


def pytest_collection_modifyitems(items):
    for item in items:
        if _COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.commits)


@contextmanager
def _rolled_back():
    """Everything the test and its requests write stays in one transaction on one
    connection, rolled back at the end: each session (the test's, each request's, the CLI's)
    joins it and commits to a SAVEPOINT only (SQLAlchemy's "Joining a Session into an
    External Transaction")."""
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself, late, and would let the first RELEASE
        # SAVEPOINT commit for real; let SQLAlchemy's BEGIN through instead (the recipe in
        # SQLAlchemy's SQLite dialect docs, for this connection only).
        driver = connection.connection.driver_connection
        driver.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    app_session = db.session
    db.session = scoped_session(
        sessionmaker(db=db, class_=_JoinedSession, query_cls=db.Query, bind=connection,
                     join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = app_session
        outer.rollback()
        if sqlite:
            driver.isolation_level = ""
        connection.close()


@pytest.fixture
def app(_app, request):
    """The app, inside an app context for the test's own database work.

    By default everything the test writes is rolled back at the end (fast). Tests marked
    `@pytest.mark.commits`, and every test using `live_server` or `gunicorn_server` (other
    threads and processes read the database on their own connections), commit for real and
    have every table emptied afterwards."""
    config, extensions = dict(_app.config), dict(_app.extensions)
    try:
        with _app.app_context():
            if request.node.get_closest_marker("commits"):
                try:
                    yield _app
                finally:
                    db.session.rollback()
                    _empty_tables()
            else:
                with _rolled_back():
                    yield _app
    finally:
        _app.extensions["jobs"].huey.flush()
        _app.config.clear()
        _app.config.update(config)
        _app.extensions.clear()
        _app.extensions.update(extensions)


@dataclass
class JobRun:
    """What `through_job` saw: the job's page once the job was over, and its file."""

    page: object
    file: object | None

    @property
    def html(self) -> str:
        return self.page.get_data(as_text=True)


def post_job(client, url, data=None, **kwargs):
    """POST `url` (which asks for a job), run the queued jobs as a worker would, and
    return the job's page afterwards, redirects followed (a generated briefing's page)."""
    asked = client.post(url, data=data or {}, **kwargs)
    assert asked.status_code == 303, (asked.status_code, asked.get_data(as_text=True)[:2000])
    client.application.extensions["jobs"].run_pending()
    return client.get(asked.headers["Location"], follow_redirects=True)


def through_job(client, url, data=None, query_string=None) -> JobRun:
    """POST `url`, expect to be sent to a job's page (303), run the job as a worker would,
    and return a JobRun with the job's page afterwards (followed on to a record when the
    job made one) and the file it offers (None when it offers none)."""
    asked = client.post(url, data=data or {}, query_string=query_string)
    assert asked.status_code == 303, (asked.status_code, asked.get_data(as_text=True)[:800])
    location = asked.headers["Location"]
    assert "/jobs/" in location, location
    assert client.application.extensions["jobs"].run_pending() >= 0
    page = client.get(location, follow_redirects=True)
    link = re.search(r'href="([^"]+/jobs/\d+/download)"', page.get_data(as_text=True))
    return JobRun(page, client.get(link.group(1)) if link else None)


@pytest.fixture(name="through_job")
def through_job_fixture():
    """through_job(client, url, data=None, query_string=None), as a fixture."""
    return through_job


@pytest.fixture
def run_jobs(app):
    """run_jobs() runs the jobs the test's requests queued, here and now, as a worker would
    (each in an app context of its own); returns how many ran."""
    return app.extensions["jobs"].run_pending


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email: str, role: Role, name: str | None = None) -> User:
    user = User(email=email, name=name or email.split("@")[0].title(), role=role,
                password_hash=_PASSWORD_HASH)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def users(app) -> dict[str, User]:
    """One user per role: admin, lead, champion, viewer, plus an outsider lead."""
    people = {role.name: make_user(f"{role.name}@example.org", role) for role in Role}
    people["outsider"] = make_user("outsider@example.org", Role.lead, "Olive Outsider")
    db.session.commit()
    return people


@pytest.fixture
def campaign(users):
    """A campaign where lead, champion and viewer are members; outsider is not."""
    campaign = create_campaign(
        users["lead"],
        {
            "name": "Collaboration platform rollout",
            "change": "An internal collaboration platform",
            "phase": Phase.engage,
            "starts_on": date(2026, 9, 1),
            "ends_on": date(2027, 3, 31),
            "goals": ["Work together more effectively"],
        },
    )
    set_member(campaign, users["champion"], Role.champion)
    set_member(campaign, users["viewer"], Role.viewer)
    db.session.commit()
    return campaign


@pytest.fixture
def other_campaign(users):
    """A campaign only the outsider (and admins) can see."""
    campaign = create_campaign(
        users["outsider"],
        {"name": "Other rollout", "change": "Something else", "starts_on": date(2026, 1, 1)},
    )
    db.session.commit()
    return campaign


def login(client, user: User):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def login_as(app, users):
    """login_as("champion") gives a fresh client signed in as that user."""

    def sign_in(who: str):
        return login(app.test_client(), users[who])

    return sign_in


@pytest.fixture
def as_admin(login_as):
    return login_as("admin")


@pytest.fixture
def as_lead(login_as):
    return login_as("lead")


@pytest.fixture
def as_champion(login_as):
    return login_as("champion")


@pytest.fixture
def as_viewer(login_as):
    return login_as("viewer")


@pytest.fixture
def as_outsider(login_as):
    return login_as("outsider")


class QueryCounter:
    """Counts SQL statements sent while active: `with count_queries() as counter:`."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        # Not the page's own cost: savepoint plumbing, and the once-a-minute "last seen"
        # of the signed-in session (app/auth/sessions.py), which a slow test may cross.
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|PRAGMA|UPDATE user_session )",
                        statement, re.I):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    return lambda: QueryCounter(db.engine)


def extract_csrf(html: str) -> str:
    """The CSRF token a page embeds, for tests that run with CSRF protection on."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no csrf_token field"
    return match.group(1)


# --- Browser tests: the app served on a free localhost port, driven by Debian's Chromium. ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 in a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # A job worker beside it: takes the jobs its requests queue, as `flask jobs work` would.
    stop = threading.Event()
    queue = app.extensions["jobs"]

    def work():
        while not stop.is_set():
            if not queue.run_pending(limit=1):
                stop.wait(0.05)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    stop.set()
    thread.join(timeout=5)
    worker.join(timeout=30)


# --- A real multi-process server: the app under gunicorn, on the test's own database. ---

ROOT = Path(__file__).resolve().parent.parent

# Gunicorn settings file: each worker says when it has loaded the app and can answer.
_GUNICORN_HOOKS = """
def post_worker_init(worker):
    worker.log.info("Worker ready (pid: %s)", worker.pid)
"""


class GunicornServer(str):
    """The base URL of a running gunicorn (it *is* the string), plus its access log."""

    access_log: Path

    def requests(self, at_least: int = 0, timeout: float = 5.0,
                 path: str | None = None) -> list[tuple[int, str, str, int]]:
        """(worker pid, method, path, status) of every request answered so far (to `path`
        only, if given), waiting up to `timeout` seconds until there are `at_least` (a
        worker logs just after answering)."""
        deadline = time.monotonic() + timeout
        while True:
            entries = [(int(pid.strip("<>")), method, answered, int(status))
                       for pid, method, answered, status in (
                           line.split() for line in self.access_log.read_text().splitlines())
                       if path is None or answered == path]
            if len(entries) >= at_least or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)


@pytest.fixture
def gunicorn_server(app, database_url, tmp_path):
    """gunicorn_server(workers=4, env={"TRUSTED_PROXIES": "1"}) starts `wsgi:app` under
    gunicorn with that many sync workers on a free 127.0.0.1 port, waits until every worker
    has loaded the app and /healthz answers, and returns the base URL ("http://127.0.0.1:N",
    a str with `.requests()` listing which worker pid answered what).

    The server is configured from the environment only, as in production: the test's
    database (the same SQLite file or PostgreSQL database as `app`, so commit any set-up
    data first: each worker has its own connections), the `app` fixture's SECRET_KEY and
    WTF_CSRF_ENABLED, every other setting at its default unless `env` names it. Stopped at
    the end of the test: SIGTERM, then SIGKILL to its process group after 10 s.
    """
    servers: list[subprocess.Popen] = []

    def start(workers: int = 2, env: dict[str, str] | None = None,
              timeout: float = 60.0) -> GunicornServer:
        run = tmp_path / f"gunicorn-{len(servers)}"
        run.mkdir()
        (run / "settings.py").write_text(_GUNICORN_HOOKS)
        error_log, access_log = run / "error.log", run / "access.log"
        access_log.touch()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(run / "settings.py"),
             "--chdir", str(ROOT), "--workers", str(workers), "--worker-class", "sync",
             "--bind", "127.0.0.1:0", "--graceful-timeout", "5",
             "--error-logfile", str(error_log), "--log-level", "info",
             "--access-logfile", str(access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            env={**os.environ,
                 "DATABASE_URL": database_url,
                 "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                 "SECRET_KEY": app.config["SECRET_KEY"],
                 "GROUNDSWELL_WTF_CSRF_ENABLED": json.dumps(app.config["WTF_CSRF_ENABLED"]),
                 **(env or {})},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        servers.append(process)
        deadline = time.monotonic() + timeout
        while True:
            log = error_log.read_text() if error_log.exists() else ""
            listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log)
            if listening and log.count("Worker ready") >= workers:
                url = listening.group(1)
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start ({workers} workers):\n{log}")
            time.sleep(0.1)
        server = GunicornServer(url)
        server.access_log = access_log
        return server

    yield start
    stop_all(servers)


def stop_all(processes: list[subprocess.Popen], timeout: float = 10) -> None:
    """SIGTERM each process group, then SIGKILL any still running after `timeout`."""
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("GROUNDSWELL_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; run `make system` as root")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser page (1280 px wide) whose relative URLs go to the live server."""
    context = _browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def http_login(live_server: str, user: User):
    """A urllib opener signed in to the live server as `user` (cookies kept)."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"email": user.email, "password": PASSWORD}).encode()
    opener.open(f"{live_server}/login", data=form).read()
    return opener


def browser_login(page, user: User) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
