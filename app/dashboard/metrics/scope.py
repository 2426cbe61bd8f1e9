"""The scope every figure is computed against, and who stood where at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, literal, or_

from app.clock import Clock
from app.dashboard.metrics.base import at_midnight, day_number, whole
from app.dashboard.metrics.filters import Filters
from app.extensions import db
from app.models import Campaign, Engagement, Stakeholder, StanceChange
from app.models.base import UTCDateTime


@dataclass(frozen=True)
class Scope:
    """A campaign, its filters and the clock: what every figure is computed against."""

    campaign: Campaign
    filters: Filters
    now: datetime
    today: date

    @classmethod
    def on(cls, campaign: Campaign, filters: Filters, clock: Clock) -> Scope:
        """The scope at `clock`'s now, with its zone's today (the viewer's)."""
        return cls(campaign, filters, clock.now, clock.today)

    @property
    def as_of(self) -> datetime:
        """The moment (exclusive) that "where people stand" figures describe."""
        if self.filters.date_to and self.filters.date_to < self.today:
            return at_midnight(self.filters.date_to + timedelta(days=1))
        return self.now

    @property
    def as_of_is_now(self) -> bool:
        return self.as_of == self.now

    @property
    def as_of_day(self) -> date:
        """The last day the "as of" figures include."""
        return (self.as_of - timedelta(microseconds=1)).date()

    @property
    def period_start(self) -> datetime | None:
        """Start of the period for counts of things done (conversations, moves, objections)."""
        return at_midnight(self.filters.date_from) if self.filters.date_from else None

    @property
    def campaign_start(self) -> datetime:
        return at_midnight(self.campaign.starts_on)

    @property
    def last_week_day(self) -> date:
        """The last day the weekly figures cover: campaign end, today or "to", whichever first."""
        candidates = [self.today]
        if self.campaign.ends_on:
            candidates.append(self.campaign.ends_on)
        if self.filters.date_to:
            candidates.append(self.filters.date_to)
        return min(candidates)

    def week_range(self) -> range:
        """Indexes of the weeks shown: campaign start (or "from") to the last week day."""
        last_day = self.last_week_day
        if last_day < self.campaign.starts_on:
            return range(0)
        first = 0
        if self.filters.date_from and self.filters.date_from > self.campaign.starts_on:
            first = (self.filters.date_from - self.campaign.starts_on).days // 7
        last = (last_day - self.campaign.starts_on).days // 7
        return range(first, last + 1)

    def week_bounds(self, index: int) -> tuple[date, date]:
        starts = self.campaign.starts_on + timedelta(days=7 * index)
        return starts, min(starts + timedelta(days=6), self.last_week_day)

    @property
    def weeks_end(self) -> datetime:
        """Exclusive end of the weekly figures."""
        return min(at_midnight(self.last_week_day + timedelta(days=1)), self.now)

    # SQL conditions shared by the figures

    def people_filter(self, person=Stakeholder) -> list:
        conditions = []
        if self.filters.department:
            conditions.append(person.department == self.filters.department)
        if self.filters.level:
            conditions.append(person.level == self.filters.level)
        return conditions

    def counted_at(self, moment: datetime, engagement=Engagement) -> list:
        """People who had joined by `moment`'s day and were not archived before it."""
        last_day = (moment - timedelta(microseconds=1)).date()
        return [
            engagement.joined_on <= last_day,
            or_(engagement.archived_at.is_(None), engagement.archived_at >= moment),
        ]

    def in_period(self, column) -> list:
        """Conditions for a timestamp within the period: from "from" (if any) to as_of.
        Now needs no upper bound (nothing is dated in the future), which keeps the
        planner on the campaign's own indexes."""
        conditions = [] if self.as_of_is_now else [column < self.as_of]
        if self.period_start:
            conditions.append(column >= self.period_start)
        return conditions

    def week_of(self, column):
        """Campaign week index of a date or timestamp column; before the start counts as 0."""
        days = day_number(column) - day_number(literal(self.campaign_start, UTCDateTime))
        return case((days < 0, 0), else_=whole(days / 7.0))


def stance_as_of(moment: datetime):
    """Subquery (engagement_id, stance): each person's latest stance change before `moment`."""
    ranked = (
        db.select(
            StanceChange.engagement_id,
            StanceChange.to_stance.label("stance"),
            func.row_number()
            .over(
                partition_by=StanceChange.engagement_id,
                order_by=(StanceChange.changed_at.desc(), StanceChange.id.desc()),
            )
            .label("position"),
        )
        .where(StanceChange.changed_at < moment)
        .subquery()
    )
    return (
        db.select(ranked.c.engagement_id, ranked.c.stance)
        .where(ranked.c.position == 1)
        .subquery("stance_as_of")
    )


def people_at(scope: Scope, *columns, moment: datetime | None = None):
    """SELECT `columns` plus the stance column over people counted at `moment` (default as_of).

    Returns (select, stance_column). Now, the engagement's stance is the latest change
    already (kept by change_stance); in the past it is rebuilt from the history.
    """
    moment = moment or scope.as_of
    if moment == scope.now:
        stance = Engagement.stance
        query = db.select(*columns, stance.label("stance")).select_from(Engagement)
    else:
        history = stance_as_of(moment)
        stance = history.c.stance
        query = (
            db.select(*columns, stance.label("stance"))
            .select_from(Engagement)
            .join(history, history.c.engagement_id == Engagement.id)
        )
    query = query.join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id).where(
        Engagement.campaign_id == scope.campaign.id,
        *scope.counted_at(moment),
        *scope.people_filter(),
    )
    return query, stance

