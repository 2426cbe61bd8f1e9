"""The one commit point (app/transaction.py): what a request wrote is kept only when the
request succeeded and was not a GET."""

import pytest
from flask import abort, redirect

from app import create_app
from app.extensions import db
from app.models import SignInFailure
from tests.conftest import login

#: What is committed is read on another connection, so these tests commit for real.
pytestmark = pytest.mark.commits


def stored(email: str) -> int:
    """Rows another connection sees: what was committed, not what this session flushed."""
    with db.engine.connect() as connection:
        return connection.scalar(
            db.select(db.func.count()).select_from(SignInFailure)
            .where(SignInFailure.email == email))


@pytest.fixture
def writer(app, users):
    """A client signed in to an app of its own (a route cannot be added to the suite's app
    once it has served a request) whose test routes each flush one row, then answer as
    named."""
    own = create_app({key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SECRET_KEY")})

    def write(email: str) -> None:
        db.session.add(SignInFailure(email=email, address="test"))
        db.session.flush()

    def answer(kind: str):
        write(kind)
        if kind == "redirect":
            return redirect("/")
        if kind == "refused":
            return "sent back with errors", 400
        if kind == "missing":
            abort(404)
        if kind == "broken":
            raise RuntimeError("the view failed after writing")
        return "done"

    own.add_url_rule("/_test/write/<kind>", "test_write", answer, methods=["GET", "POST"])
    with own.app_context():
        client = login(own.test_client(), users["champion"])
    yield client
    with own.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("kind", "status", "kept"), [
    ("ok", 200, 1), ("redirect", 302, 1), ("refused", 400, 0), ("missing", 404, 0),
])
def test_a_post_keeps_its_writes_only_when_it_succeeds(writer, kind, status, kept):
    assert writer.post(f"/_test/write/{kind}").status_code == status
    assert stored(kind) == kept


def test_a_post_that_fails_keeps_nothing(writer):
    writer.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert writer.post("/_test/write/broken").status_code == 500
    assert stored("broken") == 0


def test_a_get_never_commits(writer):
    assert writer.get("/_test/write/ok").status_code == 200
    assert stored("ok") == 0


def test_a_failed_sign_in_is_counted_though_the_request_is_refused(client, users):
    answer = client.post("/login", data={"email": users["lead"].email, "password": "wrong"})
    assert answer.status_code == 401
    assert stored(users["lead"].email) == 1
