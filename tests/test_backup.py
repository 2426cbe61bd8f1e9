"""`flask backup` and `flask restore`: the demo survives a round trip into a fresh database
of either kind, byte for byte, and a restore refuses anything it cannot load whole.

These tests commit for real into databases of their own (SQLite files, or PostgreSQL
databases created and dropped here), each with an app of its own, migrated as in production.
The demo is loaded once for the module."""

import gzip
import hashlib
import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.auth.operations import NO_PASSWORD, RESTORED_WITHOUT_PASSWORD
from app.backup.archive import EXCLUDED_TABLES
from app.conversations.operations import (
    AttendeeInput,
    ConversationInput,
    FollowUpInput,
    ObjectionInput,
    log_conversation,
)
from app.demo.operations import DEMO_SLUG, demo_logins
from app.extensions import db
from app.models import (
    Briefing,
    BriefingAttendee,
    Campaign,
    Channel,
    Conversation,
    Engagement,
    Level,
    ObjectionTheme,
    Role,
    Stance,
    User,
)

pytestmark = pytest.mark.commits

SUITE_URL = os.environ.get("TEST_DATABASE_URL", "")
#: The kind of database the suite runs on; the round trip starts from it.
SUITE_KIND = "postgresql" if SUITE_URL.startswith("postgresql") else "sqlite"
OTHER_KIND = "sqlite" if SUITE_KIND == "postgresql" else "postgresql"
#: Where PostgreSQL databases are made: TEST_DATABASE_URL's server, else the usual local one.
POSTGRES_SERVER = (SUITE_URL.rsplit("/", 1)[0] if SUITE_KIND == "postgresql"
                   else "postgresql+psycopg://postgres@127.0.0.1:5432")
#: Stand-in PDF bytes with every byte value, so base64 and bytea both get exercised.
PDF = b"%PDF-1.7\n" + bytes(range(256)) + b"\n%%EOF\n"
LEAD = next(login for login in demo_logins() if login.email.startswith("lead@"))


def _postgres_reachable() -> bool:
    engine = create_engine(f"{POSTGRES_SERVER}/postgres", connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def needs_postgres() -> None:
    """Skip when no PostgreSQL answers, unless the run must be complete."""
    if SUITE_KIND == "postgresql" or _postgres_reachable():
        return
    if os.environ.get("GROUNDSWELL_REQUIRE_BROWSER"):
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_SERVER}")
    pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER}")


class Databases:
    """New empty databases, each with its own migrated app; all removed at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.apps = []
        self.postgres: list[str] = []

    def url(self, kind: str) -> str:
        name = f"gs_backup_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            return f"sqlite:///{self.folder / name}.sqlite3"
        needs_postgres()
        self._admin(f'CREATE DATABASE "{name}"')
        self.postgres.append(name)
        return f"{POSTGRES_SERVER}/{name}"

    def app(self, kind: str, *, migrate: bool = True):
        """An app on a new database of `kind`, migrated to the newest revision."""
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": self.url(kind),
                          "WTF_CSRF_ENABLED": False, "SECRET_KEY": "backup-tests"})
        self.apps.append(app)
        if migrate:
            with app.app_context():
                upgrade()
        return app

    def _admin(self, statement: str) -> None:
        engine = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.engine.dispose()
        for name in self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("backup"))
    yield made
    made.close()


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def refused(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 1, result.output
    return result.output


def backup(app, path: Path, *options: str) -> Path:
    run(app, "backup", "--no-timestamp", "-o", str(path), *options)
    return path


def lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode().splitlines()


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """The demo on the suite's kind of database, plus what the demo lacks (a briefing with
    its PDF, an invitation not yet accepted), and its backups with and without credentials."""
    app = databases.app(SUITE_KIND)
    run(app, "demo")
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign).filter_by(slug=DEMO_SLUG))
        lead = db.session.scalar(db.select(User).filter_by(email=LEAD.email))
        engagement = db.session.scalar(db.select(Engagement).filter_by(campaign_id=campaign.id)
                                       .order_by(Engagement.id))
        briefing = Briefing(campaign_id=campaign.id, audience=Level.executive,
                            created_by_id=lead.id, introduction="Board, 10 minutes",
                            content={"sections": ["messages", "risks"], "note": "ünïcode"},
                            pdf=PDF, pdf_sha256=hashlib.sha256(PDF).hexdigest())
        briefing.attendees.append(BriefingAttendee(engagement_id=engagement.id))
        db.session.add(briefing)
        db.session.add(User(email="invited@example.org", name="Ivy Invited", role=Role.champion,
                            password_hash=NO_PASSWORD))
        db.session.commit()
        briefing_id = briefing.id
    folder = tmp_path_factory.mktemp("files")
    return {
        "app": app,
        "briefing_id": briefing_id,
        "credentials": backup(app, folder / "with.jsonl.gz", "--with-credentials"),
        "plain": backup(app, folder / "plain.jsonl.gz"),
    }


def signed_in(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return client


#: A CSRF token differs per session; nothing else on a page may.
CSRF_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return CSRF_TOKEN.sub(r'\1…"', response.get_data(as_text=True))


def test_every_table_is_backed_up_or_excluded(source):
    """A table the migrations create is either in the file or named in EXCLUDED_TABLES with
    its reason: a new table cannot be left out of backups unnoticed."""
    header = json.loads(lines(source["plain"])[0])
    backed_up = {table["name"] for table in header["tables"]}
    with source["app"].app_context():
        created = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert not backed_up & set(EXCLUDED_TABLES)
    assert backed_up | set(EXCLUDED_TABLES) == created, (
        "back this table up (add it to db.metadata) or name it in EXCLUDED_TABLES")
    assert header["excluded"] == sorted(EXCLUDED_TABLES)


def test_a_round_trip_serves_the_same_dashboard_and_stakeholders(source, databases):
    restored = databases.app(SUITE_KIND)
    output = run(restored, "restore", str(source["credentials"]))
    assert "Restored" in output and "no password" not in output
    kept = {name: count for name, count in counts(source["app"]).items()
            if name not in EXCLUDED_TABLES}
    assert {name: counts(restored)[name] for name in kept} == kept

    for slug in (DEMO_SLUG, "claims-answers"):
        for path in (f"/campaigns/{slug}/dashboard/", f"/campaigns/{slug}/stakeholders/",
                     f"/campaigns/{slug}/objections/", f"/campaigns/{slug}/followups/"):
            before = page(signed_in(source["app"], LEAD.email, LEAD.password), path)
            after = page(signed_in(restored, LEAD.email, LEAD.password), path)
            assert after == before, path
    pdf = signed_in(restored, LEAD.email, LEAD.password).get(
        f"/campaigns/{DEMO_SLUG}/briefings/{source['briefing_id']}.pdf")
    assert pdf.status_code == 200 and pdf.data == PDF


def test_sqlite_to_postgresql_and_back_gives_the_same_backup(source, databases, tmp_path):
    """From the suite's kind to the other and back (SQLite -> PostgreSQL -> SQLite, or the
    reverse on a PostgreSQL run): every backup of the way is the same file."""
    there = databases.app(OTHER_KIND)
    run(there, "restore", str(source["credentials"]))
    second = backup(there, tmp_path / "second.jsonl.gz", "--with-credentials")
    back = databases.app(SUITE_KIND)
    run(back, "restore", str(second))
    third = backup(back, tmp_path / "third.jsonl.gz", "--with-credentials")

    assert lines(second) == lines(source["credentials"])
    assert lines(third) == lines(source["credentials"])
    assert third.read_bytes() == source["credentials"].read_bytes()


def test_a_restored_postgresql_database_accepts_new_records(source, databases):
    """Sequences continue after the restored ids: a new conversation, with its stance move,
    objection, follow-up and audit events, gets fresh ids."""
    restored = databases.app("postgresql")
    run(restored, "restore", str(source["plain"]))
    with restored.app_context():
        campaign = db.session.scalar(db.select(Campaign).filter_by(slug=DEMO_SLUG))
        engagement = db.session.scalar(db.select(Engagement).filter_by(campaign_id=campaign.id)
                                       .order_by(Engagement.id.desc()))
        theme = db.session.scalar(db.select(ObjectionTheme).filter_by(campaign_id=campaign.id))
        newest = db.session.scalar(db.select(db.func.max(Conversation.id)))
        lead = db.session.scalar(db.select(User).filter_by(email=LEAD.email))
        conversation = log_conversation(campaign, lead, ConversationInput(
            occurred_at=datetime.now(UTC) - timedelta(hours=1), channel=Channel.meeting,
            attendees=[AttendeeInput(engagement, Stance.champion)], subject="After the restore",
            objections=[ObjectionInput(engagement, theme, "Still worried about support")],
            follow_ups=[FollowUpInput("Send the support plan", datetime.now(UTC).date(),
                                      owner_id=lead.id, engagement=engagement)]),
            datetime.now(UTC))
        db.session.commit()
        assert conversation.id == newest + 1


def test_created_at_is_only_in_the_header_and_the_file_is_private(source, tmp_path):
    stamped = tmp_path / "stamped.jsonl.gz"
    run(source["app"], "backup", "-o", str(stamped))
    unstamped = backup(source["app"], tmp_path / "unstamped.jsonl.gz")
    created_at = json.loads(lines(stamped)[0])["created_at"]
    assert datetime.fromisoformat(created_at).tzinfo is not None
    assert json.loads(lines(unstamped)[0])["created_at"] is None
    assert lines(stamped)[1:] == lines(unstamped)[1:]
    assert stamped.stat().st_mode & 0o777 == 0o600
    assert "Cannot write" in refused(source["app"], "backup", "-o", str(tmp_path / "no" / "x"))


def test_restore_refuses_a_database_that_is_not_empty(source, databases):
    before = counts(source["app"])
    output = refused(source["app"], "restore", str(source["plain"]))
    assert "This database is not empty" in output and "Nothing was restored" in output
    assert counts(source["app"]) == before

    one_user = databases.app(SUITE_KIND)
    with one_user.app_context():
        db.session.add(User(email="someone@example.org", name="Someone", role=Role.admin,
                            password_hash=NO_PASSWORD))
        db.session.commit()
    assert "already has 1 user." in refused(one_user, "restore", str(source["plain"]))
    assert counts(one_user)["campaign"] == 0


def test_password_hashes_only_with_credentials(source, databases):
    with source["app"].app_context():
        hashes = list(db.session.scalars(db.select(User.password_hash)
                                         .where(User.password_hash != NO_PASSWORD)))
    prefix = hashes[0].split("$")[0]  # e.g. scrypt:32768:8:1
    assert prefix and all(hashed.startswith(prefix) for hashed in hashes)
    assert prefix.encode() in gzip.decompress(source["credentials"].read_bytes())
    plain = gzip.decompress(source["plain"].read_bytes())
    assert prefix.encode() not in plain
    assert not any(hashed.split("$")[-1].encode() in plain for hashed in hashes)
    assert b'"credentials":false' in plain.split(b"\n")[0]


def test_users_restored_without_credentials_sign_in_after_a_reset_link(source, databases):
    restored = databases.app(SUITE_KIND)
    output = run(restored, "restore", str(source["plain"]))
    assert "6 users have no password" in output and LEAD.email in output
    assert "users reset-link" in output

    client = restored.test_client()
    response = client.post("/login", data={"email": LEAD.email, "password": LEAD.password})
    assert response.status_code != 302
    with restored.app_context():
        stored = dict(db.session.execute(db.select(User.email, User.password_hash)).all())
    assert stored[LEAD.email] == RESTORED_WITHOUT_PASSWORD
    assert stored["invited@example.org"] == NO_PASSWORD  # still an invitation to accept

    link = run(restored, "users", "reset-link", LEAD.email)
    path = re.search(r"/reset/\S+", link).group(0)
    new_password = "a fresh start after the restore"
    response = client.post(path, data={"password": new_password, "confirm": new_password})
    assert response.status_code == 302
    signed_in(restored, LEAD.email, new_password)


def test_restore_refuses_damaged_or_foreign_files_and_writes_nothing(source, databases,
                                                                     tmp_path):
    target = databases.app(SUITE_KIND)
    good = gzip.decompress(source["plain"].read_bytes())
    header, rest = good.split(b"\n", 1)
    revision = re.search(rb'"alembic_revision":"([^"]+)"', header).group(1).decode()

    def file(name: str, data: bytes, *, compress: bool = True) -> str:
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if compress else data)
        return str(path)

    raw = source["plain"].read_bytes()
    middle = len(rest) // 2
    cases = {
        file("cut.gz", raw[:len(raw) // 2], compress=False): "ends early",
        file("text.gz", b"not a backup\n", compress=False): "not gzip data",
        file("empty.gz", b""): "it is empty",
        file("other.gz", b'{"something": "else"}\n'): "not a backup header",
        file("missing-row.gz", header + b"\n" + rest[:rest.rindex(b"\n", 0, middle) + 1]
             + rest[rest.index(b"\n", middle) + 1:]): "the header says",
        file("bad-date.gz", good.replace(b'"starts_on":"', b'"starts_on":"31/', 1)):
            "Invalid isoformat",
        file("old.gz", good.replace(revision.encode(), b"0008_account_tokens", 1)):
            f"was made at revision 0008_account_tokens, but this database is at revision "
            f"{revision}",
        file("orphan.gz", good.replace(b'"campaign_id":1,', b'"campaign_id":99,', 1)):
            "does not fit this database",
    }
    for path, reason in cases.items():
        output = refused(target, "restore", path)
        assert reason in output and "Nothing was restored." in output, (path, output)
        assert not any(counts(target).values()), path

    unmigrated = databases.app(SUITE_KIND, migrate=False)
    assert "no schema yet" in refused(unmigrated, "restore", str(source["plain"]))
