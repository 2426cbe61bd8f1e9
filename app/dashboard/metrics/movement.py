"""Movement over time: head counts per stance at the end of each week, and moves per week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, literal, or_, union_all

from app.dashboard.metrics.base import CONVERTED, STANCE_ORDER, day_number, stance_rank
from app.dashboard.metrics.scope import Scope
from app.extensions import db
from app.models import Engagement, Stakeholder, Stance, StanceChange

#: An interval end that never comes, for people still in the campaign.
FOREVER = 1_000_000


@dataclass(frozen=True)
class Week:
    index: int
    starts_on: date
    ends_on: date
    counts: dict[Stance, int] = field(default_factory=dict)
    toward: int = 0
    away: int = 0

    @property
    def label(self) -> str:
        return f"Week {self.index + 1}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def supportive(self) -> int:
        return sum(self.counts.get(stance, 0) for stance in CONVERTED)

    @property
    def net(self) -> int:
        return self.toward - self.away


def movement(scope: Scope) -> list[Week]:
    """Head counts per stance as of the end of each week, and moves toward/away per week.

    Rebuilt from the stance history with two statements whatever the campaign's size:
    each person contributes one interval per stance they held (in week numbers), clipped
    to the weeks they were in the campaign; the counts are running sums of interval
    starts (+1) and ends (-1).
    """
    weeks = scope.week_range()
    if not weeks:
        return []
    end = scope.weeks_end
    intervals = _stance_intervals(_week_changes(scope, end))
    changes_by_week = _running_counts(intervals, weeks[-1])
    moves = _moves_by_week(scope, end)
    result, current = [], {stance: 0 for stance in STANCE_ORDER}
    for index in range(0, weeks[-1] + 1):
        # A week with no change keeps the previous week's figure.
        current.update(changes_by_week.get(index, {}))
        if index in weeks:
            starts_on, ends_on = scope.week_bounds(index)
            toward, away = moves.get(index, (0, 0))
            result.append(Week(index, starts_on, ends_on, dict(current), toward, away))
    return result


def _week_changes(scope: Scope, end: datetime):
    """Subquery: each change before `end` with its week, and the weeks the person entered
    and left the campaign (joined counts from the week of joined_on, archived stops
    counting in its week)."""
    last_day = (end - timedelta(microseconds=1)).date()
    return (
        db.select(
            StanceChange.id,
            StanceChange.engagement_id,
            StanceChange.to_stance,
            StanceChange.changed_at,
            scope.week_of(StanceChange.changed_at).label("week"),
            scope.week_of(Engagement.joined_on).label("joined"),
            case(
                (Engagement.archived_at.is_(None), FOREVER),
                else_=scope.week_of(Engagement.archived_at),
            ).label("left"),
        )
        .join(Engagement, Engagement.id == StanceChange.engagement_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .where(
            Engagement.campaign_id == scope.campaign.id,
            Engagement.joined_on <= last_day,
            StanceChange.changed_at < end,
            *scope.people_filter(),
        )
        .subquery("week_changes")
    )


def _stance_intervals(changes):
    """CTE (stance, starts, stops): the stance each person ended each week on, held from
    that week until the next week they moved in, clipped to their weeks in the campaign."""
    ranked = db.select(
        changes,
        func.row_number()
        .over(
            partition_by=(changes.c.engagement_id, changes.c.week),
            order_by=(changes.c.changed_at.desc(), changes.c.id.desc()),
        )
        .label("position"),
    ).subquery("ranked")
    held = (
        db.select(
            ranked.c.to_stance,
            ranked.c.week,
            ranked.c.joined,
            ranked.c.left,
            func.coalesce(
                func.lead(ranked.c.week).over(
                    partition_by=ranked.c.engagement_id, order_by=ranked.c.week
                ),
                FOREVER,
            ).label("next_week"),
        )
        .where(ranked.c.position == 1)
        .subquery("held")
    )
    starts = case((held.c.week > held.c.joined, held.c.week), else_=held.c.joined)
    stops = case((held.c.next_week < held.c.left, held.c.next_week), else_=held.c.left)
    return db.select(
        held.c.to_stance.label("stance"), starts.label("starts"), stops.label("stops")
    ).cte("intervals")


def _running_counts(intervals, last_week: int) -> dict[int, dict[Stance, int]]:
    """{week: {stance: people}} for the weeks where a count changed: running sums of
    interval starts (+1) and stops (-1)."""
    edges = union_all(
        db.select(
            intervals.c.starts.label("week"), intervals.c.stance, literal(1).label("delta")
        ).where(intervals.c.starts < intervals.c.stops),
        db.select(
            intervals.c.stops.label("week"), intervals.c.stance, literal(-1).label("delta")
        ).where(intervals.c.starts < intervals.c.stops, intervals.c.stops < FOREVER),
    ).subquery("edges")
    net = func.sum(edges.c.delta)
    running = (
        db.select(
            edges.c.week,
            edges.c.stance,
            func.sum(net).over(partition_by=edges.c.stance, order_by=edges.c.week).label("people"),
        )
        .where(edges.c.week <= last_week)
        .group_by(edges.c.week, edges.c.stance)
    )
    changes_by_week: dict[int, dict[Stance, int]] = defaultdict(dict)
    for row in db.session.execute(running):
        changes_by_week[row.week][row.stance] = int(row.people)
    return changes_by_week


def _moves_by_week(scope: Scope, end: datetime) -> dict[int, tuple[int, int]]:
    """Moves toward and away from support per campaign week, from the stance history
    (each move's stored from_stance is the move before it: change_stance keeps it so)."""
    history = (
        db.select(
            StanceChange.changed_at,
            StanceChange.to_stance,
            StanceChange.from_stance,
            Engagement.joined_on,
            Engagement.archived_at,
        )
        .join(Engagement, Engagement.id == StanceChange.engagement_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .where(
            Engagement.campaign_id == scope.campaign.id,
            StanceChange.changed_at < end,
            *scope.people_filter(),
        )
        .subquery("history")
    )
    rank_to, rank_from = stance_rank(history.c.to_stance), stance_rank(history.c.from_stance)
    week = scope.week_of(history.c.changed_at)
    query = (
        db.select(
            week.label("week"),
            func.sum(case((rank_to > rank_from, 1), else_=0)).label("toward"),
            func.sum(case((rank_to < rank_from, 1), else_=0)).label("away"),
        )
        .where(
            history.c.changed_at >= scope.campaign_start,
            *([history.c.changed_at >= scope.period_start] if scope.period_start else []),
            # Only moves while the person was in the campaign.
            day_number(history.c.changed_at) >= day_number(history.c.joined_on),
            or_(history.c.archived_at.is_(None), history.c.archived_at > history.c.changed_at),
        )
        .group_by(week)
    )
    return {
        row.week: (int(row.toward or 0), int(row.away or 0))
        for row in db.session.execute(query)
    }
