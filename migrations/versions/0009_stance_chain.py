"""one truth for the stance history: every move starts where the move before it ended

Before this, logging a conversation dated before an existing move left that later move's
`from_stance` as it was, so the stored chain could disagree with the order of the moves.
This rewrites every `from_stance` as the `to_stance` of the move just before it (by date,
then id; none for a person's first move) and every engagement's stance as its latest
move's `to_stance`, which is what the code keeps true from now on. No schema change.

Revision ID: 0009_stance_chain
Revises: 0008_account_tokens
Create Date: 2026-12-01 06:15:00
"""
from alembic import op

revision = "0009_stance_chain"
down_revision = "0008_account_tokens"
branch_labels = None
depends_on = None

# Correlated subqueries with ORDER BY ... LIMIT 1 read the same on SQLite and PostgreSQL.
PREVIOUS_MOVE = """
    SELECT previous.to_stance FROM stance_change AS previous
    WHERE previous.engagement_id = stance_change.engagement_id
      AND (previous.changed_at < stance_change.changed_at
           OR (previous.changed_at = stance_change.changed_at AND previous.id < stance_change.id))
    ORDER BY previous.changed_at DESC, previous.id DESC
    LIMIT 1
"""
LATEST_MOVE = """
    SELECT latest.to_stance FROM stance_change AS latest
    WHERE latest.engagement_id = engagement.id
    ORDER BY latest.changed_at DESC, latest.id DESC
    LIMIT 1
"""


def upgrade():
    op.execute(f"UPDATE stance_change SET from_stance = ({PREVIOUS_MOVE})")
    op.execute(
        f"UPDATE engagement SET stance = ({LATEST_MOVE}) "
        "WHERE EXISTS (SELECT 1 FROM stance_change WHERE stance_change.engagement_id = engagement.id)"
    )


def downgrade():
    # The broken links are not worth restoring: the repaired chain is true for the old code too.
    pass
