"""Reading stakeholders: the filtered list (page and CSV) and everything one person's page shows.

Each function runs a fixed number of SQL statements whatever the data size, so the list
stays fast at tens of thousands of people and a busy person's page costs what a quiet
one's does.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app.case_studies.library import current_library
from app.clock import show_date, show_datetime
from app.extensions import db
from app.inputs import is_record_id
from app.models import (
    AuditEvent,
    Campaign,
    Channel,
    Conversation,
    ConversationAttendee,
    Engagement,
    Exposure,
    FollowUp,
    KeyMessage,
    Level,
    Membership,
    Objection,
    ObjectionStatus,
    ObjectionTheme,
    Role,
    Stakeholder,
    Stance,
    StanceChange,
    User,
)

#: Longest search term honoured; anything longer is cut, not refused.
MAX_TERM = 100
#: Upper bound for "not contacted for N days" (ten years); larger values are refused.
MAX_DAYS = 3650
#: Each part of a person's page shows at most this many of the newest entries.
#: Entries of each kind a person's page shows by default; `?history=all` raises it to
#: FULL_HISTORY_LIMIT. Rendering is most of that page's cost, so the default stays short.
TIMELINE_LIMIT = 50
AUDIT_LIMIT = 50
FULL_HISTORY_LIMIT = 1000
REPORTS_LIMIT = 100

#: Ascending stance sort: not yet assessed first, then along the support scale.
STANCE_ORDER = {stance: (stance.rank if stance.rank is not None else -1) for stance in Stance}

SORTS = {
    "name": lambda: [db.func.lower(Stakeholder.name)],
    "level": lambda: [Stakeholder.level],
    "department": lambda: [db.func.lower(Stakeholder.department)],
    "stance": lambda: [
        db.case(*[(Engagement.stance == stance, rank) for stance, rank in STANCE_ORDER.items()],
                else_=-1)
    ],
    "influence": lambda: [Stakeholder.influence],
    "interest": lambda: [Engagement.interest],
    "last_contact": lambda: [Engagement.last_contact_at],
}


@dataclass
class ListFilters:
    """What the list is narrowed to (read from the query string by
    `app.stakeholders.forms.StakeholderFilterForm`)."""

    q: str = ""
    level: Level | None = None
    department: str = ""
    stance: Stance | None = None
    #: A user id, "me" or "none" as typed; `owner_id` is what the query uses.
    owner: str = ""
    owner_id: int | None = None
    not_contacted: int | None = None
    archived: bool = False
    sort: str = "name"

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the page offers a reset then)."""
        return bool(
            self.q or self.level or self.department or self.stance or self.owner
            or self.not_contacted is not None or self.archived
        )


def engagement_query(campaign: Campaign, filters: ListFilters, now: datetime):
    """SELECT of this campaign's engagements (with their person) matching `filters`, sorted;
    "quiet for N days" counts back from `now`."""
    query = (
        db.select(Engagement)
        .join(Engagement.stakeholder)
        .where(Engagement.campaign_id == campaign.id)
    )
    if not filters.archived:
        query = query.where(Engagement.archived_at.is_(None))
    if filters.q:
        term = filters.q.lower()
        query = query.where(
            db.or_(
                db.func.lower(Stakeholder.name).contains(term, autoescape=True),
                db.func.lower(Stakeholder.email).contains(term, autoescape=True),
                db.func.lower(Stakeholder.title).contains(term, autoescape=True),
            )
        )
    if filters.level is not None:
        query = query.where(Stakeholder.level == filters.level)
    if filters.department:
        query = query.where(db.func.lower(Stakeholder.department) == filters.department.lower())
    if filters.stance is not None:
        query = query.where(Engagement.stance == filters.stance)
    if filters.owner == "none":
        query = query.where(Engagement.owner_id.is_(None))
    elif filters.owner_id is not None:
        query = query.where(Engagement.owner_id == filters.owner_id)
    if filters.not_contacted is not None:
        cutoff = now - timedelta(days=filters.not_contacted)
        query = query.where(
            db.or_(Engagement.last_contact_at.is_(None), Engagement.last_contact_at < cutoff)
        )

    key = filters.sort.lstrip("-")
    descending = filters.sort.startswith("-")
    order = []
    for column in SORTS[key]():
        column = column.desc() if descending else column.asc()
        if key == "last_contact":
            # Never contacted counts as longest ago: first going up, last coming down.
            column = column.nulls_last() if descending else column.nulls_first()
        order.append(column)
    # Ties broken by name, then id, so pages never overlap or skip anyone.
    if key != "name":
        order.append(db.func.lower(Stakeholder.name))
    return query.order_by(*order, Engagement.id)


class EngagementPage(SelectPagination):
    """db.paginate's pagination, but it sorts and slices engagement ids alone and only
    then loads that page's people and owners (the ids are a subquery, so still one
    statement). Sorting 20,000 narrow rows instead of wide ones keeps every page fast."""

    def _query_items(self) -> list[Engagement]:
        select = self._query_args["select"]
        page_ids = (
            select.with_only_columns(Engagement.id).limit(self.per_page).offset(self._query_offset)
        )
        rows = select.where(Engagement.id.in_(page_ids)).options(
            contains_eager(Engagement.stakeholder), joinedload(Engagement.owner)
        )
        return list(self._query_args["session"].scalars(rows).unique())

    def _query_count(self) -> int:
        select = self._query_args["select"].with_only_columns(Engagement.id).order_by(None)
        return self._query_args["session"].scalar(
            db.select(db.func.count()).select_from(select.subquery())
        )


def list_page(campaign: Campaign, filters: ListFilters, now: datetime, page: int,
              per_page: int):
    """One page of the list: one SELECT for the rows (person and owner joined in), one COUNT."""
    return EngagementPage(
        select=engagement_query(campaign, filters, now), session=db.session(), page=page,
        per_page=per_page, max_per_page=per_page, error_out=False,
    )


def export_rows(campaign: Campaign, filters: ListFilters, now: datetime):
    """Every row matching `filters`, with manager email and owner, read in batches."""
    manager = aliased(Stakeholder)
    owner = aliased(User)
    query = (
        engagement_query(campaign, filters, now)
        .options(contains_eager(Engagement.stakeholder))
        .outerjoin(manager, Stakeholder.reports_to_id == manager.id)
        .outerjoin(owner, Engagement.owner_id == owner.id)
        .add_columns(manager.email, owner.email)
        .execution_options(yield_per=500)
    )
    return db.session.execute(query)


def departments(campaign: Campaign) -> list[str]:
    """Department names in use in a campaign, alphabetical."""
    query = (
        db.select(Stakeholder.department)
        .where(Stakeholder.campaign_id == campaign.id, Stakeholder.department != "")
        .distinct()
    )
    return sorted(db.session.scalars(query.limit(500)), key=str.lower)


def owners(campaign: Campaign) -> list[User]:
    """Members who may own people in the campaign: champions and leads, by name."""
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.campaign_id == campaign.id,
                Membership.role.in_([Role.champion, Role.lead]),
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


def engagement_by_email(campaign: Campaign, email: str) -> Engagement | None:
    """The engagement in `campaign` of the person with this email (any case), if any."""
    return db.session.scalar(
        db.select(Engagement)
        .join(Engagement.stakeholder)
        .where(
            Engagement.campaign_id == campaign.id,
            db.func.lower(Stakeholder.email) == email.strip().lower(),
        )
        .options(contains_eager(Engagement.stakeholder))
    )


def engagement_for(campaign: Campaign, stakeholder_id: int) -> Engagement | None:
    """A person's engagement in `campaign`, with person, manager and owner loaded."""
    return db.session.scalar(
        db.select(Engagement)
        .where(Engagement.campaign_id == campaign.id, Engagement.stakeholder_id == stakeholder_id)
        .options(
            joinedload(Engagement.stakeholder).joinedload(Stakeholder.reports_to),
            joinedload(Engagement.owner),
        )
    )


@dataclass
class TimelineEntry:
    """One dated line of a person's timeline: a conversation, a stance move or an objection."""

    at: datetime
    kind: str
    record: object


@dataclass
class Heard:
    """How often a person heard one key message or case study, and when last."""

    count: int
    last: datetime
    key_message: KeyMessage | None = None
    case_study_slug: str | None = None

    @property
    def label(self) -> str:
        if self.key_message is not None:
            return self.key_message.title
        study = current_library().get(self.case_study_slug or "")
        return study.organisation if study else prettify_slug(self.case_study_slug or "")

    @property
    def title(self) -> str:
        """The case study's full title, for a tooltip; the message title for a message."""
        if self.key_message is not None:
            return self.key_message.title
        study = current_library().get(self.case_study_slug or "")
        return study.title if study else self.label


def prettify_slug(slug: str) -> str:
    """'cisco-channel-training' -> 'Cisco channel training'."""
    return slug.replace("-", " ").replace("_", " ").strip().capitalize()


@dataclass
class Network:
    """A person's manager and direct reports, each with their engagement here (or None)."""

    manager: tuple[Stakeholder, Engagement | None] | None
    reports: list[tuple[Stakeholder, Engagement | None]]
    #: More direct reports exist than the panel lists.
    more_reports: bool = False


def timeline(
    engagement: Engagement, limit: int = TIMELINE_LIMIT
) -> tuple[list[TimelineEntry], bool]:
    """Conversations attended, stance moves and objections raised, newest first.

    Three queries, each capped at `limit`; the flag says whether anything was cut.
    """
    conversations = db.session.execute(
        db.select(Conversation, ConversationAttendee)
        .join(ConversationAttendee, ConversationAttendee.conversation_id == Conversation.id)
        .where(ConversationAttendee.engagement_id == engagement.id)
        .options(joinedload(Conversation.author))
        .order_by(Conversation.occurred_at.desc(), Conversation.id.desc())
        .limit(limit + 1)
    ).all()
    moves = db.session.scalars(
        db.select(StanceChange)
        .where(StanceChange.engagement_id == engagement.id)
        .options(joinedload(StanceChange.changed_by), joinedload(StanceChange.conversation))
        .order_by(StanceChange.changed_at.desc(), StanceChange.id.desc())
        .limit(limit + 1)
    ).all()
    objections = db.session.scalars(
        db.select(Objection)
        .where(Objection.engagement_id == engagement.id)
        .options(joinedload(Objection.theme))
        .order_by(Objection.raised_at.desc(), Objection.id.desc())
        .limit(limit + 1)
    ).all()
    truncated = any(len(rows) > limit for rows in (conversations, moves, objections))
    conversations, moves = conversations[:limit], moves[:limit]
    # A move made by a conversation shows inside that conversation's entry, not twice.
    shown = {conversation.id for conversation, _ in conversations}
    move_by_conversation = {
        move.conversation_id: move for move in moves if move.conversation_id in shown
    }
    entries = [
        TimelineEntry(conversation.occurred_at, "conversation",
                      (conversation, attendance, move_by_conversation.get(conversation.id)))
        for conversation, attendance in conversations
    ]
    entries += [
        TimelineEntry(move.changed_at, "stance", move)
        for move in moves if move.conversation_id not in move_by_conversation
    ]
    entries += [
        TimelineEntry(objection.raised_at, "objection", objection)
        for objection in objections[:limit]
    ]
    # On the same instant the conversation comes first, then what came out of it.
    rank = {"objection": 0, "stance": 1, "conversation": 2}
    entries.sort(key=lambda entry: (entry.at, rank[entry.kind]), reverse=True)
    return entries, truncated


def open_objections(engagement: Engagement) -> list[Objection]:
    """Objections this person raised that are still open, oldest first."""
    return list(
        db.session.scalars(
            db.select(Objection)
            .where(
                Objection.engagement_id == engagement.id,
                Objection.status == ObjectionStatus.open,
            )
            .options(joinedload(Objection.theme))
            .order_by(Objection.raised_at, Objection.id)
            .limit(TIMELINE_LIMIT)
        )
    )


def open_follow_ups(engagement: Engagement) -> list[FollowUp]:
    """Follow-ups about this person not yet done, soonest due first."""
    return list(
        db.session.scalars(
            db.select(FollowUp)
            .where(FollowUp.engagement_id == engagement.id, FollowUp.done_at.is_(None))
            .options(joinedload(FollowUp.owner))
            .order_by(FollowUp.due_on, FollowUp.id)
            .limit(TIMELINE_LIMIT)
        )
    )


def network(engagement: Engagement) -> Network:
    """Manager and direct reports with their engagements in this campaign: one query."""
    person = engagement.stakeholder
    here = aliased(Engagement)
    who = db.or_(Stakeholder.reports_to_id == person.id)
    if person.reports_to_id is not None:
        who = db.or_(who, Stakeholder.id == person.reports_to_id)
    rows = db.session.execute(
        db.select(Stakeholder, here)
        .outerjoin(
            here,
            db.and_(here.stakeholder_id == Stakeholder.id,
                    here.campaign_id == engagement.campaign_id),
        )
        .where(who, Stakeholder.campaign_id == engagement.campaign_id)
        # The manager first, so the cap below only ever cuts reports.
        .order_by((Stakeholder.id == person.reports_to_id).desc(),
                  db.func.lower(Stakeholder.name), Stakeholder.id)
        .limit(REPORTS_LIMIT + 2)
    ).all()
    manager = None
    reports = []
    for stakeholder, report_engagement in rows:
        if stakeholder.id == person.reports_to_id:
            manager = (stakeholder, report_engagement)
        else:
            reports.append((stakeholder, report_engagement))
    return Network(manager=manager, reports=reports[:REPORTS_LIMIT],
                   more_reports=len(reports) > REPORTS_LIMIT)


def heard(engagement: Engagement) -> list[Heard]:
    """Key messages and case studies this person heard, counted, most heard first."""
    rows = db.session.execute(
        db.select(
            Exposure.key_message_id,
            Exposure.case_study_slug,
            db.func.count(Exposure.id),
            db.func.max(Exposure.exposed_at),
            KeyMessage,
        )
        .outerjoin(KeyMessage, KeyMessage.id == Exposure.key_message_id)
        .where(
            Exposure.campaign_id == engagement.campaign_id,
            Exposure.engagement_id == engagement.id,
        )
        .group_by(Exposure.key_message_id, Exposure.case_study_slug, KeyMessage.id)
        .order_by(db.func.count(Exposure.id).desc(), Exposure.key_message_id,
                  Exposure.case_study_slug)
    ).all()
    result = []
    for _key_message_id, slug, count, last, key_message in rows:
        # MAX() over a TypeDecorator column comes back raw on some drivers.
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        result.append(Heard(count=count, last=last, key_message=key_message, case_study_slug=slug))
    return result


def audit_trail(engagement: Engagement, limit: int = AUDIT_LIMIT) -> tuple[list[AuditEvent], bool]:
    """Audit events about this person that belong to this campaign (or to the person
    themselves, shared by every campaign), newest first, capped at `limit`."""
    rows = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.stakeholder_id == engagement.stakeholder_id,
            db.or_(
                AuditEvent.campaign_id == engagement.campaign_id,
                AuditEvent.entity_type == Stakeholder.__tablename__,
            ),
        )
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit + 1)
    ).all()
    return rows[:limit], len(rows) > limit


#: How the audit trail names records and fields for people rather than programmers.
ENTITY_LABELS = {
    "stakeholder": "Person",
    "engagement": "Campaign standing",
    "stance_change": "Stance move",
    "conversation": "Conversation",
    "objection": "Objection",
    "follow_up": "Follow-up",
}
FIELD_LABELS = {
    "owner_id": "owner",
    "reports_to_id": "reports to",
    "theme_id": "theme",
    "engagement_id": "about",
    "conversation_id": "conversation",
    "done_by_id": "done by",
    "stance_change": "stance moved",
    "from_stance": "moved from",
    "at": "as of",
}
USER_FIELDS = {"owner_id", "changed_by_id", "done_by_id", "created_by_id", "author_id", "by_id"}
PERSON_FIELDS = {"reports_to_id", "attendee"}
ENUM_FIELDS = {
    "stance": Stance, "target_stance": Stance, "stance_change": Stance, "stance_after": Stance,
    "from_stance": Stance,
    "level": Level, "status": ObjectionStatus, "channel": Channel,
}


@dataclass
class AuditRow:
    """One audit event as the trail shows it: when, who, what, and each field old → new."""

    at: datetime
    who: str
    action: str
    record: str
    changes: list[tuple[str, str, str]]


def audit_rows(trail: list[AuditEvent], campaign: Campaign, zone: ZoneInfo) -> list[AuditRow]:
    """Audit events made readable: ids become names, enum names labels, ISO times local.

    Three lookups (users, people, themes) whatever the length of the trail. Only people
    and themes of `campaign` are named: an id from before people belonged to campaigns
    may point at another campaign's record, which shows as a number. Times are shown in
    `zone`.
    """
    wanted: dict[str, set[int]] = {"users": set(), "people": set(), "themes": set()}
    for event in trail:
        for field_name, values in (event.changes or {}).items():
            ids = {v for v in values if isinstance(v, int)} if isinstance(values, list) else set()
            if field_name in USER_FIELDS:
                wanted["users"] |= ids
            elif field_name in PERSON_FIELDS:
                wanted["people"] |= ids
            elif field_name == "theme_id":
                wanted["themes"] |= ids
    names: dict[str, dict[int, str]] = {key: {} for key in wanted}
    for key, model, label in (("users", User, User.name), ("people", Stakeholder, Stakeholder.name),
                              ("themes", ObjectionTheme, ObjectionTheme.name)):
        if wanted[key]:
            query = db.select(model.id, label).where(model.id.in_(wanted[key]))
            if model is not User:
                query = query.where(model.campaign_id == campaign.id)
            names[key] = dict(db.session.execute(query).all())

    def shown(field_name: str, value) -> str:
        if value is None or value == "":
            return "—"
        if field_name in USER_FIELDS:
            return names["users"].get(value, f"user #{value}")
        if field_name in PERSON_FIELDS:
            return names["people"].get(value, f"person #{value}")
        if field_name == "theme_id":
            return names["themes"].get(value, f"theme #{value}")
        if field_name in ENUM_FIELDS and isinstance(value, str):
            member = ENUM_FIELDS[field_name].parse(value)
            return member.label if member is not None else value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int) and field_name.endswith("_id"):
            return f"#{value}"
        looks_iso = isinstance(value, str) and len(value) >= 10 and value[4:5] == "-"
        if looks_iso and value[:4].isdigit():
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if len(value) == 10:
                    return show_date(moment.date(), zone)
                if moment.tzinfo is not None:
                    return show_datetime(moment, zone)
        text = str(value)
        return text if len(text) <= 160 else text[:157] + "…"

    rows = []
    for event in trail:
        changes = []
        for field_name, values in (event.changes or {}).items():
            label = FIELD_LABELS.get(field_name, field_name.replace("_", " "))
            if isinstance(values, list) and len(values) == 2:
                changes.append((label, shown(field_name, values[0]), shown(field_name, values[1])))
            else:
                changes.append((label, "—", shown(field_name, values)))
        rows.append(AuditRow(
            at=event.at,
            who=event.user.name if event.user else "system",
            action=event.action,
            record=ENTITY_LABELS.get(event.entity_type, event.entity_type.replace("_", " ")),
            changes=changes,
        ))
    return rows


def load_people(campaign, engagement_ids) -> dict[int, tuple[Engagement, Stakeholder]]:
    """The campaign's active people among `engagement_ids`, in one query."""
    # An id beyond an INTEGER column is unknown like any other (the database would fail).
    ids = {engagement_id for engagement_id in engagement_ids if is_record_id(engagement_id)}
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Engagement, Stakeholder)
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(
            Engagement.id.in_(ids),
            Engagement.campaign_id == campaign.id,
            Engagement.archived_at.is_(None),
        )
    )
    return {engagement.id: (engagement, person) for engagement, person in rows}


def campaign_person(campaign, stakeholder_id: int) -> Stakeholder | None:
    """The person with this id if they are part of the campaign (filters name people by id)."""
    return db.session.scalar(
        db.select(Stakeholder)
        .join(Engagement, Engagement.stakeholder_id == Stakeholder.id)
        .where(Stakeholder.id == stakeholder_id, Engagement.campaign_id == campaign.id)
    )


def people_matching(campaign: Campaign, term: str,
                    limit: int) -> list[tuple[Engagement, Stakeholder]]:
    """The campaign's active people whose name, email or title contains `term` (any case),
    by name, at most `limit`: what the people pickers suggest."""
    query = (
        db.select(Engagement, Stakeholder)
        .join(Stakeholder, Engagement.stakeholder_id == Stakeholder.id)
        .where(Engagement.campaign_id == campaign.id, Engagement.archived_at.is_(None))
    )
    if term:
        pattern = f"%{term.lower()}%"
        query = query.where(
            db.or_(
                db.func.lower(Stakeholder.name).like(pattern),
                db.func.lower(Stakeholder.email).like(pattern),
                db.func.lower(Stakeholder.title).like(pattern),
            )
        )
    return list(db.session.execute(query.order_by(Stakeholder.name).limit(limit)))
