"""Groundswell: a campaign manager for evangelising a new way of working."""

import logging
import os
import secrets
from importlib import import_module
from importlib.util import find_spec

from flask import Flask, jsonify, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, project_folder
from app.extensions import bootstrap, csrf, db, login_manager, mail, migrate
from app.logs import configure_logging, register_request_log, request_fields, signed_in_user_id
from app.transaction import register_commit_point

#: Feature packages. A feature's `views` module has a blueprint `bp` (or a tuple
#: `blueprints`); its `cli` module, if any, a tuple `commands` of click commands.
FEATURES = (
    "auth",
    "account",
    "main",
    "campaigns",
    "stakeholders",
    "conversations",
    "objections",
    "followups",
    "case_studies",
    "briefings",
    "dashboard",
    "demo",
    "personal_data",
    "users",
    "jobs",
    "backup",
)

#: Scripts, fonts, images and requests come from this app alone, so injected markup cannot
#: run: every script is a file under a static folder (no inline script, no event-handler
#: attributes). Styles may be inline (<style> blocks, SVG charts' style attributes).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


#: Every status a Groundswell page answers with; each gets the styled error page
#: (templates/errors.html words it). 401, 409 and 410 are mostly pages of their own (the
#: sign-in form, an erasure refused, a used link), but an abort() with them looks the same.
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 500, 503)

#: Sent on every response when the app is served over HTTPS: browsers then refuse plain
#: HTTP to this host (and its subdomains) for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

log = logging.getLogger(__name__)


class Groundswell(Flask):
    """Flask, logging an unhandled exception as one structured record (with the request's
    id and user, and a one-time link's route rather than its token) instead of a message
    holding the raw path."""

    def log_exception(self, exc_info) -> None:
        self.logger.error("unhandled exception", exc_info=exc_info, extra=request_fields())


def _feature_modules(kind: str):
    for feature in FEATURES:
        name = f"app.{feature}.{kind}"
        if find_spec(name) is not None:
            yield import_module(name)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `test_config` on top."""
    app = Groundswell(
        __name__,
        instance_relative_config=True,
        template_folder=project_folder("templates"),
        static_folder="static",
    )
    app.config.from_object(Config)
    app.config.from_prefixed_env("GROUNDSWELL")
    if test_config:
        app.config.update(test_config)
    configure_logging(app.config["LOG_LEVEL"])
    if not app.config["SECRET_KEY"]:
        # Never a known value: a random key works for one process; sessions then end on
        # restart and are not shared between servers, so production sets SECRET_KEY.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        if not app.testing and os.environ.get("FLASK_RUN_FROM_CLI") != "true":
            app.logger.warning("SECRET_KEY is not set; using a random key for this process.")
    os.makedirs(app.instance_path, exist_ok=True)
    if hops := int(app.config["TRUSTED_PROXIES"]):
        # The client's address, scheme and host as the nearest `hops` proxies saw them;
        # without trusted proxies X-Forwarded-* is ignored, since anyone can send it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # First: every other hook runs inside the request's id, and its log line is the last.
    register_request_log(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commit_point(app)
    register_template_helpers(app)
    register_commands(app)
    register_jobs(app)
    return app


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # An unreachable PostgreSQL fails a request (and /healthz) within seconds instead of
        # after libpq's two-minute default.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {"connect_timeout": app.config["DATABASE_CONNECT_TIMEOUT"],
                                   **options.get("connect_args", {})}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(project_folder("migrations")))
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from app.auth.sessions import load_user

    login_manager.user_loader(load_user)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from flask_login import login_required

    from app.inputs import refuse_unstorable_input

    # First of all: input no column can hold is refused before any view or sign-in check.
    app.before_request(refuse_unstorable_input)
    for views in _feature_modules("views"):
        for blueprint in getattr(views, "blueprints", (views.bp,)):
            app.register_blueprint(blueprint)

    # Everything needs a signed-in user except what is marked public.
    public = {"auth.login", "main.healthz", "static", "bootstrap.static",
              "account_links.welcome", "account_links.reset"}

    @app.before_request
    def require_login():
        if request.endpoint in public or request.endpoint is None:
            return None
        return login_required(lambda: None)()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if served_over_https(app):
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        if keep_out_of_caches(response):
            response.headers["Cache-Control"] = "no-store"
        return response


def served_over_https(app: Flask) -> bool:
    """Whether the app is configured as served over HTTPS (so HSTS is sent)."""
    return (app.config["PREFERRED_URL_SCHEME"] == "https"
            or bool(app.config["SESSION_COOKIE_SECURE"]))


def keep_out_of_caches(response) -> bool:
    """Whether no browser or proxy may store the response: everything a signed-in user is
    shown and every download (CSV, PDF, personal data). Static files keep their caching."""
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static"):
        return False
    return signed_in_user_id() is not None or "Content-Disposition" in response.headers


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from app.pdf import PdfError

    def wants_json() -> bool:
        return request.accept_mimetypes.best == "application/json"

    def render_error(error, message: str | None = None, code: int | None = None):
        """The styled page for the error's status: the message the code gave when it gave
        one (abort(404, "...")), else the page's own words for that status."""
        code = code or getattr(error, "code", 500)
        # Werkzeug's stock descriptions are class attributes; one given to abort() is not.
        description = message or vars(error).get("description")
        if wants_json():
            return jsonify(error=description or getattr(error, "description", "")), code
        return render_template("errors.html", code=code, description=description), code

    for code in ERROR_STATUSES:
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.warning("CSRF check failed", extra={"reason": error.description})
        return render_error(
            error, "The form had expired or was not sent from Groundswell. Reload and try again."
        )

    @app.errorhandler(PdfError)
    def pdf_error(error):
        """A PDF that cannot be made answers 422 wherever it was asked for, with why."""
        db.session.rollback()
        log.warning("PDF not made", extra={"reason": str(error)})
        return render_error(error, str(error), 422)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(error)


def register_template_helpers(app: Flask) -> None:
    from app import formatting

    formatting.init_app(app)


def register_jobs(app: Flask) -> None:
    """The task queue, and each feature's job handlers (a `jobs` module's `handlers`,
    `undoers` for kinds that commit as they go, and the CSV `exports` it offers)."""
    from app.jobs import exports, queue, runner

    handlers, undoers, tables = dict(exports.handlers), {}, {}
    for module in _feature_modules("jobs"):
        handlers.update(module.handlers)
        undoers.update(getattr(module, "undoers", {}))
        tables.update(getattr(module, "exports", {}))
    app.extensions["job_handlers"] = handlers
    app.extensions["csv_exports"] = tables
    app.extensions["job_undoers"] = undoers
    queue.init_app(app, runner.run, runner.reap)


def register_commands(app: Flask) -> None:
    for cli in _feature_modules("cli"):
        for command in cli.commands:
            app.cli.add_command(command)
