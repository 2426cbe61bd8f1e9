"""Reading conversations: the list with its filters, and one conversation with all it produced."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from app.case_studies.library import current_library
from app.clock import Clock
from app.extensions import db
from app.models import (
    Channel,
    Conversation,
    ConversationAttendee,
    Engagement,
    Exposure,
    FollowUp,
    KeyMessage,
    Level,
    Objection,
    Stakeholder,
    Stance,
    User,
)


@dataclass
class ConversationFilters:
    """What the list is narrowed to (read from the query string by
    `app.conversations.forms.ConversationFilterForm`)."""

    channel: Channel | None = None
    author_id: int | None = None
    author_is_me: bool = False
    attendee: Stakeholder | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(
            value is not None
            for value in (self.channel, self.author_id, self.attendee, self.date_from, self.date_to)
        )


#: Newest first, as the list shows them.
NEWEST_FIRST = (Conversation.occurred_at.desc(), Conversation.id.desc())


def _conditions(campaign, filters: ConversationFilters, clock: Clock) -> list:
    """WHERE conditions for the campaign's conversations matching `filters`."""
    conditions = [Conversation.campaign_id == campaign.id]
    if filters.channel is not None:
        conditions.append(Conversation.channel == filters.channel)
    if filters.author_id is not None:
        conditions.append(Conversation.author_id == filters.author_id)
    if filters.attendee is not None:
        conditions.append(
            db.select(ConversationAttendee.conversation_id)
            .join(Engagement, Engagement.id == ConversationAttendee.engagement_id)
            .where(
                ConversationAttendee.conversation_id == Conversation.id,
                Engagement.stakeholder_id == filters.attendee.id,
            )
            .exists()
        )
    # Days are the user's days: "from 3 May" starts at their midnight, not UTC's.
    if filters.date_from is not None:
        conditions.append(Conversation.occurred_at >= clock.day_start(filters.date_from))
    if filters.date_to is not None:
        end = clock.day_start(filters.date_to + timedelta(days=1))
        conditions.append(Conversation.occurred_at < end)
    return conditions


def conversation_query(campaign, filters: ConversationFilters, clock: Clock):
    """SELECT of the campaign's conversations matching `filters`, newest first, with their
    attendees (and people) and author loaded."""
    query = db.select(Conversation).where(*_conditions(campaign, filters, clock))
    return query.order_by(*NEWEST_FIRST).options(
        joinedload(Conversation.author),
        selectinload(Conversation.attendees)
        .joinedload(ConversationAttendee.engagement)
        .joinedload(Engagement.stakeholder),
    )


def conversation_list(campaign, filters: ConversationFilters, clock: Clock, page: int):
    """One page of the campaign's conversations, newest first, with attendees and author."""
    pagination = db.paginate(
        conversation_query(campaign, filters, clock), page=page,
        per_page=current_app.config["PER_PAGE"], error_out=False,
    )
    ids = [conversation.id for conversation in pagination.items]
    return pagination, _counts(Objection, ids), _counts(FollowUp, ids)


def _counts(model, conversation_ids) -> dict[int, int]:
    """How many `model` rows each conversation produced, in one grouped query."""
    if not conversation_ids:
        return {}
    rows = db.session.execute(
        db.select(model.conversation_id, db.func.count(model.id))
        .where(model.conversation_id.in_(conversation_ids))
        .group_by(model.conversation_id)
    )
    return dict(rows.all())


def conversation_detail(campaign, conversation_id: int) -> Conversation | None:
    """A conversation of `campaign` with everything the page shows, in a fixed few queries."""
    return db.session.scalar(
        db.select(Conversation)
        .where(Conversation.id == conversation_id, Conversation.campaign_id == campaign.id)
        .options(
            joinedload(Conversation.author),
            selectinload(Conversation.attendees)
            .joinedload(ConversationAttendee.engagement)
            .joinedload(Engagement.stakeholder),
            selectinload(Conversation.objections).joinedload(Objection.theme),
            selectinload(Conversation.objections)
            .joinedload(Objection.engagement)
            .joinedload(Engagement.stakeholder),
            selectinload(Conversation.follow_ups).joinedload(FollowUp.owner),
            selectinload(Conversation.follow_ups)
            .joinedload(FollowUp.engagement)
            .joinedload(Engagement.stakeholder),
            selectinload(Conversation.exposures).joinedload(Exposure.key_message),
        )
    )


def messages_used(conversation: Conversation) -> list:
    """The distinct key messages a conversation used (exposures repeat them per attendee)."""
    seen = {}
    for exposure in conversation.exposures:
        if exposure.key_message is not None:
            seen.setdefault(exposure.key_message.id, exposure.key_message)
    levels = list(Level)
    return sorted(seen.values(),
                  key=lambda message: (levels.index(message.level), message.position))


def case_studies_used(conversation: Conversation) -> list[tuple[str, str]]:
    """(slug, title) of the case studies a conversation used, titles from the library."""
    library = current_library()
    slugs = sorted({e.case_study_slug for e in conversation.exposures if e.case_study_slug})
    return [(slug, library.get(slug).title if library.get(slug) else slug) for slug in slugs]


#: Columns of the conversation log as CSV.
EXPORT_COLUMNS = ("occurred_at", "channel", "minutes", "subject", "attendees", "stance_moves",
                  "logged_by", "summary")


def export_rows(campaign, filters: ConversationFilters, clock: Clock, batch: int = 1000):
    """Every conversation matching `filters` as a CSV row: plain rows, not ORM objects, a
    batch of conversations and then one query for all their attendees."""
    query = (
        db.select(Conversation.id, Conversation.occurred_at, Conversation.channel,
                  Conversation.duration_minutes, Conversation.subject, Conversation.summary,
                  User.name)
        .outerjoin(User, User.id == Conversation.author_id)
        .where(*_conditions(campaign, filters, clock))
        .order_by(*NEWEST_FIRST)
        .execution_options(yield_per=batch)
    )
    for rows in db.session.execute(query).partitions():
        attendees: dict[int, list[tuple[str, Stance, Stance]]] = defaultdict(list)
        for conversation_id, name, before, after in db.session.execute(
            db.select(ConversationAttendee.conversation_id, Stakeholder.name,
                      ConversationAttendee.stance_before, ConversationAttendee.stance_after)
            .join(Engagement, Engagement.id == ConversationAttendee.engagement_id)
            .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
            .where(ConversationAttendee.conversation_id.in_([row.id for row in rows]))
            .order_by(ConversationAttendee.conversation_id, ConversationAttendee.engagement_id)
        ):
            attendees[conversation_id].append((name, before, after))
        for conversation_id, occurred_at, channel, minutes, subject, summary, author in rows:
            people = attendees[conversation_id]
            yield (
                clock.local(occurred_at), channel, minutes, subject,
                "; ".join(name for name, _, _ in people),
                "; ".join(f"{name}: {before.label} → {after.label}"
                          for name, before, after in people if before is not after),
                author or "", summary,
            )


def current_key_messages(campaign) -> list[KeyMessage]:
    """The campaign's current key messages, by level and position, to pick from."""
    return list(
        db.session.scalars(
            db.select(KeyMessage)
            .where(KeyMessage.campaign_id == campaign.id, KeyMessage.archived_at.is_(None))
            .order_by(KeyMessage.level, KeyMessage.position, KeyMessage.title)
        )
    )
