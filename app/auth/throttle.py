"""The sign-in throttle: failed sign-ins counted per email typed and per client address.

The counts are rows in the database, so every worker and every server behind a load
balancer sees the same ones with no extra service. A refused attempt (429) checks no
password and is not counted, so an attacker cannot stretch a lock-out past the window; a
successful sign-in erases nothing, so signing in to one's own account does not hide an
attack on others. Attempts already past `check` when the limit is reached still finish,
so a burst can overshoot by at most one attempt per request being served at once.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.models import SignInFailure
from app.models.base import utcnow

#: An address no column can hold is cut; it still counts against itself.
ADDRESS_LENGTH = SignInFailure.address.type.length


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is checked, and for how long."""

    message: str
    retry_after: int  #: seconds


def normalise_email(email: str) -> str:
    """The email as accounts store it, so "Ann@X.org " and "ann@x.org" count together."""
    return email.strip().lower()


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def _seconds_until_under(column: InstrumentedAttribute, value: str, limit: int,
                         now: datetime) -> int | None:
    """Seconds until `value` has fewer than `limit` failures in the window; None if it has."""
    # The limit-th most recent failure: while it is in the window, the limit is reached.
    oldest_counted = db.session.scalar(
        db.select(SignInFailure.failed_at)
        .where(column == value, SignInFailure.failed_at > now - _window())
        .order_by(SignInFailure.failed_at.desc())
        .limit(1)
        .offset(max(limit, 1) - 1)
    )
    if oldest_counted is None:
        return None
    return max(1, math.ceil((oldest_counted + _window() - now).total_seconds()))


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def check(email: str, address: str) -> Refusal | None:
    """A Refusal if this email or this address has failed too often lately, else None."""
    now = utcnow()
    config = current_app.config
    account_wait = _seconds_until_under(SignInFailure.email, normalise_email(email),
                                        config["LOGIN_ACCOUNT_LIMIT"], now)
    address_wait = _seconds_until_under(SignInFailure.address, address[:ADDRESS_LENGTH],
                                        config["LOGIN_ADDRESS_LIMIT"], now)
    if account_wait is None and address_wait is None:
        return None
    if (address_wait or 0) > (account_wait or 0):
        return Refusal(
            "Too many failed sign-ins from your network. "
            f"Try again in {_minutes(address_wait)}.", address_wait)
    return Refusal(
        "Too many failed sign-ins for this email address. "
        f"Try again in {_minutes(account_wait)}.", account_wait)


def record_failure(email: str, address: str) -> None:
    """Count one failed sign-in, and drop failures too old to count any more. The request
    that failed answers 4xx, so its view keeps this write with `transaction.keep_writes()`."""
    now = utcnow()
    db.session.execute(db.delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))
    db.session.add(SignInFailure(email=normalise_email(email)[:254],
                                 address=address[:ADDRESS_LENGTH], failed_at=now))
    db.session.flush()
