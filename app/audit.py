"""The audit trail: every operation that changes a record writes an AuditEvent here."""

import enum
from datetime import date, datetime

from app.extensions import db
from app.models import AuditEvent


def jsonable(value):
    """A value as the audit trail stores it: enums by name, dates as ISO text."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def snapshot(record, fields) -> dict:
    """The named fields of a record, as the audit trail stores them."""
    return {field: jsonable(getattr(record, field)) for field in fields}


def apply_changes(record, values: dict) -> dict:
    """Set the given attributes; return {field: [old, new]} for those that changed."""
    changes = {}
    for field, new in values.items():
        old = getattr(record, field)
        if old != new:
            changes[field] = [jsonable(old), jsonable(new)]
            setattr(record, field, new)
    return changes


def record(
    entity,
    action: str,
    changes: dict,
    *,
    user,
    campaign_id: int | None = None,
    stakeholder_id: int | None = None,
) -> AuditEvent | None:
    """Write one audit event for `entity` (flushed, so it has an id). Empty updates write none."""
    if action == "update" and not changes:
        return None
    if entity.id is None:
        db.session.flush()
    event = AuditEvent(
        user_id=getattr(user, "id", None),
        campaign_id=(
            campaign_id if campaign_id is not None else getattr(entity, "campaign_id", None)
        ),
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        action=action,
        changes=changes,
        stakeholder_id=stakeholder_id,
    )
    db.session.add(event)
    return event


def created(entity, fields, **kwargs) -> AuditEvent | None:
    """Audit a new record: every named field as [None, value]."""
    if entity.id is None:
        db.session.flush()
    changes = {field: [None, value] for field, value in snapshot(entity, fields).items()}
    return record(entity, "create", changes, **kwargs)


def change(entity, values: dict, *, user, action: str = "update", **where) -> dict:
    """Set `values` on a record and audit what changed under `action` (an update that
    changed nothing writes no event); returns {field: [old, new]}. `where` passes
    campaign_id or stakeholder_id on to the event."""
    changes = apply_changes(entity, values)
    record(entity, action, changes, user=user, **where)
    return changes
