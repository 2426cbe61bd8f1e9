"""The PDF renderer: only static files and data: URLs are fetched, work is bounded, output
is deterministic and fonts are embedded. PDFs are read back with pypdf as a reader would."""

import base64
import io
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader

from app.pdf import PdfError, RefusedResource, StaticOnlyFetcher, render_pdf

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)
PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def static_dir(app, tmp_path):
    """A throwaway static folder with one image, and a secret file just outside it."""
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "dot.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    original = app.static_folder
    app.static_folder = str(static)
    yield static
    app.static_folder = original


@pytest.fixture
def templates(app):
    """Register in-memory templates for one test: templates({"name.html": source})."""
    original = app.jinja_env.loader

    def add(sources: dict[str, str]) -> None:
        app.jinja_env.loader = ChoiceLoader([DictLoader(sources), original])
        app.jinja_env.cache.clear()

    yield add
    app.jinja_env.loader = original
    app.jinja_env.cache.clear()


@pytest.fixture
def counting_server():
    """A local HTTP server that counts the requests it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def page_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def doc(body: str) -> str:
    return '{% extends "print/base.html" %}{% block content %}' + body + "{% endblock %}"


def test_foreign_resources_are_refused_and_the_render_goes_on(
    app, templates, static_dir, counting_server
):
    port, hits = counting_server
    templates({"t.html": doc(
        "<h1>Hostile document</h1>"
        '<img src="file:///etc/passwd">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/hostname">x</a>'
        f'<img src="http://127.0.0.1:{port}/x.png">'
        f'<img src="http://localhost:{port}/y.png">'
        f'<div style="background: url(http://127.0.0.1:{port}/bg.png)">bg</div>'
        '<img src="https://example.org/z.png">'
        '<img src="../secret.png">'
        '<img src="img/../../secret.png">'
        f"<style>@import url(http://127.0.0.1:{port}/s.css);"
        f" @font-face {{ font-family: Evil; src: url(http://127.0.0.1:{port}/f.ttf) }}"
        " p.evil { font-family: Evil }</style><p class=evil>font</p>"
        f'<object data="http://127.0.0.1:{port}/o.png" type="image/png"></object>'
        f'<svg width="10" height="10"><image href="http://127.0.0.1:{port}/s.png"'
        ' width="10" height="10"/></svg>'
    )})
    with app.test_request_context():
        pdf = render_pdf("t.html")
    reader = PdfReader(io.BytesIO(pdf))
    assert "Hostile document" in page_text(pdf)
    assert hits == []
    assert image_count(pdf) == 0
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf
    assert b"root:" not in pdf


def test_data_and_static_images_render(app, templates, static_dir):
    templates({"t.html": doc(f'<p>Images</p><img src="{PNG_DATA_URL}"><img src="img/dot.png">')})
    with app.test_request_context():
        pdf = render_pdf("t.html")
    assert image_count(pdf) == 2


def test_the_fetcher_serves_only_the_static_folder(static_dir, tmp_path):
    fetcher = StaticOnlyFetcher(static_dir)
    assert fetcher.fetch((static_dir / "img" / "dot.png").as_uri()).read() == PNG
    assert fetcher.fetch(PNG_DATA_URL).read() == PNG
    (static_dir / "link.png").symlink_to(tmp_path / "secret.png")
    for url in (
        "file:///etc/passwd",
        (static_dir / "img" / ".." / ".." / "secret.png").as_uri(),
        (static_dir / "link.png").as_uri(),
        (static_dir / "missing.png").as_uri(),
        static_dir.as_uri(),
        "file://otherhost" + str(static_dir / "img" / "dot.png"),
        "http://127.0.0.1:1/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
    ):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def test_html_over_the_limit_is_refused_before_layout(app, templates):
    app.config["PDF_MAX_HTML_BYTES"] = 200_000
    templates({"t.html": doc("{% for i in range(20000) %}<p>Paragraph {{ i }}</p>{% endfor %}")})
    started = time.monotonic()
    with app.test_request_context(), pytest.raises(PdfError, match="too long"):
        render_pdf("t.html")
    assert time.monotonic() - started < 2


def test_page_count_is_capped(app, templates):
    app.config["PDF_MAX_PAGES"] = 3
    pages = '{% for i in range(5) %}<p style="break-after: page">{{ i }}</p>{% endfor %}'
    templates({"t.html": doc(pages)})
    with app.test_request_context(), pytest.raises(PdfError, match="5 pages; the limit is 3"):
        render_pdf("t.html")


def test_same_input_gives_identical_bytes_with_a_fixed_date(app, templates):
    templates({"t.html": doc("<h1>{{ heading }}</h1><p>Body text.</p>")})
    when = datetime(2026, 3, 4, 9, 30)
    with app.test_request_context():
        first = render_pdf("t.html", heading="Same", document_date=when)
        time.sleep(1.1)
        second = render_pdf("t.html", heading="Same", document_date=when)
        undated = render_pdf("t.html", heading="Same")
        time.sleep(1.1)
        undated_again = render_pdf("t.html", heading="Same")
    assert first == second
    assert undated == undated_again
    assert PdfReader(io.BytesIO(first)).metadata.creation_date.date() == when.date()
    assert PdfReader(io.BytesIO(undated)).metadata.creation_date is None


def test_fonts_are_dejavu_and_embedded(app, templates):
    templates({"t.html": doc("<h1>Sans heading</h1><p>Serif body, <strong>bold</strong>.</p>")})
    with app.test_request_context():
        pdf = render_pdf("t.html")
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts, "no fonts in the PDF"
    assert all("DejaVu" in name for name in fonts), fonts
    assert all(fonts.values()), f"not embedded: {fonts}"
    assert any("Sans" in name for name in fonts) and any("Serif" in name for name in fonts)


def test_footer_numbers_pages_and_title_page_macro_is_reusable(app, templates):
    templates({"t.html": (
        '{% extends "print/base.html" %}{% from "print/base.html" import title_page %}'
        "{% block footer_text %}Footer campaign{% endblock %}"
        "{% block content %}{{ title_page('Executive briefing', kind='Briefing',"
        " audience='Executives', campaign='Intranet launch', date='4 March 2026',"
        " attendees=['Ada Lovelace', 'Alan Turing']) }}"
        "<h1>Inside</h1><p style='break-before: page'>Third page</p>{% endblock %}"
    )})
    with app.test_request_context():
        pdf = render_pdf("t.html")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    cover = " ".join(reader.pages[0].extract_text().split())
    for words in ("Executive briefing", "Executives", "Intranet launch", "4 March 2026",
                  "Alan Turing"):
        assert words in cover
    assert "Page 1 of" not in cover  # the cover carries no footer
    inside = " ".join(reader.pages[1].extract_text().split())
    assert "Page 2 of 3" in inside and "Footer campaign" in inside
