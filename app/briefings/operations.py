"""Changing briefing data: key messages, the risk checklist, landmine words, and
keeping a generated briefing (store, record who heard what). Each function flushes;
the caller commits once."""

import hashlib
import io
from datetime import date, datetime, time

from pypdf import PdfReader

from app import audit
from app.briefings.builder import BriefingDraft
from app.clock import Clock
from app.extensions import db
from app.models import (
    Briefing,
    BriefingAttendee,
    Campaign,
    Exposure,
    KeyMessage,
    Landmine,
    RiskItem,
)

KEY_MESSAGE_FIELDS = ("level", "title", "body", "position")
RISK_FIELDS = ("area", "question", "status", "owner", "notes")
LANDMINE_FIELDS = ("word", "audiences", "suggestion", "reason")
BRIEFING_FIELDS = ("audience", "meeting_on", "meeting_minutes", "introduction", "pdf_sha256")


# --- The shared steps (every change is audited, then flushed) ---------------------------


def _add(record, fields: tuple[str, ...], author):
    """Store a new record and audit its fields as created."""
    db.session.add(record)
    db.session.flush()
    audit.created(record, fields, user=author)
    return record


def _change(record, author, values: dict, action: str = "update") -> dict:
    """Apply values to a record and audit what changed under the given action."""
    changes = audit.change(record, values, user=author, action=action)
    db.session.flush()
    return changes


def _remove(record, fields: tuple[str, ...], author) -> None:
    """Delete a record; the audit trail keeps what its fields said."""
    audit.record(record, "delete", audit.snapshot(record, fields), user=author)
    db.session.delete(record)
    db.session.flush()


# --- Key messages ----------------------------------------------------------------------


def add_key_message(campaign: Campaign, author, values: dict) -> KeyMessage:
    """A new key message for one level; without a position it goes last (positions from 1)."""
    if values.get("position") is None:
        last = db.session.scalar(
            db.select(db.func.max(KeyMessage.position)).where(
                KeyMessage.campaign_id == campaign.id, KeyMessage.level == values["level"]
            )
        )
        values = {**values, "position": (last or 0) + 1}
    return _add(KeyMessage(campaign_id=campaign.id, **values), KEY_MESSAGE_FIELDS, author)


def update_key_message(message: KeyMessage, author, values: dict) -> dict:
    """Edit a key message; returns what changed."""
    if values.get("position") is None:
        values = {key: value for key, value in values.items() if key != "position"}
    return _change(message, author, values)


def archive_key_message(message: KeyMessage, author, *, now: datetime) -> None:
    """Stop using a message in new briefings (from `now`); exposures to it stay counted."""
    if message.archived_at is None:
        _change(message, author, {"archived_at": now}, "archive")


def restore_key_message(message: KeyMessage, author) -> None:
    """Use an archived message in new briefings again."""
    if message.archived_at is not None:
        _change(message, author, {"archived_at": None}, "restore")


# --- Risk checklist --------------------------------------------------------------------


def add_risk_item(campaign: Campaign, author, values: dict) -> RiskItem:
    """A new line on the campaign's risk checklist."""
    last = db.session.scalar(
        db.select(db.func.max(RiskItem.position)).where(RiskItem.campaign_id == campaign.id)
    )
    item = RiskItem(campaign_id=campaign.id, position=(last or 0) + 1, **values)
    return _add(item, RISK_FIELDS, author)


def update_risk_item(item: RiskItem, author, values: dict) -> dict:
    """Change a checklist line's status, owner, notes or wording."""
    return _change(item, author, values)


def remove_risk_item(item: RiskItem, author) -> None:
    """Take a line off the checklist (the audit trail keeps what it said)."""
    _remove(item, RISK_FIELDS, author)


# --- Landmine words --------------------------------------------------------------------


def add_landmine(campaign: Campaign, author, values: dict) -> Landmine:
    """A new word to warn about, for the given audiences."""
    return _add(Landmine(campaign_id=campaign.id, **values), LANDMINE_FIELDS, author)


def update_landmine(landmine: Landmine, author, values: dict) -> dict:
    """Change a landmine word, its audiences, suggestion or reason; returns what changed."""
    return _change(landmine, author, values)


def remove_landmine(landmine: Landmine, author) -> None:
    """Take a word off the list (the audit trail keeps what it said)."""
    _remove(landmine, LANDMINE_FIELDS, author)


# --- Rendering and generating ----------------------------------------------------------


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF, as a reader would count them."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def briefing_date(draft: BriefingDraft, today: date) -> date:
    """The date a briefing is for: its meeting, or `today`."""
    return draft.meeting_on or today


def exposure_time(draft: BriefingDraft, clock: Clock) -> datetime:
    """When attendees heard it: midday of the meeting date in `clock`'s zone (the
    author's), else `clock`'s now."""
    if draft.meeting_on is None:
        return clock.now
    return clock.from_local(datetime.combine(draft.meeting_on, time(12, 0)))


def generate_briefing(draft: BriefingDraft, author, pdf: bytes, clock: Clock) -> Briefing:
    """Keep the draft's PDF (rendered by the job layer, app/briefings/jobs.py) and what it
    contained, and record that each attendee heard each message and case study in it,
    at `clock`'s now (the author's zone dates the meeting)."""
    now = clock.now
    campaign = draft.campaign
    briefing = Briefing(
        campaign_id=campaign.id,
        audience=draft.audience,
        created_by_id=getattr(author, "id", None),
        created_at=now,
        meeting_on=draft.meeting_on,
        meeting_minutes=draft.minutes,
        introduction=draft.introduction,
        content=draft.content(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    db.session.add(briefing)
    db.session.flush()
    briefing.attendees = [
        BriefingAttendee(briefing_id=briefing.id, engagement_id=engagement.id)
        for engagement in draft.attendees
    ]
    heard_at = exposure_time(draft, clock)
    exposures = []
    for engagement in draft.attendees:
        exposures.extend(
            Exposure(campaign_id=campaign.id, engagement_id=engagement.id,
                     key_message_id=message_id, briefing_id=briefing.id, exposed_at=heard_at)
            for message_id in draft.message_ids
        )
        exposures.extend(
            Exposure(campaign_id=campaign.id, engagement_id=engagement.id,
                     case_study_slug=slug, briefing_id=briefing.id, exposed_at=heard_at)
            for slug in draft.case_study_slugs
        )
    db.session.add_all(exposures)
    changes = {field: [None, value] for field, value in
               audit.snapshot(briefing, BRIEFING_FIELDS).items()}
    changes["attendees"] = [None, [engagement.id for engagement in draft.attendees]]
    changes["pages"] = [None, draft.pages]
    audit.record(briefing, "create", changes, user=author)
    db.session.flush()
    return briefing
