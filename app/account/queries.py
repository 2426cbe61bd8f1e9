"""Reads for the Account page: the user's sign-in sessions, in words a person recognises."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import available_timezones

from app.auth.sessions import active_sessions
from app.extensions import db
from app.models import User, UserSession

#: (pattern in the User-Agent header, name). Order matters: Edge and Opera also say
#: "Chrome", and Chrome also says "Safari".
BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
    (r"^curl/", "curl"),
    (r"^python", "A Python script"),
)
SYSTEMS = (
    (r"iPhone", "an iPhone"),
    (r"iPad", "an iPad"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Mac OS X|Macintosh", "a Mac"),
    (r"Windows", "Windows"),
    (r"Linux|X11", "Linux"),
)


def device_name(user_agent: str) -> str:
    """'Firefox on Windows', 'Safari on an iPhone'... from a User-Agent header."""
    browser = next((name for pattern, name in BROWSERS if re.search(pattern, user_agent, re.I)),
                   None)
    system = next((name for pattern, name in SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    return "An unknown browser"


@dataclass(frozen=True)
class SessionRow:
    """One line of the user's list of sessions."""

    id: int
    device: str
    user_agent: str
    address: str
    signed_in_at: datetime
    last_seen_at: datetime
    remember: bool
    this_device: bool


def sessions_of(user: User, current: UserSession | None) -> list[SessionRow]:
    """The user's live sessions, this device first, then the most recently used."""
    rows = [
        SessionRow(
            id=user_session.id,
            device=device_name(user_session.user_agent),
            user_agent=user_session.user_agent,
            address=user_session.address,
            signed_in_at=user_session.created_at,
            last_seen_at=user_session.last_seen_at,
            remember=user_session.remember,
            this_device=current is not None and user_session.id == current.id,
        )
        for user_session in active_sessions(user)
    ]
    return sorted(rows, key=lambda row: not row.this_device)


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones this machine knows (Region/City, and UTC), sorted; read once."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def session_of(user: User, session_id: int) -> UserSession | None:
    """The user's own session with this id (None for anyone else's, or none)."""
    return db.session.scalar(
        db.select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
