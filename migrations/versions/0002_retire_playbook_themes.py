"""playbook themes can be retired

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:10:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("objection_theme",
                  sa.Column("archived_at", app.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("objection_theme") as batch_op:
        batch_op.drop_column("archived_at")
