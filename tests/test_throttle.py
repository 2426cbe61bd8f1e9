"""The sign-in throttle: failures counted per email typed and per client address, in the
database, so every worker and server shares the count; X-Forwarded-For only from proxies
that TRUSTED_PROXIES says to trust."""

import http.client
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from flask import request, request_started

from app import create_app
from app.extensions import db
from app.models import SignInFailure
from app.models.base import utcnow
from tests.conftest import PASSWORD

WRONG = "not the password at all"


def sign_in(client, email: str, password: str = WRONG, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def failures() -> list[tuple[str, str]]:
    return list(db.session.execute(
        db.select(SignInFailure.email, SignInFailure.address).order_by(SignInFailure.id)))


def test_the_eleventh_wrong_password_for_an_account_is_refused_before_checking_it(client, users):
    codes = [sign_in(client, "lead@example.org").status_code for _ in range(10)]
    assert codes == [401] * 10

    # Even the right password: the answer comes before any password is checked.
    response = sign_in(client, "Lead@Example.org", PASSWORD)
    assert response.status_code == 429
    assert 290 <= int(response.headers["Retry-After"]) <= 300
    html = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this email address. Try again in 5 minutes." in html
    assert 'value="Lead@Example.org"' in html  # the form keeps what was typed
    assert client.get("/").status_code == 302  # not signed in
    db.session.commit()
    assert users["lead"].last_login_at is None
    assert len(failures()) == 10  # refused attempts are not counted


def test_a_colleague_at_the_same_address_still_signs_in(client, users):
    for _ in range(10):
        sign_in(client, "lead@example.org")
    assert sign_in(client, "lead@example.org").status_code == 429

    response = sign_in(client, "admin@example.org", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_unknown_emails_are_counted_and_answered_like_accounts(client, users):
    for email in ("nobody@example.org", "viewer@example.org"):
        codes = [sign_in(client, email).status_code for _ in range(11)]
        assert codes == [401] * 10 + [429]
    known, unknown = (sign_in(client, email) for email in
                      ("viewer@example.org", "nobody@example.org"))
    assert known.status_code == unknown.status_code == 429
    strip = lambda html: html.replace("viewer@", "EMAIL").replace("nobody@", "EMAIL")  # noqa: E731
    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))


def test_a_successful_sign_in_erases_no_evidence(client, users):
    for _ in range(10):
        sign_in(client, "viewer@example.org")
    assert sign_in(client, "lead@example.org", PASSWORD).status_code == 302
    client.post("/logout")
    db.session.commit()
    assert len(failures()) == 10
    assert sign_in(client, "viewer@example.org", PASSWORD).status_code == 429


def test_only_checked_passwords_count(client, users):
    for _ in range(12):
        assert sign_in(client, "lead@example.org", "").status_code == 400  # no password typed
    assert failures() == []
    assert sign_in(client, "lead@example.org", PASSWORD).status_code == 302


def test_the_per_address_limit_spans_accounts_but_not_addresses(app, client, users):
    assert app.config["LOGIN_ADDRESS_LIMIT"] == 100  # the default: an office's typos
    app.config["LOGIN_ADDRESS_LIMIT"] = 5
    codes = [sign_in(client, f"typo{n}@example.org").status_code for n in range(5)]
    assert codes == [401] * 5

    response = sign_in(client, "lead@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins from your network. Try again in 5 minutes." in \
        response.get_data(as_text=True)
    assert 290 <= int(response.headers["Retry-After"]) <= 300

    elsewhere = {"environ_base": {"REMOTE_ADDR": "198.51.100.20"}}
    assert sign_in(client, "lead@example.org", PASSWORD, **elsewhere).status_code == 302


def test_failures_older_than_the_window_no_longer_count(client, users):
    now = utcnow()
    db.session.add_all(SignInFailure(email="lead@example.org", address="127.0.0.1",
                                     failed_at=now - timedelta(minutes=5, seconds=30 + n))
                       for n in range(10))
    db.session.commit()
    assert sign_in(client, "lead@example.org").status_code == 401  # old ones pruned here
    db.session.commit()
    assert failures() == [("lead@example.org", "127.0.0.1")]

    # Nine recent failures (the oldest 4 minutes ago) and the one just now: the limit.
    db.session.add_all(SignInFailure(email="lead@example.org", address="127.0.0.1",
                                     failed_at=now - timedelta(minutes=4, seconds=-n))
                       for n in range(9))
    db.session.commit()
    response = sign_in(client, "lead@example.org", PASSWORD)
    assert response.status_code == 429
    # It opens again when the oldest of the ten leaves the window, in about a minute.
    assert 50 <= int(response.headers["Retry-After"]) <= 60
    assert "Try again in a minute." in response.get_data(as_text=True)


@pytest.fixture
def where_requests_come_from():
    """where_requests_come_from(app) lists (address, scheme, host) of each request `app`
    answers from then on, until the end of the test (the app outlives it)."""
    listening = []

    def listen(app) -> list[tuple[str, str, str]]:
        seen = []

        def record(sender, **extra):
            seen.append((request.remote_addr, request.scheme, request.host))

        request_started.connect(record, app, weak=False)
        listening.append((record, app))
        return seen

    yield listen
    for record, app in listening:
        request_started.disconnect(record, app)


FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
          "X-Forwarded-Host": "groundswell.example"}


def test_a_forged_x_forwarded_for_is_ignored_by_default(app, client, users,
                                                        where_requests_come_from):
    assert app.config["TRUSTED_PROXIES"] == 0
    seen = where_requests_come_from(app)
    app.config["LOGIN_ADDRESS_LIMIT"] = 3
    for n in range(3):
        # A new forged address each time does not dodge the per-address limit.
        sign_in(client, f"typo{n}@example.org", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    assert sign_in(client, "typo9@example.org", headers=FORGED).status_code == 429
    assert seen[-1] == ("127.0.0.1", "http", "localhost")
    assert {address for _, address in failures()} == {"127.0.0.1"}


def test_x_forwarded_for_is_honoured_from_trusted_proxies(app, users, where_requests_come_from):
    proxied = create_app({**{key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SECRET_KEY")},
        "TRUSTED_PROXIES": 1, "LOGIN_ADDRESS_LIMIT": 3})
    seen = where_requests_come_from(proxied)
    client = proxied.test_client()
    for n in range(3):
        sign_in(client, f"typo{n}@example.org", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen[-1] == ("203.0.113.9", "http", "localhost")
    # That address has reached its limit; another client behind the same proxy has not.
    assert sign_in(client, "lead@example.org", PASSWORD, headers=FORGED).status_code == 429
    assert seen[-1] == ("203.0.113.9", "https", "groundswell.example")
    answer = sign_in(client, "lead@example.org", PASSWORD,
                     headers={"X-Forwarded-For": "spoofed, 198.51.100.7"})
    assert answer.status_code == 302
    assert seen[-1][0] == "198.51.100.7"  # only the hop the trusted proxy added
    with proxied.app_context():
        assert {address for _, address in failures()} == {"203.0.113.9"}
        db.engine.dispose()


# --- Against a real server: gunicorn with several worker processes, default settings. ---

def post_form(base_url: str, path: str, form: dict, headers: dict | None = None):
    """POST on a new connection (so any worker may answer); no redirect is followed."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("POST", path, body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Connection": "close",
            **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_every_worker_shares_the_count(gunicorn_server, users):
    lead, admin = users["lead"].email, users["admin"].email
    server = gunicorn_server(workers=4)

    # Four at a time, so that sync workers busy with one request leave the next to another.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(
            lambda _: post_form(server, "/login", {"email": lead, "password": WRONG}),
            range(10)))
    answers.append(post_form(server, "/login", {"email": lead, "password": WRONG}))
    assert [status for status, _, _ in answers] == [401] * 10 + [429]
    status, headers, html = answers[-1]
    assert 290 <= int(headers["Retry-After"]) <= 300
    assert "Too many failed sign-ins for this email address" in html

    status, headers, _ = post_form(server, "/login", {"email": admin, "password": PASSWORD})
    assert status == 302 and headers["Location"] == "/"

    logins = [(pid, status) for pid, _, _, status
              in server.requests(at_least=12, path="/login")]
    assert len(logins) == 12
    assert len({pid for pid, _ in logins}) > 1, "one worker answered everything"


def test_a_server_behind_a_proxy_takes_the_address_from_trusted_proxies(gunicorn_server, users):
    server = gunicorn_server(workers=1, env={"TRUSTED_PROXIES": "1"})
    status, _, _ = post_form(server, "/login", {"email": "lead@example.org", "password": WRONG},
                             headers={"X-Forwarded-For": "203.0.113.50"})
    assert status == 401
    db.session.commit()
    assert failures() == [("lead@example.org", "203.0.113.50")]
