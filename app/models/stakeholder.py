"""People in the organisation and where each stands in a campaign."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Level, Stance


class Stakeholder(db.Model):
    """A person as one campaign knows them: their details belong to that campaign, so the
    same email in two campaigns is two records. Deleting archives their engagement."""

    __table_args__ = (
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        UniqueConstraint("campaign_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign this record belongs to; nothing about it is seen through another one.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(120), default="")
    department: Mapped[str] = mapped_column(String(80), default="", index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level), index=True)
    #: A stakeholder of the same campaign (the operations refuse anyone else).
    reports_to_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    influence: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    reports_to: Mapped["Stakeholder | None"] = relationship(
        remote_side=[id], back_populates="direct_reports"
    )
    direct_reports: Mapped[list["Stakeholder"]] = relationship(back_populates="reports_to")
    #: Exactly one: the engagement in `campaign_id`.
    engagements: Mapped[list["Engagement"]] = relationship(back_populates="stakeholder")

    def __repr__(self) -> str:
        return f"<Stakeholder {self.email}>"


class Engagement(db.Model):
    """A stakeholder inside one campaign: current stance, target, interest, owner."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "stakeholder_id"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
        Index("ix_engagement_campaign_stance", "campaign_id", "stance"),
        Index("ix_engagement_campaign_last_contact", "campaign_id", "last_contact_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    #: Unique: a stakeholder record has one engagement, in its own campaign.
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"), index=True,
                                                unique=True)
    stance: Mapped[Stance] = mapped_column(enum_column(Stance), default=Stance.unknown)
    target_stance: Mapped[Stance] = mapped_column(enum_column(Stance), default=Stance.supporter)
    interest: Mapped[int] = mapped_column(default=3)
    #: The champion responsible for this person in this campaign.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: When the person joined the campaign; weekly "as of" views start counting them here.
    joined_on: Mapped[date]
    #: Latest conversation date, kept by log_conversation so lists can filter and sort on it.
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Archived in this campaign: out of its lists, pickers and figures from then on; the
    #: person's history stays, and other campaigns they are in are not touched.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The person's details were erased on request (app/personal_data): final, and the
    #: engagement stays archived; the numbers (stances, conversations) remain.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign: Mapped["Campaign"] = relationship()  # noqa: F821
    stakeholder: Mapped[Stakeholder] = relationship(back_populates="engagements")
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    stance_changes: Mapped[list["StanceChange"]] = relationship(
        back_populates="engagement", order_by="StanceChange.changed_at"
    )


class StanceChange(db.Model):
    """One move on the stance scale: from, to, when, who and why.

    The first record of an engagement has `from_stance` None: it is where the person
    stood on joining. Rebuilding "who stood where in week N" reads only this table.
    """

    __table_args__ = (Index("ix_stance_change_engagement_at", "engagement_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"))
    from_stance: Mapped[Stance | None] = mapped_column(enum_column(Stance))
    to_stance: Mapped[Stance] = mapped_column(enum_column(Stance))
    #: When the move happened (a back-dated conversation's date), not when it was typed.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")

    engagement: Mapped[Engagement] = relationship(back_populates="stance_changes")
    changed_by: Mapped["User | None"] = relationship()  # noqa: F821
    conversation: Mapped["Conversation | None"] = relationship()  # noqa: F821
