"""jobs: long work (PDFs, imports) done by a task-queue worker, tracked for the asker

Revision ID: 0010_jobs
Revises: 0009_stance_chain
Create Date: 2026-12-01 08:30:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0010_jobs"
down_revision = "0009_stance_chain"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("queued", "running", "done", "failed", name="jobstatus",
                                    native_enum=False, length=24, create_constraint=False),
                  nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("cache_key", sa.String(length=64), nullable=True),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("result_type", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(), nullable=False),
        sa.Column("started_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", app.models.base.UTCDateTime(), nullable=True),
        sa.Column("finished_at", app.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_job_campaign_id_campaign"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_job_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job") as batch_op:
        batch_op.create_index("ix_job_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_job_cache_key", ["cache_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("job")
