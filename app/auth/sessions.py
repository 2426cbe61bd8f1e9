"""Sign-in sessions kept on the server, so that signing out, a password change, disabling
an account and "sign out everywhere" end them at once on every worker and server.

Flask-Login keeps `User.get_id()` in the session cookie and, for "keep me signed in", in
the remember-me cookie. Here that id is a random per-sign-in token whose hash names a
`UserSession` row: when the row is gone, both cookies name nothing and the request is
anonymous, whatever copy of them an attacker kept.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import User, UserSession
from app.models.base import utcnow

#: How often a session's last_seen_at is written: idle time is measured to the minute
#: without a write on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expires_at(user_session: UserSession) -> datetime:
    config = current_app.config
    if user_session.remember:
        return user_session.created_at + config["REMEMBER_COOKIE_DURATION"]
    return user_session.last_seen_at + timedelta(minutes=config["SESSION_IDLE_MINUTES"])


def start_session(user: User, *, remember: bool) -> str:
    """A new session for `user` on this device; returns its token (set on user too)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user=user,
        token_hash=_digest(token),
        remember=remember,
        user_agent=request.user_agent.string[:200] if request else "",
        address=(request.remote_addr or "")[:64] if request else "",
    ))
    user.session_token = token
    return token


def load_user(token: str) -> User | None:
    """The active user whose live session `token` names, or None (Flask-Login's loader).

    One query: the session row with its user. An expired session is deleted here.
    """
    found = db.session.execute(
        db.select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    user_session, user = found
    now = utcnow()
    if not user.active or _expires_at(user_session) <= now:
        write_apart(db.delete(UserSession).where(UserSession.id == user_session.id))
        return None
    if now - user_session.last_seen_at >= TOUCH_EVERY:
        write_apart(db.update(UserSession).where(UserSession.id == user_session.id)
                     .values(last_seen_at=now))
        set_committed_value(user_session, "last_seen_at", now)
    user.session_token = token
    g.user_session = user_session
    return user


def write_apart(*statements) -> None:
    """Run bookkeeping in its own short transaction: the request's session is left as it
    was (nothing it loaded is expired, and a GET still writes nothing of the user's), and
    what it writes stays even when the request is refused and rolled back."""
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(statement)


def current_session() -> UserSession | None:
    """The session row of the signed-in request, if any."""
    return g.get("user_session")


def end_session(user_session: UserSession) -> None:
    """Sign one device out."""
    db.session.delete(user_session)
    db.session.flush()


def end_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """Sign `user` out everywhere (but the `keep` session); returns how many ended."""
    query = db.delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query).rowcount


def active_sessions(user: User) -> list[UserSession]:
    """The user's sessions that have not expired, most recently used first."""
    now = utcnow()
    sessions = db.session.scalars(
        db.select(UserSession).where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc())
    )
    return [user_session for user_session in sessions if _expires_at(user_session) > now]
