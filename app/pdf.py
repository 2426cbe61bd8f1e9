"""PDF documents: the one place that calls WeasyPrint.

`render_pdf(template, **context)` renders a Jinja template (one that extends
`print/base.html`) to HTML and then to PDF. Everything the document refers to goes
through `StaticOnlyFetcher`: files under the app's static folder and `data:` URLs are
served, everything else (other local files, any http(s) address, ftp, ...) is refused
without opening a file or a socket, and WeasyPrint renders on without that resource.
Print templates therefore refer to static files by relative path (`img/logo.png`), which
resolves against the static folder.

Work is bounded: HTML over `PDF_MAX_HTML_BYTES` is refused before layout, documents over
`PDF_MAX_PAGES` pages are refused before writing, and a render still running after
`PDF_TIMEOUT_SECONDS` is stopped (by a timer signal where the render runs on a process's
main thread, as in a job worker or a command; elsewhere it is refused when it ends). At
most `PDF_CONCURRENCY` renders run at once on one machine: each takes one of that many
lock files (`fcntl`), shared by every process on the machine, and waits for a free one.
The same input gives the same bytes: the PDF carries a creation date only when the
template sets one from its context.
"""

import fcntl
import hashlib
import logging
import mimetypes
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

DEFAULT_MAX_PAGES = 200

log = logging.getLogger(__name__)


class PdfError(Exception):
    """A document could not be made; the message is written for the person who asked."""


class PdfTimeout(PdfError):
    """The render ran past PDF_TIMEOUT_SECONDS and was stopped."""


class RefusedResource(ValueError):
    """A URL the PDF renderer will not fetch. WeasyPrint treats it as a missing resource."""


class StaticOnlyFetcher(URLFetcher):
    """Serves files under `root` and `data:` URLs; refuses everything else."""

    def __init__(self, root: str | Path):
        super().__init__(timeout=1, allowed_protocols=("file", "data"))
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """The resource at `url`, or RefusedResource for anything outside the static folder."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            try:
                # Decodes in memory: DataHandler is urllib's data: opener, no I/O at all.
                with DataHandler().data_open(Request(url)) as response:
                    body = response.read()
                    content_type = response.headers.get("Content-Type", "text/plain")
            except (ValueError, TypeError) as error:
                raise RefusedResource(f"malformed data: URL ({error})") from error
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if scheme == "file":
            path = self._static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        log.warning("PDF render refused %s: only static files and data: URLs", url[:200])
        raise RefusedResource(f"not fetched: {url[:200]} (only static files and data: URLs)")

    def _static_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"not fetched: {url[:200]} (remote file URL)")
        # resolve() follows symlinks and removes '..', so the check below sees the real place.
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            log.warning("PDF render refused %s: outside the static folder", url[:200])
            raise RefusedResource(f"not fetched: {url[:200]} (outside the static folder)")
        return path


def render_pdf(template_name: str, **context) -> bytes:
    """The template rendered with `context`, as PDF bytes; PdfError when it cannot be."""
    config = current_app.config
    created = _w3c_date(context.get("document_date"))
    html = render_template(template_name, pdf_created=created, **context)
    size = len(html.encode("utf-8"))
    limit = config["PDF_MAX_HTML_BYTES"]
    if size > limit:
        raise PdfError(
            f"This document is too long to print ({_megabytes(size)} of content; the limit "
            f"is {_megabytes(limit)}). Narrow it down, for example to fewer attendees."
        )

    static = Path(current_app.static_folder).resolve()
    limit_seconds = config["PDF_TIMEOUT_SECONDS"]
    too_slow = (f"Laying out this document took longer than the {limit_seconds}-second "
                "limit, so it was stopped. Narrow it down and try again.")
    with render_slot(config["PDF_CONCURRENCY"], limit_seconds):
        started = time.monotonic()
        with time_limit(limit_seconds, too_slow):
            document = HTML(
                string=html,
                base_url=static.as_uri() + "/",
                url_fetcher=StaticOnlyFetcher(static),
                media_type="print",
            ).render()
            max_pages = config.get("PDF_MAX_PAGES", DEFAULT_MAX_PAGES)
            if len(document.pages) > max_pages:
                raise PdfError(
                    f"This document would run to {len(document.pages)} pages; the limit is "
                    f"{max_pages}. Narrow it down and try again."
                )
            pdf = document.write_pdf()
        if time.monotonic() - started > limit_seconds:
            raise PdfTimeout(too_slow)
    return pdf


@contextmanager
def time_limit(seconds: float, message: str):
    """Stop the block with PdfTimeout after `seconds`, where a timer signal can reach it:
    on the main thread of a process (job workers, commands, gunicorn's sync workers).
    Elsewhere the block runs to its end and the caller checks the time afterwards."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expired(signum, frame):
        raise PdfTimeout(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _slot_folder() -> Path:
    """One folder of lock files per app on this machine (by its instance folder)."""
    tag = hashlib.sha256(current_app.instance_path.encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"groundswell-pdf-slots-{tag}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextmanager
def render_slot(slots: int, wait_seconds: float):
    """Hold one of `slots` machine-wide render slots for the block; PdfError when none
    frees up within `wait_seconds`."""
    folder = _slot_folder()
    deadline = time.monotonic() + max(wait_seconds, 1)
    while True:
        for number in range(max(slots, 1)):
            handle = open(folder / f"slot-{number}.lock", "a+b")  # noqa: SIM115 (held below)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise PdfError("Too many documents are being made right now. Try again in a minute.")
        time.sleep(0.05)


def _w3c_date(moment: date | datetime | None) -> str | None:
    """`moment` as the W3C date WeasyPrint reads from <meta name=dcterms.created>."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"
