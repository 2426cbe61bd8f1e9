"""failed sign-ins are counted in the database, per email typed and per client address

Revision ID: 0005_sign_in_failures
Revises: 0004_people_per_campaign
Create Date: 2026-12-01 05:20:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0005_sign_in_failures"
down_revision = "0004_people_per_campaign"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failed_at", app.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    op.create_index("ix_sign_in_failure_email_failed_at", "sign_in_failure",
                    ["email", "failed_at"])
    op.create_index("ix_sign_in_failure_address_failed_at", "sign_in_failure",
                    ["address", "failed_at"])
    op.create_index(op.f("ix_sign_in_failure_failed_at"), "sign_in_failure", ["failed_at"])


def downgrade():
    op.drop_index(op.f("ix_sign_in_failure_failed_at"), table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_address_failed_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_email_failed_at", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
