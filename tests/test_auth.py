"""Signing in and out, the users CLI, health (the throttle: test_throttle.py)."""

from app.extensions import db
from app.models import Role, User
from tests.conftest import PASSWORD


def test_login_page_is_public(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'name="password"' in response.data


def test_everything_else_requires_login(client, campaign):
    for path in ("/", f"/campaigns/{campaign.slug}/stakeholders/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_login_and_logout(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_logout_is_not_a_get(client, users):
    client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_message(client, users):
    response = client.post("/login",
                           data={"email": "lead@example.org", "password": "nope nope nope"})
    assert response.status_code == 401
    assert b"do not match" in response.data
    assert b'value="lead@example.org"' in response.data


def test_disabled_user_cannot_sign_in(client, users):
    users["viewer"].active = False
    db.session.commit()
    response = client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    assert response.status_code == 401


def test_open_redirect_after_login_is_ignored(client, users):
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "lead@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_csrf_is_enforced(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


def test_users_cli_create_list_disable(runner):
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--name", "New Person", "--role", "lead",
              "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="new@example.org"))
    assert user.role is Role.lead and user.password_hash != "a long enough password"
    assert user.check_password("a long enough password")

    result = runner.invoke(args=["users", "list"])
    assert "new@example.org" in result.output and "active" in result.output

    result = runner.invoke(args=["users", "disable", "new@example.org"])
    assert result.exit_code == 0
    db.session.refresh(user)
    assert not user.active


def test_users_cli_refuses_short_password_and_duplicates(runner, users):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 12" in result.output
    result = runner.invoke(
        args=["users", "create", "lead@example.org", "--name", "X", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code != 0 and "already exists" in result.output


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
