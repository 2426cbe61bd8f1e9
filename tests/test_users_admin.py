"""The admin Users page, invitation and reset links, and `flask users`: admins only, links
that work once for 72 hours, sessions that end, the last admin kept, everything audited."""

import os
import re
from datetime import timedelta

import pytest

from app.extensions import db, mail
from app.models import AccountToken, AuditEvent, Membership, Role, User, UserSession
from app.models.base import utcnow
from tests.conftest import PASSWORD, browser_login, login
from tests.test_sessions import SESSION, assert_signed_out, captured, opens, replay, sign_in

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"https?://[^/\"\s]+/(welcome|reset)/([A-Za-z0-9_-]{20,})")


def the_link(text: str) -> str:
    """The path of the one link a page or command printed."""
    found = {match.group(0) for match in LINK.finditer(text)}
    assert len(found) == 1, text
    return "/" + found.pop().split("/", 3)[3]


def admin_routes(app, user_id: int):
    """(endpoint, url, method) of every route of the Users page."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("users."):
            url = rule.build({"user_id": user_id} if rule.arguments else {},
                             append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, url, method


def invite(client, **fields):
    data = {"email": "nina@example.org", "name": "Nina New", "role": "champion",
            "campaign": "", "campaign_role": "champion", **fields}
    return client.post("/users/invite", data=data)


def events(user, action=None) -> list[AuditEvent]:
    query = db.select(AuditEvent).filter_by(entity_type="user", entity_id=user.id)
    if action:
        query = query.filter_by(action=action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def user_by_email(email) -> User:
    return db.session.scalar(db.select(User).filter_by(email=email))


def set_password(app, path, password=NEW_PASSWORD, confirm=None):
    """A fresh browser opening a link and setting a password; returns (client, response)."""
    client = app.test_client()
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": password,
                                       "confirm": password if confirm is None else confirm})
    return client, response


# --- Who may use the page ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "champion", "viewer", "outsider"])
def test_every_users_route_refuses_everyone_but_admins(app, users, login_as, who):
    client = login_as(who)
    routes = list(admin_routes(app, users["champion"].id))
    assert len(routes) >= 8
    before = len(list(db.session.scalars(db.select(AuditEvent))))
    wrong = [(endpoint, method, status) for endpoint, url, method in routes
             if (status := client.open(url, method=method).status_code) != 403]
    assert wrong == []
    assert len(list(db.session.scalars(db.select(AuditEvent)))) == before
    assert "/users/" not in client.get("/campaigns/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, client, users):
    for endpoint, url, method in admin_routes(app, users["champion"].id):
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method)
        assert "/login" in response.headers["Location"]


def test_admins_see_the_page_and_a_header_link(as_admin, users, campaign):
    assert 'href="/users/"' in as_admin.get("/campaigns/").get_data(as_text=True)
    page = as_admin.get("/users/").get_data(as_text=True)
    for user in users.values():
        assert user.name in page and user.email in page
    assert "Collaboration platform rollout" in page  # the campaigns people belong to


# --- The list -------------------------------------------------------------------------------


def test_list_searches_filters_and_shows_status_sessions_and_last_sign_in(
        app, users, campaign, as_admin):
    invite(as_admin)
    db.session.execute(db.update(User).filter_by(email="viewer@example.org").values(active=False))
    db.session.commit()
    sign_in(app, users["champion"])
    sign_in(app, users["champion"])

    def names(**query):
        html = as_admin.get("/users/", query_string=query).get_data(as_text=True)
        return set(re.findall(r'href="/users/\d+">([^<]+)</a>', html)), html

    found, html = names(q="CHAMP")
    assert found == {"Champion"}
    row = html[html.index(f'id="user-{users["champion"].id}"'):]
    row = row[:row.index("</tr>")]
    assert re.search(r'data-label="Sessions"[^>]*>2<', row)
    assert "never" not in row  # signed in, so a last sign-in shows
    assert names(q="outsider@")[0] == {"Olive Outsider"}
    assert names(role="lead")[0] == {"Lead", "Olive Outsider"}
    assert names(status="invited")[0] == {"Nina New"}
    assert names(status="disabled")[0] == {"Viewer"}
    assert names(status="active")[0] == {"Admin", "Lead", "Champion", "Olive Outsider"}
    assert "invited, not yet accepted" in names(status="invited")[1]
    # Nonsense filters are ignored rather than failing.
    assert as_admin.get("/users/?role=emperor&status=x&page=abc").status_code == 200


def test_the_list_costs_the_same_few_queries_for_many_users(app, users, campaign, as_admin,
                                                            count_queries):
    def queries_for_list() -> int:
        with count_queries() as counter:
            assert as_admin.get("/users/").status_code == 200
        return counter.count

    few = queries_for_list()
    for n in range(30):
        user = User(email=f"bulk{n}@example.org", name=f"Bulk {n}", role=Role.viewer,
                    password_hash="x")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.viewer))
    db.session.commit()
    assert queries_for_list() == few


# --- Invitations ------------------------------------------------------------------------------


def test_invite_accept_signed_in_and_the_link_works_once(app, users, campaign, as_admin):
    response = invite(as_admin, role="lead", campaign=str(campaign.id), campaign_role="viewer")
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "Invitation for Nina New" in page and "nina@example.org" in page
    path = the_link(page)
    assert path.startswith("/welcome/")
    nina = user_by_email("nina@example.org")
    assert nina.role is Role.lead and not nina.check_password("")
    assert db.session.get(Membership, (campaign.id, nina.id)).role is Role.viewer
    # Not a password the sign-in page accepts before the invitation is accepted.
    assert app.test_client().post("/login", data={"email": nina.email,
                                                  "password": ""}).status_code != 302

    welcome = app.test_client().get(path)
    assert welcome.status_code == 200 and "Welcome, Nina New" in welcome.get_data(as_text=True)
    assert welcome.headers["Cache-Control"] == "no-store"

    client, response = set_password(app, path)
    assert response.status_code == 302
    assert opens(client, campaign)  # signed in, as a viewer of the campaign
    db.session.refresh(nina)
    assert nina.check_password(NEW_PASSWORD) and nina.last_login_at is not None
    assert events(nina, "accept_invite")[0].user_id == nina.id

    # The same link again: refused, and nobody is signed in by it.
    again = app.test_client()
    response = again.get(path)
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    assert "nina" not in response.get_data(as_text=True).lower()
    response = again.post(path, data={"password": "another long passphrase",
                                      "confirm": "another long passphrase"})
    assert response.status_code == 410
    assert again.get(f"/campaigns/{campaign.slug}/stakeholders/").status_code == 302
    db.session.refresh(nina)
    assert nina.check_password(NEW_PASSWORD)


def test_only_a_hash_of_the_token_is_stored(as_admin):
    token = the_link(invite(as_admin).get_data(as_text=True)).rsplit("/", 1)[1]
    link = db.session.scalar(db.select(AccountToken))
    assert token not in link.token_hash and len(link.token_hash) == 64
    expiry = link.expires_at - link.created_at
    assert timedelta(hours=71, minutes=59) < expiry <= timedelta(hours=72)
    for event in db.session.scalars(db.select(AuditEvent)):
        assert token not in str(event.changes) and link.token_hash not in str(event.changes)


def test_an_expired_link_is_refused(app, as_admin, campaign):
    path = the_link(invite(as_admin).get_data(as_text=True))
    db.session.execute(db.update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    response = app.test_client().post(path, data={"password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert not user_by_email("nina@example.org").check_password(NEW_PASSWORD)
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 1  # the admin's


def test_unknown_and_wrong_kind_of_links_are_not_found(app, as_admin):
    path = the_link(invite(as_admin).get_data(as_text=True))
    anonymous = app.test_client()
    assert anonymous.get("/welcome/not-a-real-token-at-all").status_code == 404
    assert anonymous.get(path.replace("/welcome/", "/reset/")).status_code == 404
    assert anonymous.get(path).status_code == 200


def test_a_newer_link_replaces_the_older_one(app, as_admin):
    first = the_link(invite(as_admin).get_data(as_text=True))
    nina = user_by_email("nina@example.org")
    response = as_admin.post(f"/users/{nina.id}/link")
    second = the_link(response.get_data(as_text=True))
    assert second.startswith("/welcome/") and second != first
    answer = app.test_client().get(first)
    assert answer.status_code == 410 and "newer link" in answer.get_data(as_text=True)
    assert app.test_client().get(second).status_code == 200


def test_password_problems_come_back_on_the_form_and_the_link_stays_good(app, as_admin):
    path = the_link(invite(as_admin).get_data(as_text=True))
    _client, response = set_password(app, path, password="short")
    assert response.status_code == 400
    assert "at least 12" in response.get_data(as_text=True)
    _client, response = set_password(app, path, confirm="something else entirely")
    assert response.status_code == 400
    assert "not the same" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AccountToken.used_at)) is None
    _client, response = set_password(app, path)
    assert response.status_code == 302


def test_invite_refuses_a_taken_email_and_keeps_what_was_typed(as_admin, users):
    response = invite(as_admin, email="lead@example.org", name="Someone Typed")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "already exists" in page and 'value="Someone Typed"' in page
    response = invite(as_admin, email="not an email", name="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not an email address" in page and "Give their name" in page
    assert db.session.scalar(db.select(db.func.count(AccountToken.id))) == 0


def test_a_disabled_users_link_does_not_open(app, as_admin):
    path = the_link(invite(as_admin).get_data(as_text=True))
    nina = user_by_email("nina@example.org")
    assert as_admin.post(f"/users/{nina.id}/disable").status_code == 302
    assert app.test_client().get(path).status_code == 410
    assert as_admin.post(f"/users/{nina.id}/link").status_code == 400


def test_a_link_opened_where_someone_else_is_signed_in_signs_them_out(app, users, campaign,
                                                                      as_admin):
    path = the_link(invite(as_admin).get_data(as_text=True))
    browser = sign_in(app, users["lead"])
    lead_cookie = captured(browser, SESSION)
    assert "will be signed out" in browser.get(path).get_data(as_text=True)
    browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert_signed_out(replay(app, lead_cookie), campaign)
    assert "Nina New" in browser.get("/").get_data(as_text=True)


# --- Reset links, sessions, disabling ------------------------------------------------------


def test_reset_link_sets_a_new_password_and_ends_every_session(app, users, campaign, as_admin):
    champion = users["champion"]
    stolen = captured(sign_in(app, champion, remember=True), SESSION)
    response = as_admin.post(f"/users/{champion.id}/link")
    assert response.status_code == 200
    path = the_link(response.get_data(as_text=True))
    assert path.startswith("/reset/")
    client, response = set_password(app, path)
    assert response.status_code == 302
    assert opens(client, campaign)
    assert_signed_out(replay(app, stolen), campaign)
    assert app.test_client().post("/login", data={
        "email": champion.email, "password": PASSWORD}).status_code == 401
    assert app.test_client().post("/login", data={
        "email": champion.email, "password": NEW_PASSWORD}).status_code == 302
    assert [event.action for event in events(champion)] == ["reset_link", "reset_password"]
    assert events(champion, "reset_password")[0].changes == {"sessions_ended": [None, 1]}
    assert app.test_client().get(path).status_code == 410


def test_disabling_ends_every_session_at_once_and_re_enabling_lets_them_back(
        app, users, campaign, as_admin):
    champion = users["champion"]
    stolen = captured(sign_in(app, champion, remember=True), SESSION)
    response = as_admin.post(f"/users/{champion.id}/disable", follow_redirects=True)
    assert "1 session(s) ended" in response.get_data(as_text=True)
    assert_signed_out(replay(app, stolen), campaign)
    assert app.test_client().post("/login", data={
        "email": champion.email, "password": PASSWORD}).status_code == 401
    assert as_admin.post(f"/users/{champion.id}/enable").status_code == 302
    sign_in(app, champion)
    assert [event.action for event in events(champion)] == ["disable", "enable"]
    assert events(champion, "disable")[0].changes == {
        "active": [True, False], "sessions_ended": [None, 1]}


def test_sign_out_everywhere(app, users, campaign, as_admin):
    champion = users["champion"]
    phone, laptop = (captured(sign_in(app, champion), SESSION) for _ in range(2))
    response = as_admin.post(f"/users/{champion.id}/signout", follow_redirects=True)
    assert "2 session(s) ended" in response.get_data(as_text=True)
    assert_signed_out(replay(app, phone), campaign)
    assert_signed_out(replay(app, laptop), campaign)
    assert as_admin.get("/users/").status_code == 200  # the admin's own session lives on
    assert events(champion, "sign_out")[0].user_id == users["admin"].id


# --- Roles and the last admin -------------------------------------------------------------


def test_role_change_is_audited_and_takes_effect(app, users, campaign, as_admin):
    lead = users["lead"]
    response = as_admin.post(f"/users/{lead.id}/role", data={"role": "admin"})
    assert response.status_code == 302
    db.session.refresh(lead)
    assert lead.role is Role.admin
    assert events(lead, "update")[0].changes == {"role": ["lead", "admin"]}
    assert login(app.test_client(), lead).get("/users/").status_code == 200
    assert as_admin.post(f"/users/{lead.id}/role", data={"role": "emperor"}).status_code == 400
    trail = as_admin.get(f"/users/{lead.id}").get_data(as_text=True)
    assert "Admin" in trail and "lead" in trail.lower() and "role" in trail


def test_the_last_active_admin_cannot_demote_or_disable_themself(app, users, as_admin):
    admin = users["admin"]
    for response in (as_admin.post(f"/users/{admin.id}/role", data={"role": "lead"}),
                     as_admin.post(f"/users/{admin.id}/disable")):
        assert response.status_code == 400
        assert "last active admin" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role is Role.admin and admin.active
    assert events(admin) == []
    # With a second admin, stepping down is allowed.
    as_admin.post(f"/users/{users['lead'].id}/role", data={"role": "admin"})
    response = as_admin.post(f"/users/{admin.id}/role", data={"role": "lead"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert as_admin.get("/users/").status_code == 403


def test_a_disabled_admin_does_not_count_as_the_other_admin(app, users, as_admin):
    users["lead"].role = Role.admin
    users["lead"].active = False
    db.session.commit()
    response = as_admin.post(f"/users/{users['admin'].id}/disable")
    assert response.status_code == 400


def test_the_account_page_shows_its_audit_trail(users, as_admin):
    champion = users["champion"]
    as_admin.post(f"/users/{champion.id}/role", data={"role": "viewer"})
    as_admin.post(f"/users/{champion.id}/signout")
    page = as_admin.get(f"/users/{champion.id}").get_data(as_text=True)
    trail = page[page.index("Audit trail"):]
    assert "signed out everywhere" in trail and "Champion → Viewer" in trail
    assert "Admin" in trail  # who did it
    assert PASSWORD not in page


def test_unknown_users_are_not_found(as_admin):
    assert as_admin.get("/users/99999").status_code == 404
    assert as_admin.post("/users/99999/disable").status_code == 404


# --- Mail ----------------------------------------------------------------------------------


def configure_mail(app, **settings):
    """Mail settings as an operator sets them, read by Flask-Mailman as at start-up; the
    locmem backend keeps what is sent in an outbox instead of talking SMTP."""
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_BACKEND="locmem", **settings)
    mail.init_app(app)
    return app.extensions["mailman"]


def test_links_are_emailed_when_mail_is_configured(app, users, as_admin):
    mailman = configure_mail(app, PUBLIC_URL="https://groundswell.example.org")
    response = invite(as_admin)
    page = response.get_data(as_text=True)
    assert "Emailed to nina@example.org" in page
    path = the_link(page)
    outbox = mailman.outbox
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["nina@example.org"]
    assert f"https://groundswell.example.org{path}" in message.body

    champion = users["champion"]
    reset_path = the_link(as_admin.post(f"/users/{champion.id}/link").get_data(as_text=True))
    assert len(outbox) == 2 and outbox[1].to == [champion.email]
    assert f"https://groundswell.example.org{reset_path}" in outbox[1].body


def test_nothing_is_emailed_without_mail_server(app, as_admin):
    app.config.update(MAIL_SERVER="")
    page = invite(as_admin).get_data(as_text=True)
    assert "Emailed" not in page
    assert getattr(app.extensions["mailman"], "outbox", []) == []


# --- The command line -----------------------------------------------------------------------


def test_cli_invite_prints_a_link_that_works(app, runner, campaign):
    app.config["PUBLIC_URL"] = "https://gs.example.org/"
    result = runner.invoke(args=["users", "invite", "cli@example.org", "--name", "Cli Person",
                                 "--role", "viewer", "--campaign", campaign.slug])
    assert result.exit_code == 0, result.output
    path = the_link(result.output)
    assert "https://gs.example.org/welcome/" in result.output
    user = user_by_email("cli@example.org")
    assert db.session.get(Membership, (campaign.id, user.id)).role is Role.champion
    assert events(user)[0].action == "create" and events(user)[0].user_id is None
    _client, response = set_password(app, path)
    assert response.status_code == 302

    result = runner.invoke(args=["users", "list"])
    assert "cli@example.org\tCli Person\tviewer\tactive" in result.output


def test_cli_refuses_bad_invitations(runner, users):
    result = runner.invoke(args=["users", "invite", "lead@example.org", "--name", "X"])
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["users", "invite", "z@example.org", "--name", "Z",
                                 "--campaign", "nope"])
    assert result.exit_code != 0 and "No campaign nope" in result.output
    assert user_by_email("z@example.org") is None


def test_cli_role_disable_enable_signout_and_reset_link(app, runner, users, campaign):
    champion = users["champion"]
    stolen = captured(sign_in(app, champion), SESSION)
    result = runner.invoke(args=["users", "signout", champion.email])
    assert result.exit_code == 0 and "ended 1 session(s)" in result.output
    assert_signed_out(replay(app, stolen), campaign)

    result = runner.invoke(args=["users", "role", champion.email, "lead"])
    assert result.exit_code == 0 and "is now lead" in result.output

    stolen = captured(sign_in(app, champion), SESSION)
    result = runner.invoke(args=["users", "disable", champion.email])
    assert result.exit_code == 0 and "ended 1 session(s)" in result.output
    assert_signed_out(replay(app, stolen), campaign)
    assert runner.invoke(args=["users", "reset-link", champion.email]).exit_code != 0
    result = runner.invoke(args=["users", "enable", champion.email])
    assert result.exit_code == 0 and "Re-enabled" in result.output

    result = runner.invoke(args=["users", "reset-link", champion.email])
    assert result.exit_code == 0, result.output
    path = re.search(r"/reset/[A-Za-z0-9_-]+", result.output).group(0)
    assert "PUBLIC_URL" in result.output  # no address configured: the path, and how to fix it
    _client, response = set_password(app, path)
    assert response.status_code == 302
    assert [event.action for event in events(champion)] == [
        "sign_out", "update", "disable", "enable", "reset_link", "reset_password"]
    assert all(event.user_id is None for event in events(champion)[:-1])


def test_cli_keeps_the_last_admin(runner, users):
    for args in (["role", "admin@example.org", "viewer"], ["disable", "admin@example.org"]):
        result = runner.invoke(args=["users", *args])
        assert result.exit_code != 0 and "last active admin" in result.output
    assert users["admin"].role is Role.admin and users["admin"].active
    result = runner.invoke(args=["users", "role", "nobody@example.org", "viewer"])
    assert result.exit_code != 0 and "No user" in result.output


def test_cli_emails_links_when_mail_is_configured(app, runner, users):
    mailman = configure_mail(app, PUBLIC_URL="https://gs.example.org")
    result = runner.invoke(args=["users", "reset-link", users["viewer"].email])
    assert result.exit_code == 0 and "Emailed to viewer@example.org" in result.output
    assert the_link(result.output) in mailman.outbox[0].body


# --- In a browser, on a desktop and on a phone ----------------------------------------------

SHOTS = os.environ.get("GROUNDSWELL_SHOTS")


def small_targets(page) -> list[str]:
    """Buttons and fields in the page's content smaller than 44 px in either direction."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.gs-tap .btn, .gs-tap input:not([type=hidden]):not([hidden]), .gs-tap select')]
      .filter(el => el.offsetParent !== null)
      .map(el => [el.name || el.textContent.trim(), el.getBoundingClientRect()])
      .filter(([, box]) => box.height < 44 || box.width < 44)
      .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)
    """)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_invites_and_the_person_signs_in_through_the_link(
        page, _browser, live_server, users, campaign, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, users["admin"])
    clicks = 0

    def act(step, *args):
        nonlocal clicks
        clicks += 1
        step(*args)

    if width < 768:  # the header folds into a menu on a phone
        act(page.click, "button.navbar-toggler")
    act(page.click, "nav >> text=Users")
    act(page.click, "text=Invite someone")
    act(page.fill, "input[name=email]", "nina@example.org")
    act(page.fill, "input[name=name]", "Nina New")
    act(page.select_option, "select[name=campaign]", str(campaign.id))
    if width < 768:
        assert small_targets(page) == []
    act(page.click, "button:has-text('Invite')")
    link = page.input_value("#account-link")
    assert "/welcome/" in link
    page.wait_for_selector("button[data-copy]", state="visible")  # the copy script ran
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    act(page.click, "button[data-copy]")
    page.wait_for_selector("button[data-copy]:text-is('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == link
    if width < 768:
        assert small_targets(page) == []
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"users-link-{width}.png"), full_page=True)
    assert clicks == (8 if width < 768 else 7)

    # The invited person, on their own device.
    context = _browser.new_context(base_url=live_server,
                                   viewport={"width": width, "height": 900})
    theirs = context.new_page()
    theirs.set_default_timeout(10_000)
    theirs.goto(link)
    if width < 768:
        assert small_targets(theirs) == []
    if SHOTS:
        theirs.screenshot(path=os.path.join(SHOTS, f"users-welcome-{width}.png"),
                          full_page=True)
    theirs.fill("input[name=password]", NEW_PASSWORD)
    theirs.fill("input[name=confirm]", NEW_PASSWORD)
    theirs.click("button:has-text('Set password and sign in')")
    theirs.wait_for_load_state()
    # Three interactions, and they land signed in, in the campaign they were invited to.
    assert "Your password is set and you are signed in" in theirs.content()
    assert f"/campaigns/{campaign.slug}/" in theirs.url
    assert "Nina New" in theirs.text_content("nav")
    if SHOTS:
        theirs.screenshot(path=os.path.join(SHOTS, f"users-signed-in-{width}.png"))
    # The link is spent.
    theirs.goto(link)
    assert "already been used" in theirs.content()
    context.close()

    page.goto("/users/?status=active&q=nina")
    assert "Nina New" in page.content()
    if SHOTS:
        page.goto("/users/")
        page.screenshot(path=os.path.join(SHOTS, f"users-list-{width}.png"), full_page=True)
        page.goto(f"/users/{user_by_email('nina@example.org').id}")
        page.screenshot(path=os.path.join(SHOTS, f"users-show-{width}.png"), full_page=True)
