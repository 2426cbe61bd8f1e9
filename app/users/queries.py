"""Reads for the Users page: the list with its filters, one user's sessions, links and
audit trail. A constant number of statements per page, whatever the number of users."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from app.auth.operations import NO_PASSWORD
from app.clock import show_datetime
from app.extensions import db
from app.models import AccountToken, AuditEvent, Campaign, Membership, Role, User, UserSession
from app.models.base import utcnow
from app.stakeholders.queries import AuditRow

AUDIT_LIMIT = 100
STATUSES = ("active", "invited", "disabled")


def _live_session(now: datetime):
    """SQL condition: a session that has not expired (see app.auth.sessions)."""
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    return db.or_(
        db.and_(UserSession.remember.is_(True),
                UserSession.created_at > now - config["REMEMBER_COOKIE_DURATION"]),
        db.and_(UserSession.remember.is_(False), UserSession.last_seen_at > now - idle),
    )


def _status_condition(status: str):
    if status == "disabled":
        return User.active.is_(False)
    invited = User.password_hash == NO_PASSWORD
    return db.and_(User.active.is_(True), invited if status == "invited" else db.not_(invited))


def user_list(search: str = "", role: Role | None = None, status: str = "", page: int = 1,
              per_page: int = 50):
    """Users matching the filters, by name, with their memberships and campaigns loaded."""
    query = db.select(User).options(
        selectinload(User.memberships).joinedload(Membership.campaign))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(db.or_(db.func.lower(User.name).like(pattern),
                                   db.func.lower(User.email).like(pattern)))
    if role is not None:
        query = query.where(User.role == role)
    if status in STATUSES:
        query = query.where(_status_condition(status))
    return db.paginate(query.order_by(User.name, User.id), page=page, per_page=per_page,
                       error_out=False)


def live_session_counts(users: list[User]) -> dict[int, int]:
    """{user id: sessions that have not expired}, in one query."""
    if not users:
        return {}
    return dict(db.session.execute(
        db.select(UserSession.user_id, db.func.count(UserSession.id))
        .where(UserSession.user_id.in_([user.id for user in users]), _live_session(utcnow()))
        .group_by(UserSession.user_id)).all())


def live_session_count(user: User) -> int:
    return live_session_counts([user]).get(user.id, 0)


def pending_link(user: User) -> AccountToken | None:
    """The user's newest link if it still opens (unused and unexpired)."""
    link = db.session.scalar(
        db.select(AccountToken).where(AccountToken.user_id == user.id)
        .options(joinedload(AccountToken.created_by))
        .order_by(AccountToken.id.desc()).limit(1))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def memberships(user: User) -> list[Membership]:
    return list(db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id)
        .options(joinedload(Membership.campaign))))


#: How the trail names the actions and fields of an account.
ACTION_LABELS = {
    "create": "created", "update": "changed", "invite_link": "invitation link made",
    "reset_link": "reset link made", "disable": "disabled", "enable": "re-enabled",
    "sign_out": "signed out everywhere", "accept_invite": "accepted the invitation",
    "reset_password": "set a new password through a reset link",
}
FIELD_LABELS = {"expires_at": "link valid until", "sessions_ended": "sessions ended",
                "active": "may sign in"}


@dataclass
class Trail:
    rows: list[AuditRow]
    truncated: bool


def audit_trail(user: User, zone: ZoneInfo, limit: int = AUDIT_LIMIT) -> Trail:
    """What was done to this account, newest first: who, when, what, old → new (times in
    `zone`)."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.entity_type == User.__tablename__, AuditEvent.entity_id == user.id)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)).all()

    def shown(field: str, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if field == "role":
            member = Role.parse(value)
            return member.label if member else str(value)
        if field == "expires_at":
            return show_datetime(datetime.fromisoformat(value), zone)
        return str(value)

    rows = [
        AuditRow(
            at=event.at,
            who=event.user.name if event.user else "command line",
            action=ACTION_LABELS.get(event.action, event.action.replace("_", " ")),
            record="Account",
            changes=[(FIELD_LABELS.get(field, field.replace("_", " ")),
                      shown(field, values[0]), shown(field, values[1]))
                     for field, values in (event.changes or {}).items()],
        )
        for event in events[:limit]
    ]
    return Trail(rows, len(events) > limit)


def account(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def campaign(campaign_id: int) -> Campaign | None:
    """The campaign an invitation adds the new user to (the form offers only the inviting
    admin's own campaigns), or None."""
    return db.session.get(Campaign, campaign_id)
