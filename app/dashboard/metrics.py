"""The dashboard's figures: each one SQL statement over the campaign's records.

Every figure is aggregated in the database; Python only reshapes the few grouped rows that
come back (a handful per level, department, week or theme), so the number of statements
and the rows fetched do not grow with the number of people.

Rules used throughout (the page repeats them in its footnotes):

* A person **counts at a moment M** when they joined the campaign on or before M's day
  and were not archived before M. "Now" therefore leaves out everyone archived.
* A person's **stance at M** is their latest stance change dated before M (back-dated
  changes count from the date they were given, not the date they were typed).
* **Week k** of a campaign covers days ``starts_on + 7k`` to ``starts_on + 7k + 6`` (UTC);
  the last week stops at the campaign's end, today or the "to" filter, whichever is first.
  "As of week k" means as of the end of its last day. Someone archived during week k is
  no longer counted in week k.
* **Moves toward support** are stance changes to a higher rank than the stance just before
  (blocker 0 < sceptic 1 < neutral 2 < supporter 3 < champion 4); moves away go lower.
  Moves to or from ``unknown`` (not yet assessed) are neither.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Float, Integer, and_, case, cast, exists, func, literal, or_, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import (
    Campaign,
    CampaignTarget,
    Conversation,
    ConversationAttendee,
    Engagement,
    FollowUp,
    Level,
    Membership,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    ObjectionTheme,
    PlaybookResponse,
    Role,
    Stakeholder,
    Stance,
    StanceChange,
    User,
)
from app.models.base import UTCDateTime
from app.models.enums import STANCE_RANK

#: Stances from least to most supportive, then unknown (no place on the scale).
STANCE_ORDER = (
    Stance.blocker,
    Stance.sceptic,
    Stance.neutral,
    Stance.supporter,
    Stance.champion,
    Stance.unknown,
)
CONVERTED = (Stance.supporter, Stance.champion)
#: Days a conversation keeps someone "covered".
COVERAGE_DAYS = 30
#: Days after an answer within which a rise in stance is credited to it.
ANSWER_WINDOW_DAYS = 30
#: Recursion guard for reporting lines (would_cycle already refuses loops).
MAX_DEPTH = 30
#: An interval end that never comes, for people still in the campaign.
FOREVER = 1_000_000


# --- Portable SQL pieces ---------------------------------------------------------------


class day_number(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """A date or timestamp as fractional days since a fixed epoch (differences are days)."""

    type = Float()
    name = "day_number"
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"julianday({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    # EXTRACT gives numeric; float arithmetic is several times faster over many rows.
    return (f"(CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) "
            "AS DOUBLE PRECISION) / 86400.0)")


class whole(FunctionElement):  # noqa: N801
    """The integer part of a non-negative number (SQLite has no portable FLOOR)."""

    type = Integer()
    name = "whole"
    inherit_cache = True


@compiles(whole, "sqlite")
def _whole_sqlite(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(whole, "postgresql")
def _whole_postgresql(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


def stance_rank(column):
    """SQL rank of a stance column; NULL for unknown, which has no place on the scale."""
    # Compared by stored name, so it also works on untyped columns (LAG, unions).
    return case({stance.name: rank for stance, rank in STANCE_RANK.items()}, value=column)


def _current_people(campaign_id: int) -> list:
    """WHERE conditions for the campaign's people not archived (Engagement joined to
    Stakeholder)."""
    return [Engagement.campaign_id == campaign_id, Engagement.archived_at.is_(None)]


def _counted_page(query, limit: int | None) -> tuple[int, list]:
    """(the `total` window count every row carries, the first `limit` rows): one statement
    gives both the list and how many there are in all."""
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    return (rows[0].total if rows else 0), rows


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def as_number(value, digits: int | None = None):
    """Decimals from PostgreSQL and floats from SQLite alike, as plain Python numbers."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if digits is not None else value


def share(part: int, whole_: int) -> float | None:
    """Percentage, one decimal; None when there is nobody to share among."""
    return round(100.0 * part / whole_, 1) if whole_ else None


# --- Filters and scope -----------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    department: str | None = None
    level: Level | None = None
    #: Root of the reporting-tree picture (a stakeholder id in this campaign).
    manager_id: int | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as URL query arguments (for links, CSV and the PDF)."""
        args = {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "department": self.department,
            "level": self.level.name if self.level else None,
            "manager": str(self.manager_id) if self.manager_id else None,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def narrowed(self) -> bool:
        return bool(self.department or self.level)


def departments(campaign: Campaign) -> list[str]:
    """Departments of the campaign's current people, for the filter."""
    return list(
        db.session.scalars(
            db.select(Stakeholder.department)
            .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
            .where(
                *_current_people(campaign.id),
                Stakeholder.department != "",
            )
            .distinct()
            .order_by(Stakeholder.department)
        )
    )


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


@dataclass(frozen=True)
class Scope:
    """A campaign, its filters and the clock: what every figure is computed against."""

    campaign: Campaign
    filters: Filters
    now: datetime
    today: date

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


def _people_at(scope: Scope, *columns, moment: datetime | None = None):
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


# --- Stance distribution and targets ----------------------------------------------------


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
    query, stance = _people_at(scope, Stakeholder.level, Stakeholder.department)
    query = query.add_columns(func.count().label("people")).group_by(
        Stakeholder.level, Stakeholder.department, stance
    )
    result = Distribution(by_level={level: Counter() for level in Level})
    for level, department, stance_value, people in db.session.execute(query):
        result.by_level[level][stance_value] += people
        result.by_department.setdefault(department, Counter())[stance_value] += people
        result.total[stance_value] += people
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


def targets(scope: Scope, distribution: Distribution) -> list[TargetRow]:
    """Each target against the share reached as of the scope's moment and at its due date."""
    campaign_targets = list(
        db.session.scalars(
            db.select(CampaignTarget)
            .where(CampaignTarget.campaign_id == scope.campaign.id)
            .order_by(CampaignTarget.level)
        )
    )
    past_due = [t for t in campaign_targets if t.due_on < scope.as_of_day]
    at_due: dict[int, tuple[int, int]] = {}
    if past_due:
        # One statement for every past-due target: each level counted as of its due date.
        parts = []
        for target in past_due:
            query, stance = _people_at(
                scope,
                literal(target.id).label("target_id"),
                moment=at_midnight(target.due_on + timedelta(days=1)),
            )
            rank = STANCE_RANK[target.min_stance]
            parts.append(
                query.where(Stakeholder.level == target.level)
                .with_only_columns(
                    literal(target.id).label("target_id"),
                    func.count().label("people"),
                    func.coalesce(
                        func.sum(case((stance_rank(stance) >= rank, 1), else_=0)), 0
                    ).label("reached"),
                )
            )
        for target_id, people, reached in db.session.execute(union_all(*parts)):
            at_due[target_id] = (people, int(reached))
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


# --- Movement over time ------------------------------------------------------------------


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
    last_day = (end - timedelta(microseconds=1)).date()
    # Each change with its week, and the weeks the person entered and left the campaign:
    # joined counts from the week of joined_on, archived stops counting in its week.
    changes = (
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
    ranked = db.select(
        changes,
        func.row_number()
        .over(
            partition_by=(changes.c.engagement_id, changes.c.week),
            order_by=(changes.c.changed_at.desc(), changes.c.id.desc()),
        )
        .label("position"),
    ).subquery("ranked")
    # The stance someone ended each week on, held until the next week they moved in.
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
    intervals = db.select(
        held.c.to_stance.label("stance"), starts.label("starts"), stops.label("stops")
    ).cte("intervals")
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
        .where(edges.c.week <= weeks[-1])
        .group_by(edges.c.week, edges.c.stance)
    )
    # The running totals come back only for weeks where something changed; a week with
    # no change keeps the previous week's figure.
    changes_by_week: dict[int, dict[Stance, int]] = defaultdict(dict)
    for week_index, stance, people in db.session.execute(running):
        changes_by_week[week_index][stance] = int(people)

    moves = _moves_by_week(scope, end)
    result, current = [], {stance: 0 for stance in STANCE_ORDER}
    for index in range(0, weeks[-1] + 1):
        current.update(changes_by_week.get(index, {}))
        if index in weeks:
            starts_on, ends_on = scope.week_bounds(index)
            toward, away = moves.get(index, (0, 0))
            result.append(Week(index, starts_on, ends_on, dict(current), toward, away))
    return result


def _moves_by_week(scope: Scope, end: datetime) -> dict[int, tuple[int, int]]:
    """Moves toward and away from support per campaign week, from the stance history."""
    previous = func.lag(StanceChange.to_stance, type_=StanceChange.to_stance.type).over(
        partition_by=StanceChange.engagement_id,
        order_by=(StanceChange.changed_at, StanceChange.id),
    )
    history = (
        db.select(
            StanceChange.changed_at,
            StanceChange.to_stance,
            previous.label("from_stance"),
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
            func.sum(case((rank_to > rank_from, 1), else_=0)),
            func.sum(case((rank_to < rank_from, 1), else_=0)),
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
        week_index: (int(toward or 0), int(away or 0))
        for week_index, toward, away in db.session.execute(query)
    }


# --- Coverage ------------------------------------------------------------------------------


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
    query, _ = _people_at(scope, Stakeholder.level, Stakeholder.department)
    query = (
        query.outerjoin(recent, recent.c.engagement_id == Engagement.id)
        .with_only_columns(
            Stakeholder.level,
            Stakeholder.department,
            func.count(),
            func.count(recent.c.engagement_id),
            func.count(Engagement.owner_id),
        )
        .group_by(Stakeholder.level, Stakeholder.department)
    )
    return Coverage([CoverageRow(*row) for row in db.session.execute(query)])


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
    query, stance = _people_at(scope, Stakeholder.id)
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
            Stakeholder.id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.department,
            Stakeholder.level,
            stance,
            Stakeholder.influence,
            func.count().over().label("total"),
        )
        .order_by(Stakeholder.influence.desc(), Stakeholder.name, Stakeholder.id)
    )
    total, rows = _counted_page(query, limit)
    return total, [PersonRow(*row[:7]) for row in rows]


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
            ConversationAttendee.stance_before,
            func.count(),
            func.coalesce(func.sum(Conversation.duration_minutes), 0),
            func.sum(1.0 / sizes.c.attendees),
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
        stance: EffortRow(stance, count, int(minutes), as_number(conversations))
        for stance, count, minutes, conversations in db.session.execute(query)
    }
    return Effort([found.get(stance, EffortRow(stance, 0, 0, 0.0)) for stance in STANCE_ORDER])


# --- Reporting lines ------------------------------------------------------------------------


def report_lines(scope: Scope):
    """Recursive CTE (manager_id, person_id, depth): every current person of the campaign
    and each manager above them, however far up (depth 1 = direct report)."""
    anchor = (
        db.select(
            Stakeholder.reports_to_id.label("manager_id"),
            Stakeholder.id.label("person_id"),
            literal(1).label("depth"),
        )
        .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
        .where(
            Engagement.campaign_id == scope.campaign.id,
            Stakeholder.reports_to_id.is_not(None),
            Engagement.archived_at.is_(None),
        )
        .cte("report_lines", recursive=True)
    )
    above = aliased(Stakeholder)
    return anchor.union_all(
        db.select(above.reports_to_id, anchor.c.person_id, anchor.c.depth + 1)
        .join(above, above.id == anchor.c.manager_id)
        .where(above.reports_to_id.is_not(None), anchor.c.depth < MAX_DEPTH)
    )


def report_counts(scope: Scope):
    """CTE (manager_id, reports, direct): people under each manager in this campaign."""
    lines = report_lines(scope)
    return (
        db.select(
            lines.c.manager_id,
            func.count().label("reports"),
            func.sum(case((lines.c.depth == 1, 1), else_=0)).label("direct"),
        )
        .group_by(lines.c.manager_id)
        .cte("report_counts")
    )


@dataclass(frozen=True)
class ManagerRow:
    stakeholder_id: int
    name: str
    title: str
    department: str
    level: Level
    stance: Stance
    direct: int
    reports: int
    report_stances: dict[Stance, int]

    @property
    def reports_supportive(self) -> int:
        return sum(self.report_stances.get(stance, 0) for stance in CONVERTED)


def manager_alignment(scope: Scope, limit: int | None = 15) -> tuple[int, list[ManagerRow]]:
    """Managers and executives at sceptic or blocker who have reports, most reports first,
    with their direct and indirect reports' current stances. Returns (how many, rows)."""
    lines = report_lines(scope)
    under = aliased(Engagement)
    stance_sums = [
        func.sum(case((under.stance == stance, 1), else_=0)).label(stance.name)
        for stance in STANCE_ORDER
    ]
    per_manager = (
        db.select(
            lines.c.manager_id,
            func.count().label("reports"),
            func.sum(case((lines.c.depth == 1, 1), else_=0)).label("direct"),
            *stance_sums,
        )
        .join(
            under,
            and_(under.stakeholder_id == lines.c.person_id,
                 under.campaign_id == scope.campaign.id),
        )
        .group_by(lines.c.manager_id)
        .subquery("per_manager")
    )
    query = (
        db.select(
            Stakeholder.id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.department,
            Stakeholder.level,
            Engagement.stance,
            per_manager.c.direct,
            per_manager.c.reports,
            *(per_manager.c[stance.name] for stance in STANCE_ORDER),
            func.count().over().label("total"),
        )
        .select_from(Engagement)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .join(per_manager, per_manager.c.manager_id == Stakeholder.id)
        .where(
            *_current_people(scope.campaign.id),
            Stakeholder.level.in_((Level.manager, Level.executive)),
            Engagement.stance.in_((Stance.sceptic, Stance.blocker)),
            *scope.people_filter(),
        )
        .order_by(per_manager.c.reports.desc(), Stakeholder.name, Stakeholder.id)
    )
    total, rows = _counted_page(query, limit)
    return total, [
        ManagerRow(
            *row[:6],
            direct=int(row.direct),
            reports=int(row.reports),
            report_stances={stance: int(row[8 + i]) for i, stance in enumerate(STANCE_ORDER)},
        )
        for row in rows
    ]


# --- Objections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeRow:
    theme_id: int
    name: str
    open: int
    raised: int
    median_days_to_answer: float | None
    median_days_to_resolve: float | None


def _first_event(status: ObjectionStatus):
    return (
        db.select(ObjectionEvent.objection_id, func.min(ObjectionEvent.at).label("at"))
        .where(ObjectionEvent.to_status == status)
        .group_by(ObjectionEvent.objection_id)
        .subquery(f"first_{status.name}")
    )


def _objections_in_scope(scope: Scope, *columns):
    return (
        db.select(*columns)
        .select_from(Objection)
        .join(Engagement, Engagement.id == Objection.engagement_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .where(
            Objection.campaign_id == scope.campaign.id,
            *scope.in_period(Objection.raised_at),
            *scope.people_filter(),
        )
    )


def objections_by_theme(scope: Scope) -> list[ThemeRow]:
    """Per playbook theme: objections open now (people not archived), raised in the period,
    and the median days from raising to the first answer and to resolution.

    Medians are computed in SQL, portably: number each theme's durations in order and
    average the middle one (odd count) or two (even count).
    """
    counts = _objections_in_scope(
        scope,
        Objection.theme_id,
        func.sum(
            case(
                (and_(Objection.status == ObjectionStatus.open,
                      Engagement.archived_at.is_(None)), 1),
                else_=0,
            )
        ).label("open"),
        func.count().label("raised"),
    ).group_by(Objection.theme_id).subquery("theme_counts")

    durations = []
    for status in (ObjectionStatus.answered, ObjectionStatus.resolved):
        first = _first_event(status)
        durations.append(
            _objections_in_scope(
                scope,
                Objection.theme_id,
                literal(status.name).label("kind"),
                (day_number(first.c.at) - day_number(Objection.raised_at)).label("days"),
            ).join(first, first.c.objection_id == Objection.id)
        )
    spans = union_all(*durations).subquery("spans")
    ordered = db.select(
        spans.c.theme_id,
        spans.c.kind,
        spans.c.days,
        func.row_number()
        .over(partition_by=(spans.c.theme_id, spans.c.kind), order_by=spans.c.days)
        .label("position"),
        func.count().over(partition_by=(spans.c.theme_id, spans.c.kind)).label("n"),
    ).subquery("ordered")
    middle = (
        db.select(ordered.c.theme_id, ordered.c.kind, func.avg(ordered.c.days).label("median"))
        .where(ordered.c.position.in_([(ordered.c.n + 1) // 2, (ordered.c.n + 2) // 2]))
        .group_by(ordered.c.theme_id, ordered.c.kind)
        .subquery("medians")
    )
    answered, resolved = aliased(middle), aliased(middle)
    query = (
        db.select(
            ObjectionTheme.id,
            ObjectionTheme.name,
            func.coalesce(counts.c.open, 0),
            func.coalesce(counts.c.raised, 0),
            answered.c.median,
            resolved.c.median,
        )
        .outerjoin(counts, counts.c.theme_id == ObjectionTheme.id)
        .outerjoin(answered, and_(answered.c.theme_id == ObjectionTheme.id,
                                  answered.c.kind == ObjectionStatus.answered.name))
        .outerjoin(resolved, and_(resolved.c.theme_id == ObjectionTheme.id,
                                  resolved.c.kind == ObjectionStatus.resolved.name))
        .where(ObjectionTheme.campaign_id == scope.campaign.id)
        .order_by(func.coalesce(counts.c.open, 0).desc(), ObjectionTheme.position,
                  ObjectionTheme.name)
    )
    return [
        ThemeRow(theme_id, name, int(open_), int(raised), as_number(to_answer, 1),
                 as_number(to_resolve, 1))
        for theme_id, name, open_, raised, to_answer, to_resolve in db.session.execute(query)
    ]


@dataclass(frozen=True)
class PlaybookRow:
    theme: str
    level: Level
    answered: int
    #: Answers given to people whose stance was assessed (unknown has no rank to rise from).
    rated: int
    rose: int

    @property
    def rose_share(self) -> float | None:
        return share(self.rose, self.rated)


def playbook_effect(scope: Scope) -> list[PlaybookRow]:
    """For each playbook answer (theme × level): how many people received it (their
    objection moved to `answered`, at its first such event, within the period) and how
    often their stance rose above the stance they held then within 30 days after."""
    first = _first_event(ObjectionStatus.answered)
    before = aliased(StanceChange)
    stance_then = (
        db.select(before.to_stance)
        .where(before.engagement_id == Objection.engagement_id, before.changed_at <= first.c.at)
        .order_by(before.changed_at.desc(), before.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    answers = (
        db.select(
            Objection.theme_id,
            Stakeholder.level,
            Objection.engagement_id,
            first.c.at.label("answered_at"),
            stance_rank(stance_then).label("rank_then"),
        )
        .select_from(Objection)
        .join(first, first.c.objection_id == Objection.id)
        .join(Engagement, Engagement.id == Objection.engagement_id)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .where(
            Objection.campaign_id == scope.campaign.id,
            *scope.in_period(first.c.at),
            *scope.people_filter(),
        )
        .subquery("answers")
    )
    later = aliased(StanceChange)
    rose = exists().where(
        later.engagement_id == answers.c.engagement_id,
        later.changed_at > answers.c.answered_at,
        day_number(later.changed_at) - day_number(answers.c.answered_at) <= ANSWER_WINDOW_DAYS,
        stance_rank(later.to_stance) > answers.c.rank_then,
    )
    per_answer = (
        db.select(
            answers.c.theme_id,
            answers.c.level,
            func.count().label("answered"),
            func.count(answers.c.rank_then).label("rated"),
            func.sum(case((rose, 1), else_=0)).label("rose"),
        )
        .group_by(answers.c.theme_id, answers.c.level)
        .subquery("per_answer")
    )
    query = (
        db.select(
            ObjectionTheme.name,
            PlaybookResponse.level,
            func.coalesce(per_answer.c.answered, 0),
            func.coalesce(per_answer.c.rated, 0),
            func.coalesce(per_answer.c.rose, 0),
        )
        .select_from(PlaybookResponse)
        .join(ObjectionTheme, ObjectionTheme.id == PlaybookResponse.theme_id)
        .outerjoin(per_answer, and_(per_answer.c.theme_id == PlaybookResponse.theme_id,
                                    per_answer.c.level == PlaybookResponse.level))
        .where(ObjectionTheme.campaign_id == scope.campaign.id)
        .order_by(func.coalesce(per_answer.c.answered, 0).desc(), ObjectionTheme.position,
                  PlaybookResponse.level)
    )
    if scope.filters.level:
        query = query.where(PlaybookResponse.level == scope.filters.level)
    return [
        PlaybookRow(theme, level, int(answered), int(rated), int(rose_))
        for theme, level, answered, rated, rose_ in db.session.execute(query)
    ]


# --- Champions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChampionRow:
    user_id: int
    name: str
    conversations: int
    #: Minutes of conversation logged (each conversation's length once).
    minutes: int
    people: int
    last_at: datetime | None


def champions(scope: Scope) -> list[ChampionRow]:
    """Conversations logged per author in the period (the campaign's champions and leads,
    plus anyone else who logged one), with their minutes and the people they reached.
    With a department or level filter, only conversations with someone in it count."""
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
            User.id,
            User.name,
            func.coalesce(per_author.c.conversations, 0),
            func.coalesce(per_author.c.minutes, 0),
            func.coalesce(reached.c.people, 0),
            per_author.c.last_at,
        )
        .outerjoin(per_author, per_author.c.author_id == User.id)
        .outerjoin(reached, reached.c.author_id == User.id)
        .where(or_(User.id.in_(members), per_author.c.author_id.is_not(None)))
        .order_by(func.coalesce(per_author.c.conversations, 0).desc(), User.name)
    )
    return [
        ChampionRow(user_id, name, int(count), int(minutes), int(people), last_at)
        for user_id, name, count, minutes, people, last_at in db.session.execute(query)
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
            owner.name,
            Stakeholder.id,
            Stakeholder.name,
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
    total, rows = _counted_page(query, limit)
    return total, [
        OverdueRow(description, due_on, (scope.today - due_on).days, owner_name, person_id,
                   person_name)
        for description, due_on, owner_name, person_id, person_name, _ in rows
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
    gap = case((rank_now.is_(None), 2), else_=rank_target - rank_now)
    days = day_number(literal(scope.now, UTCDateTime)) - day_number(Engagement.last_contact_at)
    staleness = case(
        (Engagement.last_contact_at.is_(None), 6.0), (days >= 60, 6.0), else_=days / 10.0
    )
    reach = case((reports >= 30, 6.0), else_=reports / 5.0)
    score = (2 * Stakeholder.influence + 3 * gap + staleness + reach).label("score")
    query = (
        db.select(
            Stakeholder.id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.level,
            Stakeholder.department,
            Stakeholder.influence,
            Engagement.stance,
            Engagement.target_stance,
            case((Engagement.last_contact_at.is_(None), None), else_=whole(days)).label("days"),
            reports.label("reports"),
            score,
        )
        .select_from(Engagement)
        .join(Stakeholder, Stakeholder.id == Engagement.stakeholder_id)
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .where(
            *_current_people(scope.campaign.id),
            rank_target.is_not(None),
            or_(rank_now.is_(None), rank_now < rank_target),
            *scope.people_filter(),
        )
        .order_by(score.desc(), Stakeholder.influence.desc(), Stakeholder.name, Stakeholder.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        NextRow(*row[:8], days_since=None if row.days is None else int(row.days),
                reports=int(row.reports), score=as_number(row.score, 1))
        for row in db.session.execute(query)
    ]


# --- Pictures' data ----------------------------------------------------------------------------


def influence_grid(scope: Scope) -> dict[tuple[int, Stance], tuple[int, int]]:
    """{(influence, stance): (people, reports they manage)} as of the scope's moment."""
    counts = report_counts(scope)
    query, stance = _people_at(scope, Stakeholder.influence)
    query = (
        query.outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .add_columns(func.count(), func.coalesce(func.sum(counts.c.reports), 0))
        .group_by(Stakeholder.influence, stance)
    )
    return {
        (influence, stance_value): (people, int(reports))
        for influence, stance_value, people, reports in db.session.execute(query)
    }


@dataclass
class TreeNode:
    stakeholder_id: int
    name: str
    title: str
    stance: Stance
    reports: int
    depth: int
    parent_id: int | None
    #: Siblings of this node the query held back (shown as "+N more").
    siblings: int = 0
    children: list[TreeNode] = field(default_factory=list)


#: How much of the tree a picture shows: levels below the top, children per person.
TREE_DEPTH, TREE_CHILDREN, TREE_ROOTS = 2, 6, 8


def reporting_tree(scope: Scope) -> tuple[list[TreeNode], int]:
    """The top of the reporting tree (or a chosen manager's subtree), coloured by current
    stance: (roots with their children, number of roots in all).

    Roots are current people whose manager is not in the campaign (or, with a department
    or level filter, not in the filtered group; the tree then shows only that group; a
    chosen manager is always the root). At most TREE_ROOTS
    roots and TREE_CHILDREN children per person come back, TREE_DEPTH levels down, the
    ones managing most first; each node knows how many siblings were held back.
    """
    counts = report_counts(scope)
    manager = aliased(Stakeholder)
    manager_engagement = aliased(Engagement)
    if scope.filters.manager_id:
        root_condition = Stakeholder.id == scope.filters.manager_id
    else:
        manager_in_campaign = (
            db.select(manager_engagement.id)
            .join(manager, manager.id == manager_engagement.stakeholder_id)
            .where(
                manager_engagement.campaign_id == scope.campaign.id,
                manager.id == Stakeholder.reports_to_id,
                manager_engagement.archived_at.is_(None),
                *scope.people_filter(manager),
            )
            .exists()
        )
        root_condition = and_(~manager_in_campaign, *scope.people_filter())
    reports = func.coalesce(counts.c.reports, 0)
    # Only the top roots are walked down; how many roots there are in all rides along.
    roots = (
        db.select(
            Stakeholder.id.label("id"),
            cast(func.count().over(), Integer).label("roots"),
        )
        .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .where(
            *_current_people(scope.campaign.id),
            root_condition,
        )
        .order_by(reports.desc(), Stakeholder.name, Stakeholder.id)
        .limit(TREE_ROOTS)
        .subquery("roots")
    )
    tree = db.select(
        roots.c.id,
        literal(None, Integer).label("parent_id"),
        literal(0).label("depth"),
        roots.c.roots,
    ).cte("tree", recursive=True)
    child = aliased(Stakeholder)
    child_engagement = aliased(Engagement)
    tree = tree.union_all(
        db.select(child.id, tree.c.id, tree.c.depth + 1, literal(0))
        .join(child, child.reports_to_id == tree.c.id)
        .join(child_engagement, and_(child_engagement.stakeholder_id == child.id,
                                     child_engagement.campaign_id == scope.campaign.id))
        .where(child_engagement.archived_at.is_(None), tree.c.depth < TREE_DEPTH,
               *scope.people_filter(child))
    )
    ranked = (
        db.select(
            tree.c.id,
            tree.c.parent_id,
            tree.c.depth,
            tree.c.roots,
            Stakeholder.name,
            Stakeholder.title,
            Engagement.stance,
            reports.label("reports"),
            func.row_number()
            .over(partition_by=(tree.c.parent_id,),
                  order_by=(reports.desc(), Stakeholder.name, Stakeholder.id))
            .label("position"),
            func.count().over(partition_by=(tree.c.parent_id,)).label("siblings"),
        )
        .join(Stakeholder, Stakeholder.id == tree.c.id)
        .join(Engagement, and_(Engagement.stakeholder_id == Stakeholder.id,
                               Engagement.campaign_id == scope.campaign.id))
        .outerjoin(counts, counts.c.manager_id == Stakeholder.id)
        .subquery("ranked")
    )
    query = (
        db.select(ranked)
        .where(
            ranked.c.position
            <= case((ranked.c.depth == 0, TREE_ROOTS), else_=TREE_CHILDREN)
        )
        .order_by(ranked.c.depth, ranked.c.position)
    )
    nodes: dict[int, TreeNode] = {}
    top: list[TreeNode] = []
    total_roots = 0
    for row in db.session.execute(query):
        node = TreeNode(row.id, row.name, row.title, row.stance, int(row.reports), row.depth,
                        row.parent_id)
        node.siblings = int(row.siblings)
        nodes[node.stakeholder_id] = node
        if row.depth == 0:
            top.append(node)
            total_roots = int(row.roots)
        elif row.parent_id in nodes:
            nodes[row.parent_id].children.append(node)
    return top, total_roots
