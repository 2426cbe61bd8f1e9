"""One password policy everywhere: `flask users create`, `flask users set-password` and the
Account page refuse the same passwords in the same words; any Unicode form of a password
signs in; hashes made from raw text before normalisation still sign in and are upgraded."""

import unicodedata

import pytest
from markupsafe import escape
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.passwords import common_passwords
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import PASSWORD

SHORT = "The password must be at least 12 characters (this one has {})."
LONG = "The password must be at most 128 characters (this one has {})."
BLANK = "The password cannot be only spaces, tabs or line breaks."
COMMON = ("That password is one of the 10,000 most common passwords, which are tried first; "
          "choose another.")

REFUSED = [
    pytest.param("elevenchars", SHORT.format(11), id="11 characters"),
    pytest.param("Grüße aus Köln " * 8 + "ß" * 9, LONG.format(129), id="129 characters"),
    pytest.param(" " * 12, BLANK, id="12 spaces"),
    pytest.param("\t\n\t\t\n\t\n\n\t\t\n\t", BLANK, id="tabs and newlines"),
    pytest.param("\t\u00a0\u3000" * 4, BLANK, id="tabs and Unicode spaces"),
    pytest.param("PassWord1234", COMMON, id="common, other case"),
    pytest.param("ｑｗｅｒｔｙ１２３４５６", COMMON, id="common, full-width"),
]

#: Accepted, each typed composed (NFC) and signed in with decomposed (NFD).
ACCEPTED = [
    pytest.param("twelve chars", id="12 characters"),
    pytest.param(("Tiếng Việt rất đẹp, ngôn ngữ của tôi. " * 4)[:128], id="128, non-ASCII"),
]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def signs_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    assert response.status_code in (302, 401), response.get_data(as_text=True)
    return response.status_code == 302


def cli_create(runner, password: str):
    return runner.invoke(
        args=["users", "create", "new@example.org", "--name", "New Person", "--password-stdin"],
        input=password + "\n",
    )


def change_on_account_page(client, new_password: str, confirm: str | None = None):
    return client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new_password,
        "confirm_password": new_password if confirm is None else confirm,
    })


def test_the_refused_cases_really_are_what_they_say():
    assert len(nfc("Grüße aus Köln " * 8 + "ß" * 9)) == 129
    assert "password1234" in common_passwords() and "qwerty123456" in common_passwords()


@pytest.mark.parametrize("password, message", REFUSED)
def test_users_create_refuses_with_the_policy_words(runner, users, password, message):
    result = cli_create(runner, password)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"
    assert db.session.scalar(db.select(User).filter_by(email="new@example.org")) is None


@pytest.mark.parametrize("password, message", REFUSED)
def test_users_set_password_refuses_with_the_policy_words(app, runner, users, password,
                                                          message):
    result = runner.invoke(args=["users", "set-password", "lead@example.org", "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"
    assert signs_in(app, "lead@example.org", PASSWORD)


@pytest.mark.parametrize("password, message", REFUSED)
def test_the_account_page_refuses_with_the_same_words(app, as_champion, password, message):
    response = change_on_account_page(as_champion, password)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback">{escape(message)}</div>' in html
    assert signs_in(app, "champion@example.org", PASSWORD)


@pytest.mark.parametrize("password", ACCEPTED)
def test_cli_accepts_and_any_form_signs_in(app, runner, password):
    result = cli_create(runner, nfc(password))
    assert result.exit_code == 0, result.output
    assert signs_in(app, "new@example.org", nfd(password))
    assert signs_in(app, "new@example.org", nfc(password))
    assert not signs_in(app, "new@example.org", password[:-1] + "!")


@pytest.mark.parametrize("password", ACCEPTED)
def test_account_page_accepts_and_any_form_signs_in(app, as_champion, password):
    response = change_on_account_page(as_champion, nfc(password))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert signs_in(app, "champion@example.org", nfd(password))
    assert not signs_in(app, "champion@example.org", PASSWORD)


def test_a_128_character_password_in_its_longest_form_signs_in(app, runner):
    # 128 characters whose decomposed form is 384 code points: past the old 200 limit.
    password = "ệ" * 64 + "ǖ" * 64
    assert len(nfd(password)) == 384
    assert cli_create(runner, password).exit_code == 0
    assert signs_in(app, "new@example.org", nfd(password))


def test_full_width_and_compatibility_forms_sign_in(app, runner):
    assert cli_create(runner, "ｍｙ ｂｉｇ ｂｌｕｅ ｈｏｕｓｅ").exit_code == 0
    assert signs_in(app, "new@example.org", "my big blue house")
    assert signs_in(app, "new@example.org", "my\u00a0big blue house")  # a no-break space


def test_nothing_is_truncated(app, runner):
    password = "x" * 127 + "a"
    assert cli_create(runner, password).exit_code == 0
    assert not signs_in(app, "new@example.org", "x" * 127 + "b")
    assert not signs_in(app, "new@example.org", "x" * 127)
    assert signs_in(app, "new@example.org", password)


def test_passwords_are_stored_hashed_in_normal_form(runner):
    assert cli_create(runner, nfd("Crème brûlée à la française")).exit_code == 0
    user = db.session.scalar(db.select(User).filter_by(email="new@example.org"))
    assert "Crème" not in user.password_hash
    assert check_password_hash(user.password_hash, "Crème brûlée à la française")


def test_a_hash_made_from_raw_text_still_signs_in_and_is_upgraded(app, users):
    typed_then = nfd("Ça ne s'oublie pas, très cher")  # hashed as typed, before normalising
    users["lead"].password_hash = generate_password_hash(typed_then, "pbkdf2:sha256:1000")
    db.session.commit()
    assert not signs_in(app, "lead@example.org", nfc(typed_then))  # not yet: unknown form
    assert signs_in(app, "lead@example.org", typed_then)
    db.session.refresh(users["lead"])
    assert check_password_hash(users["lead"].password_hash, nfc(typed_then))
    assert signs_in(app, "lead@example.org", nfc(typed_then))
    assert signs_in(app, "lead@example.org", typed_then)


def test_long_passwords_the_old_forms_took_still_sign_in(app, users):
    # The CLI once took any length and the sign-in form up to 200 characters.
    users["lead"].password_hash = generate_password_hash("y" * 200, "pbkdf2:sha256:1000")
    db.session.commit()
    assert signs_in(app, "lead@example.org", "y" * 200)


def test_sign_in_refuses_absurdly_long_input(client, users):
    response = client.post("/login", data={"email": "lead@example.org", "password": "z" * 513})
    assert response.status_code == 400
    assert b"longer than 512" in response.data


def test_set_password_from_the_shell_ends_sessions_and_is_audited(app, runner, users, campaign):
    client = app.test_client()
    client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert client.get("/").status_code in (200, 302)
    result = runner.invoke(args=["users", "set-password", "lead@example.org", "--password-stdin"],
                           input="a brand new pass phrase\r\n")
    assert result.exit_code == 0, result.output
    assert "ended 1 session(s)" in result.output
    assert client.get(f"/campaigns/{campaign.slug}/stakeholders/").status_code == 302
    assert signs_in(app, "lead@example.org", "a brand new pass phrase")  # no \r kept
    event = db.session.scalar(db.select(AuditEvent).filter_by(entity_type="user",
                                                              action="password"))
    assert event.entity_id == users["lead"].id and event.user_id is None
    assert "brand new" not in str(event.changes)


def test_set_password_for_nobody(runner):
    result = runner.invoke(args=["users", "set-password", "ghost@example.org",
                                 "--password-stdin"], input="whatever it is really\n")
    assert result.exit_code == 1 and "No user with email ghost@example.org." in result.output


def test_the_common_list_is_shipped_and_loaded_once():
    assert len(common_passwords()) == 10_000
    assert common_passwords() is common_passwords()
    assert all(entry == entry.lower() for entry in common_passwords())
