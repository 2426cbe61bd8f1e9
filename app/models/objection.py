"""Objections people raise, and the playbook of answers per level."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Level, ObjectionStatus


class ObjectionTheme(db.Model):
    """A recurring objection in a campaign's playbook, e.g. "Data leaving the firewall".

    Themes belong to a campaign so each lead edits their own playbook; `slug` is the key
    case studies use to say which themes they answer.
    """

    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    #: What people say when they raise it, in the playbook's words.
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    #: Retired from the playbook: no longer offered for new objections; the objections
    #: already raised under it keep it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    responses: Mapped[list["PlaybookResponse"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="PlaybookResponse.level"
    )

    def response_for(self, level: Level) -> "PlaybookResponse | None":
        return next((r for r in self.responses if r.level is level), None)


class PlaybookResponse(db.Model):
    __table_args__ = (UniqueConstraint("theme_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("objection_theme.id"))
    level: Mapped[Level] = mapped_column(enum_column(Level))
    #: Markdown, sanitised on render.
    response: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    theme: Mapped[ObjectionTheme] = relationship(back_populates="responses")


class Objection(db.Model):
    __table_args__ = (
        Index("ix_objection_campaign_status", "campaign_id", "status"),
        Index("ix_objection_campaign_theme", "campaign_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("objection_theme.id"))
    #: Who raised it.
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id"), index=True
    )
    #: What was said, in the person's terms.
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_column(ObjectionStatus), default=ObjectionStatus.open
    )
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    theme: Mapped[ObjectionTheme] = relationship()
    engagement: Mapped["Engagement"] = relationship()  # noqa: F821
    conversation: Mapped["Conversation | None"] = relationship(  # noqa: F821
        back_populates="objections"
    )
    events: Mapped[list["ObjectionEvent"]] = relationship(
        back_populates="objection", order_by="ObjectionEvent.at", cascade="all, delete-orphan"
    )


class ObjectionEvent(db.Model):
    """A status change with its note; answered/resolved times come from here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id"), index=True)
    from_status: Mapped[ObjectionStatus | None] = mapped_column(enum_column(ObjectionStatus))
    to_status: Mapped[ObjectionStatus] = mapped_column(enum_column(ObjectionStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    objection: Mapped[Objection] = relationship(back_populates="events")
    by: Mapped["User | None"] = relationship()  # noqa: F821
