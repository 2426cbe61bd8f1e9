"""Small builders for tests: real operations, real database, no mocks."""

from datetime import UTC, date, datetime, timedelta

from app.conversations.operations import AttendeeInput, ConversationInput, log_conversation
from app.extensions import db
from app.models import Channel, Level, ObjectionTheme, Stance
from app.stakeholders.operations import add_stakeholder

_counter = iter(range(1, 10_000_000))


def person(
    campaign,
    author,
    name: str | None = None,
    *,
    level: Level = Level.worker,
    stance: Stance = Stance.unknown,
    target: Stance = Stance.supporter,
    department: str = "Operations",
    title: str = "",
    influence: int = 3,
    reports_to=None,
    joined_on: date | None = None,
    owner=None,
):
    """A new stakeholder engaged in `campaign`; returns the Engagement."""
    n = next(_counter)
    name = name or f"Person {n}"
    email = f"{name.lower().replace(' ', '.')}.{n}@example.org"
    return add_stakeholder(
        campaign,
        author,
        {
            "name": name,
            "email": email,
            "title": title,
            "department": department,
            "level": level,
            "influence": influence,
            "reports_to_id": reports_to.stakeholder_id if reports_to is not None else None,
        },
        {
            "stance": stance,
            "target_stance": target,
            "joined_on": joined_on or campaign.starts_on,
            "owner_id": owner.id if owner is not None else None,
        },
    )


def conversation(campaign, author, *attendees, when: datetime | None = None,
                 stances: dict | None = None, channel=Channel.one_to_one, minutes: int = 30,
                 summary: str = "", **extra):
    """Log a conversation with the given engagements; `stances` maps engagement -> stance after."""
    stances = stances or {}
    data = ConversationInput(
        occurred_at=when or datetime.now(UTC) - timedelta(hours=1),
        channel=channel,
        duration_minutes=minutes,
        summary=summary,
        attendees=[AttendeeInput(e, stances.get(e)) for e in attendees],
        **extra,
    )
    return log_conversation(campaign, author, data, datetime.now(UTC))


def theme(campaign, slug: str = "security") -> ObjectionTheme:
    return db.session.scalar(
        db.select(ObjectionTheme).filter_by(campaign_id=campaign.id, slug=slug)
    )
