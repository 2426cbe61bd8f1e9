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
        upgrade()
        archived = sa.table("engagement", sa.column("id"),
                            sa.column("archived_at", UTCDateTime()))
        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.select(archived).order_by(archived.c.id)).all())
        db.engine.dispose()
    assert rows == {1: gone, 2: gone, 3: None}
