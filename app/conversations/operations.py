"""Logging a conversation: attendees, their stances after, objections, follow-ups and the
messages used, all in the caller's one transaction."""

from dataclasses import dataclass, field
from datetime import date, datetime

from app import audit
from app.errors import OperationError
from app.extensions import db
from app.followups.operations import add_follow_up
from app.models import (
    Campaign,
    Channel,
    Conversation,
    ConversationAttendee,
    Engagement,
    Exposure,
    ObjectionTheme,
    Stance,
    StanceChange,
)
from app.objections.operations import raise_objection
from app.stakeholders.operations import change_stance, relink_stance_history, standings

CONVERSATION_FIELDS = ("occurred_at", "channel", "duration_minutes", "subject", "summary")


class ConversationError(OperationError):
    """A conversation refused, with the field it concerns and a message for the user."""


@dataclass
class AttendeeInput:
    engagement: Engagement
    #: Stance after the conversation; None keeps the current one.
    stance_after: Stance | None = None


@dataclass
class ObjectionInput:
    engagement: Engagement
    theme: ObjectionTheme
    statement: str


@dataclass
class FollowUpInput:
    description: str
    due_on: date
    owner_id: int | None = None
    engagement: Engagement | None = None


@dataclass
class ConversationInput:
    occurred_at: datetime
    channel: Channel
    attendees: list[AttendeeInput]
    duration_minutes: int = 30
    subject: str = ""
    summary: str = ""
    objections: list[ObjectionInput] = field(default_factory=list)
    follow_ups: list[FollowUpInput] = field(default_factory=list)
    key_message_ids: list[int] = field(default_factory=list)
    case_study_slugs: list[str] = field(default_factory=list)


def _check(campaign: Campaign, data: ConversationInput, now: datetime) -> None:
    if data.occurred_at.tzinfo is None:
        raise ConversationError("occurred_at", "The date needs a time zone.")
    if data.occurred_at > now:
        raise ConversationError("occurred_at", "A conversation cannot be logged in the future.")
    if not data.attendees:
        raise ConversationError("attendees", "Add at least one attendee.")
    ids = [attendee.engagement.id for attendee in data.attendees]
    if len(set(ids)) != len(ids):
        raise ConversationError("attendees", "Each attendee can be listed once.")
    present = set(ids)
    for attendee in data.attendees:
        if attendee.engagement.campaign_id != campaign.id:
            raise ConversationError("attendees", "An attendee is not part of this campaign.")
    for objection in data.objections:
        if objection.engagement.id not in present:
            raise ConversationError("objections", "Objections must be raised by an attendee.")
        if objection.theme.campaign_id != campaign.id:
            raise ConversationError("objections", "Unknown objection theme for this campaign.")
        if not objection.statement.strip():
            raise ConversationError("objections", "Say what was objected to.")
    for follow_up in data.follow_ups:
        if follow_up.engagement is not None and follow_up.engagement.campaign_id != campaign.id:
            raise ConversationError("follow_ups",
                                    "A follow-up is about someone outside this campaign.")


def log_conversation(campaign: Campaign, author, data: ConversationInput,
                     now: datetime) -> Conversation:
    """Record a conversation and everything that came out of it (it cannot be after `now`);
    the caller commits once."""
    _check(campaign, data, now)
    conversation = Conversation(
        campaign_id=campaign.id,
        occurred_at=data.occurred_at,
        channel=data.channel,
        duration_minutes=data.duration_minutes,
        subject=data.subject.strip(),
        summary=data.summary,
        author_id=getattr(author, "id", None),
        attendees=[],  # a new conversation has none yet: no need to ask the database
    )
    db.session.add(conversation)
    db.session.flush()
    audit.created(conversation, CONVERSATION_FIELDS, user=author)

    # A back-dated conversation starts from where each person stood on that day.
    standing = standings((attendee.engagement.id for attendee in data.attendees),
                         data.occurred_at)
    for attendee in data.attendees:
        engagement = attendee.engagement
        before = standing[engagement.id].at_moment or engagement.stance
        after = attendee.stance_after or before
        conversation.attendees.append(
            ConversationAttendee(engagement=engagement, stance_before=before, stance_after=after)
        )
        audit.record(
            conversation, "update", {"attendee": [None, engagement.stakeholder_id],
                                     "stance_after": [before.name, after.name]},
            user=author, stakeholder_id=engagement.stakeholder_id,
        )
        change_stance(engagement, after, author, at=data.occurred_at, conversation=conversation,
                      standing=standing[engagement.id],
                      reason=f"After {data.channel.label.lower()} on {data.occurred_at:%d %b %Y}")
        if engagement.last_contact_at is None or engagement.last_contact_at < data.occurred_at:
            engagement.last_contact_at = data.occurred_at
        for message_id in data.key_message_ids:
            db.session.add(Exposure(campaign_id=campaign.id, engagement_id=engagement.id,
                                    key_message_id=message_id, conversation=conversation,
                                    exposed_at=data.occurred_at))
        for slug in data.case_study_slugs:
            db.session.add(Exposure(campaign_id=campaign.id, engagement_id=engagement.id,
                                    case_study_slug=slug, conversation=conversation,
                                    exposed_at=data.occurred_at))

    for objection in data.objections:
        raise_objection(campaign, author, objection.engagement, objection.theme,
                        objection.statement, conversation=conversation, at=data.occurred_at)
    for follow_up in data.follow_ups:
        add_follow_up(campaign, author, follow_up.description, follow_up.due_on,
                      owner_id=follow_up.owner_id, engagement=follow_up.engagement,
                      conversation=conversation)
    db.session.flush()
    return conversation


def update_conversation(conversation: Conversation, author, values: dict, now: datetime) -> dict:
    """Edit the record of a conversation (when, how, what was said); audited.

    A corrected date moves what the conversation dated with it: the stance moves it caused,
    the objections raised in it and the exposures to messages, so history stays true.
    It cannot be moved after `now`.
    """
    if "occurred_at" in values and values["occurred_at"] > now:
        raise ConversationError("occurred_at", "A conversation cannot be logged in the future.")
    changes = audit.apply_changes(conversation, values)
    audit.record(conversation, "update", changes, user=author)
    if "occurred_at" in changes:
        _redate(conversation, author)
    db.session.flush()
    return changes


def _redate(conversation: Conversation, author) -> None:
    at = conversation.occurred_at
    moves = db.session.scalars(
        db.select(StanceChange).where(StanceChange.conversation_id == conversation.id)
    ).all()
    for move in moves:
        move.changed_at = at
    for objection in conversation.objections:
        changes = audit.apply_changes(objection, {"raised_at": at})
        audit.record(objection, "update", changes, user=author,
                     stakeholder_id=objection.engagement.stakeholder_id)
        for event in objection.events:
            if event.from_status is None:
                event.at = at
    for exposure in conversation.exposures:
        exposure.exposed_at = at
    db.session.flush()

    engagement_ids = [attendee.engagement_id for attendee in conversation.attendees]
    latest_contact = dict(
        db.session.execute(
            db.select(ConversationAttendee.engagement_id, db.func.max(Conversation.occurred_at))
            .join(Conversation, Conversation.id == ConversationAttendee.conversation_id)
            .where(ConversationAttendee.engagement_id.in_(engagement_ids))
            .group_by(ConversationAttendee.engagement_id)
        ).all()
    )
    moved = {move.engagement_id for move in moves}
    # The moves now sit elsewhere in each history: their neighbours' from_stance follows.
    relink_stance_history((attendee.engagement for attendee in conversation.attendees
                           if attendee.engagement_id in moved), author)
    for attendee in conversation.attendees:
        engagement = attendee.engagement
        engagement.last_contact_at = latest_contact.get(engagement.id)
        if engagement.id in moved:
            latest = db.session.scalar(
                db.select(StanceChange.to_stance)
                .where(StanceChange.engagement_id == engagement.id)
                .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
                .limit(1)
            )
            stance_changes = audit.apply_changes(engagement, {"stance": latest})
            if stance_changes:
                stance_changes["reason"] = [None, "Conversation re-dated"]
            audit.record(engagement, "update", stance_changes, user=author,
                         stakeholder_id=engagement.stakeholder_id)


def may_edit(conversation: Conversation, user, role) -> bool:
    """Authors edit their own conversations (while they may still log); leads and admins any."""
    from app.access import ROLE_RANK
    from app.models import Role

    rank = ROLE_RANK.get(role, -1)
    if rank >= ROLE_RANK[Role.lead]:
        return True
    return conversation.author_id == user.id and rank >= ROLE_RANK[Role.champion]
