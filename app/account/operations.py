"""What the Account page changes: the user's own password, sessions and time zone. Each
change is audited as an event on the user (never with the password)."""

from app import audit
from app.account.queries import device_name
from app.auth.operations import UserError, replace_password
from app.auth.sessions import current_session, end_session, end_sessions, start_session
from app.errors import OperationError
from app.models import User, UserSession


class AccountError(OperationError):
    """A change refused, with the form field it is about and a message for the user."""


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Set a new password after checking the current one; every other session of the user
    ends. Returns how many ended. The caller then rotates this device's session."""
    if not user.check_password(current_password):
        raise AccountError("current_password", "That is not your current password.")
    try:
        return replace_password(user, new_password, by=user, keep=current_session())
    except UserError as error:
        raise AccountError("new_password", str(error)) from error


def rotate_session(user: User) -> bool:
    """Replace this device's session with a new one, so that a copy of its cookies taken
    before now opens nothing; returns whether it is a "keep me signed in" session."""
    old = current_session()
    remember = bool(old and old.remember)
    if old is not None:
        end_session(old)
    start_session(user, remember=remember)
    return remember


def end_device_session(user: User, user_session: UserSession) -> None:
    """Sign one of the user's devices out."""
    audit.record(user, "end_session", {"session": [{
        "id": user_session.id,
        "device": device_name(user_session.user_agent),
        "address": user_session.address,
        "signed_in_at": audit.jsonable(user_session.created_at),
    }, None]}, user=user)
    end_session(user_session)


def end_other_sessions(user: User) -> int:
    """Sign the user out everywhere but this device; returns how many sessions ended."""
    ended = end_sessions(user, keep=current_session())
    if ended:
        audit.record(user, "end_sessions", {"sessions_ended": [None, ended]}, user=user)
    return ended


def set_time_zone(user: User, timezone: str | None) -> dict:
    """The zone the user reads and types dates in (None: the app's default)."""
    return audit.change(user, {"timezone": timezone or None}, user=user)
