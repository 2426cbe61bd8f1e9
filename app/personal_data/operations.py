"""Answering a personal-data request: recording an export, and erasing a person.

Erasing removes who the person is from one campaign and keeps what happened: their
engagement, stance history, conversations (with an anonymous attendee), objections,
follow-ups and exposures stay, so every count and chart is unchanged; their name,
email, title, the words of the objections they raised, and any mention of their name or
email in the campaign's free text and audit trail are replaced. `plan_erasure` finds
what would change without changing anything (the confirmation page lists it);
`erase_person` applies the plan. Both flush only; the caller commits.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Text, cast

from app import audit
from app.errors import RequestError
from app.extensions import db
from app.models import (
    AuditEvent,
    Briefing,
    Conversation,
    ConversationAttendee,
    Engagement,
    FollowUp,
    Job,
    Objection,
    ObjectionEvent,
    RiskItem,
    Stakeholder,
    StanceChange,
)
from app.personal_data.queries import briefing_ids_naming
from app.stakeholders.operations import archive_engagement

#: What an erased objection's words become.
ERASED_STATEMENT = "[Statement erased on request with the person's details]"
#: Audit fields about the person that hold their details, by record type.
PERSONAL_AUDIT_FIELDS = {
    "stakeholder": ("name", "email", "title"),
    "objection": ("statement",),
}
#: Free-text columns of a campaign that may mention a person by name or email.
FREE_TEXT = (
    (Conversation, ("subject", "summary")),
    (FollowUp, ("description",)),
    (Objection, ("statement",)),
    (RiskItem, ("owner", "notes")),
    (Briefing, ("introduction",)),
)


class PersonalDataError(RequestError):
    """A request refused, with a message for the person who asked."""


def erased_name(person: Stakeholder) -> str:
    return f"Erased person {person.id}"


def erased_email(person: Stakeholder) -> str:
    """Unique (the id is) and deliberately not an address: nothing can be sent to it."""
    return f"erased-person-{person.id}"


def record_export(engagement: Engagement, user, export_format: str) -> None:
    """Audit that `user` downloaded everything held about the person (no values stored)."""
    audit.record(engagement, "export", {"format": [None, export_format]}, user=user,
                 stakeholder_id=engagement.stakeholder_id)
    db.session.flush()


# --- Finding every mention -----------------------------------------------------------------


def _ascii_lower(text: str) -> str:
    """Lower-case as SQLite's lower() does: A-Z only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _json_escaped(text: str) -> str:
    """The text as it sits inside a JSON document (non-ASCII as \\uXXXX)."""
    return json.dumps(text)[1:-1]


class Scrubber:
    """Replaces whole-word mentions of a person's names and emails (any case) in text."""

    def __init__(self, terms, replacement: str):
        self.terms = sorted({term.strip() for term in terms if term and len(term.strip()) > 1},
                            key=len, reverse=True)
        self.replacement = replacement
        alternatives = "|".join(re.escape(term) for term in self.terms)
        self.pattern = (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
                        if self.terms else None)

    def text(self, value):
        """`value` with every mention replaced; anything but a string comes back as it is."""
        if self.pattern is None or not isinstance(value, str):
            return value
        return self.pattern.sub(self.replacement, value)

    def data(self, value):
        """A JSON value (dicts, lists, strings) with every string scrubbed."""
        if isinstance(value, dict):
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return self.text(value)

    def sql_mentions(self, column, *, json_text: bool = False):
        """A SQL condition true for rows whose `column` may mention a term: a superset the
        regular expression then decides on (lower() differs between databases)."""
        if json_text:
            column = cast(column, Text)
        variants = set()
        for term in self.terms:
            for form in (term, _json_escaped(term)) if json_text else (term,):
                variants |= {form.lower(), _ascii_lower(form)}
        if not variants:
            return db.false()
        lowered = db.func.lower(column)
        return db.or_(*(lowered.contains(variant, autoescape=True) for variant in sorted(variants)))


# --- The plan ------------------------------------------------------------------------------


@dataclass
class Change:
    """One record and the values it gets."""

    record: object
    values: dict


@dataclass
class ErasurePlan:
    """What erasing a person in one campaign changes; nothing is changed until applied."""

    engagement: Engagement
    name: str
    email: str
    #: Records whose text changes, by kind: conversations, follow-ups, objections...
    changes: dict[str, list[Change]] = field(default_factory=dict)
    #: Stored briefings whose PDF is removed (they named the person).
    briefings_dropped: list[Briefing] = field(default_factory=list)
    audit_events: list[Change] = field(default_factory=list)
    conversations_attended: int = 0
    objections_raised: int = 0

    def count(self, kind: str) -> int:
        return len(self.changes.get(kind, []))


KIND_NAMES = {
    Conversation: "conversations",
    FollowUp: "follow_ups",
    Objection: "objections",
    RiskItem: "risk_items",
    Briefing: "briefings",
}


def _known_names(person: Stakeholder) -> set[str]:
    """The person's name and email now and as the audit trail says they were before."""
    found = {person.name, person.email}
    for (changes,) in db.session.execute(
        db.select(AuditEvent.changes).where(
            AuditEvent.stakeholder_id == person.id,
            AuditEvent.entity_type == Stakeholder.__tablename__,
        )
    ):
        for key in ("name", "email"):
            values = (changes or {}).get(key)
            if isinstance(values, list):
                found |= {value for value in values if isinstance(value, str)}
    return found


def plan_erasure(engagement: Engagement) -> ErasurePlan:
    """Everything erasing this person from the engagement's campaign would change."""
    if engagement.erased_at is not None:
        raise PersonalDataError("This person's details were already erased.")
    person = engagement.stakeholder
    campaign_id = engagement.campaign_id
    plan = ErasurePlan(engagement, erased_name(person), erased_email(person))
    scrub = Scrubber(_known_names(person), plan.name)

    def add(kind: str, record, values: dict) -> None:
        changed = {key: value for key, value in values.items() if getattr(record, key) != value}
        if changed:
            plan.changes.setdefault(kind, []).append(Change(record, changed))

    # Their own objections: the words were theirs, so all of them go.
    own = db.session.scalars(
        db.select(Objection).where(Objection.engagement_id == engagement.id)
        .order_by(Objection.id)
    ).all()
    plan.objections_raised = len(own)
    for objection in own:
        add("objections", objection, {"statement": ERASED_STATEMENT})
    own_ids = {objection.id for objection in own}

    # Mentions of them anywhere in the campaign's free text.
    for model, columns in FREE_TEXT:
        rows = db.session.scalars(
            db.select(model).where(
                model.campaign_id == campaign_id,
                db.or_(*(scrub.sql_mentions(getattr(model, column)) for column in columns)),
            ).order_by(model.id)
        ).all()
        for row in rows:
            if model is Objection and row.id in own_ids:
                continue
            add(KIND_NAMES[model], row, {column: scrub.text(getattr(row, column))
                                          for column in columns})
    # Notes kept on a record of the campaign (a stance move's reason, an objection's note).
    for kind, model, column, parent, parent_id in (
        ("stance_changes", StanceChange, "reason", Engagement, StanceChange.engagement_id),
        ("objection_notes", ObjectionEvent, "note", Objection, ObjectionEvent.objection_id),
    ):
        rows = db.session.scalars(
            db.select(model).join(parent, parent.id == parent_id)
            .where(parent.campaign_id == campaign_id, scrub.sql_mentions(getattr(model, column)))
            .order_by(model.id)
        ).all()
        for row in rows:
            add(kind, row, {column: scrub.text(getattr(row, column))})

    # Stored briefings. A briefing is kept as the record of what was handed out, so it is
    # not re-rendered: the builder reads today's messages, answers and statuses, and a new
    # PDF under the old date would claim to be what people were given. Its PDF bytes (and
    # their fingerprint) are removed instead, and its page says when and why; the outline
    # of what it contained stays, with any mention of the person replaced.
    objection_ids = own_ids | {change.record.id for change in plan.changes.get("objections", [])}
    naming = set(briefing_ids_naming(engagement, objection_ids))
    naming |= {change.record.id for change in plan.changes.get("briefings", [])}
    briefings = db.session.scalars(
        db.select(Briefing).where(Briefing.campaign_id == campaign_id).order_by(Briefing.id)
    ).all()
    for briefing in briefings:
        content = scrub.data(briefing.content or {})
        if content != (briefing.content or {}):
            naming.add(briefing.id)
        if briefing.id in naming:
            if briefing.pdf_sha256 is not None:
                plan.briefings_dropped.append(briefing)
            existing = next((change for change in plan.changes.get("briefings", [])
                             if change.record is briefing), None)
            values = {"content": content}
            if existing is not None:
                existing.values.update(values)
            else:
                plan.changes.setdefault("briefings", []).append(Change(briefing, values))

    plan.conversations_attended = db.session.scalar(
        db.select(db.func.count()).select_from(ConversationAttendee)
        .where(ConversationAttendee.engagement_id == engagement.id)
    ) or 0

    # The audit trail: events about the person lose their details; any other event of the
    # campaign that quotes their name or email loses the quote.
    events = db.session.scalars(
        db.select(AuditEvent).where(
            db.or_(
                AuditEvent.stakeholder_id == person.id,
                db.and_(AuditEvent.campaign_id == campaign_id,
                        scrub.sql_mentions(AuditEvent.changes, json_text=True)),
            )
        ).order_by(AuditEvent.id)
    ).all()
    placeholders = {"name": plan.name, "email": plan.email, "title": "",
                    "statement": ERASED_STATEMENT}
    for event in events:
        changes = dict(event.changes or {})
        if event.stakeholder_id == person.id:
            for key in PERSONAL_AUDIT_FIELDS.get(event.entity_type, ()):
                values = changes.get(key)
                if isinstance(values, list):
                    changes[key] = [None if value is None else placeholders[key]
                                    for value in values]
        changes = scrub.data(changes)
        if changes != (event.changes or {}):
            plan.audit_events.append(Change(event, {"changes": changes}))
    return plan


def erase_person(engagement: Engagement, author, *, now: datetime) -> ErasurePlan:
    """Erase the person's details from the engagement's campaign at `now`, keep the numbers,
    archive the engagement and audit the erasure (which records no erased value)."""
    plan = plan_erasure(engagement)
    person = engagement.stakeholder
    for changes in plan.changes.values():
        for change in changes:
            for key, value in change.values.items():
                setattr(change.record, key, value)
    for briefing in plan.briefings_dropped:
        briefing.pdf = None
        briefing.pdf_sha256 = None
        briefing.content = {**(briefing.content or {}),
                            "pdf_removed": {"at": now.isoformat(), "reason": "erasure"}}
    for change in plan.audit_events:
        change.record.changes = change.values["changes"]
    person.name, person.email, person.title = plan.name, plan.email, ""
    db.session.flush()

    archive_engagement(engagement, author, now=now)
    changes = audit.apply_changes(engagement, {"erased_at": now})
    changes["erased"] = [None, "name, email, title, objection statements and mentions"]
    for kind, records in sorted(plan.changes.items()):
        changes[kind] = [None, [change.record.id for change in records]]
    if plan.briefings_dropped:
        changes["briefing_pdfs_removed"] = [None, [b.id for b in plan.briefings_dropped]]
    changes["audit_events_rewritten"] = [None, len(plan.audit_events)]
    # Documents made by jobs (reports, exports) may name them: drop every one the campaign
    # still holds rather than guess which.
    dropped = db.session.execute(
        db.update(Job).where(Job.campaign_id == engagement.campaign_id, Job.result.is_not(None))
        .values(result=None, result_name=None)
    ).rowcount
    if dropped:
        changes["job_documents_removed"] = [None, dropped]
    audit.record(engagement, "erase", changes, user=author, stakeholder_id=person.id)
    db.session.flush()
    return plan
