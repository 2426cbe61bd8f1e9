"""Reading the objection register and the playbook in a fixed number of SQL statements."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.clock import Clock
from app.extensions import db
from app.models import (
    Engagement,
    Level,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    ObjectionTheme,
    Stakeholder,
)

#: What the register shows when no status is asked for: what still needs work.
ACTIVE_STATUSES = (ObjectionStatus.open, ObjectionStatus.answered)
CLOSED_STATUSES = (ObjectionStatus.resolved, ObjectionStatus.parked)
PER_PAGE = 25


@dataclass
class RegisterFilters:
    """The register's filters (read from the query string by
    `app.objections.forms.RegisterFilterForm`)."""

    statuses: tuple[ObjectionStatus, ...] = ACTIVE_STATUSES
    theme: ObjectionTheme | None = None
    level: Level | None = None
    raised_from: date | None = None
    raised_to: date | None = None


def _filtered(query, campaign, filters: RegisterFilters, clock: Clock, *,
              by_status: bool = True):
    """Apply the campaign and the filters to a query that joins Objection to Stakeholder;
    raised dates are days in `clock`'s zone."""
    query = query.where(Objection.campaign_id == campaign.id)
    if by_status:
        query = query.where(Objection.status.in_(filters.statuses))
    if filters.theme is not None:
        query = query.where(Objection.theme_id == filters.theme.id)
    if filters.level is not None:
        query = query.where(Stakeholder.level == filters.level)
    if filters.raised_from is not None:
        query = query.where(Objection.raised_at >= clock.day_start(filters.raised_from))
    if filters.raised_to is not None:
        end = clock.day_start(filters.raised_to + timedelta(days=1))
        query = query.where(Objection.raised_at < end)
    return query


def campaign_themes(campaign) -> list[ObjectionTheme]:
    """The campaign's playbook themes in playbook order."""
    return list(
        db.session.scalars(
            db.select(ObjectionTheme)
            .where(ObjectionTheme.campaign_id == campaign.id)
            .order_by(ObjectionTheme.position, ObjectionTheme.name)
        )
    )


def register_query(campaign, filters: RegisterFilters, clock: Clock):
    """SELECT of the register's objections, ordered by theme then newest first, people and
    conversations loaded with the rows."""
    query = (
        db.select(Objection)
        .join(Objection.theme)
        .join(Objection.engagement)
        .join(Engagement.stakeholder)
        .options(
            contains_eager(Objection.theme),
            contains_eager(Objection.engagement).contains_eager(Engagement.stakeholder),
            joinedload(Objection.conversation),
        )
        .order_by(ObjectionTheme.position, ObjectionTheme.name, Objection.raised_at.desc(),
                  Objection.id.desc())
    )
    return _filtered(query, campaign, filters, clock)


def register_page(campaign, filters: RegisterFilters, clock: Clock, page: int,
                  per_page: int = PER_PAGE):
    """One page of the register."""
    return db.paginate(register_query(campaign, filters, clock), page=page, per_page=per_page,
                       error_out=False)


#: Columns of the register as CSV.
EXPORT_COLUMNS = ("theme", "status", "raised_on", "days_open", "person", "level", "email",
                  "statement", "conversation")


def export_rows(campaign, filters: RegisterFilters, clock: Clock):
    """Every objection the register shows under `filters` as a CSV row, in batches."""
    query = register_query(campaign, filters, clock).execution_options(yield_per=500)
    for batch in db.session.scalars(query).partitions():
        closed = closed_at([objection.id for objection in batch])
        yield from (_export_row(objection, closed, clock) for objection in batch)


def _export_row(objection: Objection, closed: dict[int, datetime], clock: Clock) -> tuple:
    person = objection.engagement.stakeholder
    return (
        objection.theme.name,
        objection.status,
        clock.local(objection.raised_at).date(),
        days_open(objection, clock, closed.get(objection.id)),
        person.name,
        person.level,
        person.email,
        objection.statement,
        objection.conversation.subject if objection.conversation else "",
    )


def status_counts(campaign, filters: RegisterFilters,
                  clock: Clock) -> dict[int, dict[ObjectionStatus, int]]:
    """{theme id: {status: count}} under every filter but status, for the group headers."""
    query = (
        db.select(Objection.theme_id, Objection.status, db.func.count())
        .join(Objection.engagement)
        .join(Engagement.stakeholder)
        .group_by(Objection.theme_id, Objection.status)
    )
    counts: dict[int, dict[ObjectionStatus, int]] = {}
    for theme_id, status, number in db.session.execute(
        _filtered(query, campaign, filters, clock, by_status=False)
    ):
        counts.setdefault(theme_id, {})[status] = number
    return counts


def closed_at(objection_ids: list[int]) -> dict[int, datetime]:
    """When each of these objections last moved to resolved or parked."""
    if not objection_ids:
        return {}
    return dict(
        db.session.execute(
            db.select(ObjectionEvent.objection_id, db.func.max(ObjectionEvent.at))
            .where(ObjectionEvent.objection_id.in_(objection_ids),
                   ObjectionEvent.to_status.in_(CLOSED_STATUSES))
            .group_by(ObjectionEvent.objection_id)
        ).all()
    )


def days_open(objection: Objection, clock: Clock, closed: datetime | None = None) -> int:
    """Whole days from being raised to being closed (or to `clock`'s today while still
    active), counted in `clock`'s zone."""
    start = clock.local(objection.raised_at).date()
    if objection.status in CLOSED_STATUSES and closed is not None:
        end = clock.local(closed).date()
    else:
        end = clock.today
    return max((end - start).days, 0)


@dataclass
class RegisterGroup:
    """The page's rows of one theme, with that theme's counts per status."""

    theme: ObjectionTheme
    counts: dict[ObjectionStatus, int]
    rows: list[tuple[Objection, int]]


def group_by_theme(objections: list[Objection], counts, closed: dict[int, datetime],
                   clock: Clock):
    """The page's objections grouped by theme (they arrive ordered by theme)."""
    return [
        RegisterGroup(
            theme=theme,
            counts=counts.get(theme.id, {}),
            rows=[(objection, days_open(objection, clock, closed.get(objection.id)))
                  for objection in rows],
        )
        for theme, rows in groupby(objections, key=lambda objection: objection.theme)
    ]


def objection_detail(objection_id: int) -> Objection | None:
    """An objection with its person, theme answers, conversation and history loaded."""
    return db.session.scalar(
        db.select(Objection)
        .where(Objection.id == objection_id)
        .options(
            joinedload(Objection.engagement).joinedload(Engagement.stakeholder),
            joinedload(Objection.theme).selectinload(ObjectionTheme.responses),
            joinedload(Objection.conversation),
            selectinload(Objection.events).joinedload(ObjectionEvent.by),
        )
    )


def playbook_themes(campaign) -> list[ObjectionTheme]:
    """Every theme of the campaign's playbook with its answers, in playbook order."""
    return list(
        db.session.scalars(
            db.select(ObjectionTheme)
            .where(ObjectionTheme.campaign_id == campaign.id)
            .options(selectinload(ObjectionTheme.responses))
            .order_by(ObjectionTheme.position, ObjectionTheme.name)
        )
    )


def open_counts(campaign) -> dict[int, int]:
    """{theme id: number of open objections} for the campaign."""
    return dict(
        db.session.execute(
            db.select(Objection.theme_id, db.func.count())
            .where(Objection.campaign_id == campaign.id, Objection.status == ObjectionStatus.open)
            .group_by(Objection.theme_id)
        ).all()
    )


def find_engagement(campaign, text: str) -> Engagement | None:
    """The campaign's person whose email is `text`, or whose name alone matches it."""
    text = text.strip().lower()
    if not text:
        return None
    base = (
        db.select(Engagement)
        .join(Engagement.stakeholder)
        .options(contains_eager(Engagement.stakeholder))
        .where(Engagement.campaign_id == campaign.id, Engagement.archived_at.is_(None))
    )
    by_email = db.session.scalar(base.where(db.func.lower(Stakeholder.email) == text))
    if by_email is not None:
        return by_email
    by_name = db.session.scalars(base.where(db.func.lower(Stakeholder.name) == text).limit(2)).all()
    return by_name[0] if len(by_name) == 1 else None


def theme_named(campaign, name: str) -> int | None:
    """The id of the campaign's playbook theme called `name` (any case), if there is one."""
    return db.session.scalar(
        db.select(ObjectionTheme.id).where(
            ObjectionTheme.campaign_id == campaign.id,
            db.func.lower(ObjectionTheme.name) == name.lower(),
        )
    )


def theme_names(campaign) -> dict[str, str]:
    """Every playbook theme of the campaign (retired ones too), slug to name, in playbook
    order."""
    rows = db.session.execute(
        db.select(ObjectionTheme.slug, ObjectionTheme.name)
        .where(ObjectionTheme.campaign_id == campaign.id)
        .order_by(ObjectionTheme.position, ObjectionTheme.name)
    )
    return dict(rows.all())
