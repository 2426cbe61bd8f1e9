"""Loading and removing the demo campaign described in app/demo/data.py.

The demo goes through the same operations as the app (stakeholders, conversations,
objections, follow-ups), so its stance history, objection events and audit trail look
exactly like real use. Dates are relative to today; a fixed seed makes the rest repeatable.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from app.briefings.operations import add_key_message, update_risk_item
from app.campaigns.operations import create_campaign, set_member, set_targets
from app.clock import Clock
from app.conversations.operations import (
    AttendeeInput,
    ConversationInput,
    FollowUpInput,
    ObjectionInput,
    log_conversation,
)
from app.demo import data
from app.extensions import db
from app.followups.operations import complete_follow_up
from app.models import (
    AuditEvent,
    Briefing,
    BriefingAttendee,
    Campaign,
    CampaignTarget,
    Channel,
    Conversation,
    ConversationAttendee,
    Engagement,
    Exposure,
    FollowUp,
    KeyMessage,
    Landmine,
    Level,
    Membership,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    ObjectionTheme,
    Phase,
    PlaybookResponse,
    RiskArea,
    RiskItem,
    RiskStatus,
    Role,
    Stakeholder,
    Stance,
    StanceChange,
    User,
)
from app.objections.operations import change_objection_status
from app.stakeholders.operations import add_stakeholder

DEMO_SLUG = data.CAMPAIGN["slug"]
CLAIMS_SLUG = data.CLAIMS_CAMPAIGN["slug"]


@dataclass
class DemoLogin:
    email: str
    name: str
    role: str
    password: str
    #: Which demo campaigns this login sees.
    sees: str = ""


@dataclass
class DemoSummary:
    #: Northmoor Connect, when this run loaded it.
    campaign: Campaign | None = None
    people: int = 0
    conversations: int = 0
    objections: int = 0
    follow_ups: int = 0
    #: Claims Answers, the second campaign, when this run loaded it.
    second: Campaign | None = None
    second_people: int = 0
    #: How many of its people have the same email as someone in Northmoor Connect.
    second_shared: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts, their (demo-only) passwords and the campaigns each one sees."""
    logins = []
    for key, local, name, role, campaign_role, password in data.USERS:
        sees = [campaign["name"] for campaign, member in (
            (data.CAMPAIGN, campaign_role is not None),
            (data.CLAIMS_CAMPAIGN, key in data.CLAIMS_MEMBERS)) if member]
        logins.append(DemoLogin(
            f"{local}@{data.USER_DOMAIN}", name, campaign_role or role, password,
            "every campaign" if role == "admin" else " and ".join(sees)))
    return logins


def demo_campaign(slug: str = DEMO_SLUG) -> Campaign | None:
    """Northmoor Connect (or, by slug, the second demo campaign) if it is loaded."""
    return db.session.scalar(db.select(Campaign).filter_by(slug=slug))


def person_email(name: str) -> str:
    """firstname.lastname at the demo organisation's domain."""
    local = ".".join("".join(ch for ch in part if ch.isalpha()) for part in name.lower().split())
    return f"{local}@{data.ORGANISATION_DOMAIN}"


class _Clock:
    """Turns 'N days ago' (before `clock`'s today) into an aware UTC moment during the
    working day in `clock`'s zone, repeatably."""

    def __init__(self, clock: Clock, rng: random.Random):
        self.zone = clock.zone
        self.today = clock.today
        self.now = clock.now
        self.rng = rng

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def moment(self, days_ago: int) -> datetime:
        # Every story date is at least a day back, so a working-hours time is in the past.
        at = time(self.rng.randint(9, 16), self.rng.choice((0, 15, 30, 45)))
        return datetime.combine(self.day(days_ago), at, tzinfo=self.zone).astimezone(UTC)


def _users() -> dict[str, User]:
    users = {}
    for key, local, name, role, _campaign_role, password in data.USERS:
        email = f"{local}@{data.USER_DOMAIN}"
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is None:
            user = User(email=email, name=name)
            db.session.add(user)
        user.name, user.role, user.active = name, Role[role], True
        user.set_password(password)
        users[key] = user
    db.session.flush()
    return users


def _filler(rng: random.Random, joined: dict[str, int]) -> list[dict]:
    """Short everyday contacts between the story's conversations (no stance moves)."""
    by_department: dict[str, list[str]] = {}
    for key, _name, _title, department, *_rest in data.PEOPLE:
        by_department.setdefault(department, []).append(key)
    department_of = {key: department for key, _n, _t, department, *_r in data.PEOPLE}
    level_of = {key: level for key, _n, _t, _d, level, *_r in data.PEOPLE}
    keys = [key for key, *_rest in data.PEOPLE]
    conversations = []
    for _ in range(data.FILLER_COUNT):
        days_ago = rng.randint(1, 90)
        present = [key for key in keys if joined[key] >= days_ago]
        first = rng.choice(present)
        people = [first]
        if rng.random() < 0.25:
            colleagues = [k for k in by_department[department_of[first]]
                          if k != first and k in present]
            if colleagues:
                people.append(rng.choice(colleagues))
        channel, subject = rng.choice(data.FILLER_SUBJECTS)
        author = "lead" if level_of[first] == "executive" else data.OWNERS[department_of[first]]
        conversations.append(dict(
            days_ago=days_ago, by=author, channel=channel,
            minutes={"chat": 10, "email": 5}.get(channel, 20), subject=subject, summary="",
            people={key: None for key in people},
        ))
    return conversations


def load_demo(clock: Clock) -> DemoSummary | None:
    """Create the demo campaigns (Northmoor Connect, with three months of history, and
    the smaller Claims Answers), their people and the demo users, dated back from
    `clock`'s today in its zone (the app's default zone, for the command).

    Returns None (and changes nothing) when both are loaded; loads whichever is missing.
    Flushes; the caller commits.
    """
    if demo_campaign() is not None and demo_campaign(CLAIMS_SLUG) is not None:
        return None
    rng = random.Random(data.SEED)
    clock = _Clock(clock, rng)
    users = _users()
    summary = DemoSummary(logins=demo_logins())
    if demo_campaign() is None:
        _load_connect(summary, users, rng, clock)
    if demo_campaign(CLAIMS_SLUG) is None:
        _load_claims(summary, users, clock)
    db.session.flush()
    return summary


def _create_demo_campaign(lead: User, slug: str, spec: dict, clock: _Clock):
    """A demo campaign from its spec in app/demo/data.py, dated relative to today."""
    return create_campaign(lead, {
        "slug": slug,
        "name": spec["name"],
        "change": spec["change"],
        "description": spec["description"],
        "goals": list(spec["goals"]),
        "phase": Phase[spec["phase"]],
        "starts_on": clock.day(spec["started_days_ago"]),
        "ends_on": clock.day(-spec["ends_in_days"]),
    })


def _conversation_input(item: dict, occurred_at, users: dict[str, User],
                        engagements: dict[str, Engagement], themes: dict,
                        messages: dict) -> ConversationInput:
    """One scripted conversation of app/demo/data.py as the conversation form would send it."""
    return ConversationInput(
        occurred_at=occurred_at,
        channel=Channel[item["channel"]],
        duration_minutes=item["minutes"],
        subject=item["subject"],
        summary=item["summary"],
        attendees=[AttendeeInput(engagements[key], Stance[after] if after else None)
                   for key, after in item["people"].items()],
        objections=[ObjectionInput(engagements[key], themes[theme], statement)
                    for key, theme, statement in item.get("objections", [])],
        follow_ups=[FollowUpInput(description, occurred_at.date() + timedelta(days=due_in),
                                  owner_id=users[owner].id, engagement=engagements[about])
                    for description, due_in, owner, about, _done in item.get("follow_ups", [])],
        key_message_ids=[messages[key].id for key in item.get("messages", [])],
        case_study_slugs=list(item.get("case_studies", [])),
    )


def _load_connect(summary: DemoSummary, users: dict[str, User], rng: random.Random,
                  clock: _Clock) -> None:
    """Northmoor Connect: 60 people and three months of conversations."""
    lead = users["lead"]
    spec = data.CAMPAIGN
    campaign = _create_demo_campaign(lead, DEMO_SLUG, spec, clock)
    for key, _local, _name, _role, campaign_role, _password in data.USERS:
        if campaign_role and key != "lead":
            set_member(campaign, users[key], Role[campaign_role])
    set_targets(campaign, lead, {
        Level[level]: {"share": share, "min_stance": Stance[stance],
                       "due_on": clock.day(-due_in)}
        for level, share, stance, due_in in data.TARGETS
    })

    messages = {
        key: add_key_message(campaign, lead, {"level": Level[level], "title": title, "body": body})
        for key, level, title, body in data.KEY_MESSAGES
    }
    risks = {item.area: item for item in db.session.scalars(
        db.select(RiskItem).filter_by(campaign_id=campaign.id))}
    for area, status, owner, notes in data.RISK_CHECKLIST:
        if RiskArea[area] in risks:
            update_risk_item(risks[RiskArea[area]], lead,
                             {"status": RiskStatus[status], "owner": owner, "notes": notes})

    joined = {key: data.JOINED_LATE.get(key, spec["started_days_ago"])
              for key, *_rest in data.PEOPLE}
    engagements: dict[str, Engagement] = {}
    for key, name, title, department, level, manager, influence, stance, target in data.PEOPLE:
        owner = users["lead"] if level == "executive" else users[data.OWNERS[department]]
        engagements[key] = add_stakeholder(
            campaign, lead,
            {"name": name, "email": person_email(name), "title": title,
             "department": department, "level": Level[level],
             "reports_to_id": engagements[manager].stakeholder_id if manager else None,
             "influence": influence},
            {"stance": Stance[stance], "target_stance": Stance[target],
             "interest": min(5, influence + 1), "owner_id": owner.id,
             "joined_on": clock.day(joined[key])},
        )

    themes = {theme.slug: theme for theme in db.session.scalars(
        db.select(ObjectionTheme).filter_by(campaign_id=campaign.id))}

    # Times for the story first, then the filler: the seed gives the same demo every run.
    story = [(clock.moment(item["days_ago"]), item) for item in data.CONVERSATIONS]
    filler = [(clock.moment(item["days_ago"]), item) for item in _filler(rng, joined)]
    summary.campaign, summary.people = campaign, len(engagements)
    objections: dict[tuple[str, str], Objection] = {}
    completions = []
    for occurred_at, item in sorted(story + filler, key=lambda pair: pair[0]):
        conversation = log_conversation(campaign, users[item["by"]], _conversation_input(
            item, occurred_at, users, engagements, themes, messages), clock.now)
        summary.conversations += 1
        for objection in conversation.objections:
            person = next(k for k, e in engagements.items() if e.id == objection.engagement_id)
            objections[(person, objection.theme.slug)] = objection
        for (_description, _due, owner, _about, done_after), follow_up in zip(
            item.get("follow_ups", []), conversation.follow_ups, strict=True
        ):
            if done_after is not None:
                completions.append(
                    (follow_up, users[owner], occurred_at + timedelta(days=done_after))
                )

    for person, theme, days_ago, status, note in data.OBJECTION_STEPS:
        change_objection_status(objections[(person, theme)], ObjectionStatus[status],
                                users["lead"], note=note, at=clock.moment(days_ago))
    for follow_up, owner, done_at in completions:
        # The demo's follow-ups were done back then.
        complete_follow_up(follow_up, owner, now=done_at)
    summary.objections = len(objections)
    summary.follow_ups = sum(len(item.get("follow_ups", [])) for item in data.CONVERSATIONS)


def _load_claims(summary: DemoSummary, users: dict[str, User], clock: _Clock) -> None:
    """Claims Answers: a dozen people, five of them also in Northmoor Connect but recorded
    here as this campaign knows them (their own rows), and a month of conversations."""
    lead = users["lead"]
    spec = data.CLAIMS_CAMPAIGN
    campaign = _create_demo_campaign(lead, CLAIMS_SLUG, spec, clock)
    for key, role in data.CLAIMS_MEMBERS.items():
        if key != "lead":
            set_member(campaign, users[key], Role[role])
    set_targets(campaign, lead, {
        Level[level]: {"share": share, "min_stance": Stance[stance],
                       "due_on": clock.day(-due_in)}
        for level, share, stance, due_in in data.CLAIMS_TARGETS
    })
    messages = {
        key: add_key_message(campaign, lead, {"level": Level[level], "title": title, "body": body})
        for key, level, title, body in data.CLAIMS_KEY_MESSAGES
    }
    engagements: dict[str, Engagement] = {}
    for key, name, title, department, level, manager, influence, stance, target in (
            data.CLAIMS_PEOPLE):
        owner = users["lead"] if level == "executive" else users["claims"]
        engagements[key] = add_stakeholder(
            campaign, lead,
            {"name": name, "email": person_email(name), "title": title,
             "department": department, "level": Level[level],
             "reports_to_id": engagements[manager].stakeholder_id if manager else None,
             "influence": influence},
            {"stance": Stance[stance], "target_stance": Stance[target],
             "interest": min(5, influence + 1), "owner_id": owner.id,
             "joined_on": clock.day(spec["started_days_ago"])},
        )
    themes = {theme.slug: theme for theme in db.session.scalars(
        db.select(ObjectionTheme).filter_by(campaign_id=campaign.id))}
    for item in data.CLAIMS_CONVERSATIONS:
        occurred_at = clock.moment(item["days_ago"])
        log_conversation(campaign, users[item["by"]], _conversation_input(
            item, occurred_at, users, engagements, themes, messages), clock.now)
    connect_names = {name for _key, name, *_rest in data.PEOPLE}
    summary.second = campaign
    summary.second_people = len(engagements)
    summary.second_shared = sum(name in connect_names for _k, name, *_r in data.CLAIMS_PEOPLE)


def unload_demo() -> bool:
    """Delete the demo campaigns with everything in them, their people and the demo users.

    Returns whether anything was there to delete. The caller commits.
    """
    found = False
    for slug in (DEMO_SLUG, CLAIMS_SLUG):
        campaign = demo_campaign(slug)
        if campaign is not None:
            found = True
            _delete_campaign(campaign.id)
    found |= _delete_demo_users()
    db.session.expire_all()
    return found


def _delete_campaign(campaign_id: int) -> None:
    execute = db.session.execute
    in_campaign = {model: db.select(model.id).where(model.campaign_id == campaign_id)
                   for model in (Briefing, Objection, ObjectionTheme, Conversation, Engagement)}
    people = list(db.session.scalars(
        db.select(Stakeholder.id).where(Stakeholder.campaign_id == campaign_id)))
    # Children before parents, so foreign keys hold at every step.
    execute(db.delete(Exposure).where(Exposure.campaign_id == campaign_id))
    execute(db.delete(BriefingAttendee).where(BriefingAttendee.briefing_id.in_(in_campaign[Briefing])))
    execute(db.delete(Briefing).where(Briefing.campaign_id == campaign_id))
    execute(db.delete(ObjectionEvent).where(ObjectionEvent.objection_id.in_(in_campaign[Objection])))
    execute(db.delete(Objection).where(Objection.campaign_id == campaign_id))
    execute(db.delete(PlaybookResponse).where(
        PlaybookResponse.theme_id.in_(in_campaign[ObjectionTheme])))
    execute(db.delete(ObjectionTheme).where(ObjectionTheme.campaign_id == campaign_id))
    execute(db.delete(FollowUp).where(FollowUp.campaign_id == campaign_id))
    execute(db.delete(ConversationAttendee).where(
        ConversationAttendee.conversation_id.in_(in_campaign[Conversation])))
    execute(db.delete(StanceChange).where(StanceChange.engagement_id.in_(in_campaign[Engagement])))
    execute(db.delete(Conversation).where(Conversation.campaign_id == campaign_id))
    for model in (KeyMessage, RiskItem, Landmine, CampaignTarget, Membership):
        execute(db.delete(model).where(model.campaign_id == campaign_id))
    execute(db.delete(AuditEvent).where(AuditEvent.campaign_id == campaign_id))
    execute(db.delete(Engagement).where(Engagement.campaign_id == campaign_id))
    _delete_people(people)
    execute(db.delete(Campaign).where(Campaign.id == campaign_id))


def _delete_people(stakeholder_ids: list[int]) -> None:
    if not stakeholder_ids:
        return
    db.session.execute(db.delete(AuditEvent).where(AuditEvent.stakeholder_id.in_(stakeholder_ids)))
    db.session.execute(db.update(Stakeholder).where(Stakeholder.reports_to_id.in_(stakeholder_ids))
                       .values(reports_to_id=None))
    db.session.execute(db.delete(Stakeholder).where(Stakeholder.id.in_(stakeholder_ids)))


def _delete_demo_users() -> bool:
    ids = list(db.session.scalars(
        db.select(User.id).where(User.email.like(f"%@{data.USER_DOMAIN}"))))
    if not ids:
        return False
    # Whatever a demo account did elsewhere stays, without its author.
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name != User.__tablename__:
                continue
            column = foreign_key.parent
            if column.nullable:
                db.session.execute(
                    db.update(table).where(column.in_(ids)).values({column.name: None})
                )
            else:
                db.session.execute(db.delete(table).where(column.in_(ids)))
    db.session.execute(db.delete(User).where(User.id.in_(ids)))
    return True
