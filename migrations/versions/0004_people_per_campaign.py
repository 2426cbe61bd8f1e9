"""a person's details belong to the campaign: stakeholder.campaign_id, email unique per campaign

Revision ID: 0004_people_per_campaign
Revises: 0003
Create Date: 2026-12-01 05:30:00

Nothing is lost. A person engaged in several campaigns keeps their row for the campaign of
their oldest engagement and gets a copy for each other campaign; that campaign's
engagement and audit events move to the copy. Reporting lines follow: in each campaign a
person reports to their manager's record in that campaign, or to no one when the manager
is not in it. A person in no campaign at all (the app never makes one, but a hand-edited
database may hold one) goes to the campaign of their oldest audit event, else the oldest
campaign, archived there on migration day, so a lead can find them under *Include
archived* and restore or leave them.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_people_per_campaign"
down_revision = "0003"
branch_labels = None
depends_on = None

KEPT_REASON = "Kept by the upgrade that gave each campaign its own people: in no campaign before"


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        # Rebuilding stakeholder (batch mode) drops the table other tables point at; SQLite
        # only lets that happen with foreign keys off, which must be set outside a
        # transaction. They are checked below before being switched back on.
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    # First make room for copies (an email may now repeat), then fill in every record's
    # campaign, then require it.
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_stakeholder_email", type_="unique")
    _give_each_campaign_its_own_people(bind)
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.alter_column("campaign_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_stakeholder_campaign_id_campaign"),
                                    "campaign", ["campaign_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_stakeholder_campaign_id"), ["campaign_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_stakeholder_campaign_id_email"),
                                          ["campaign_id", "email"])
    op.drop_index("ix_engagement_stakeholder_id", table_name="engagement")
    op.create_index("ix_engagement_stakeholder_id", "engagement", ["stakeholder_id"],
                    unique=True)
    if sqlite:
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Foreign keys broken by the upgrade: {broken[:10]}")
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def _give_each_campaign_its_own_people(bind) -> None:
    """Copy shared people per campaign and re-point what belongs to each campaign."""
    meta = sa.MetaData()
    stakeholder = sa.Table("stakeholder", meta, autoload_with=bind)
    engagement = sa.Table("engagement", meta, autoload_with=bind)
    stance_change = sa.Table("stance_change", meta, autoload_with=bind)
    audit_event = sa.Table("audit_event", meta, autoload_with=bind)
    campaign = sa.Table("campaign", meta, autoload_with=bind)
    now = datetime.now(UTC).replace(tzinfo=None)  # UTCDateTime stores naive UTC

    manager_of = dict(bind.execute(sa.select(stakeholder.c.id, stakeholder.c.reports_to_id)).all())
    #: (original person id, campaign id) -> that campaign's record of the person
    record: dict[tuple[int, int], int] = {}
    #: record id -> (original person id, its campaign)
    origin: dict[int, tuple[int, int]] = {}
    later = []
    for engagement_id, campaign_id, person_id in bind.execute(
        sa.select(engagement.c.id, engagement.c.campaign_id, engagement.c.stakeholder_id)
        .order_by(engagement.c.stakeholder_id, engagement.c.created_at, engagement.c.id)
    ):
        if person_id in origin:  # already has its home campaign: this one gets a copy
            later.append((engagement_id, person_id, campaign_id))
        else:
            record[(person_id, campaign_id)] = person_id
            origin[person_id] = (person_id, campaign_id)

    # People in no campaign: give them one, archived there from today.
    unengaged = sorted(set(manager_of) - set(origin))
    if unengaged:
        oldest_campaign = bind.scalar(sa.select(sa.func.min(campaign.c.id)))
        if oldest_campaign is None:
            raise RuntimeError(f"{len(unengaged)} people but no campaign to keep them in; "
                               "create a campaign, then upgrade again.")
        for person_id in unengaged:
            campaign_id = bind.scalar(
                sa.select(audit_event.c.campaign_id)
                .where(audit_event.c.stakeholder_id == person_id,
                       audit_event.c.campaign_id.is_not(None))
                .order_by(audit_event.c.at, audit_event.c.id).limit(1)
            ) or oldest_campaign
            engagement_id = bind.execute(sa.insert(engagement).values(
                campaign_id=campaign_id, stakeholder_id=person_id, stance="unknown",
                target_stance="supporter", interest=3, joined_on=now.date(),
                archived_at=now, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            bind.execute(sa.insert(stance_change).values(
                engagement_id=engagement_id, from_stance=None, to_stance="unknown",
                changed_at=now, recorded_at=now, reason=KEPT_REASON,
            ))
            record[(person_id, campaign_id)] = person_id
            origin[person_id] = (person_id, campaign_id)

    # A copy for each further campaign, with that campaign's engagement and audit events.
    if later:
        originals = {row.id: row._asdict() for row in bind.execute(
            sa.select(stakeholder).where(stakeholder.c.id.in_({p for _, p, _ in later})))}
    for engagement_id, person_id, campaign_id in later:
        values = {key: value for key, value in originals[person_id].items() if key != "id"}
        values.update(campaign_id=campaign_id, reports_to_id=None)
        copy_id = bind.execute(sa.insert(stakeholder).values(**values)).inserted_primary_key[0]
        record[(person_id, campaign_id)] = copy_id
        origin[copy_id] = (person_id, campaign_id)
        bind.execute(sa.update(engagement).where(engagement.c.id == engagement_id)
                     .values(stakeholder_id=copy_id))
        in_campaign = (audit_event.c.stakeholder_id == person_id,
                       audit_event.c.campaign_id == campaign_id)
        bind.execute(sa.update(audit_event)
                     .where(*in_campaign, audit_event.c.entity_type == "stakeholder",
                            audit_event.c.entity_id == person_id)
                     .values(entity_id=copy_id))
        bind.execute(sa.update(audit_event).where(*in_campaign).values(stakeholder_id=copy_id))

    # Every record now has exactly one engagement: its campaign is the record's.
    bind.execute(sa.update(stakeholder).values(campaign_id=(
        sa.select(engagement.c.campaign_id)
        .where(engagement.c.stakeholder_id == stakeholder.c.id)
        .scalar_subquery())))

    # Reporting lines: to the manager's record in the same campaign, or to no one.
    lines = []
    for record_id, (person_id, campaign_id) in origin.items():
        manager = manager_of.get(person_id)
        wanted = record.get((manager, campaign_id)) if manager is not None else None
        current = manager_of.get(record_id) if record_id == person_id else None
        if wanted != current:
            lines.append({"record_id": record_id, "manager_id": wanted})
    if lines:
        bind.execute(
            sa.update(stakeholder)
            .where(stakeholder.c.id == sa.bindparam("record_id"))
            .values(reports_to_id=sa.bindparam("manager_id")),
            lines,
        )


def downgrade():
    """Back to one record per email: copies fold into the record kept for the oldest
    engagement (its details win), their engagements and audit events move back."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    meta = sa.MetaData()
    stakeholder = sa.Table("stakeholder", meta, autoload_with=bind)
    engagement = sa.Table("engagement", meta, autoload_with=bind)
    audit_event = sa.Table("audit_event", meta, autoload_with=bind)
    keeper: dict[str, int] = {}
    fold: dict[int, int] = {}
    for person_id, email in bind.execute(
        sa.select(stakeholder.c.id, sa.func.lower(stakeholder.c.email))
        .join(engagement, engagement.c.stakeholder_id == stakeholder.c.id)
        .order_by(engagement.c.created_at, engagement.c.id)
    ):
        if email in keeper:
            fold[person_id] = keeper[email]
        else:
            keeper[email] = person_id
    for copy_id, kept_id in fold.items():
        bind.execute(sa.update(engagement).where(engagement.c.stakeholder_id == copy_id)
                     .values(stakeholder_id=kept_id))
        bind.execute(sa.update(audit_event).where(audit_event.c.stakeholder_id == copy_id)
                     .values(stakeholder_id=kept_id))
        bind.execute(sa.update(audit_event).where(audit_event.c.entity_type == "stakeholder",
                                                  audit_event.c.entity_id == copy_id)
                     .values(entity_id=kept_id))
        bind.execute(sa.update(stakeholder).where(stakeholder.c.reports_to_id == copy_id)
                     .values(reports_to_id=kept_id))
    if fold:
        bind.execute(sa.delete(stakeholder).where(stakeholder.c.id.in_(list(fold))))
    op.drop_index("ix_engagement_stakeholder_id", table_name="engagement")
    op.create_index("ix_engagement_stakeholder_id", "engagement", ["stakeholder_id"])
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_constraint("uq_stakeholder_campaign_id_email", type_="unique")
        batch_op.create_unique_constraint("uq_stakeholder_email", ["email"])
        batch_op.drop_index("ix_stakeholder_campaign_id")
        batch_op.drop_constraint("fk_stakeholder_campaign_id_campaign", type_="foreignkey")
        batch_op.drop_column("campaign_id")
    if sqlite:
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Foreign keys broken by the downgrade: {broken[:10]}")
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
