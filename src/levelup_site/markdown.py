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
from .html_scan import ATTRIBUTE, Note, scan

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
# A site that allows embeds needs <iframe> to reach the sanitiser as a tag: tagfilter is left
# out, and nh3's allowlist alone removes the other eight (with a note each, from the scan).
EMBED_EXTENSIONS = tuple(name for name in EXTENSIONS if name != "tagfilter")
# What every kept embed gets, whatever its author wrote: it runs in a sandbox (its own origin's
# scripts, no top-level navigation, no forms or pop-ups), loads when scrolled to, and is told
# only the site's origin, not the page's address.
EMBED_ATTRIBUTES = {"sandbox": "allow-scripts allow-same-origin allow-presentation", "loading": "lazy",
                    "referrerpolicy": "strict-origin-when-cross-origin", "allowfullscreen": ""}
# An author's <iframe …> start tag, read as an HTML parser would (a quoted value may hold >).
IFRAME = re.compile(r"""<iframe\b((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?)*)\s*/?>""",
                    re.IGNORECASE)
EMBED_SOURCE = re.compile(r"https://([a-z0-9.-]+)(?::443)?(?:[/?#]|$)", re.IGNORECASE)
# `## Background {#background}`, as Python-Markdown and Pandoc write a heading's id: the last
# text of a heading, which cmark-gfm leaves as it is. The heading's start tag keeps its line.
HEADING_ATTRIBUTE = re.compile(r'<h([1-6])((?: data-sourcepos="(\d+):[^"]*")?)>(.*?)[ \t]*\{#([^{}<\n]*)\}</h\1>',
                               re.DOTALL)
EXPLICIT_ID = re.compile(r"[a-z0-9_-]+")
# In nh3's output: an image's src, whatever other attributes come before it.
INSECURE_IMAGE = re.compile(r'<img\b[^>]*? src="(http://[^"]*)"', re.IGNORECASE)
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
    """Markdown text in, safe HTML out. Holds no state between texts; one is reused.

    `embed_hosts` are the hosts a site allows embedded frames from (site.yaml's `embeds`);
    with none, no <iframe> ever survives."""

    def __init__(self, embed_hosts: tuple[str, ...] = ()) -> None:
        self.embed_hosts = tuple(host.lower() for host in embed_hosts)
        self.extensions = EMBED_EXTENSIONS if self.embed_hosts else EXTENSIONS
        self.tags, self.attributes = allowlist(self.embed_hosts)

    def render(self, text: str) -> str:
        return self.render_with_notes(text).html

    def render_with_notes(self, text: str) -> RenderedMarkdown:
        raw = cmark.to_html(text, OPTIONS, self.extensions)
        raw = TABLE_ALIGN.sub(r' class="align-\1"', raw)
        raw = TASK_ITEM.sub(lambda m: f'{m.group(1)}{TASK_MARKERS[bool(m.group(2))]}', raw)
        raw = raw.replace(FOOTNOTE_REF, ' data-footnote-ref aria-describedby="footnote-label">')
        notes: list[Note] = []
        raw = explicit_heading_ids(raw, notes)
        if self.embed_hosts:
            raw = checked_embeds(raw, text, self.embed_hosts, notes)
        scanned = scan(raw, text, self.tags, self.attributes, URL_SCHEMES)
        ids: set[str] = set()
        clean = sanitise(scanned.html, ids, self.embed_hosts)
        if FOOTNOTES in clean:
            clean = clean.replace(FOOTNOTES, FOOTNOTES + FOOTNOTES_HEADING, 1)
            ids.add(FOOTNOTES_LABEL)
        clean = heading_ids(clean, ids)
        insecure_images(clean, text, notes)
        ordered = sorted((*notes, *scanned.notes), key=lambda note: (note.line is None, note.line or 0))
        return RenderedMarkdown(scrollable_tables(link_to_prefixed_ids(clean, ids)), tuple(ordered))


def sanitise(html_text: str, ids: set[str] | None = None, embed_hosts: tuple[str, ...] = ()) -> str:
    """Only allowlisted tags, attributes and URL schemes; every id prefixed, and added to `ids`.
    With `embed_hosts`, an <iframe> from one of them is kept too, sandboxed."""
    found = set() if ids is None else ids

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            value = value if value.startswith(ID_PREFIX) else ID_PREFIX + value
            found.add(value)
            return value
        if tag == "iframe" and attribute == "src":
            return value if embed_host(value) in embed_hosts else None
        allowed = ALLOWED_VALUES.get(attribute)
        return value if allowed is None or value in allowed else None

    tags, attributes = allowlist(embed_hosts)
    return nh3.clean(
        html_text,
        tags=tags,
        attributes=attributes,
        attribute_filter=keep,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        set_tag_attribute_values={"iframe": EMBED_ATTRIBUTES} if embed_hosts else None,
    )


def allowlist(embed_hosts: tuple[str, ...]) -> tuple[set[str], dict[str, set[str]]]:
    """The tags and attributes kept: <iframe> with its src and title only where embeds are allowed."""
    if not embed_hosts:
        return ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    return ALLOWED_TAGS | {"iframe"}, {**ALLOWED_ATTRIBUTES, "iframe": {"src", "title"}}


def embed_host(address: str) -> str | None:
    """The host of an https address, in lower case; None for any other address."""
    match = EMBED_SOURCE.match(html.unescape(address).strip())
    return match.group(1).lower() if match else None


def checked_embeds(raw: str, text: str, hosts: tuple[str, ...], notes: list[Note]) -> str:
    """Each author's <iframe> written again with only its src and title, when it comes over
    https from one of `hosts` and says what it shows; otherwise taken out, with a note."""
    cursor = 0  # where the last iframe was found in the Markdown, so that each is found once

    def check(match: re.Match) -> str:
        nonlocal cursor
        found = {attribute.group(1).lower(): next((v for v in attribute.group(2, 3, 4) if v is not None), "")
                 for attribute in ATTRIBUTE.finditer(match.group(1)) if attribute.group(1)}
        source, title = found.get("src", ""), " ".join(html.unescape(found.get("title", "")).split())
        host = embed_host(source)
        if host in hosts and title:
            return f'<iframe src="{html.escape(html.unescape(source).strip())}" title="{html.escape(title)}"></iframe>'
        start = text.find(match.group(0).split("\n", 1)[0], cursor)
        line = text.count("\n", 0, start) + 1 if start >= 0 else None
        cursor = start + 1 if start >= 0 else cursor
        if host is None:
            why = "its src is not an https:// address"
        elif host not in hosts:
            why = f"{host} is not among the hosts site.yaml's `embeds` allows ({', '.join(hosts)})"
        else:
            why = "it has no title saying what it shows (screen readers announce the title)"
        notes.append(Note(line, f"removed <iframe> element: {why}"))
        return ""

    return IFRAME.sub(check, raw) if "<iframe" in raw.lower() else raw


def insecure_images(clean: str, text: str, notes: list[Note]) -> None:
    """A note for each image loaded over plain http://: a site published over https is
    not allowed to show it (browsers block such "mixed content"), so it would be missing
    from the page although the preview on GitHub, which proxies images, shows it."""
    cursor = 0
    for match in INSECURE_IMAGE.finditer(clean):
        address = html.unescape(match.group(1))
        start = text.find(address, cursor)
        cursor = start + 1 if start >= 0 else cursor
        notes.append(Note(text.count("\n", 0, start) + 1 if start >= 0 else None,
                          f"the image {address} will not show on the site: it is not loaded over https",
                          "use the image's https:// address, or add the image to static/images/"))


def explicit_heading_ids(raw: str, notes: list[Note]) -> str:
    """`## Background {#background}` gives the heading the id `background` (prefixed later,
    as every id is) and loses the `{#…}` text. An id that is not lowercase letters, digits,
    - and _, or that an earlier heading already took, is dropped with a note."""
    if "{#" not in raw:
        return raw
    taken: set[str] = set()

    def apply(match: re.Match) -> str:
        level, marks, line, inner, wanted = match.groups()
        at = int(line) if line else None
        wanted = html.unescape(wanted).strip()
        if not EXPLICIT_ID.fullmatch(wanted):
            notes.append(Note(at, f"removed {{#{wanted}}} from a heading: an id may hold only lowercase "
                                  "letters, digits, - and _"))
            return f"<h{level}{marks}>{inner}</h{level}>"
        if wanted in taken:
            notes.append(Note(at, f"removed {{#{wanted}}} from a heading: an earlier heading has that id"))
            return f"<h{level}{marks}>{inner}</h{level}>"
        taken.add(wanted)
        return f'<h{level} id="{wanted}"{marks}>{inner}</h{level}>'

    return HEADING_ATTRIBUTE.sub(apply, raw)


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
