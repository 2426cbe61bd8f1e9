"""Nudges: whom to talk to next, what the champions log, which follow-ups are overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, literal, or_
from sqlalchemy.orm import aliased

from app.dashboard.metrics.alignment import report_counts
from app.dashboard.metrics.base import (
    as_number,
    counted_page,
    current_people,
    day_number,
    from_row,
    stance_rank,
    whole,
)
from app.dashboard.metrics.scope import Scope
from app.extensions import db
from app.models import (
    Conversation,
    ConversationAttendee,
    Engagement,
    FollowUp,
    Level,
    Membership,
    Role,
    Stakeholder,
    Stance,
    User,
)
from app.models.base import UTCDateTime


@dataclass(frozen=True)
class ChampionRow:
    user_id: int
    name: str
    conversations: int
    #: Minutes of conversation logged (each conversation's length once).
    minutes: int
    people: int
    last_at: datetime | None


def _logged_in_scope(scope: Scope) -> list:
    """Conditions for conversations in the period (with someone in the filtered group, if
    the dashboard is narrowed)."""
    logged = [Conversation.campaign_id == scope.campaign.id,
              *scope.in_period(Conversation.occurred_at)]
    if scope.filters.narrowed:
        logged.append(
            Conversation.id.in_(
                db.select(ConversationAttendee.conversation_id)
                .join(Engagement, Engagement.id == ConversationAttendee.engagement_id)
                .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
                .where(Engagement.campaign_id == scope.campaign.id, *scope.people_filter())
            )
        )
    return logged


def champions(scope: Scope) -> list[ChampionRow]:
    """Conversations logged per author in the period (the campaign's champions and leads,
    plus anyone else who logged one), with their minutes and the people they reached.
    With a department or level filter, only conversations with someone in it count."""
    logged = _logged_in_scope(scope)
    per_author = (
        db.select(
            Conversation.author_id,
            func.count().label("conversations"),
            func.sum(Conversation.duration_minutes).label("minutes"),
            func.max(Conversation.occurred_at).label("last_at"),
        )
        .where(*logged)
        .group_by(Conversation.author_id)
        .subquery("per_author")
    )
    reached = (
        db.select(
            Conversation.author_id,
            func.count(ConversationAttendee.engagement_id.distinct()).label("people"),
        )
        .join(ConversationAttendee, ConversationAttendee.conversation_id == Conversation.id)
        .where(*logged)
        .group_by(Conversation.author_id)
        .subquery("reached")
    )
    members = db.select(Membership.user_id).where(
        Membership.campaign_id == scope.campaign.id,
        Membership.role.in_((Role.champion, Role.lead)),
    )
    query = (
        db.select(
            User.id.label("user_id"),
            User.name,
            func.coalesce(per_author.c.conversations, 0).label("conversations"),
            func.coalesce(per_author.c.minutes, 0).label("minutes"),
            func.coalesce(reached.c.people, 0).label("people"),
            per_author.c.last_at,
        )
        .outerjoin(per_author, per_author.c.author_id == User.id)
        .outerjoin(reached, reached.c.author_id == User.id)
        .where(or_(User.id.in_(members), per_author.c.author_id.is_not(None)))
        .order_by(func.coalesce(per_author.c.conversations, 0).desc(), User.name)
    )
    return [
        ChampionRow(row.user_id, row.name, int(row.conversations), int(row.minutes),
                    int(row.people), row.last_at)
        for row in db.session.execute(query)
    ]


# --- Follow-ups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    description: str
    due_on: date
    days_overdue: int
    owner: str | None
    stakeholder_id: int | None
    person: str | None


def overdue_follow_ups(scope: Scope, limit: int | None = 10) -> tuple[int, list[OverdueRow]]:
    """(how many, the `limit` most overdue) follow-ups not done and due before today.
    With a department or level filter, only follow-ups about someone in it."""
    owner = aliased(User)
    query = (
        db.select(
            FollowUp.description,
            FollowUp.due_on,
            owner.name.label("owner"),
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.name.label("person"),
            func.count().over().label("total"),
        )
        .select_from(FollowUp)
        .outerjoin(owner, owner.id == FollowUp.owner_id)
        .outerjoin(Engagement, Engagement.id == FollowUp.engagement_id)
        .outerjoin(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .where(
            FollowUp.campaign_id == scope.campaign.id,
            FollowUp.done_at.is_(None),
            FollowUp.due_on < scope.today,
            or_(Engagement.id.is_(None), Engagement.archived_at.is_(None)),
            *scope.people_filter(),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    total, rows = counted_page(query, limit)
    return total, [
        from_row(OverdueRow, row, days_overdue=(scope.today - row.due_on).days)
        for row in rows
    ]


# --- Next conversations ----------------------------------------------------------------------

#: The score's weights, shown on the page beside the list.
SCORE_FORMULA = (
    "2 × influence (1–5) + 3 × distance to target stance (ranks; unknown counts as 2) "
    "+ days since last contact ÷ 10 (at most 6; never contacted counts 6) "
    "+ people managed ÷ 5 (at most 6)"
)


@dataclass(frozen=True)
class NextRow:
    stakeholder_id: int
    name: str
    title: str
    level: Level
    department: str
    influence: int
    stance: Stance
    target: Stance
    days_since: int | None
    reports: int
    score: float

    @property
    def reason(self) -> str:
        """Why this person is on the list, in words."""
        if self.days_since is None:
            seen = "never contacted"
        elif self.days_since == 0:
            seen = "seen today"
        else:
            seen = f"not seen for {self.days_since} day{'s' if self.days_since > 1 else ''}"
        parts = [
            self.title or f"{self.level.label} in {self.department or 'no department'}",
            f"influence {self.influence}",
            self.stance.label.lower() if self.stance is not Stance.unknown else "stance unknown",
            f"target {self.target.label.lower()}",
            seen,
        ]
        if self.reports:
            parts.append(f"manages {self.reports}")
        return ", ".join(parts)


def next_conversations(scope: Scope, limit: int | None = 10) -> list[NextRow]:
    """Whom to talk to next: current people below their target stance, highest score first.

    The score (SCORE_FORMULA) is computed in SQL and the list cut there, so only `limit`
    rows come back whatever the campaign's size.
    """
    counts = report_counts(scope)
    reports = func.coalesce(counts.c.reports, 0)
    rank_now, rank_target = stance_rank(Engagement.stance), stance_rank(Engagement.target_stance)
    days = day_number(literal(scope.now, UTCDateTime)) - day_number(Engagement.last_contact_at)
    score = _score(rank_now, rank_target, days, reports).label("score")
    query = (
        db.select(
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.level,
            Stakeholder.department,
            Stakeholder.influence,
            Engagement.stance,
            Engagement.target_stance.label("target"),
            case((Engagement.last_contact_at.is_(None), None), else_=whole(days)).label("days"),
            reports.label("reports"),
            score,
        )
        .select_from(Engagement)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .where(
            *current_people(scope.campaign.id),
            rank_target.is_not(None),
            or_(rank_now.is_(None), rank_now < rank_target),
            *scope.people_filter(),
        )
        .order_by(score.desc(), Stakeholder.influence.desc(), Stakeholder.name, Stakeholder.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        from_row(NextRow, row, days_since=None if row.days is None else int(row.days),
                 reports=int(row.reports), score=as_number(row.score, 1))
        for row in db.session.execute(query)
    ]


def _score(rank_now, rank_target, days, reports):
    """SCORE_FORMULA in SQL, from the stance ranks, days since contact and reports."""
    gap = case((rank_now.is_(None), 2), else_=rank_target - rank_now)
    staleness = case(
        (Engagement.last_contact_at.is_(None), 6.0), (days >= 60, 6.0), else_=days / 10.0
    )
    reach = case((reports >= 30, 6.0), else_=reports / 5.0)
    return 2 * Stakeholder.influence + 3 * gap + staleness + reach

