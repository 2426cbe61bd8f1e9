"""PDF documents: the one place that calls WeasyPrint.

`render_pdf(template, **context)` renders a Jinja template (one that extends
`print/base.html`) to HTML and then to PDF. Everything the document refers to goes
through `StaticOnlyFetcher`: files under the app's static folder and `data:` URLs are
served, everything else (other local files, any http(s) address, ftp, ...) is refused
without opening a file or a socket, and WeasyPrint renders on without that resource.
Print templates therefore refer to static files by relative path (`img/logo.png`), which
resolves against the static folder.

Work is bounded: HTML over `PDF_MAX_HTML_BYTES` is refused before layout, documents over
`PDF_MAX_PAGES` pages are refused before writing, and a layout that took longer than
`PDF_TIMEOUT_SECONDS` is not written. The same input gives the same bytes: the PDF
carries a creation date only when the template sets one from its context.
"""

import logging
import mimetypes
import time
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
    started = time.monotonic()
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
    elapsed = time.monotonic() - started
    if elapsed > config["PDF_TIMEOUT_SECONDS"]:
        raise PdfError(
            f"Laying out this document took {elapsed:.0f} seconds, longer than the "
            f"{config['PDF_TIMEOUT_SECONDS']}-second limit. Narrow it down and try again."
        )
    return document.write_pdf()


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
