"""The Account page: change your password (other sessions end, this one is rotated), see and
end your sessions, pick your time zone. Audited on the user, never with the password."""

import json
import os

import pytest
from markupsafe import escape

from app.account.queries import device_name
from app.extensions import db
from app.models import AuditEvent, User, UserSession
from tests.conftest import PASSWORD, browser_login, extract_csrf, http_login
from tests.test_sessions import (
    REMEMBER,
    SESSION,
    assert_signed_out,
    captured,
    opens,
    replay,
    sign_in,
)

NEW_PASSWORD = "a meadow of blue lupins"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    })


def on_device(app, user, user_agent, *, remember=False):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR="192.0.2.7")
    response = client.post("/login", data={
        "email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})})
    assert response.status_code == 302
    return client


def events(action):
    return db.session.scalars(
        db.select(AuditEvent).filter_by(entity_type="user", action=action)).all()


def session_ids(user):
    return set(db.session.scalars(db.select(UserSession.id).filter_by(user_id=user.id)))


@pytest.mark.parametrize("who", ["admin", "lead", "champion", "viewer"])
def test_every_signed_in_user_has_an_account_page_linked_from_the_header(login_as, who):
    client = login_as(who)
    assert 'href="/account"' in client.get("/campaigns/").get_data(as_text=True)
    html = client.get("/account").get_data(as_text=True)
    assert "Change your password" in html and "this device" in html
    assert f"{who}@example.org" in html


def test_the_account_page_needs_a_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("user_agent, name", [
    (FIREFOX, "Firefox on Windows"),
    (IPHONE, "Safari on an iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on a Mac"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
    ("Python-urllib/3.11", "A Python script"),
    ("curl/8.5.0", "curl"),
    ("", "An unknown browser"),
])
def test_devices_are_named_in_plain_words(user_agent, name):
    assert device_name(user_agent) == name


def test_wrong_current_password_is_refused_and_nothing_changes(app, as_champion, users):
    response = change_password(as_champion, current="not my password at all")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That is not your current password." in html
    # Passwords are never sent back into the page.
    assert "not my password at all" not in html and NEW_PASSWORD not in html
    assert 'name="current_password"' in html and 'value="' + NEW_PASSWORD not in html
    assert not events("password")
    assert as_champion.get("/account").status_code == 200  # still signed in
    db.session.refresh(users["champion"])
    assert users["champion"].check_password(PASSWORD)


def test_guessing_the_current_password_meets_the_sign_in_throttle(app, as_champion, users):
    codes = [change_password(as_champion, current="not my password at all").status_code
             for _ in range(11)]
    assert codes == [400] * 10 + [429]
    response = change_password(as_champion)  # even the right one, until the window passes
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Too many failed sign-ins for this email address" in response.get_data(as_text=True)
    # The same count guards the sign-in page for that account.
    response = app.test_client().post(
        "/login", data={"email": users["champion"].email, "password": PASSWORD})
    assert response.status_code == 429


def test_the_new_password_must_be_typed_twice_the_same(as_champion, users):
    response = change_password(as_champion, confirm=NEW_PASSWORD + "s")
    assert response.status_code == 400
    assert "The two new passwords are not the same." in response.get_data(as_text=True)
    db.session.refresh(users["champion"])
    assert users["champion"].check_password(PASSWORD)


def test_missing_fields_are_named(as_champion):
    response = change_password(as_champion, current="", new="", confirm="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for message in ("Type your current password.", "Type a new password.",
                    "Type the new password again."):
        assert message in html


def test_changing_the_password(app, as_champion, users):
    response = change_password(as_champion)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your password is changed." in as_champion.get("/account").get_data(as_text=True)
    login = app.test_client().post("/login", data={"email": "champion@example.org",
                                                   "password": NEW_PASSWORD})
    assert login.status_code == 302
    refused = app.test_client().post("/login", data={"email": "champion@example.org",
                                                     "password": PASSWORD})
    assert refused.status_code == 401
    [event] = events("password")
    assert event.entity_id == users["champion"].id and event.user_id == users["champion"].id
    stored = json.dumps(event.changes)
    assert NEW_PASSWORD not in stored and PASSWORD not in stored
    assert users["champion"].password_hash not in stored


@pytest.mark.parametrize("remember", [False, True])
def test_cookies_captured_before_the_change_are_refused(app, users, campaign, remember):
    here = sign_in(app, users["champion"], remember=remember)
    laptop = sign_in(app, users["champion"], remember=True)
    stolen_here = captured(here, SESSION, *([REMEMBER] if remember else []))
    stolen_laptop_session = captured(laptop, SESSION)
    stolen_laptop_remember = captured(laptop, REMEMBER)
    for cookies in (stolen_here, stolen_laptop_session, stolen_laptop_remember):
        assert opens(replay(app, cookies), campaign)

    assert change_password(here).status_code == 302

    for cookies in (stolen_here, stolen_laptop_session, stolen_laptop_remember):
        assert_signed_out(replay(app, cookies), campaign)
    if remember:
        assert_signed_out(replay(app, {REMEMBER: stolen_here[REMEMBER]}), campaign)
    assert_signed_out(laptop, campaign)
    # This device goes on, under a new session (still "kept signed in" if it was).
    assert opens(here, campaign)
    [row] = db.session.scalars(db.select(UserSession)).all()
    assert row.remember is remember
    if remember:
        assert opens(replay(app, captured(here, REMEMBER)), campaign)
    [event] = events("password")
    assert event.changes["sessions_ended"] == [None, 1]


def test_the_page_lists_sessions_in_plain_words(app, users):
    on_device(app, users["lead"], IPHONE, remember=True)
    laptop = on_device(app, users["lead"], FIREFOX)
    sign_in(app, users["champion"])  # someone else's session is not listed
    html = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in html and "Safari on an iPhone" in html
    assert html.count('id="session-') == 2
    assert "192.0.2.7" in html and "Kept signed in" in html
    this_row = html.split('class="table-success"', 1)[1].split("</tr>", 1)[0]
    assert "Firefox on Windows" in this_row and "this device" in this_row


def test_ending_one_session_from_another_device(app, users, campaign):
    laptop = on_device(app, users["champion"], FIREFOX)
    phone = on_device(app, users["champion"], IPHONE, remember=True)
    phone_cookies = captured(phone, SESSION, REMEMBER)
    [phone_session] = session_ids(users["champion"]) - {
        db.session.scalars(db.select(UserSession.id).order_by(UserSession.id)).first()}
    assert f"/account/sessions/{phone_session}/end" in laptop.get("/account").get_data(
        as_text=True)

    response = laptop.post(f"/account/sessions/{phone_session}/end")
    assert response.status_code == 302
    assert "That device is signed out." in laptop.get("/account").get_data(as_text=True)
    assert_signed_out(phone, campaign)
    assert_signed_out(replay(app, phone_cookies), campaign)
    assert opens(laptop, campaign)
    [event] = events("end_session")
    assert event.changes["session"][0]["device"] == "Safari on an iPhone"
    assert event.user_id == users["champion"].id


def test_sessions_of_others_and_this_one_cannot_be_ended_here(app, users, campaign):
    lead = sign_in(app, users["lead"])
    champion = sign_in(app, users["champion"])
    [lead_session] = session_ids(users["lead"])
    [champion_session] = session_ids(users["champion"])
    assert champion.post(f"/account/sessions/{lead_session}/end").status_code == 404
    assert champion.post("/account/sessions/999999/end").status_code == 404
    response = champion.post(f"/account/sessions/{champion_session}/end")
    assert response.status_code == 400
    assert "use Sign out" in response.get_data(as_text=True)
    assert opens(lead, campaign) and opens(champion, campaign)
    assert not events("end_session")


def test_sign_out_everywhere_else(app, users, campaign):
    here = sign_in(app, users["champion"])
    others = [sign_in(app, users["champion"]), sign_in(app, users["champion"], remember=True)]
    stolen = captured(others[1], REMEMBER)
    lead = sign_in(app, users["lead"])
    assert "Sign out everywhere else" in here.get("/account").get_data(as_text=True)
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert "Signed out of 2 other sessions." in here.get("/account").get_data(as_text=True)
    for other in others:
        assert_signed_out(other, campaign)
    assert_signed_out(replay(app, stolen), campaign)
    assert opens(here, campaign) and opens(lead, campaign)
    [event] = events("end_sessions")
    assert event.changes == {"sessions_ended": [None, 2]}
    # Alone now: nothing to end, nothing audited, no button.
    here.post("/account/sessions/end-others")
    assert len(events("end_sessions")) == 1
    assert "Sign out everywhere else" not in here.get("/account").get_data(as_text=True)


def test_ending_sessions_is_a_post_with_csrf(app, users, campaign):
    other = sign_in(app, users["champion"])
    app.config["WTF_CSRF_ENABLED"] = True
    here = app.test_client()
    token = extract_csrf(here.get("/login").get_data(as_text=True))
    here.post("/login", data={"email": "champion@example.org", "password": PASSWORD,
                              "csrf_token": token})
    [other_id, _] = sorted(session_ids(users["champion"]))
    assert here.get(f"/account/sessions/{other_id}/end").status_code == 405
    assert here.get("/account/sessions/end-others").status_code == 405
    assert here.post(f"/account/sessions/{other_id}/end").status_code == 400
    assert here.post("/account/sessions/end-others").status_code == 400
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert opens(other, campaign)
    token = extract_csrf(here.get("/account").get_data(as_text=True))
    assert here.post(f"/account/sessions/{other_id}/end",
                     data={"csrf_token": token}).status_code == 302
    response = other.get(f"/campaigns/{campaign.slug}/stakeholders/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_setting_the_time_zone(as_champion, users):
    assert 'value="America/New_York"' in as_champion.get("/account").get_data(as_text=True)
    response = as_champion.post("/account/timezone", data={"timezone": "America/New_York"})
    assert response.status_code == 302
    db.session.refresh(users["champion"])
    assert users["champion"].timezone == "America/New_York"
    html = as_champion.get("/account").get_data(as_text=True)
    assert "Dates are now shown in America/New_York." in html
    assert '<option selected value="America/New_York">' in html
    [event] = events("update")
    assert event.changes == {"timezone": [None, "America/New_York"]}

    response = as_champion.post("/account/timezone", data={"timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert escape("“Mars/Olympus_Mons” is not a time zone Groundswell knows") in \
        response.get_data(as_text=True)
    db.session.refresh(users["champion"])
    assert users["champion"].timezone == "America/New_York"

    as_champion.post("/account/timezone", data={"timezone": ""})
    db.session.refresh(users["champion"])
    assert users["champion"].timezone is None


# --- In a real browser, on a phone and on a desktop. ---

WIDTHS = {"phone": 390, "desktop": 1280}
SHOTS = os.environ.get("GROUNDSWELL_SHOTS")


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_changing_the_password_in_the_browser(page, live_server, users, campaign, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    other_device = http_login(live_server, users["champion"])
    assert "/login" not in other_device.open(f"{live_server}/account").geturl()
    browser_login(page, users["champion"])

    interactions = 0
    if width == "phone":
        page.click(".navbar-toggler")
        interactions += 1
    page.get_by_role("link", name="Account").click()
    interactions += 1
    page.wait_for_url("**/account")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if width == "phone":
        controls = page.locator(
            "main button:visible, main input:not([type=hidden]):visible, main select:visible")
        assert controls.count() >= 6
        for index in range(controls.count()):
            box = controls.nth(index).bounding_box()
            assert box["height"] >= 44, controls.nth(index).evaluate("el => el.outerHTML")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/account-{WIDTHS[width]}.png", full_page=True)

    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=confirm_password]", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    interactions += 4
    page.wait_for_load_state()
    assert page.get_by_text("Your password is changed. 1 other session signed out.").is_visible()
    assert interactions == (6 if width == "phone" else 5)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/account-changed-{WIDTHS[width]}.png", full_page=True)

    # The other device is signed out; this one goes on; the new password signs in.
    assert "/login" in other_device.open(f"{live_server}/account").geturl()
    page.goto(f"/campaigns/{campaign.slug}/stakeholders/")
    assert "/login" not in page.url
    user = db.session.scalar(db.select(User).filter_by(email="champion@example.org"))
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
