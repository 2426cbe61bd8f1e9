"""User Markdown to safe HTML: CommonMark, then an allow-list sanitiser."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul", "del", "s",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render(text: str | None) -> Markup:
    """Markdown as HTML with no script, no event handlers and only http(s)/mailto links."""
    html = _markdown.render(text or "")
    # nh3 keeps only ALLOWED_TAGS/ATTRIBUTES and safe URL schemes, so the result is safe HTML.
    return Markup(  # nosec B704
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def plain(text: str | None) -> str:
    """Markdown reduced to its words, for previews and word counts."""
    return nh3.clean(_markdown.render(text or ""), tags=set()).strip()
