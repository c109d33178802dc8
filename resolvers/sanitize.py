"""Rich text bodies are stored as sanitized HTML: an allow-list of tags and attributes (nh3)."""

from __future__ import annotations

import html as _html
import re

import nh3

_BLOCK_END = re.compile(r"(</(?:p|h\d|li|div|blockquote|td|th|tr|figcaption)>|<br\s*/?>)", re.I)

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "table", "thead",
    "tbody", "tr", "th", "td", "caption", "hr", "span", "div", "pre", "code",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"class"},
}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """Text content of a body, for search and summaries."""
    text = nh3.clean(_BLOCK_END.sub(r"\1 ", html or ""), tags=set(), attributes={})
    return " ".join(_html.unescape(text).split())
