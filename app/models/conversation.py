"""Conversations held with stakeholders and the follow-ups they produce."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Channel, Stance


class Conversation(db.Model):
    __table_args__ = (Index("ix_conversation_campaign_occurred", "campaign_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    #: Length in minutes; attendee-minutes measure where effort goes.
    duration_minutes: Mapped[int] = mapped_column(default=30)
    subject: Mapped[str] = mapped_column(String(200), default="")
    #: Markdown as typed; rendered through app.markdown.render (sanitised).
    summary: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign: Mapped["Campaign"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821
    attendees: Mapped[list["ConversationAttendee"]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list["FollowUp"]] = relationship(back_populates="conversation")
    objections: Mapped[list["Objection"]] = relationship(  # noqa: F821
        back_populates="conversation"
    )
    exposures: Mapped[list["Exposure"]] = relationship(  # noqa: F821
        back_populates="conversation"
    )


class ConversationAttendee(db.Model):
    """A stakeholder (through their engagement) at a conversation, and their stance after."""

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id"), primary_key=True
    )
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagement.id"), primary_key=True, index=True
    )
    stance_before: Mapped[Stance] = mapped_column(enum_column(Stance))
    stance_after: Mapped[Stance] = mapped_column(enum_column(Stance))

    conversation: Mapped[Conversation] = relationship(back_populates="attendees")
    engagement: Mapped["Engagement"] = relationship()  # noqa: F821


class FollowUp(db.Model):
    __table_args__ = (Index("ix_follow_up_campaign_due", "campaign_id", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id"), index=True
    )
    #: Whom the follow-up is about, when it is about someone.
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[Conversation | None] = relationship(back_populates="follow_ups")
    engagement: Mapped["Engagement | None"] = relationship()  # noqa: F821
    owner: Mapped["User | None"] = relationship(foreign_keys=[owner_id])  # noqa: F821
    done_by: Mapped["User | None"] = relationship(foreign_keys=[done_by_id])  # noqa: F821
