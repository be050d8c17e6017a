"""The one configured Markdown renderer, with an allowlist sanitiser after it.

Case studies come from pull requests by people we do not know, and the site is
published under a council's name, so the HTML Python-Markdown produces is cleaned
with nh3 (the ammonia sanitiser): only the tags and attributes ordinary Markdown
makes survive, and only http(s), mailto and relative links.
"""

from __future__ import annotations

import re

import markdown as _markdown
import nh3

EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}, "footnotes": {"BACKLINK_TITLE": "Back to reference %d"}}

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href", "class"},
    "img": {"src", "alt", "width", "height"},
    "code": {"class"},
    "div": {"class"},
    "li": {"class"},
    "ol": {"start"},
    "sup": {"class"},
    "th": {"class", "colspan", "rowspan", "scope"},
    "td": {"class", "colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Python-Markdown aligns table columns with inline styles, which the site's
# Content-Security-Policy blocks; a class does the same job.
TABLE_ALIGN = re.compile(r' style="text-align: ?(left|right|center);?"')


class MarkdownRenderer:
    """Markdown text in, safe HTML out. One instance is reused: building the
    Python-Markdown object is the expensive part, resetting it is cheap."""

    def __init__(self) -> None:
        self._md = _markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                                      output_format="html")

    def render(self, text: str) -> str:
        self._md.reset()
        html = self._md.convert(text)
        return scrollable_tables(sanitise(TABLE_ALIGN.sub(r' class="align-\1"', html)))


def scrollable_tables(html: str) -> str:
    """Put each table in a region that scrolls sideways on a narrow screen instead of
    widening the page, and that a keyboard can reach (WCAG 1.4.10 and 2.1.1)."""
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="Table {count}">'
                f"{match.group(0)}</div>")

    return re.sub(r"<table>.*?</table>", wrap, html, flags=re.DOTALL)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
