"""Users: creation, sign-in checks, passwords, disabling."""

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.auth.passwords import normalise
from app.auth.sessions import end_sessions
from app.errors import RequestError
from app.extensions import db
from app.models import Role, User, UserSession
from app.models.base import utcnow


class UserError(RequestError):
    """A user operation refused, with a message for the person who asked."""


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=email.strip().lower()))


#: The password_hash of an invited user who has not chosen a password yet: no password
#: matches it, so the account cannot sign in until its invitation link is used.
NO_PASSWORD = ""
#: The password_hash of a user restored from a backup made without credentials (app/backup):
#: no password matches it either, so the account cannot sign in until a reset link is used.
RESTORED_WITHOUT_PASSWORD = "!restored-without-password"


def new_user(email: str, name: str, role: Role) -> User:
    """A user not yet in the session and without a password; refuses bad emails and names
    and duplicates."""
    email, name = email.strip().lower(), name.strip()
    if len(email) > 254:
        raise UserError("The email is longer than 254 characters.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise UserError(f"“{email}” is not an email address.") from None
    if not name:
        raise UserError("Give the user's name (--name).")
    if len(name) > 120:
        raise UserError("The name is longer than 120 characters.")
    if find_user(email) is not None:
        raise UserError(f"A user with email {email} already exists.")
    return User(email=email, name=name, role=role, password_hash=NO_PASSWORD)


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """A new user with a hashed password; refuses bad emails and names, duplicates and short
    passwords."""
    user = new_user(email, name, role)
    try:
        user.set_password(password)
    except ValueError as error:
        raise UserError(str(error)) from error
    db.session.add(user)
    db.session.flush()
    return user


@cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_user(email)
    if user is None or user.password_hash in (NO_PASSWORD, RESTORED_WITHOUT_PASSWORD):
        # Hash anyway: a quick answer would tell which emails have an account (or an
        # invitation not yet accepted).
        check_password_hash(_stand_in_hash(), normalise(password))
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def replace_password(user: User, password: str, *, by: User | None,
                     keep: UserSession | None = None) -> int:
    """Give `user` a new password and end every session of theirs but `keep`; audited on
    the user (without the password) as done by `by` (None: from the shell). Raises
    UserError with the policy's words for a refused password; returns the sessions ended."""
    try:
        user.set_password(password)
    except ValueError as error:
        raise UserError(str(error)) from error
    ended = end_sessions(user, keep=keep)
    audit.record(user, "password", {"password": [None, "changed"], "sessions_ended": [None, ended]},
                 user=by)
    return ended
