"""What a campaign tells people, what it has told whom, and the briefings it hands out."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Level, RiskArea, RiskStatus


class KeyMessage(db.Model):
    """A message the campaign wants heard by one level."""

    __table_args__ = (Index("ix_key_message_campaign_level", "campaign_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    level: Mapped[Level] = mapped_column(enum_column(Level))
    title: Mapped[str] = mapped_column(String(160))
    #: Markdown, sanitised on render.
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Exposure(db.Model):
    """A stakeholder heard a key message or a case study, in a conversation or a briefing."""

    __table_args__ = (
        CheckConstraint(
            "(key_message_id IS NULL) <> (case_study_slug IS NULL)", name="one_subject"
        ),
        CheckConstraint(
            "(conversation_id IS NULL) <> (briefing_id IS NULL)", name="one_source"
        ),
        Index("ix_exposure_campaign_engagement", "campaign_id", "engagement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"))
    key_message_id: Mapped[int | None] = mapped_column(ForeignKey("key_message.id"), index=True)
    #: File stem in case_studies/, e.g. "cisco-channel-training".
    case_study_slug: Mapped[str | None] = mapped_column(String(80), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id"), index=True
    )
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id"), index=True)
    exposed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    key_message: Mapped[KeyMessage | None] = relationship()
    conversation: Mapped["Conversation | None"] = relationship(  # noqa: F821
        back_populates="exposures"
    )
    briefing: Mapped["Briefing | None"] = relationship()


class Briefing(db.Model):
    """A generated briefing, kept as it was handed out (PDF bytes and their hash)."""

    __table_args__ = (Index("ix_briefing_campaign_created", "campaign_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    audience: Mapped[Level] = mapped_column(enum_column(Level))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    meeting_on: Mapped[date | None]
    meeting_minutes: Mapped[int | None]
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: The assembled sections in order, as rendered: messages, objections, case studies...
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    attendees: Mapped[list["BriefingAttendee"]] = relationship(
        back_populates="briefing", cascade="all, delete-orphan"
    )


class BriefingAttendee(db.Model):
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id"), primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagement.id"), primary_key=True, index=True
    )

    briefing: Mapped[Briefing] = relationship(back_populates="attendees")
    engagement: Mapped["Engagement"] = relationship()  # noqa: F821


class RiskItem(db.Model):
    """One line of a campaign's risk checklist, summarised in executive briefings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    area: Mapped[RiskArea] = mapped_column(enum_column(RiskArea))
    question: Mapped[str] = mapped_column(String(300))
    status: Mapped[RiskStatus] = mapped_column(
        enum_column(RiskStatus), default=RiskStatus.not_assessed
    )
    #: Who answers for it; often someone outside the app (e.g. "Information Security").
    owner: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Landmine(db.Model):
    """A word that puts an audience off, with a plainer capability word to use instead."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    word: Mapped[str] = mapped_column(String(60))
    #: Level names this word is a landmine for, e.g. ["executive", "manager"].
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggestion: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
