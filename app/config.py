"""Configuration defaults; every value can be overridden from the environment."""

import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where a built wheel carries templates/, migrations/ and case_studies/ (see setup.py).
BUNDLED = Path(__file__).resolve().parent / "_project"
#: Flask's instance folder: instance/ in a checkout, <prefix>/var/app-instance when installed.
INSTANCE = ROOT / "instance" if not BUNDLED.is_dir() else Path(sys.prefix) / "var" / "app-instance"


def project_folder(name: str) -> Path:
    """templates/, migrations/ or case_studies/: the checkout's, or the wheel's copy."""
    return BUNDLED / name if BUNDLED.is_dir() else ROOT / name


class Config:
    """Defaults for a developer's machine: SQLite under instance/."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'groundswell.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: Seconds to wait for a new PostgreSQL connection before the request (or /healthz) fails.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    #: Least severe log records written (JSON lines on stderr): DEBUG, INFO, WARNING, ERROR.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    #: "https" when served over HTTPS: external URLs use it, and (as SESSION_COOKIE_SECURE
    #: does) it turns on Strict-Transport-Security.
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    REMEMBER_COOKIE_HTTPONLY = True
    # "Keep me signed in" outlives the session cookie: it must be no easier to send or steal.
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: and no longer-lived than a fortnight of meetings (Flask-Login's default is a year).
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    #: A session not used for this long ends on the server ("keep me signed in" sessions
    #: instead end REMEMBER_DAYS after sign-in).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", str(8 * 60)))
    #: Failed sign-ins allowed within LOGIN_WINDOW_MINUTES for one email address typed
    #: (an account or not) and from one client address; the next try answers 429. The
    #: counts live in the database, so every worker and server shares them.
    LOGIN_ACCOUNT_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_LIMIT", "10"))
    #: High enough that one person's typos do not lock out their whole office.
    LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "100"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LOGIN_WINDOW_MINUTES", "5"))
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to believe;
    #: 0 ignores those headers (anyone can forge them).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: Dates and times are stored in UTC and shown in this zone unless the user picks one.
    DEFAULT_TIMEZONE = os.environ.get("GROUNDSWELL_TIMEZONE", "Europe/London")
    #: Bootstrap's CSS and JS come from the Bootstrap-Flask package, never a CDN.
    BOOTSTRAP_SERVE_LOCAL = True
    PER_PAGE = 50
    #: Largest request body (CSV imports, up to 4 MB, are the biggest); more answers 413.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(5 * 1024 * 1024)))
    CASE_STUDIES_DIR = os.environ.get("CASE_STUDIES_DIR", str(project_folder("case_studies")))
    #: Wall-clock limit for one PDF render: a render still running is stopped, and fails
    #: with a clear error (in a job worker or a command; see app/pdf.py).
    PDF_TIMEOUT_SECONDS = int(os.environ.get("PDF_TIMEOUT_SECONDS", "60"))
    #: Longest document, in pages; a longer one fails with a clear error before it is written.
    PDF_MAX_PAGES = int(os.environ.get("PDF_MAX_PAGES", "200"))
    #: PDF renders at once on one machine (each holds a CPU); more wait for a free slot.
    PDF_CONCURRENCY = int(os.environ.get("PDF_CONCURRENCY", str(os.cpu_count() or 1)))
    #: The task queue's storage: a SQLite file for one machine, Redis for several.
    JOBS_URL = os.environ.get("JOBS_URL", f"sqlite:///{INSTANCE / 'jobs.sqlite3'}")
    #: Job worker processes `flask jobs work` starts (and `make run`/`make serve` beside it).
    JOB_WORKERS = int(os.environ.get("JOB_WORKERS", "2"))
    PDF_MAX_HTML_BYTES = int(os.environ.get("PDF_MAX_HTML_BYTES", str(5 * 1024 * 1024)))
    #: The address people open Groundswell at, e.g. https://groundswell.example.org: invite
    #: and reset links made on the command line or sent by email start with it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    #: Invite and reset links are emailed only when MAIL_SERVER is set (Flask-Mailman, SMTP).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "groundswell@localhost")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
