"""People who sign in to Groundswell."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.passwords import MIN_PASSWORD_LENGTH, check_policy, normalise
from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow
from app.models.enums import Role, TokenPurpose

__all__ = ["MIN_PASSWORD_LENGTH", "User", "UserSession"]


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    #: Global role; `admin` sees every campaign, the others only those they are members of.
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.viewer)
    #: Disabled users cannot sign in; their records stay.
    active: Mapped[bool] = mapped_column(default=True)
    #: IANA zone the user reads and types dates in; None means the app's default.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )
    sessions: Mapped[list["UserSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    #: The sign-in this request runs under: its token is what Flask-Login keeps in the
    #: session and remember-me cookies (see get_id), so ending the session row ends both.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def set_password(self, password: str) -> None:
        """Hash `password`, normalised; ValueError (PasswordRefused) with the reason if the
        password policy (app/auth/passwords.py) refuses it."""
        self.password_hash = generate_password_hash(check_policy(password))

    def check_password(self, password: str) -> bool:
        """Whether `password`, in any Unicode form, is this user's.

        Hashes made before passwords were normalised are of the text as typed then: that
        text still matches, and the hash is replaced by one of the normalised form (the
        caller commits), so any form of the password signs in from then on.
        """
        normalised = normalise(password)
        if check_password_hash(self.password_hash, normalised):
            return True
        if normalised != password and check_password_hash(self.password_hash, password):
            self.password_hash = generate_password_hash(normalised)
            return True
        return False

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserSession(db.Model):
    """One sign-in on one device, kept on the server so that it can be ended.

    The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
    cannot be replayed as a cookie. Deleting the row signs that device out at once, on
    every worker and server.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "Keep me signed in": lasts REMEMBER_DAYS from sign-in instead of ending when idle.
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Refreshed at most once a minute, so that idle sessions can end.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What the user sees in their list of sessions to tell devices apart.
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(back_populates="sessions")


class AccountToken(db.Model):
    """A one-time link an admin hands out: `invite` lets a new user set their first password,
    `reset` lets someone who forgot theirs set a new one.

    Only the SHA-256 of the token is stored, so the database cannot be read for a working
    link. A link is good once, until `expires_at`, and only while it is the user's newest.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, length=12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the link sets a password; it then opens nothing.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The admin who made the link; None from the command line.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
