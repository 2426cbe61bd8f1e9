"""a person's details can be erased on request: engagement.erased_at

Revision ID: 0007_erasure
Revises: 0006
Create Date: 2026-12-01 05:30:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0007_erasure"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: nullable, no default, so SQLite needs no table rebuild.
    op.add_column("engagement",
                  sa.Column("erased_at", app.models.base.UTCDateTime(), nullable=True))


def downgrade():
    op.drop_column("engagement", "erased_at")
