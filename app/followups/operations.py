"""Follow-ups: actions with an owner and a due date."""

from datetime import date, datetime

from app import audit
from app.extensions import db
from app.models import FollowUp

FOLLOW_UP_FIELDS = ("description", "owner_id", "due_on", "engagement_id", "conversation_id")


def add_follow_up(
    campaign, author, description: str, due_on: date, *, owner_id=None, engagement=None,
    conversation=None,
) -> FollowUp:
    """A new follow-up in `campaign`, optionally about a person and from a conversation."""
    follow_up = FollowUp(
        campaign_id=campaign.id,
        description=description.strip(),
        due_on=due_on,
        owner_id=owner_id,
        engagement=engagement,
        conversation=conversation,
    )
    db.session.add(follow_up)
    db.session.flush()
    audit.created(follow_up, FOLLOW_UP_FIELDS, user=author,
                  stakeholder_id=engagement.stakeholder_id if engagement else None)
    return follow_up


def complete_follow_up(follow_up: FollowUp, author, *, now: datetime) -> None:
    """Mark a follow-up done at `now` (idempotent)."""
    if follow_up.done_at is not None:
        return
    changes = audit.apply_changes(
        follow_up, {"done_at": now, "done_by_id": getattr(author, "id", None)}
    )
    audit.record(follow_up, "update", changes, user=author,
                 stakeholder_id=(follow_up.engagement.stakeholder_id
                                 if follow_up.engagement else None))
    db.session.flush()


def reopen_follow_up(follow_up: FollowUp, author) -> None:
    """Put a done follow-up back on the open list."""
    changes = audit.apply_changes(follow_up, {"done_at": None, "done_by_id": None})
    audit.record(follow_up, "update", changes, user=author,
                 stakeholder_id=(follow_up.engagement.stakeholder_id
                                 if follow_up.engagement else None))
    db.session.flush()
