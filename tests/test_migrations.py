"""Migrations build the same schema as the models, on SQLite and on PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the kind the suite runs on."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    name = f"gs_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def catch_up_sequences(connection, *tables) -> None:
    """After rows inserted with explicit ids, PostgreSQL's id sequences must move past
    them, as they would have in real use, before a migration inserts rows of its own."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))


def test_upgrade_on_an_empty_database_matches_the_models(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], "models and migrations differ; run `flask db migrate`"


def test_people_archived_before_0003_stay_archived_in_each_of_their_campaigns(
        empty_database_url):
    """0003 moves archiving from the person to each of their campaign engagements."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from app.models.base import UTCDateTime

    now, gone = datetime(2026, 11, 1, 9, tzinfo=UTC), datetime(2026, 10, 6, 9, tzinfo=UTC)
    campaign = sa.table("campaign", *(sa.column(c) for c in (
        "id", "slug", "name", "change", "description", "phase", "starts_on")),
        sa.column("goals", sa.JSON()), sa.column("created_at", UTCDateTime()))
    stakeholder = sa.table("stakeholder", *(sa.column(c) for c in (
        "id", "name", "email", "title", "department", "level", "influence")),
        sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()),
        sa.column("archived_at", UTCDateTime()))
    engagement = sa.table("engagement", *(sa.column(c) for c in (
        "id", "campaign_id", "stakeholder_id", "stance", "target_stance", "interest",
        "joined_on")), sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            connection.execute(sa.insert(campaign), [
                {"id": n, "slug": f"c{n}", "name": f"C{n}", "change": "x", "description": "",
                 "goals": [], "phase": "embrace", "starts_on": date(2026, 9, 1),
                 "created_at": now} for n in (1, 2)])
            connection.execute(sa.insert(stakeholder), [
                {"id": 1, "name": "Left", "email": "left@example.org", "title": "",
                 "department": "", "level": "worker", "influence": 3, "created_at": now,
                 "updated_at": now, "archived_at": gone},
                {"id": 2, "name": "Stays", "email": "stays@example.org", "title": "",
                 "department": "", "level": "worker", "influence": 3, "created_at": now,
                 "updated_at": now, "archived_at": None}])
            connection.execute(sa.insert(engagement), [
                {"id": n, "campaign_id": c, "stakeholder_id": s, "stance": "neutral",
                 "target_stance": "supporter", "interest": 3, "joined_on": date(2026, 9, 1),
                 "created_at": now, "updated_at": now}
                for n, c, s in ((1, 1, 1), (2, 2, 1), (3, 1, 2))])
            catch_up_sequences(connection, "campaign", "stakeholder", "engagement")
        upgrade()
        archived = sa.table("engagement", sa.column("id"),
                            sa.column("archived_at", UTCDateTime()))
        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.select(archived).order_by(archived.c.id)).all())
        db.engine.dispose()
    assert rows == {1: gone, 2: gone, 3: None}


def test_0004_gives_each_campaign_its_own_record_of_a_shared_person(empty_database_url):
    """0004 keeps a shared person's row for their oldest campaign and copies it for the
    others, with that campaign's engagement, audit events and reporting lines."""
    from datetime import UTC, date, datetime, timedelta

    import sqlalchemy as sa

    from app.models.base import UTCDateTime

    now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    campaign = sa.table("campaign", *(sa.column(c) for c in (
        "id", "slug", "name", "change", "description", "phase", "starts_on")),
        sa.column("goals", sa.JSON()), sa.column("created_at", UTCDateTime()))
    stakeholder = sa.table("stakeholder", *(sa.column(c) for c in (
        "id", "name", "email", "title", "department", "level", "influence", "reports_to_id",
        "campaign_id")), sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()))
    engagement = sa.table("engagement", *(sa.column(c) for c in (
        "id", "campaign_id", "stakeholder_id", "stance", "target_stance", "interest",
        "joined_on")), sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()), sa.column("archived_at", UTCDateTime()))
    audit = sa.table("audit_event", *(sa.column(c) for c in (
        "id", "campaign_id", "entity_type", "entity_id", "action", "stakeholder_id")),
        sa.column("changes", sa.JSON()), sa.column("at", UTCDateTime()))
    people = {1: "Bea Boss", 2: "Rob Report", 3: "Tess Third", 4: "Wyn Worker", 5: "Nell Nowhere"}
    #: engagement id, campaign, person, created (minutes after `now`): Rob's oldest is in 2.
    engagements = [(1, 1, 1, 0), (2, 2, 1, 5), (3, 2, 2, 1), (4, 1, 2, 6), (5, 3, 3, 2),
                   (6, 2, 4, 3)]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(sa.insert(campaign), [
                {"id": n, "slug": f"c{n}", "name": f"C{n}", "change": "x", "description": "",
                 "goals": [], "phase": "embrace", "starts_on": date(2026, 9, 1),
                 "created_at": now} for n in (1, 2, 3)])
            connection.execute(sa.insert(stakeholder), [
                {"id": n, "name": name, "email": f"p{n}@example.org", "title": f"Title {n}",
                 "department": "Risk", "level": "manager", "influence": 4,
                 "reports_to_id": None if n == 1 else 1, "created_at": now, "updated_at": now}
                for n, name in people.items()])
            connection.execute(sa.insert(engagement), [
                {"id": e, "campaign_id": c, "stakeholder_id": s, "stance": "neutral",
                 "target_stance": "supporter", "interest": 3, "joined_on": date(2026, 9, 1),
                 "created_at": now + timedelta(minutes=m), "updated_at": now}
                for e, c, s, m in engagements])
            connection.execute(sa.insert(audit).values(at=now, changes={}), [
                {"id": 1, "campaign_id": 1, "entity_type": "stakeholder", "entity_id": 1,
                 "action": "create", "stakeholder_id": 1},
                {"id": 2, "campaign_id": 2, "entity_type": "stakeholder", "entity_id": 1,
                 "action": "update", "stakeholder_id": 1},
                {"id": 3, "campaign_id": 2, "entity_type": "engagement", "entity_id": 2,
                 "action": "create", "stakeholder_id": 1},
                {"id": 4, "campaign_id": None, "entity_type": "stakeholder", "entity_id": 1,
                 "action": "update", "stakeholder_id": 1},
                {"id": 5, "campaign_id": 3, "entity_type": "stakeholder", "entity_id": 5,
                 "action": "create", "stakeholder_id": 5}])
            catch_up_sequences(connection, "campaign", "stakeholder", "engagement", "audit_event")
        upgrade()
        with db.engine.connect() as connection:
            records = {row.id: row for row in connection.execute(sa.select(stakeholder))}
            engaged = {row.id: row for row in connection.execute(sa.select(engagement))}
            events = {row.id: (row.stakeholder_id, row.entity_id)
                      for row in connection.execute(sa.select(audit))}
            if db.engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()

    def record_of(person: int, campaign_id: int):
        found = [r for r in records.values()
                 if r.email == f"p{person}@example.org" and r.campaign_id == campaign_id]
        assert len(found) == 1, (person, campaign_id)
        return found[0]

    # Nothing lost: the five people plus a copy of Bea (for C2) and of Rob (for C1).
    assert len(records) == 7
    bea1, bea2, rob1, rob2 = record_of(1, 1), record_of(1, 2), record_of(2, 1), record_of(2, 2)
    assert bea1.id == 1 and rob2.id == 2  # each keeps the row of their oldest engagement
    assert (bea2.name, bea2.title, bea2.influence) == ("Bea Boss", "Title 1", 4)
    # Each engagement now belongs to the record of its own campaign (ids unchanged, so
    # conversations, objections and the rest still point at the right place).
    assert engaged[1].stakeholder_id == bea1.id and engaged[2].stakeholder_id == bea2.id
    assert engaged[3].stakeholder_id == rob2.id and engaged[4].stakeholder_id == rob1.id
    for row in engaged.values():
        assert records[row.stakeholder_id].campaign_id == row.campaign_id
    assert len({row.stakeholder_id for row in engaged.values()}) == len(engaged) == len(records)
    # Reporting lines stay inside each campaign.
    assert rob1.reports_to_id == bea1.id and rob2.reports_to_id == bea2.id
    assert record_of(4, 2).reports_to_id == bea2.id  # Bea's C2 copy, not her C1 row
    assert record_of(3, 3).reports_to_id is None  # Bea is not in C3
    assert bea1.reports_to_id is None and bea2.reports_to_id is None
    # C2's audit events moved to Bea's C2 record; C1's and campaign-less ones stayed.
    assert events[1] == (1, 1) and events[4] == (1, 1)
    assert events[2] == (bea2.id, bea2.id) and events[3] == (bea2.id, 2)
    # Nell was in no campaign: kept in the campaign of her audit trail, archived there.
    nell = record_of(5, 3)
    nell_engagement = [row for row in engaged.values() if row.stakeholder_id == nell.id]
    assert len(nell_engagement) == 1 and nell_engagement[0].archived_at is not None
    assert events[5] == (nell.id, nell.id)


def test_0009_relinks_stance_histories_broken_by_back_dating(empty_database_url):
    """0009 makes every stored from_stance the stance of the move before it, and each
    engagement's stance its latest move's, as the code now keeps them."""
    from datetime import UTC, date, datetime, timedelta

    import sqlalchemy as sa

    from app.models.base import UTCDateTime

    now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    campaign = sa.table("campaign", *(sa.column(c) for c in (
        "id", "slug", "name", "change", "description", "phase", "starts_on")),
        sa.column("goals", sa.JSON()), sa.column("created_at", UTCDateTime()))
    stakeholder = sa.table("stakeholder", *(sa.column(c) for c in (
        "id", "name", "email", "title", "department", "level", "influence", "campaign_id")),
        sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))
    engagement = sa.table("engagement", *(sa.column(c) for c in (
        "id", "campaign_id", "stakeholder_id", "stance", "target_stance", "interest",
        "joined_on")), sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()))
    stance_change = sa.table("stance_change", *(sa.column(c) for c in (
        "id", "engagement_id", "from_stance", "to_stance", "reason")),
        sa.column("changed_at", UTCDateTime()), sa.column("recorded_at", UTCDateTime()))
    #: (id, engagement, from, to, days after joining): engagement 1's third move was typed
    #: last but dated between the first two, so move 2 still says it came from sceptic.
    moves = [(1, 1, None, "sceptic", 0), (2, 1, "sceptic", "neutral", 20),
             (3, 1, "sceptic", "blocker", 10), (4, 2, None, "neutral", 0),
             (5, 2, "neutral", "supporter", 5)]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0007_erasure")
        with db.engine.begin() as connection:
            connection.execute(sa.insert(campaign), [
                {"id": 1, "slug": "c1", "name": "C1", "change": "x", "description": "",
                 "goals": [], "phase": "embrace", "starts_on": date(2026, 9, 1),
                 "created_at": now}])
            connection.execute(sa.insert(stakeholder), [
                {"id": n, "name": f"P{n}", "email": f"p{n}@example.org", "title": "",
                 "department": "Risk", "level": "worker", "influence": 3, "campaign_id": 1,
                 "created_at": now, "updated_at": now} for n in (1, 2)])
            connection.execute(sa.insert(engagement), [
                {"id": n, "campaign_id": 1, "stakeholder_id": n, "stance": stance,
                 "target_stance": "supporter", "interest": 3, "joined_on": date(2026, 9, 1),
                 "created_at": now, "updated_at": now}
                for n, stance in ((1, "neutral"), (2, "neutral"))])  # 2 should be supporter
            connection.execute(sa.insert(stance_change), [
                {"id": i, "engagement_id": e, "from_stance": before, "to_stance": after,
                 "reason": "", "changed_at": now + timedelta(days=days), "recorded_at": now}
                for i, e, before, after, days in moves])
        upgrade()
        with db.engine.connect() as connection:
            chain = {row.id: (row.from_stance, row.to_stance)
                     for row in connection.execute(sa.select(stance_change))}
            stances = {row.id: row.stance for row in connection.execute(sa.select(engagement))}
        db.engine.dispose()
    assert chain == {1: (None, "sceptic"), 3: ("sceptic", "blocker"),
                     2: ("blocker", "neutral"), 4: (None, "neutral"),
                     5: ("neutral", "supporter")}
    assert stances == {1: "neutral", 2: "supporter"}
