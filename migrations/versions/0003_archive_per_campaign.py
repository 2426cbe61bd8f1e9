"""archiving a person is per campaign: engagement.archived_at replaces stakeholder's

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:10:00

A person archived before this migration is archived in every campaign they were in, as
they were; from now on archiving in one campaign leaves the others alone.
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("engagement",
                  sa.Column("archived_at", app.models.base.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE engagement SET archived_at = (SELECT stakeholder.archived_at FROM stakeholder "
        "WHERE stakeholder.id = engagement.stakeholder_id)"
    )
    op.drop_index("ix_stakeholder_archived_at", table_name="stakeholder")
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding the table in batch mode would trip
    # the foreign keys that point at stakeholder.
    op.drop_column("stakeholder", "archived_at")


def downgrade():
    op.add_column("stakeholder",
                  sa.Column("archived_at", app.models.base.UTCDateTime(), nullable=True))
    op.create_index("ix_stakeholder_archived_at", "stakeholder", ["archived_at"])
    # A person archived in any campaign comes back archived (the old, global meaning).
    op.execute(
        "UPDATE stakeholder SET archived_at = (SELECT MIN(engagement.archived_at) "
        "FROM engagement WHERE engagement.stakeholder_id = stakeholder.id)"
    )
    op.drop_column("engagement", "archived_at")
