"""Campaigns, who may work in them, and what they aim for."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Level, Phase, Role, Stance


class Campaign(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: What is being introduced, e.g. "Internal collaboration platform".
    change: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Goals as plain sentences: picked from enums.GOALS or written by the lead.
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    phase: Mapped[Phase] = mapped_column(enum_column(Phase), default=Phase.embrace)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped["User | None"] = relationship()  # noqa: F821
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )
    targets: Mapped[list["CampaignTarget"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="CampaignTarget.level",
    )

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class Membership(db.Model):
    """A user's role inside one campaign (lead, champion or viewer)."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821


class CampaignTarget(db.Model):
    """E.g. 60% of managers at supporter or better by 30 June."""

    __table_args__ = (UniqueConstraint("campaign_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    level: Mapped[Level] = mapped_column(enum_column(Level))
    #: Percentage (0-100) of the level's people who should stand at `min_stance` or better.
    share: Mapped[int]
    min_stance: Mapped[Stance] = mapped_column(enum_column(Stance), default=Stance.supporter)
    due_on: Mapped[date]

    campaign: Mapped[Campaign] = relationship(back_populates="targets")
