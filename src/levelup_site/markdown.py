"""The one configured Markdown renderer, with an allowlist sanitiser after it.

Authors preview their case studies on GitHub, so the site renders Markdown the way GitHub
does: cmark-gfm (through cmarkgfm) with GitHub's extensions, and GitHub's heading ids, each
prefixed `user-content-` so that a body can never take an id the page's own template uses.
Case studies come from pull requests by people we do not know and the site is published
under a council's name, so everything cmark-gfm produces is then cleaned with nh3 (the
ammonia sanitiser): only the tags and attributes listed here survive, and only http(s),
mailto and relative links. `render_with_notes` also says what the cleaning took away, with
the line of the Markdown it came from, so that an author can be told.

cmark-gfm works in time linear in the length of the text, and so does everything here that
reads its output: regular expressions without nested repetition, and one forward scan.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

import nh3

from . import cmark
from .html_scan import Note, scan

__all__ = ["MarkdownRenderer", "Note", "RenderedMarkdown", "sanitise", "scrollable_tables"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "section", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "class", "aria-label", "aria-describedby"},
    "img": {"src", "alt", "width", "height"},
    "code": {"class"},
    "div": {"class"},
    "li": {"class"},
    "ol": {"start", "type", "reversed"},
    "section": {"class"},
    "span": {"role", "aria-label"},
    "sup": {"class"},
    "th": {"class", "colspan", "rowspan", "scope"},
    "td": {"class", "colspan", "rowspan"},
    "abbr": {"title"},
}
# Attributes kept only with one of these values; any other value drops the attribute.
ALLOWED_VALUES = {
    "dir": {"ltr", "rtl", "auto"},
    "type": {"1", "a", "A", "i", "I"},
    "role": {"img"},  # a task-list marker with its accessible name, see TASK_ITEM
}
URL_SCHEMES = {"http", "https", "mailto"}
ID_PREFIX = "user-content-"

# GitHub's extensions. tagfilter turns <script>, <style>, <iframe> and six others into text, as
# on GitHub; nh3 would remove them anyway, but an author then sees here what the preview shows.
EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter", "tasklist")
# UNSAFE lets raw HTML and every link through cmark-gfm, as GitHub does: without it cmark-gfm
# drops all raw HTML, so <kbd>, <sup> or <figure> could never be written, and it blanks links
# by a scheme blocklist of its own. It is safe only because every byte then goes through nh3,
# whose allowlist decides (render below never returns cmark-gfm's HTML uncleaned).
# SOURCEPOS marks each block with the lines it came from, for the notes; nh3 removes the marks.
OPTIONS = cmark.OPT_UNSAFE | cmark.OPT_FOOTNOTES | cmark.OPT_SOURCEPOS

# cmark-gfm aligns table columns with align="…", obsolete HTML; a class does the same job
# under the site's Content-Security-Policy, which forbids inline styles.
TABLE_ALIGN = re.compile(r' align="(left|right|center)"')
# A task-list item's disabled checkbox is a form control, which a case study may not contain
# (a screen reader announces a control the reader cannot use). A marker with a name says the same.
TASK_ITEM = re.compile(r'(<li\b[^>]*>)<input type="checkbox"( checked="")? disabled="" /> ')
TASK_MARKERS = ('<span role="img" aria-label="Not done">☐</span> ', '<span role="img" aria-label="Done">☑</span> ')
# Footnote references point at the (visually hidden) heading GitHub gives the footnotes.
FOOTNOTE_REF = " data-footnote-ref>"
FOOTNOTES = '<section class="footnotes">'
FOOTNOTES_LABEL = "user-content-footnote-label"
FOOTNOTES_HEADING = f'<h2 class="visually-hidden" id="{FOOTNOTES_LABEL}">Footnotes</h2>'

# In nh3's output every attribute is written name="value" with no " inside the value, and
# every < in text is escaped, so these read tags reliably.
ATTRIBUTES = r'(?: [^\s="]+="[^"]*")*'
HEADING = re.compile(rf"<h([1-6])({ATTRIBUTES})>(.*?)</h\1>", re.DOTALL)
ANY_TAG = re.compile(rf"</?[a-z][a-z0-9]*{ATTRIBUTES}\s*/?>")
START_TAG = re.compile(rf"<[a-z][a-z0-9]*{ATTRIBUTES}\s*/?>")
ID_REFERENCE = re.compile(r' (href="#|aria-describedby=")([^"]*)"')
# GitHub's rule: lower case, drop all but letters, digits, _, - and spaces, spaces to -.
NOT_IN_SLUG = re.compile(r"[^\w\- ]")


@dataclass(frozen=True)
class RenderedMarkdown:
    """Safe HTML for one Markdown text, and what the sanitiser changed in it, in text order."""

    html: str
    notes: tuple[Note, ...]


class MarkdownRenderer:
    """Markdown text in, safe HTML out. Holds no state between texts; one is reused."""

    def render(self, text: str) -> str:
        return self.render_with_notes(text).html

    def render_with_notes(self, text: str) -> RenderedMarkdown:
        raw = cmark.to_html(text, OPTIONS, EXTENSIONS)
        raw = TABLE_ALIGN.sub(r' class="align-\1"', raw)
        raw = TASK_ITEM.sub(lambda m: f'{m.group(1)}{TASK_MARKERS[bool(m.group(2))]}', raw)
        raw = raw.replace(FOOTNOTE_REF, ' data-footnote-ref aria-describedby="footnote-label">')
        scanned = scan(raw, text, ALLOWED_TAGS, ALLOWED_ATTRIBUTES, URL_SCHEMES)
        ids: set[str] = set()
        clean = sanitise(scanned.html, ids)
        if FOOTNOTES in clean:
            clean = clean.replace(FOOTNOTES, FOOTNOTES + FOOTNOTES_HEADING, 1)
            ids.add(FOOTNOTES_LABEL)
        clean = heading_ids(clean, ids)
        return RenderedMarkdown(scrollable_tables(link_to_prefixed_ids(clean, ids)), scanned.notes)


def sanitise(html_text: str, ids: set[str] | None = None) -> str:
    """Only allowlisted tags, attributes and URL schemes; every id prefixed, and added to `ids`."""
    found = set() if ids is None else ids

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            value = value if value.startswith(ID_PREFIX) else ID_PREFIX + value
            found.add(value)
            return value
        allowed = ALLOWED_VALUES.get(attribute)
        return value if allowed is None or value in allowed else None

    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def heading_ids(html_text: str, ids: set[str]) -> str:
    """Give each heading GitHub's id for its text, and make a body h1 an h2.

    The page template owns the only h1 (the title), so a `# Heading` in the body keeps its
    text as a heading one level down. A repeated heading gets -1, -2…, as on GitHub, and any
    id already taken in the body is skipped, so that no two elements share one.
    """
    repeats: dict[str, int] = {}  # the last suffix given to each id, so none is tried twice
    def with_id(match: re.Match) -> str:
        level = max(2, int(match.group(1)))
        attributes, inner = match.group(2), match.group(3)
        if ' id="' not in attributes:
            text = html.unescape(ANY_TAG.sub("", inner))
            base = ID_PREFIX + NOT_IN_SLUG.sub("", text.lower()).replace(" ", "-")
            slug, count = base, repeats.get(base, 0)
            while slug in ids:
                count += 1
                slug = f"{base}-{count}"
            repeats[base] = count
            ids.add(slug)
            attributes = f' id="{slug}"{attributes}'
        return f"<h{level}{attributes}>{inner}</h{level}>"

    return HEADING.sub(with_id, html_text)


def link_to_prefixed_ids(html_text: str, ids: set[str]) -> str:
    """Point `#fragment` links and aria-describedby at the prefixed ids they mean.

    GitHub does this in the browser with a script; here it is done once, at build time. A
    fragment that names no id of the body (`#main-content`, say) is left to mean the page's.
    """
    if '="#' not in html_text and "aria-describedby" not in html_text:
        return html_text

    def in_attribute(match: re.Match) -> str:
        target = unquote(html.unescape(match.group(2)))
        if not target.startswith(ID_PREFIX) and ID_PREFIX + target in ids:
            return f' {match.group(1)}{ID_PREFIX}{match.group(2)}"'
        return match.group(0)

    return START_TAG.sub(lambda tag: ID_REFERENCE.sub(in_attribute, tag.group(0)), html_text)


def scrollable_tables(html_text: str) -> str:
    """Put each table in a region that scrolls sideways on a narrow screen instead of
    widening the page, and that a keyboard can reach (WCAG 1.4.10 and 2.1.1)."""
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        return (f'<div class="table-scroll" role="region" tabindex="0" aria-label="Table {count}">'
                f"{match.group(0)}</div>")

    return re.sub(r"<table>.*?</table>", wrap, html_text, flags=re.DOTALL)
