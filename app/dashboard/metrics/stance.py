"""Where people stand: head counts by stance per level and department, against targets."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, literal, union_all

from app.dashboard.metrics.base import at_midnight, share, stance_rank
from app.dashboard.metrics.scope import Scope, people_at
from app.extensions import db
from app.models import CampaignTarget, Level, Stakeholder, Stance
from app.models.enums import STANCE_RANK


@dataclass
class Distribution:
    """Head counts by stance, per level and per department, as of one moment."""

    by_level: dict[Level, Counter] = field(default_factory=dict)
    by_department: dict[str, Counter] = field(default_factory=dict)
    total: Counter = field(default_factory=Counter)

    @staticmethod
    def at_least(counts: Counter, minimum: Stance) -> int:
        return sum(n for stance, n in counts.items() if stance.at_least(minimum))


def stance_distribution(scope: Scope) -> Distribution:
    """How many people stand where, by level and by department, as of the scope's moment."""
    query, stance = people_at(scope, Stakeholder.level, Stakeholder.department)
    query = query.add_columns(func.count().label("people")).group_by(
        Stakeholder.level, Stakeholder.department, stance
    )
    result = Distribution(by_level={level: Counter() for level in Level})
    for row in db.session.execute(query):
        result.by_level[row.level][row.stance] += row.people
        result.by_department.setdefault(row.department, Counter())[row.stance] += row.people
        result.total[row.stance] += row.people
    result.by_department = dict(sorted(result.by_department.items()))
    return result


@dataclass(frozen=True)
class TargetRow:
    level: Level
    share: int
    min_stance: Stance
    due_on: date
    people: int
    reached: int
    #: Share reached as of the due date, once it has passed (None before).
    share_at_due: float | None

    @property
    def actual(self) -> float | None:
        return share(self.reached, self.people)

    @property
    def needed(self) -> int:
        """How many more people must reach the stance to meet the target today."""
        return max(0, math.ceil(self.share * self.people / 100) - self.reached)

    @property
    def status(self) -> str:
        met = self.actual is not None and self.actual >= self.share
        if self.share_at_due is not None:
            if self.share_at_due >= self.share:
                return "met by the due date"
            return "met since" if met else "missed"
        return "met" if met else "on the way"


def _reached_at_due(scope: Scope, target: CampaignTarget):
    """SELECT (target_id, people, reached) for one target's level as of its due date."""
    query, stance = people_at(
        scope,
        literal(target.id).label("target_id"),
        moment=at_midnight(target.due_on + timedelta(days=1)),
    )
    rank = STANCE_RANK[target.min_stance]
    return (
        query.where(Stakeholder.level == target.level)
        .with_only_columns(
            literal(target.id).label("target_id"),
            func.count().label("people"),
            func.coalesce(
                func.sum(case((stance_rank(stance) >= rank, 1), else_=0)), 0
            ).label("reached"),
        )
    )


def _counts_at_due(scope: Scope, past_due: list[CampaignTarget]) -> dict[int, tuple[int, int]]:
    """{target id: (people, reached)} as of each past-due target's due date: one statement
    for them all."""
    if not past_due:
        return {}
    query = union_all(*(_reached_at_due(scope, target) for target in past_due))
    return {row.target_id: (row.people, int(row.reached)) for row in db.session.execute(query)}


def targets(scope: Scope, distribution: Distribution) -> list[TargetRow]:
    """Each target against the share reached as of the scope's moment and at its due date."""
    campaign_targets = list(
        db.session.scalars(
            db.select(CampaignTarget)
            .where(CampaignTarget.campaign_id == scope.campaign.id)
            .order_by(CampaignTarget.level)
        )
    )
    at_due = _counts_at_due(
        scope, [target for target in campaign_targets if target.due_on < scope.as_of_day]
    )
    rows = []
    for target in campaign_targets:
        counts = distribution.by_level.get(target.level, Counter())
        due = at_due.get(target.id)
        rows.append(
            TargetRow(
                level=target.level,
                share=target.share,
                min_stance=target.min_stance,
                due_on=target.due_on,
                people=sum(counts.values()),
                reached=Distribution.at_least(counts, target.min_stance),
                share_at_due=(share(due[1], due[0]) or 0.0) if due else None,
            )
        )
    return rows
