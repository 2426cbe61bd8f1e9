"""Dates in the user's terms, Markdown, and the helpers every template can call."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user

from app import clock, markdown
from app.access import ROLE_RANK, has_role, user_campaigns
from app.clock import Clock
from app.models import Channel, JobStatus, Level, ObjectionStatus, Role, Stance

#: The zone a job or command renders in (the asker's), set by `in_zone`.
_zone: ContextVar[str | None] = ContextVar("zone", default=None)


@contextmanager
def in_zone(name: str | None):
    """Dates shown and read inside this block are in the zone `name` (None: the default).
    For work done outside a request on someone's behalf: a job, a command."""
    token = _zone.set(name)
    try:
        yield
    finally:
        _zone.reset(token)


def user_zone() -> ZoneInfo:
    """The zone the current user reads and types dates in (or `in_zone`'s, outside a
    request)."""
    name = (
        _zone.get()
        or (getattr(current_user, "timezone", None) if has_request_context() else None)
        or current_app.config["DEFAULT_TIMEZONE"]
    )
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return ZoneInfo("UTC")


def user_clock(now: datetime | None = None) -> Clock:
    """The current user's clock (or `in_zone`'s, outside a request), to pass to logic:
    views, commands and jobs build it once."""
    return Clock.at(user_zone(), now)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(user_zone())


def from_local(naive: datetime) -> datetime:
    """A wall-clock time the user typed, as an aware UTC datetime."""
    return clock.from_local(naive, user_zone())


def today_local() -> date:
    return datetime.now(user_zone()).date()


def format_datetime(moment: datetime | None, style: str = clock.DATETIME_STYLE) -> str:
    return clock.show_datetime(moment, user_zone(), style)


def format_date(day: date | datetime | None, style: str = clock.DATE_STYLE) -> str:
    return clock.show_date(day, user_zone(), style)


def days_ago(moment: datetime | date | None) -> str:
    """'today', 'yesterday', '12 days ago'; '' for None."""
    if moment is None:
        return ""
    day = to_local(moment).date() if isinstance(moment, datetime) else moment
    delta = (today_local() - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if delta < 0:
        return f"in {-delta} days"
    return f"{delta} days ago"


def query_args() -> dict[str, list[str]]:
    """The current query string, safe to pass to url_for as keyword arguments."""
    path_args = set(request.url_rule.arguments) if request.url_rule else set()
    # A query key named like url_for's own options (_external, _scheme, _anchor, _method)
    # or like a path argument (slug, ids) would steer where the link points, or fail.
    return {
        key: values for key, values in request.args.to_dict(flat=False).items()
        if not key.startswith("_") and key not in path_args
    }


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None drops one): for sorting,
    filters and pagination links that keep the rest of the view."""
    args = query_args()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date=format_date,
        days_ago=days_ago,
        markdown=markdown.render,
        local_iso=lambda moment: to_local(moment).strftime("%Y-%m-%dT%H:%M") if moment else "",
    )
    app.jinja_env.globals.update(
        Stance=Stance,
        JobStatus=JobStatus,
        Level=Level,
        Role=Role,
        Channel=Channel,
        ObjectionStatus=ObjectionStatus,
        has_role=has_role,
        ROLE_RANK=ROLE_RANK,
        url_with=url_with,
        query_args=query_args,
    )

    @app.context_processor
    def header_context():
        if not has_request_context() or not current_user.is_authenticated:
            return {}
        return {
            "my_campaigns": user_campaigns(current_user),
            "campaign": g.get("campaign"),
            "campaign_role": g.get("campaign_role"),
        }
