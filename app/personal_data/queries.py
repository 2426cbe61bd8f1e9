"""Reading everything Groundswell holds about one person in one campaign.

`person_record` gathers it as plain data (JSON-ready: enums by name, times in ISO form)
for the JSON export and the printed one. Each part is one query (attendees of all the
person's conversations are one more), so the cost follows the person's history, not the
campaign's size.
"""

from datetime import datetime

from sqlalchemy.orm import joinedload, selectinload

from app.audit import jsonable
from app.case_studies.library import current_library
from app.extensions import db
from app.models import (
    AuditEvent,
    Briefing,
    BriefingAttendee,
    Campaign,
    Conversation,
    ConversationAttendee,
    Engagement,
    Exposure,
    FollowUp,
    KeyMessage,
    Objection,
    ObjectionEvent,
    Stakeholder,
    StanceChange,
    User,
)
from app.stakeholders.queries import engagement_by_email, engagement_for, prettify_slug

#: Version of the export's layout, so a reader of an old file knows what it holds.
EXPORT_FORMAT = 1


def find_person(campaign: Campaign, *, stakeholder_id: int | None = None,
                email: str | None = None) -> Engagement | None:
    """The person's engagement in `campaign`, by id (pages) or email (the command line)."""
    if email is not None:
        return engagement_by_email(campaign, email)
    return engagement_for(campaign, stakeholder_id)


def _who(user: User | None) -> str | None:
    return user.name if user is not None else None


def _user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all())


def briefing_ids_naming(engagement: Engagement, objection_ids=()) -> list[int]:
    """Briefings of the campaign that named the person: as an attendee, or by quoting one
    of `objection_ids` (a briefing without attendees quotes the level's objections)."""
    attended = set(db.session.scalars(
        db.select(BriefingAttendee.briefing_id)
        .where(BriefingAttendee.engagement_id == engagement.id)
    ))
    wanted = set(objection_ids)
    if wanted:
        # The quoted objections live in the stored content (JSON), read per briefing.
        for briefing_id, content in db.session.execute(
            db.select(Briefing.id, Briefing.content)
            .where(Briefing.campaign_id == engagement.campaign_id)
        ):
            if wanted & set((content or {}).get("objection_ids") or ()):
                attended.add(briefing_id)
    return sorted(attended)


def person_record(engagement: Engagement, now: datetime) -> dict:
    """Everything held about the person in the engagement's campaign, as plain data
    generated at `now`."""
    person = engagement.stakeholder
    campaign = engagement.campaign
    manager = person.reports_to

    moves = db.session.scalars(
        db.select(StanceChange)
        .where(StanceChange.engagement_id == engagement.id)
        .options(joinedload(StanceChange.changed_by))
        .order_by(StanceChange.changed_at, StanceChange.id)
    ).all()

    attended = db.session.execute(
        db.select(Conversation, ConversationAttendee)
        .join(ConversationAttendee, ConversationAttendee.conversation_id == Conversation.id)
        .where(ConversationAttendee.engagement_id == engagement.id)
        .options(joinedload(Conversation.author))
        .order_by(Conversation.occurred_at, Conversation.id)
    ).all()
    others: dict[int, list[str]] = {}
    conversation_ids = [conversation.id for conversation, _ in attended]
    for start in range(0, len(conversation_ids), 500):
        for conversation_id, name in db.session.execute(
            db.select(ConversationAttendee.conversation_id, Stakeholder.name)
            .join(Engagement, Engagement.id == ConversationAttendee.engagement_id)
            .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
            .where(ConversationAttendee.conversation_id.in_(conversation_ids[start:start + 500]),
                   ConversationAttendee.engagement_id != engagement.id)
            .order_by(Stakeholder.name)
        ):
            others.setdefault(conversation_id, []).append(name)

    objections = db.session.scalars(
        db.select(Objection)
        .where(Objection.engagement_id == engagement.id)
        .options(joinedload(Objection.theme),
                 selectinload(Objection.events).joinedload(ObjectionEvent.by))
        .order_by(Objection.raised_at, Objection.id)
    ).all()

    follow_ups = db.session.scalars(
        db.select(FollowUp)
        .where(FollowUp.engagement_id == engagement.id)
        .options(joinedload(FollowUp.owner), joinedload(FollowUp.done_by))
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()

    exposures = db.session.execute(
        db.select(Exposure, KeyMessage.title)
        .outerjoin(KeyMessage, KeyMessage.id == Exposure.key_message_id)
        .where(Exposure.campaign_id == campaign.id, Exposure.engagement_id == engagement.id)
        .order_by(Exposure.exposed_at, Exposure.id)
    ).all()
    library = current_library()

    briefing_ids = briefing_ids_naming(engagement, [objection.id for objection in objections])
    briefings = db.session.scalars(
        db.select(Briefing)
        .where(Briefing.id.in_(briefing_ids))
        .options(joinedload(Briefing.created_by))
        .order_by(Briefing.created_at, Briefing.id)
    ).all() if briefing_ids else []

    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.stakeholder_id == person.id,
            db.or_(AuditEvent.campaign_id == campaign.id,
                   AuditEvent.entity_type == Stakeholder.__tablename__),
        )
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    owners = _user_names([engagement.owner_id])

    def study_title(slug: str) -> str:
        study = library.get(slug)
        return study.title if study else prettify_slug(slug)

    return {
        "format": EXPORT_FORMAT,
        "generated_at": now.isoformat(),
        "campaign": {"slug": campaign.slug, "name": campaign.name},
        "person": {
            "id": person.id,
            "name": person.name,
            "email": person.email,
            "title": person.title,
            "department": person.department,
            "level": person.level.name,
            "reports_to": (
                {"id": manager.id, "name": manager.name, "email": manager.email}
                if manager is not None else None
            ),
            "influence": person.influence,
        },
        "engagement": {
            "stance": engagement.stance.name,
            "target_stance": engagement.target_stance.name,
            "interest": engagement.interest,
            "owner": owners.get(engagement.owner_id),
            "joined_on": jsonable(engagement.joined_on),
            "last_contact_at": jsonable(engagement.last_contact_at),
            "archived_at": jsonable(engagement.archived_at),
            "erased_at": jsonable(engagement.erased_at),
        },
        "stance_history": [
            {
                "at": jsonable(move.changed_at),
                "from": jsonable(move.from_stance),
                "to": move.to_stance.name,
                "by": _who(move.changed_by),
                "reason": move.reason,
                "conversation_id": move.conversation_id,
                "recorded_at": jsonable(move.recorded_at),
            }
            for move in moves
        ],
        "conversations": [
            {
                "id": conversation.id,
                "occurred_at": jsonable(conversation.occurred_at),
                "channel": conversation.channel.name,
                "duration_minutes": conversation.duration_minutes,
                "title": conversation.subject,
                "summary_markdown": conversation.summary,
                "logged_by": _who(conversation.author),
                "stance_before": attendance.stance_before.name,
                "stance_after": attendance.stance_after.name,
                "other_attendees": others.get(conversation.id, []),
            }
            for conversation, attendance in attended
        ],
        "objections": [
            {
                "id": objection.id,
                "theme": objection.theme.name,
                "statement": objection.statement,
                "status": objection.status.name,
                "raised_at": jsonable(objection.raised_at),
                "conversation_id": objection.conversation_id,
                "history": [
                    {
                        "at": jsonable(event.at),
                        "from": jsonable(event.from_status),
                        "to": event.to_status.name,
                        "note": event.note,
                        "by": _who(event.by),
                    }
                    for event in objection.events
                ],
            }
            for objection in objections
        ],
        "follow_ups": [
            {
                "id": follow_up.id,
                "description": follow_up.description,
                "owner": _who(follow_up.owner),
                "due_on": jsonable(follow_up.due_on),
                "done_at": jsonable(follow_up.done_at),
                "done_by": _who(follow_up.done_by),
                "conversation_id": follow_up.conversation_id,
            }
            for follow_up in follow_ups
        ],
        "exposures": [
            {
                "heard_at": jsonable(exposure.exposed_at),
                "kind": "key_message" if exposure.key_message_id else "case_study",
                "title": message_title if exposure.key_message_id
                else study_title(exposure.case_study_slug),
                "case_study": exposure.case_study_slug,
                "conversation_id": exposure.conversation_id,
                "briefing_id": exposure.briefing_id,
            }
            for exposure, message_title in exposures
        ],
        "briefings": [
            {
                "id": briefing.id,
                "audience": briefing.audience.name,
                "generated_at": jsonable(briefing.created_at),
                "generated_by": _who(briefing.created_by),
                "meeting_on": jsonable(briefing.meeting_on),
                "introduction": briefing.introduction,
            }
            for briefing in briefings
        ],
        "audit_events": [
            {
                "at": jsonable(event.at),
                "by": _who(event.user),
                "record": event.entity_type,
                "record_id": event.entity_id,
                "action": event.action,
                "changes": event.changes,
            }
            for event in events
        ],
    }
