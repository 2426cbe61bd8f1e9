"""Objections: raising one, moving it through its statuses, each step audited."""

from datetime import datetime

from app import audit
from app.errors import RequestError
from app.extensions import db
from app.models import Engagement, Objection, ObjectionEvent, ObjectionStatus, ObjectionTheme

OBJECTION_FIELDS = (
    "theme_id", "engagement_id", "conversation_id", "statement", "status", "raised_at",
)


class ObjectionError(RequestError):
    """An objection change refused, with a message for the user."""


def raise_objection(
    campaign,
    author,
    engagement: Engagement,
    theme: ObjectionTheme,
    statement: str,
    *,
    conversation=None,
    at: datetime,
) -> Objection:
    """Register what `engagement`'s person objected to, under a playbook theme, as raised
    `at` (now, or back-dated)."""
    if engagement.campaign_id != campaign.id or theme.campaign_id != campaign.id:
        raise ObjectionError("The person and the theme must belong to this campaign.")
    objection = Objection(
        campaign_id=campaign.id,
        theme_id=theme.id,
        engagement_id=engagement.id,
        conversation=conversation,
        statement=statement.strip(),
        status=ObjectionStatus.open,
        raised_at=at,
        created_by_id=getattr(author, "id", None),
    )
    db.session.add(objection)
    db.session.flush()
    db.session.add(
        ObjectionEvent(objection=objection, from_status=None, to_status=ObjectionStatus.open,
                       note="Raised", at=at, by_id=getattr(author, "id", None))
    )
    audit.created(objection, OBJECTION_FIELDS, user=author,
                  stakeholder_id=engagement.stakeholder_id)
    return objection


def change_objection_status(
    objection: Objection,
    status: ObjectionStatus,
    author,
    *,
    note: str = "",
    at: datetime,
) -> ObjectionEvent | None:
    """Move an objection to `status` with a note, `at` (now, or back-dated); None when it
    already stands there."""
    if status is objection.status:
        return None
    event = ObjectionEvent(objection=objection, from_status=objection.status, to_status=status,
                           note=note.strip(), at=at, by_id=getattr(author, "id", None))
    db.session.add(event)
    changes = audit.apply_changes(objection, {"status": status})
    if note:
        changes["note"] = [None, note.strip()]
    audit.record(objection, "update", changes, user=author,
                 stakeholder_id=objection.engagement.stakeholder_id)
    db.session.flush()
    return event


def update_objection(objection: Objection, author, values: dict) -> dict:
    """Edit the theme or wording of an objection."""
    changes = audit.apply_changes(objection, values)
    audit.record(objection, "update", changes, user=author,
                 stakeholder_id=objection.engagement.stakeholder_id)
    db.session.flush()
    return changes
