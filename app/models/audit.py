"""Who changed what, when, with old and new values."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    #: Table name of what changed: stakeholder, engagement, conversation, objection, follow_up...
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    #: create, update, archive, restore or delete.
    action: Mapped[str] = mapped_column(String(20))
    #: {field: [old, new]}; on create old is None, on archive the fields that changed.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    #: For a child record (an attendee, a stance), the stakeholder it concerns, so a
    #: stakeholder's trail is one indexed query.
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"), index=True)

    user: Mapped["User | None"] = relationship()  # noqa: F821
