"""Structured logs: one JSON object per line on stderr, and one line per request.

`configure_logging(level)` sets up the `app` logger, which every module of the package
logs under (Flask's `app.logger` is that logger, `logging.getLogger(__name__)` anywhere in
`app/` is a child of it). Records propagate, so a test's log capture or an operator's
root handler still sees them; nothing outside `app` (gunicorn's own logs, libraries) is
reconfigured.

Every line written during a request carries its `request_id` and `user_id` (None when
nobody is signed in), added by `RequestContextFilter`. The request id is the caller's
`X-Request-ID` when that is a sane token, otherwise a new one; the response sends it back.
At the end of each request `log_request` writes one line: method, endpoint, route, path,
status and duration in milliseconds.

What is never logged: passwords, the text of notes, summaries or anything else a user
typed, a person's name, query strings (a search may be a name), and the token of a
one-time link (its path is logged as the route, `/welcome/<token>`).
"""

import hashlib
import logging
import logging.config
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request, request_started

#: An incoming X-Request-ID is kept only if it looks like an id a proxy or client makes
#: (a UUID, nginx's $request_id, ...): anything else is replaced, never logged.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
#: How much of a path that matched no route (a probe, a typo) is logged.
PATH_LIMIT = 200

requests_log = logging.getLogger("app.requests")


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the `app` logger, at `level` (LOG_LEVEL)."""
    name = level.strip().upper()
    if name not in logging.getLevelNamesMapping():
        raise ValueError(f"LOG_LEVEL={level!r} is not a level: use DEBUG, INFO, WARNING, "
                         "ERROR or CRITICAL.")
    logging.config.dictConfig({
        "version": 1,
        # Loggers made before this call (gunicorn's, libraries') keep working as they were.
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message"],
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request"],
            },
        },
        "loggers": {"app": {"handlers": ["stderr"], "level": name, "propagate": True}},
    })


class RequestContextFilter(logging.Filter):
    """Adds the request's id and signed-in user's id to every record logged during it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
            record.user_id = signed_in_user_id()
        return True


def signed_in_user_id() -> int | None:
    """The id of the user this request signed in as, if it has loaded one.

    Reads what Flask-Login already loaded (it keeps it in `g._login_user`) and never loads
    it: a static file, which needs no user, must not cost a query for the log line.
    """
    user = g.get("_login_user")
    if user is None or not user.is_authenticated:
        return None
    return user.id


def email_digest(email: str) -> str:
    """What a log says of an email typed at sign-in: the first 16 hex digits of the SHA-256
    of the address as accounts store it (trimmed, lower case). Attempts on one address
    group together; a password typed into the email field never reaches the log."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def start_request(sender: Flask, **extra) -> None:
    """Before anything else (even the URL value preprocessors that check campaign access):
    the request id and the clock."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def logged_path() -> str:
    """The path, except that a one-time link's token is replaced by its route."""
    rule = request.url_rule
    if rule is not None and "token" in rule.arguments:
        return rule.rule
    return request.path[:PATH_LIMIT]


def request_fields() -> dict:
    """Method, endpoint, route and path of this request, for a log record's `extra`."""
    rule = request.url_rule
    return {
        "method": request.method,
        "endpoint": request.endpoint,
        "route": rule.rule if rule is not None else None,
        "path": logged_path(),
    }


def log_request(response: Response) -> Response:
    """After everything else: send the request id back and log the request's one line."""
    request_id = g.get("request_id")
    if request_id is None:  # a request that failed before start_request ran
        return response
    response.headers["X-Request-ID"] = request_id
    duration = (time.perf_counter() - g.request_started) * 1000
    requests_log.info("request", extra={
        **request_fields(), "status": response.status_code, "duration_ms": round(duration, 1),
    })
    return response


def register_request_log(app: Flask) -> None:
    """Request ids and the per-request log line. The id is set when the request starts, so
    every hook logs with it; this after-request hook is registered before every other one,
    so it runs last (they run in reverse) and logs the final status."""
    request_started.connect(start_request, app)
    app.after_request(log_request)
