"""Objections: open by theme, days to answer and to resolve, and each playbook answer's
effect on the stance of the people who heard it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, literal, union_all
from sqlalchemy.orm import aliased

from app.dashboard.metrics.base import as_number, day_number, share, stance_rank
from app.dashboard.metrics.scope import Scope
from app.extensions import db
from app.models import (
    Engagement,
    Level,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    ObjectionTheme,
    PlaybookResponse,
    Stakeholder,
    StanceChange,
)

#: Days after an answer within which a rise in stance is credited to it.
ANSWER_WINDOW_DAYS = 30


@dataclass(frozen=True)
class ThemeRow:
    theme_id: int
    name: str
    open: int
    raised: int
    median_days_to_answer: float | None
    median_days_to_resolve: float | None


def _first_event(status: ObjectionStatus):
    """Subquery (objection_id, at): when each objection first reached `status`."""
    return (
        db.select(ObjectionEvent.objection_id, func.min(ObjectionEvent.at).label("at"))
        .where(ObjectionEvent.to_status == status)
        .group_by(ObjectionEvent.objection_id)
        .subquery(f"first_{status.name}")
    )


def _objections_in_scope(scope: Scope, *columns):
    """SELECT `columns` over the objections raised in the period by people in the filters."""
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


def _theme_counts(scope: Scope):
    """Subquery (theme_id, open, raised): objections open now (people not archived) and
    raised in the period, per theme."""
    return _objections_in_scope(
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


def _median_days(scope: Scope):
    """Subquery (theme_id, kind, median): per theme, the median days from raising to the
    first answer (kind "answered") and to resolution (kind "resolved").

    Portable SQL: number each theme's durations in order and average the middle one (odd
    count) or two (even count).
    """
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
    return (
        db.select(ordered.c.theme_id, ordered.c.kind, func.avg(ordered.c.days).label("median"))
        .where(ordered.c.position.in_([(ordered.c.n + 1) // 2, (ordered.c.n + 2) // 2]))
        .group_by(ordered.c.theme_id, ordered.c.kind)
        .subquery("medians")
    )


def objections_by_theme(scope: Scope) -> list[ThemeRow]:
    """Per playbook theme: objections open now (people not archived), raised in the period,
    and the median days from raising to the first answer and to resolution."""
    counts = _theme_counts(scope)
    middle = _median_days(scope)
    answered, resolved = aliased(middle), aliased(middle)
    query = (
        db.select(
            ObjectionTheme.id.label("theme_id"),
            ObjectionTheme.name,
            func.coalesce(counts.c.open, 0).label("open"),
            func.coalesce(counts.c.raised, 0).label("raised"),
            answered.c.median.label("to_answer"),
            resolved.c.median.label("to_resolve"),
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
        ThemeRow(row.theme_id, row.name, int(row.open), int(row.raised),
                 as_number(row.to_answer, 1), as_number(row.to_resolve, 1))
        for row in db.session.execute(query)
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


def _answers(scope: Scope):
    """Subquery (theme_id, level, engagement_id, answered_at, rank_then): each objection
    first answered within the period, with the rank of the stance its person held then."""
    first = _first_event(ObjectionStatus.answered)
    before = aliased(StanceChange)
    stance_then = (
        db.select(before.to_stance)
        .where(before.engagement_id == Objection.engagement_id, before.changed_at <= first.c.at)
        .order_by(before.changed_at.desc(), before.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
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


def _per_answer(answers):
    """Subquery (theme_id, level, answered, rated, rose): per playbook answer, how many
    heard it, how many of them had a stance, and how many rose within the window."""
    later = aliased(StanceChange)
    rose = exists().where(
        later.engagement_id == answers.c.engagement_id,
        later.changed_at > answers.c.answered_at,
        day_number(later.changed_at) - day_number(answers.c.answered_at) <= ANSWER_WINDOW_DAYS,
        stance_rank(later.to_stance) > answers.c.rank_then,
    )
    return (
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


def playbook_effect(scope: Scope) -> list[PlaybookRow]:
    """For each playbook answer (theme × level): how many people received it (their
    objection moved to `answered`, at its first such event, within the period) and how
    often their stance rose above the stance they held then within 30 days after."""
    per_answer = _per_answer(_answers(scope))
    query = (
        db.select(
            ObjectionTheme.name.label("theme"),
            PlaybookResponse.level,
            func.coalesce(per_answer.c.answered, 0).label("answered"),
            func.coalesce(per_answer.c.rated, 0).label("rated"),
            func.coalesce(per_answer.c.rose, 0).label("rose"),
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
        PlaybookRow(row.theme, row.level, int(row.answered), int(row.rated), int(row.rose))
        for row in db.session.execute(query)
    ]
