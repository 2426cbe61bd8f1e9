"""Running Groundswell in production: structured logs with request ids, HSTS and no-store,
the styled error page for every status, one status for a PDF that cannot be made, and
/healthz reporting each dependency."""

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from flask import abort

from app import ERROR_STATUSES, create_app
from app.extensions import db
from app.logs import configure_logging, email_digest
from app.main import health
from app.models import Level
from app.pdf import PdfError
from tests.conftest import login
from tests.factories import person

PASSWORD_TYPED = "hunter2-very-secret"
NOTE = "Quietly admitted the budget is already spent elsewhere"
NAME = "Perpetua Quillfeather"


class Logs:
    """What the app logged during a test: the JSON lines exactly as its stderr handler
    writes them, and every record (any logger) pytest captured."""

    def __init__(self, stream: io.StringIO, caplog):
        self.stream, self.caplog = stream, caplog

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def named(self, message: str) -> list[dict]:
        return [line for line in self.lines if line["message"] == message]

    @property
    def everything(self) -> str:
        """All that was written anywhere: formatted lines, captured text, record fields."""
        records = " ".join(repr(vars(record)) for record in self.caplog.records)
        return "\n".join((self.stream.getvalue(), self.caplog.text, records))


@pytest.fixture
def logs(app, caplog):
    """The app's records at INFO, formatted and filtered by its own stderr handler's
    formatter and filter into a buffer (the handler itself writes to the real stderr)."""
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("app")
    configured = logger.handlers[0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield Logs(stream, caplog)
    logger.setLevel(previous)
    logger.removeHandler(handler)


def campaign_url(campaign, tail: str) -> str:
    return f"/campaigns/{campaign.slug}/{tail}"


# --- Logs ------------------------------------------------------------------------------


def test_each_request_logs_one_line_with_its_id_user_route_status_and_time(
        campaign, users, as_lead, logs):
    someone = person(campaign, users["lead"], "Ann Archer")
    db.session.commit()
    response = as_lead.get(campaign_url(campaign, f"stakeholders/{someone.stakeholder_id}"))
    assert response.status_code == 200
    [line] = [entry for entry in logs.named("request") if entry["endpoint"] == "stakeholders.show"]
    assert line["level"] == "INFO" and line["logger"] == "app.requests"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == users["lead"].id
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "/campaigns/<slug>/stakeholders/<int:stakeholder_id>"
    assert line["path"] == campaign_url(campaign, f"stakeholders/{someone.stakeholder_id}")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "time" in line
    assert "Ann Archer" not in logs.everything


def test_anonymous_and_unrouted_requests_are_logged_too(client, logs):
    response = client.get("/no-such-page?q=Someone")
    assert response.status_code == 404
    [line] = logs.named("request")
    assert line["user_id"] is None and line["endpoint"] is None and line["route"] is None
    assert line["path"] == "/no-such-page"  # never the query string: a search may be a name
    assert "Someone" not in logs.everything


def test_a_sane_request_id_is_kept_and_every_line_of_the_request_carries_it(
        campaign, as_viewer, logs):
    request_id = "5f0c2a1e-9b7d-4c1a-8e2f-0123456789ab"
    response = as_viewer.post(campaign_url(campaign, "conversations/new"), data={},
                              headers={"X-Request-ID": request_id})
    assert response.status_code == 403
    assert response.headers["X-Request-ID"] == request_id
    lines = logs.lines
    assert {line["message"] for line in lines} == {"access refused", "request"}
    assert {line["request_id"] for line in lines} == {request_id}


@pytest.mark.parametrize("sent", [
    "short", "x" * 129, "has spaces in it", "tab\tseparated", '{"json":1}', "ünïcode-id",
])
def test_an_insane_request_id_is_replaced(client, sent, logs):
    response = client.get("/login", headers={"X-Request-ID": sent})
    answered = response.headers["X-Request-ID"]
    assert answered != sent and len(answered) == 32
    assert [line["request_id"] for line in logs.named("request")] == [answered]
    assert sent not in logs.stream.getvalue()


def test_a_failed_sign_in_is_a_warning_without_the_password_or_the_email(client, users, logs):
    email = users["lead"].email
    response = client.post("/login", data={"email": email, "password": PASSWORD_TYPED})
    assert response.status_code == 401
    [warning] = logs.named("sign-in failed")
    assert warning["level"] == "WARNING"
    assert warning["email_sha256"] == email_digest(email) == email_digest(f" {email.upper()}")
    assert warning["user_id"] is None and warning["request_id"]
    assert PASSWORD_TYPED not in logs.everything
    assert email not in logs.everything


def test_a_password_typed_as_the_email_is_not_logged(client, logs):
    client.post("/login", data={"email": PASSWORD_TYPED, "password": PASSWORD_TYPED})
    assert PASSWORD_TYPED not in logs.everything


def test_a_throttled_sign_in_is_a_warning(app, client, users, logs):
    app.config["LOGIN_ACCOUNT_LIMIT"] = 1
    email = users["viewer"].email
    client.post("/login", data={"email": email, "password": PASSWORD_TYPED})
    assert client.post("/login", data={"email": email, "password": "x"}).status_code == 429
    [warning] = logs.named("sign-in throttled")
    assert warning["level"] == "WARNING" and warning["email_sha256"] == email_digest(email)
    assert PASSWORD_TYPED not in logs.everything


def test_refused_access_is_a_warning_with_who_and_why(campaign, other_campaign, users,
                                                      as_viewer, as_outsider, logs):
    assert as_viewer.get(campaign_url(campaign, "conversations/new")).status_code == 403
    assert as_outsider.get(campaign_url(campaign, "stakeholders/")).status_code == 404
    refused = logs.named("access refused")
    assert [(line["level"], line["status"], line["user_id"]) for line in refused] == [
        ("WARNING", 403, users["viewer"].id), ("WARNING", 404, users["outsider"].id)]
    assert refused[0]["reason"] == "needs the champion role"
    assert refused[1]["reason"] == "not a member of the campaign"
    assert refused[1]["campaign_id"] == campaign.id


def test_a_record_of_another_campaign_is_a_refusal_without_its_content(
        campaign, other_campaign, users, as_lead, logs):
    stranger = person(other_campaign, users["outsider"], NAME)
    db.session.commit()
    url = campaign_url(campaign, f"stakeholders/{stranger.stakeholder_id}")
    assert as_lead.get(url).status_code == 404
    assert NAME not in logs.everything


def test_notes_and_names_never_reach_the_logs(campaign, users, as_champion, as_viewer, logs):
    someone = person(campaign, users["lead"], NAME, level=Level.manager)
    db.session.commit()
    when = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = {"occurred_at": when, "channel": "meeting", "duration_minutes": "30",
            "subject": "Budget chat", "summary": NOTE,
            "attendees-0-engagement_id": str(someone.id), "attendees-0-stance_after": "neutral"}
    assert as_champion.post(campaign_url(campaign, "conversations/new"),
                            data=form).status_code == 302
    refused = {**form, "occurred_at": "2999-01-01T10:00"}  # the future: refused, 400
    assert as_champion.post(campaign_url(campaign, "conversations/new"),
                            data=refused).status_code == 400
    assert as_viewer.post(campaign_url(campaign, "conversations/new"),
                          data=form).status_code == 403
    as_champion.get(campaign_url(campaign, f"stakeholders/?q={NAME.split()[1]}"))
    as_champion.get(campaign_url(campaign, f"stakeholders/{someone.stakeholder_id}"))
    assert len(logs.named("request")) == 5
    for secret in (NOTE, NAME, NAME.split()[1]):
        assert secret not in logs.everything, secret


def test_a_one_time_links_token_is_not_logged(client, logs):
    token = "secret-token-abcdefghijklmnopqrstuvwxyz"
    client.get(f"/welcome/{token}")
    [line] = logs.named("request")
    assert line["path"] == "/welcome/<token>" and line["endpoint"] == "account_links.welcome"
    assert token not in logs.everything


def test_log_level_comes_from_the_setting_and_a_wrong_one_is_named():
    logger = logging.getLogger("app")
    previous = logging.getLevelName(logger.level)
    try:
        configure_logging("debug")
        assert logger.level == logging.DEBUG
    finally:
        configure_logging(previous)
    with pytest.raises(ValueError, match="LOG_LEVEL='LOUD' is not a level"):
        configure_logging("LOUD")


# --- An app of its own, for routes that fail on purpose --------------------------------


@pytest.fixture
def failing(app, users):
    """A client signed in to an app of its own (routes cannot be added to the suite's app
    once it has served a request): /_test/status/<code> aborts with that status,
    /_test/broken raises, /_test/pdf raises PdfError."""
    own = create_app({key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SECRET_KEY", "JOBS_URL")})
    own.config["PROPAGATE_EXCEPTIONS"] = False

    def status(code: int):
        abort(code)

    def broken():
        raise RuntimeError("the view failed")

    def pdf():
        raise PdfError("This document is too long to print.")

    own.add_url_rule("/_test/status/<int:code>", "test_status", status)
    own.add_url_rule("/_test/broken", "test_broken", broken)
    own.add_url_rule("/_test/pdf", "test_pdf", pdf)
    with own.app_context():
        client = login(own.test_client(), users["champion"])
    yield client
    with own.app_context():
        db.engine.dispose()


TITLES = {
    400: "That request could not be used", 401: "Please sign in", 403: "Not allowed",
    404: "Not found", 405: "Not allowed that way", 409: "That clashes with what is stored",
    410: "No longer available", 413: "Too large", 422: "That could not be made",
    429: "Slow down", 500: "Something went wrong", 503: "Unavailable for a moment",
}


@pytest.mark.commits
def test_every_status_has_the_styled_page(failing):
    assert set(TITLES) == set(ERROR_STATUSES)
    for code, title in TITLES.items():
        response = failing.get(f"/_test/status/{code}")
        assert response.status_code == code
        html = response.get_data(as_text=True)
        assert f'<h1 class="gs-page-title mb-2">{title}</h1>' in html, code
        assert f"<title>{title} · Groundswell</title>" in html, code
        assert f"Error {code}" in html and 'class="navbar-brand"' in html, code
        assert "Back to Groundswell" in html or "Sign in" in html, code


@pytest.mark.commits
def test_an_unhandled_exception_is_logged_with_its_traceback_and_gets_the_page(failing, logs):
    response = failing.get("/_test/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side. Nothing was saved." in html
    request_id = response.headers["X-Request-ID"]
    assert request_id in html  # the reference a user can quote
    [error] = logs.named("unhandled exception")
    assert error["level"] == "ERROR" and error["request_id"] == request_id
    assert error["endpoint"] == "test_broken"
    assert "Traceback" in error["exc_info"] and "RuntimeError: the view failed" in error["exc_info"]
    [line] = [entry for entry in logs.named("request") if entry["endpoint"] == "test_broken"]
    assert line["status"] == 500 and line["request_id"] == request_id


def test_real_refusals_get_the_styled_page(app, client, as_lead):
    assert "Not allowed that way" in client.get("/logout").get_data(as_text=True)
    nul = client.get("/login?next=%00")
    assert nul.status_code == 400 and "contains a NUL" in nul.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = client.post("/login", data={"email": "a" * (1024 * 1024 + 1)})
    assert big.status_code == 413
    assert "larger than Groundswell accepts (1 MB)" in big.get_data(as_text=True)
    missing = as_lead.get("/campaigns/no-such-campaign/stakeholders/")
    assert missing.status_code == 404 and "Back to Groundswell" in missing.get_data(as_text=True)


# --- A PDF that cannot be made: the same answer everywhere ------------------------------


def test_a_pdf_that_cannot_be_made_is_told_the_same_way_everywhere(
        app, campaign, users, as_lead, through_job):
    """Every PDF is made by a job: each place's job page says why, with the same status."""
    someone = person(campaign, users["lead"], NAME, level=Level.executive)
    db.session.commit()
    app.config["PDF_MAX_HTML_BYTES"] = 1000
    places = {
        "briefing": (campaign_url(campaign, "briefings/new"), {
            "audience": "executive", "minutes": "60", "introduction": "",
            "attendees": [str(someone.id)], "action": "generate"}),
        "case study": (
            campaign_url(campaign, "case-studies/cisco-channel-training.pdf?level=worker"), None),
        "personal data": (
            campaign_url(campaign, f"stakeholders/{someone.stakeholder_id}/personal-data.pdf"),
            None),
        "sponsor report": (campaign_url(campaign, "report.pdf"), None),
    }
    for place, (url, data) in places.items():
        made = through_job(as_lead, url, data=data)
        assert made.file is None, place
        assert made.page.status_code == 200, place
        assert "too long to print" in made.html and "alert-danger" in made.html, place


@pytest.mark.commits
def test_a_pdf_refused_inside_a_request_answers_422_with_the_styled_page(failing):
    response = failing.get("/_test/pdf")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "That could not be made" in html and "This document is too long" in html


# --- Headers ---------------------------------------------------------------------------


def test_hsts_only_when_served_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    for setting, value in (("PREFERRED_URL_SCHEME", "https"), ("SESSION_COOKIE_SECURE", True)):
        app.config[setting] = value
        for path in ("/login", "/static/app.css", "/healthz", "/no-such-page"):
            headers = client.get(path).headers
            assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        app.config.update(PREFERRED_URL_SCHEME="http", SESSION_COOKIE_SECURE=False)


def test_no_store_for_signed_in_pages_and_downloads_but_not_static_files(
        app, campaign, users, as_lead, through_job):
    someone = person(campaign, users["lead"])
    db.session.commit()
    signed_in = (
        as_lead.get(campaign_url(campaign, "stakeholders/")),
        through_job(as_lead, campaign_url(campaign, "stakeholders/export.csv")).file,
        through_job(as_lead, campaign_url(campaign, "dashboard/levels.csv")).file,
        as_lead.post(campaign_url(campaign,
                                  f"stakeholders/{someone.stakeholder_id}/personal-data.json")),
        as_lead.get(campaign_url(campaign, "no-such-page")),
    )
    for response in signed_in:
        assert response.status_code in (200, 404), response.status_code
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    assert signed_in[1].mimetype == "text/csv"
    for path in ("/static/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        static = as_lead.get(path)
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", ""), path


# --- /healthz --------------------------------------------------------------------------


def test_healthz_reports_each_check_and_stays_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database", "jobs"]
    assert body["checks"]["jobs"]["ok"] is True
    assert body["checks"]["database"]["ok"] is True
    assert isinstance(body["checks"]["database"]["ms"], float)


@pytest.mark.parametrize("database", [
    "sqlite:///{tmp}/missing/nowhere.sqlite3",
    "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",  # nothing listens on port 1
])
def test_healthz_answers_503_when_the_database_cannot_be_reached(tmp_path, database):
    # Without the `app` fixture: its rolled-back session would run the check on the suite's
    # own connection.
    unreachable = create_app({
        "TESTING": True, "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database.format(tmp=tmp_path),
    })
    with unreachable.app_context():
        response = unreachable.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    if database.startswith("postgresql"):  # fails within seconds, not libpq's two minutes
        connect_args = unreachable.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
        assert connect_args == {"connect_timeout": 5}
    checks = response.get_json()["checks"]
    assert response.get_json()["status"] == "error"
    assert checks["database"] == {"ok": False, "ms": checks["database"]["ms"],
                                  "error": "OperationalError"}


def test_healthz_answers_503_when_the_job_queue_cannot_be_reached(tmp_path):
    # Redis on a port nothing listens on: the queue's storage does not answer.
    unreachable = create_app({"TESTING": True, "SECRET_KEY": "test",
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db'}",
                              "JOBS_URL": "redis://127.0.0.1:1/0"})
    with unreachable.app_context():
        response = unreachable.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["jobs"]["ok"] is False and checks["jobs"]["error"] == "ConnectionError"


def test_a_new_dependency_is_one_check_away(client, monkeypatch):
    def check_jobs():
        raise ConnectionError("the queue is not answering")

    monkeypatch.setitem(health.CHECKS, "jobs", check_jobs)
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["jobs"]["ok"] is False and checks["jobs"]["error"] == "ConnectionError"
