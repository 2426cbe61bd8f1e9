"""Coverage and effort: who was met lately, who never, and whom the conversations go to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from app.dashboard.metrics.base import (
    CONVERTED,
    STANCE_ORDER,
    as_number,
    counted_page,
    from_row,
    share,
)
from app.dashboard.metrics.scope import Scope, people_at
from app.extensions import db
from app.models import Conversation, ConversationAttendee, Engagement, Level, Stakeholder, Stance

#: Days a conversation keeps someone "covered".
COVERAGE_DAYS = 30


@dataclass(frozen=True)
class CoverageRow:
    level: Level
    department: str
    people: int
    contacted: int
    owned: int


@dataclass
class Coverage:
    rows: list[CoverageRow]

    def by(self, key: str) -> dict:
        """{level or department: (people, contacted, owned)} summed over the grouped rows."""
        totals: dict = {}
        for row in self.rows:
            group = getattr(row, key)
            people, contacted, owned = totals.get(group, (0, 0, 0))
            totals[group] = (people + row.people, contacted + row.contacted, owned + row.owned)
        if key == "level":
            return {level: totals.get(level, (0, 0, 0)) for level in Level}
        return dict(sorted(totals.items()))

    @property
    def total(self) -> tuple[int, int, int]:
        keys = ("people", "contacted", "owned")
        return tuple(sum(getattr(row, key) for row in self.rows) for key in keys)

    def uncovered_departments(self) -> list[tuple[str, int, int, int, str]]:
        """Departments where no champion owns anyone, or nobody was met in 30 days."""
        result = []
        for department, (people, contacted, owned) in self.by("department").items():
            reasons = []
            if owned == 0:
                reasons.append("no champion owns anyone")
            if contacted == 0:
                reasons.append(f"no conversation in {COVERAGE_DAYS} days")
            if reasons:
                result.append((department, people, contacted, owned, " and ".join(reasons)))
        return result


def _contacted_between(scope: Scope, starts: datetime | None, ends: datetime):
    """Subquery of engagement ids that attended a conversation in [starts, ends)."""
    query = (
        db.select(ConversationAttendee.engagement_id)
        .join(Conversation, Conversation.id == ConversationAttendee.conversation_id)
        .where(Conversation.campaign_id == scope.campaign.id, Conversation.occurred_at < ends)
    )
    if starts is not None:
        query = query.where(Conversation.occurred_at >= starts)
    return query.distinct().subquery()


def coverage(scope: Scope) -> Coverage:
    """People, people met in the last 30 days and people with an owning champion, by level
    and department, as of the scope's moment."""
    recent = _contacted_between(scope, scope.as_of - timedelta(days=COVERAGE_DAYS), scope.as_of)
    query, _ = people_at(scope, Stakeholder.level, Stakeholder.department)
    query = (
        query.outerjoin(recent, recent.c.engagement_id == Engagement.id)
        .with_only_columns(
            Stakeholder.level,
            Stakeholder.department,
            func.count().label("people"),
            func.count(recent.c.engagement_id).label("contacted"),
            func.count(Engagement.owner_id).label("owned"),
        )
        .group_by(Stakeholder.level, Stakeholder.department)
    )
    return Coverage([from_row(CoverageRow, row) for row in db.session.execute(query)])


@dataclass(frozen=True)
class PersonRow:
    stakeholder_id: int
    name: str
    title: str
    department: str
    level: Level
    stance: Stance
    influence: int


def never_contacted(scope: Scope, limit: int | None = 10) -> tuple[int, list[PersonRow]]:
    """(how many, the first `limit` by influence) of people never in a conversation."""
    query, stance = people_at(scope, Stakeholder.id)
    if scope.as_of_is_now:
        # log_conversation keeps last_contact_at: no need to read every attendance.
        query = query.where(Engagement.last_contact_at.is_(None))
    else:
        ever = _contacted_between(scope, None, scope.as_of)
        query = query.outerjoin(ever, ever.c.engagement_id == Engagement.id).where(
            ever.c.engagement_id.is_(None)
        )
    query = (
        query.with_only_columns(
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.department,
            Stakeholder.level,
            stance.label("stance"),
            Stakeholder.influence,
            func.count().over().label("total"),
        )
        .order_by(Stakeholder.influence.desc(), Stakeholder.name, Stakeholder.id)
    )
    total, rows = counted_page(query, limit)
    return total, [from_row(PersonRow, row) for row in rows]


# --- Where effort goes -----------------------------------------------------------------------


@dataclass(frozen=True)
class EffortRow:
    stance: Stance
    attendances: int
    attendee_minutes: int
    conversations: float


@dataclass
class Effort:
    rows: list[EffortRow]

    def _sum(self, attribute: str, stances) -> float:
        return sum(getattr(row, attribute) for row in self.rows if row.stance in stances)

    def converted_share(self, attribute: str) -> float | None:
        """Share (%) of `attribute` spent with people already supporter or champion."""
        total = self._sum(attribute, STANCE_ORDER)
        return share(self._sum(attribute, CONVERTED), total) if total else None

    @property
    def index(self) -> float | None:
        """The preaching-to-the-converted index: share of attendee-minutes with the converted."""
        return self.converted_share("attendee_minutes")

    @property
    def total_conversations(self) -> float:
        return self._sum("conversations", STANCE_ORDER)


def effort(scope: Scope) -> Effort:
    """Conversations and attendee-minutes by the attendee's stance before the conversation.

    A conversation is shared equally among its attendees (three attendees: a third each),
    so the conversation shares add up to 100%; attendee-minutes add each attendee's time.
    Conversations with people archived since still count: the effort was spent.
    """
    # Attendees per conversation: one pass over the attendee table's primary key.
    sizes = (
        db.select(ConversationAttendee.conversation_id, func.count().label("attendees"))
        .group_by(ConversationAttendee.conversation_id)
        .subquery("sizes")
    )
    query = (
        db.select(
            ConversationAttendee.stance_before.label("stance"),
            func.count().label("attendances"),
            func.coalesce(func.sum(Conversation.duration_minutes), 0).label("attendee_minutes"),
            func.sum(1.0 / sizes.c.attendees).label("conversations"),
        )
        .select_from(ConversationAttendee)
        .join(Conversation, Conversation.id == ConversationAttendee.conversation_id)
        .join(sizes, sizes.c.conversation_id == ConversationAttendee.conversation_id)
        .where(
            Conversation.campaign_id == scope.campaign.id,
            *scope.in_period(Conversation.occurred_at),
        )
        .group_by(ConversationAttendee.stance_before)
    )
    if scope.filters.narrowed:
        query = (
            query.join(Engagement, Engagement.id == ConversationAttendee.engagement_id)
            .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
            .where(*scope.people_filter())
        )
    found = {
        row.stance: EffortRow(row.stance, row.attendances, int(row.attendee_minutes),
                              as_number(row.conversations))
        for row in db.session.execute(query)
    }
    return Effort([found.get(stance, EffortRow(stance, 0, 0, 0.0)) for stance in STANCE_ORDER])

