"""A large campaign, fast: bulk Core inserts (executemany in batches), no ORM objects.

20,000 people across levels, departments and reporting lines, each with a starting stance,
and 200,000 conversations over the past year with one to three attendees, some of whom
move stance; objections, follow-ups, key-message exposures and audit events come along in
proportion, so every page has realistic rows to read. A few "busy" people sit in thousands
of conversations: their pages are the worst case. A fixed seed makes every run the same.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from app.campaigns.operations import create_campaign, set_member
from app.extensions import db
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
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    ObjectionTheme,
    Phase,
    Role,
    Stakeholder,
    Stance,
    StanceChange,
    User,
)

SEED = 7
BATCH = 10_000
LEAD_EMAIL = "lead@bench.example"
LEAD_PASSWORD = "bench-lead-password"
DEPARTMENTS = ("IT", "HR", "Internal Communications", "Information Security", "Risk", "L&D",
               "Sales", "Operations", "Finance", "Legal", "Marketing", "Customer Service")
#: Share of people at each level; the rest are workers.
EXECUTIVE_SHARE, MANAGER_SHARE = 0.01, 0.12
#: Starting stances, weighted: most people are unknown or neutral, few are champions.
STANCE_WEIGHTS = {Stance.unknown: 20, Stance.blocker: 6, Stance.sceptic: 18, Stance.neutral: 30,
                  Stance.supporter: 20, Stance.champion: 6}
SCALE = [Stance.blocker, Stance.sceptic, Stance.neutral, Stance.supporter, Stance.champion]
BUSY_PEOPLE = 10
#: Share of conversations that include one of the busy people.
BUSY_SHARE = 0.1
MOVE_SHARE = 0.15
OBJECTION_SHARE = 0.05
FOLLOW_UP_SHARE = 0.1
EXPOSURE_SHARE = 0.2
DAYS = 365


@dataclass
class Seeded:
    """What the measurements need to know about the seeded data."""

    campaign_id: int
    slug: str
    lead_email: str
    lead_password: str
    #: stakeholder ids, busiest first
    busy_stakeholder_ids: list[int]
    #: engagement ids of a manager and a worker, for logging a conversation
    attendee_engagement_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _insert(connection, model, rows: list[dict]) -> int:
    """executemany in batches; returns how many rows went in."""
    table = model.__table__
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start:start + BATCH])
    return len(rows)


def _fix_sequences(connection, models) -> None:
    """PostgreSQL: explicit ids leave sequences behind; move them past the largest id."""
    if connection.dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__
        # The model's own table name, not outside input.
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # nosec B608
            f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"
        ))


def _orm_setup() -> tuple[Campaign, User, list[User], list[ObjectionTheme], list[KeyMessage]]:
    """Users, the campaign (with its playbook) and key messages, through the real operations."""
    from werkzeug.security import generate_password_hash

    def user(email, name, role):
        # A cheap hash: the bench measures pages, not sign-in.
        person = User(email=email, name=name, role=role,
                      password_hash=generate_password_hash(LEAD_PASSWORD, "pbkdf2:sha256:1000"))
        db.session.add(person)
        return person

    lead = user(LEAD_EMAIL, "Bench Lead", Role.lead)
    champions = [user(f"champion{n}@bench.example", f"Champion {n}", Role.champion)
                 for n in range(1, 9)]
    db.session.flush()
    today = datetime.now(UTC).date()
    campaign = create_campaign(lead, {
        "name": "Bench campaign", "change": "An internal collaboration platform",
        "phase": Phase.engage, "starts_on": today - timedelta(days=DAYS + 30),
        "ends_on": today + timedelta(days=180), "goals": ["Work together more effectively"],
    })
    for champion in champions:
        set_member(campaign, champion, Role.champion)
    messages = [KeyMessage(campaign_id=campaign.id, level=level, title=f"{level.label} message {n}",
                           body="Plain words about what it does for you.", position=n)
                for level in Level for n in range(3)]
    db.session.add_all(messages)
    db.session.flush()
    themes = list(db.session.scalars(db.select(ObjectionTheme).filter_by(campaign_id=campaign.id)))
    db.session.commit()
    return campaign, lead, champions, themes, messages


def seed(people: int = 20_000, conversations: int = 200_000, log=print) -> Seeded:
    """Fill an empty schema with one large campaign; returns what the bench needs."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    campaign, lead, champions, themes, messages = _orm_setup()
    now = datetime.now(UTC)
    joined_at = now - timedelta(days=DAYS + 10)
    owner_ids = [champion.id for champion in champions]

    # People: executives first, then managers, then workers, so a reporting line always
    # points at a row inserted earlier (foreign keys are checked row by row on SQLite).
    executives = max(len(DEPARTMENTS), int(people * EXECUTIVE_SHARE))
    managers = int(people * MANAGER_SHARE)
    stakeholders, starts = [], []
    by_department: dict[tuple[Level, str], list[int]] = {}
    stances = rng.choices(list(STANCE_WEIGHTS), weights=list(STANCE_WEIGHTS.values()), k=people)
    for index in range(people):
        person_id = index + 1
        level = (Level.executive if index < executives
                 else Level.manager if index < executives + managers else Level.worker)
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        above = {Level.executive: None, Level.manager: Level.executive,
                 Level.worker: Level.manager}[level]
        candidates = by_department.get((above, department)) if above else None
        by_department.setdefault((level, department), []).append(person_id)
        influence = {Level.executive: rng.randint(4, 5), Level.manager: rng.randint(2, 4),
                     Level.worker: rng.randint(1, 3)}[level]
        stakeholders.append({
            "id": person_id, "campaign_id": campaign.id, "name": f"Person {person_id:05d}",
            "email": f"person{person_id}@bench.example", "title": f"{level.label} {department}",
            "department": department, "level": level,
            "reports_to_id": rng.choice(candidates) if candidates else None,
            "influence": influence, "created_at": joined_at, "updated_at": joined_at,
        })
        starts.append({
            "engagement_id": person_id, "from_stance": None,
            "to_stance": stances[index], "changed_at": joined_at, "recorded_at": joined_at,
            "changed_by_id": lead.id, "reason": "Starting stance on joining the campaign",
        })

    # Conversations, oldest first, tracking each person's stance as it moves.
    current = list(stances)
    last_contact: list[datetime | None] = [None] * people
    busy = rng.sample(range(executives, executives + managers), BUSY_PEOPLE)
    step = timedelta(days=DAYS) / conversations
    channels = list(Channel)
    conversation_rows, attendee_rows, moves, objection_rows, objection_events = [], [], [], [], []
    follow_up_rows, exposure_rows, audit_rows = [], [], []
    for index in range(conversations):
        conversation_id = index + 1
        occurred = now - timedelta(days=DAYS) + step * index
        size = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        present = set(rng.sample(range(people), size))
        if rng.random() < BUSY_SHARE:
            present.add(rng.choice(busy))
        author = rng.choice(owner_ids)
        conversation_rows.append({
            "id": conversation_id, "campaign_id": campaign.id, "occurred_at": occurred,
            "channel": rng.choice(channels), "duration_minutes": rng.choice((15, 30, 45, 60)),
            "subject": f"Conversation {conversation_id}",
            "summary": "Talked through what the platform would change for the team.",
            "author_id": author, "created_at": occurred, "updated_at": occurred,
        })
        for person in present:
            before = current[person]
            after = before
            if rng.random() < MOVE_SHARE:
                rank = SCALE.index(before) if before in SCALE else 2
                after = SCALE[max(0, min(len(SCALE) - 1, rank + rng.choice((-1, 1, 1))))]
            if after is not before:
                moves.append({
                    "engagement_id": person + 1, "from_stance": before, "to_stance": after,
                    "changed_at": occurred, "recorded_at": occurred, "changed_by_id": author,
                    "conversation_id": conversation_id, "reason": "After a conversation",
                })
                audit_rows.append({
                    "at": occurred, "user_id": author, "campaign_id": campaign.id,
                    "entity_type": "engagement", "entity_id": person + 1, "action": "update",
                    "changes": {"stance": [before.name, after.name]},
                    "stakeholder_id": person + 1,
                })
                current[person] = after
            attendee_rows.append({"conversation_id": conversation_id, "engagement_id": person + 1,
                                  "stance_before": before, "stance_after": after})
            last_contact[person] = occurred
            if rng.random() < EXPOSURE_SHARE:
                exposure_rows.append({
                    "campaign_id": campaign.id, "engagement_id": person + 1,
                    "key_message_id": rng.choice(messages).id, "case_study_slug": None,
                    "conversation_id": conversation_id, "briefing_id": None,
                    "exposed_at": occurred,
                })
        first = min(present)
        if rng.random() < OBJECTION_SHARE:
            objection_id = len(objection_rows) + 1
            status = rng.choice(list(ObjectionStatus))
            objection_rows.append({
                "id": objection_id, "campaign_id": campaign.id, "theme_id": rng.choice(themes).id,
                "engagement_id": first + 1, "conversation_id": conversation_id,
                "statement": "It will take time we do not have.", "status": status,
                "raised_at": occurred, "created_by_id": author, "created_at": occurred,
                "updated_at": occurred,
            })
            objection_events.append({"objection_id": objection_id, "from_status": None,
                                     "to_status": ObjectionStatus.open, "note": "Raised",
                                     "at": occurred, "by_id": author})
            if status is not ObjectionStatus.open:
                objection_events.append({"objection_id": objection_id,
                                         "from_status": ObjectionStatus.open, "to_status": status,
                                         "note": "", "at": occurred + timedelta(days=3),
                                         "by_id": author})
        if rng.random() < FOLLOW_UP_SHARE:
            due = (occurred + timedelta(days=rng.randint(3, 21))).date()
            done = occurred + timedelta(days=2) if rng.random() < 0.6 else None
            follow_up_rows.append({
                "campaign_id": campaign.id, "conversation_id": conversation_id,
                "engagement_id": first + 1, "description": "Send the how-to guide",
                "owner_id": author, "due_on": due, "done_at": done,
                "done_by_id": author if done else None, "created_at": occurred,
            })

    engagement_rows = [{
        "id": index + 1, "campaign_id": campaign.id, "stakeholder_id": index + 1,
        "stance": current[index], "target_stance": Stance.supporter,
        "interest": rng.randint(1, 5), "owner_id": owner_ids[index % len(owner_ids)],
        "joined_on": joined_at.date(), "last_contact_at": last_contact[index],
        "created_at": joined_at, "updated_at": joined_at,
    } for index in range(people)]
    generated = time.perf_counter() - started

    counts = {}
    with db.engine.begin() as connection:
        for model, rows in (
            (Stakeholder, stakeholders), (Engagement, engagement_rows), (StanceChange, starts),
            (Conversation, conversation_rows), (ConversationAttendee, attendee_rows),
            (StanceChange, moves), (Objection, objection_rows),
            (ObjectionEvent, objection_events), (FollowUp, follow_up_rows),
            (Exposure, exposure_rows), (AuditEvent, audit_rows),
        ):
            table_started = time.perf_counter()
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + _insert(
                connection, model, rows)
            log(f"  {len(rows):>9,} {model.__tablename__:<22} "
                f"{time.perf_counter() - table_started:6.1f} s")
        _fix_sequences(connection, (Stakeholder, Engagement, StanceChange, Conversation,
                                    Objection, ObjectionEvent, FollowUp, Exposure, AuditEvent))
    # Fresh statistics, as a production database would have them.
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    seconds = time.perf_counter() - started
    log(f"seeded in {seconds:.1f} s (generating {generated:.1f} s): "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items()))

    return find_seeded(counts, seconds)


def find_seeded(counts: dict | None = None, seconds: float = 0.0) -> Seeded:
    """What the measurements need, read back from a seeded database."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(name="Bench campaign"))
    if campaign is None:
        raise SystemExit("No bench campaign in this database: run without --reuse first.")
    busiest = db.session.execute(
        db.select(Engagement.stakeholder_id)
        .join(ConversationAttendee, ConversationAttendee.engagement_id == Engagement.id)
        .where(Engagement.campaign_id == campaign.id)
        .group_by(Engagement.stakeholder_id)
        .order_by(db.func.count().desc(), Engagement.stakeholder_id)
        .limit(BUSY_PEOPLE)
    ).scalars().all()

    def first(level: Level) -> int:
        return db.session.scalar(
            db.select(Engagement.id).join(Stakeholder)
            .where(Engagement.campaign_id == campaign.id, Stakeholder.level == level,
                   Engagement.stakeholder_id.not_in(busiest))
            .order_by(Engagement.id).limit(1))

    return Seeded(
        campaign_id=campaign.id, slug=campaign.slug, lead_email=LEAD_EMAIL,
        lead_password=LEAD_PASSWORD, busy_stakeholder_ids=list(busiest),
        attendee_engagement_ids=[first(Level.manager), first(Level.worker)],
        counts=counts or {}, seconds=seconds,
    )


def attendance(stakeholder_ids: list[int]) -> dict[int, int]:
    """Conversations attended by each of these people (in any campaign)."""
    rows = db.session.execute(
        db.select(Engagement.stakeholder_id, db.func.count())
        .join(ConversationAttendee, ConversationAttendee.engagement_id == Engagement.id)
        .where(Engagement.stakeholder_id.in_(stakeholder_ids))
        .group_by(Engagement.stakeholder_id)
    ).all()
    return dict(rows)


def people(campaign_id: int) -> int:
    """People in the campaign."""
    return db.session.scalar(db.select(db.func.count()).select_from(Stakeholder)
                             .where(Stakeholder.campaign_id == campaign_id))
