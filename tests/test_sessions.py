"""Sessions end on the server: a cookie captured before logout, a password change, disabling
or idle expiry opens nothing afterwards, and sign-in rotates the session."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from app.auth.sessions import end_sessions
from app.extensions import db
from app.models import FollowUp, UserSession
from tests.conftest import PASSWORD

SESSION, REMEMBER = "session", "remember_token"


def sign_in(app, user, *, remember=False):
    client = app.test_client()
    response = client.post("/login", data={
        "email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {}),
    })
    assert response.status_code == 302
    return client


def captured(client, *names) -> dict[str, str]:
    """The named cookies as an attacker who copied them would hold them."""
    return {name: client.get_cookie(name).value for name in names}


def replay(app, cookies: dict[str, str]):
    """A new client carrying only the captured cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def opens(client, campaign) -> bool:
    """Whether the client's cookies open a campaign page."""
    return client.get(f"/campaigns/{campaign.slug}/stakeholders/").status_code == 200


def assert_signed_out(thief, campaign):
    """Pages and writes both send the replayed cookie to the sign-in page."""
    response = thief.get(f"/campaigns/{campaign.slug}/stakeholders/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    before = db.session.scalar(db.select(db.func.count(FollowUp.id)))
    response = thief.post(f"/campaigns/{campaign.slug}/followups/new", data={
        "description": "Written with a stolen cookie", "due_on": "2026-12-10"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == before


def test_a_signed_in_cookie_opens_pages_and_writes(app, users, campaign):
    client = sign_in(app, users["champion"])
    thief = replay(app, captured(client, SESSION))
    assert opens(thief, campaign)
    response = thief.post(f"/campaigns/{campaign.slug}/followups/new", data={
        "description": "Written with a copied cookie", "due_on": "2026-12-10"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 1


@pytest.mark.parametrize("names", [(SESSION,), (REMEMBER,), (SESSION, REMEMBER)])
def test_cookies_from_before_logout_are_refused(app, users, campaign, names):
    client = sign_in(app, users["champion"], remember=True)
    cookies = captured(client, *names)
    assert opens(replay(app, cookies), campaign)
    assert client.post("/logout").status_code == 302
    assert_signed_out(replay(app, cookies), campaign)


def test_logout_ends_only_that_device(app, users, campaign):
    laptop = sign_in(app, users["champion"])
    phone = sign_in(app, users["champion"])
    laptop.post("/logout")
    assert opens(phone, campaign)


@pytest.mark.parametrize("names", [(SESSION,), (REMEMBER,)])
def test_disabling_ends_every_session(app, users, campaign, runner, names):
    cookies = captured(sign_in(app, users["champion"], remember=True), *names)
    result = runner.invoke(args=["users", "disable", "champion@example.org"])
    assert result.exit_code == 0, result.output
    assert_signed_out(replay(app, cookies), campaign)


def test_sign_out_everywhere_ends_remembered_sessions_too(app, users, campaign):
    cookies = captured(sign_in(app, users["champion"], remember=True), SESSION, REMEMBER)
    other = captured(sign_in(app, users["lead"]), SESSION)
    assert end_sessions(users["champion"]) == 1
    db.session.commit()
    assert_signed_out(replay(app, cookies), campaign)
    assert opens(replay(app, other), campaign)


def _age(user, **delta):
    """Move the user's sessions back in time, as if that long had passed."""
    for user_session in db.session.scalars(db.select(UserSession).filter_by(user_id=user.id)):
        user_session.last_seen_at -= timedelta(**delta)
        user_session.created_at -= timedelta(**delta)
    db.session.commit()


# Ending an idle or expired session is bookkeeping written on a connection of its own
# (app/auth/sessions.py `_write_apart`), so these tests commit for real.
@pytest.mark.commits
def test_idle_sessions_end(app, users, campaign):
    app.config["SESSION_IDLE_MINUTES"] = 60
    cookies = captured(sign_in(app, users["champion"]), SESSION)
    _age(users["champion"], minutes=59)
    thief = replay(app, cookies)
    assert opens(thief, campaign)  # used: idle time starts again
    _age(users["champion"], minutes=59)
    assert opens(thief, campaign)
    _age(users["champion"], minutes=61)
    assert_signed_out(replay(app, cookies), campaign)
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0


@pytest.mark.commits
def test_remembered_sessions_end_after_remember_days(app, users, campaign):
    app.config["SESSION_IDLE_MINUTES"] = 60
    cookies = captured(sign_in(app, users["champion"], remember=True), REMEMBER)
    _age(users["champion"], days=13)
    assert opens(replay(app, cookies), campaign)
    _age(users["champion"], days=2)
    assert_signed_out(replay(app, cookies), campaign)


def test_sign_in_rotates_the_session(app, users):
    client = app.test_client()
    client.get("/login")
    planted = client.get_cookie(SESSION)
    sign_in_response = client.post(
        "/login", data={"email": users["lead"].email, "password": PASSWORD})
    assert sign_in_response.status_code == 302
    first = client.get_cookie(SESSION).value
    assert planted is None or planted.value != first
    client.post("/logout")
    client.post("/login", data={"email": users["lead"].email, "password": PASSWORD})
    assert client.get_cookie(SESSION).value != first
    # Only the token's hash is stored: the database cannot be replayed as a cookie.
    tokens = db.session.scalars(db.select(UserSession.token_hash)).all()
    assert len(tokens) == 1 and all(len(token) == 64 for token in tokens)


def test_keep_me_signed_in_lasts_a_fortnight_not_a_year(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie")
                  if value.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";", 1)[0])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)


def test_without_it_the_sign_in_ends_with_the_browser(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(value.startswith("remember_token=") for value in cookies)
    session = next(value for value in cookies if value.startswith("session="))
    assert "Expires=" not in session


# --- The same through gunicorn with 4 workers: every worker sees a session end. ---

def _request(server: str, method: str, path: str, cookies: dict[str, str], form=None):
    """One request on a new connection (so any worker may answer): (status, location,
    cookies set)."""
    import http.client
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode, urlsplit

    connection = http.client.HTTPConnection(urlsplit(server).netloc, timeout=10)
    headers = {"Connection": "close",
               "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return (response.status, response.getheader("Location", ""),
                {name: morsel.value for name, morsel in jar.items()})
    finally:
        connection.close()


def _signed_in_cookies(server, user) -> dict[str, str]:
    status, _, cookies = _request(server, "POST", "/login", {}, {
        "email": user.email, "password": PASSWORD, "remember": "y"})
    assert status == 302 and SESSION in cookies and REMEMBER in cookies
    return cookies


def _opened_by_every_worker(server, campaign, cookies, expect_open: bool) -> None:
    page = f"/campaigns/{campaign.slug}/stakeholders/"
    names = [SESSION, REMEMBER] * 8
    # Four at a time, so that sync workers busy with one request leave the next to another.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(
            lambda name: _request(server, "GET", page, {name: cookies[name]}), names))
    for status, location, _ in answers:
        if expect_open:
            assert status == 200
        else:
            assert status == 302 and "/login" in location


def test_on_four_workers_logout_password_change_disable_and_idle_end_sessions(
        app, users, campaign, gunicorn_server, runner):
    server = gunicorn_server(workers=4)
    cookies = _signed_in_cookies(server, users["champion"])
    _opened_by_every_worker(server, campaign, cookies, expect_open=True)
    assert _request(server, "POST", "/logout", cookies)[0] == 302
    _opened_by_every_worker(server, campaign, cookies, expect_open=False)

    cookies = _signed_in_cookies(server, users["viewer"])
    result = runner.invoke(args=["users", "disable", users["viewer"].email])
    assert result.exit_code == 0, result.output
    _opened_by_every_worker(server, campaign, cookies, expect_open=False)

    cookies = _signed_in_cookies(server, users["lead"])
    status, _, _ = _request(server, "POST", "/account/password", cookies, {
        "current_password": PASSWORD, "new_password": "a meadow of blue lupins",
        "confirm_password": "a meadow of blue lupins"})
    assert status == 302
    _opened_by_every_worker(server, campaign, cookies, expect_open=False)

    cookies = _signed_in_cookies(server, users["admin"])
    _opened_by_every_worker(server, campaign, cookies, expect_open=True)
    _age(users["admin"], days=15)  # past idle time and REMEMBER_DAYS
    _opened_by_every_worker(server, campaign, cookies, expect_open=False)

    page = f"/campaigns/{campaign.slug}/stakeholders/"
    answered = {pid for pid, _, _, _ in server.requests(at_least=96, path=page)}
    assert len(answered) > 1, "one worker answered everything"
