"""One forward scan of cmark-gfm's HTML before it is sanitised, for two things.

Notes: what the sanitiser will take out, said to the author with its line. cmark-gfm copies
an author's raw HTML through unchanged and escapes every other <, so each tag in its output
is either its own or the author's. The scan reads the tags as an HTML parser would (attribute
values may hold > or <), checks them against the sanitiser's allowlist, and finds each
offending tag's text in the Markdown, starting from the lines cmark-gfm marks blocks with
(`data-sourcepos`).

Depth: the HTML parser inside the sanitiser takes time proportional to the depth of nesting
for each element, so 80,000 nested block quotes (`> > > …`, 160 KB) would take a minute.
Elements nested deeper than MAX_DEPTH lose their tags (their text stays), as browsers also
stop nesting at some depth; no real case study comes near it.

The scan never goes back, and a search in the Markdown never goes beyond the block it
belongs to, so the whole takes linear time.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    """One thing the sanitiser changed. `line` counts from 1 in the Markdown text rendered;
    None when the text could not be found there."""

    line: int | None
    message: str
    hint: str | None = None  # what to do, where the usual hint (the site shows only safe HTML) does not fit


# cmark-gfm's tagfilter writes these tags' < as &lt; and leaves the rest of the tag alone,
# where text would have its > escaped too: so "&lt;script" followed by a raw > is one.
FILTERED = "title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext"
TOKEN = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9-]*)|<!--|&lt;({FILTERED})(?=[\s/>])(?=[^<>&\n]*>)", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""[\s/]*([^\s"'<>/=][^\s"'>/=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
TAG_END = re.compile(r"[\s/]*>")
SOURCEPOS = re.compile(r'data-sourcepos="(\d+):\d+-(\d+):')
# Marks cmark-gfm puts on its own output for the sanitiser to drop; no author wrote them.
OWN_ATTRIBUTES = {"data-sourcepos", "data-footnotes", "data-footnote-ref", "data-footnote-backref",
                  "data-footnote-backref-idx"}
URL_ATTRIBUTES = {"href", "src"}
URL_START = re.compile(r"[\w+.\-:/]*")
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
IGNORED_BY_BROWSERS = re.compile(r"[\t\n\r]")


class _Lines:
    """Finds text in the Markdown, forwards from the block being read, never past its end."""

    def __init__(self, text: str, html_text: str) -> None:
        self.text, self.html = text, html_text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.code = (0, 0)  # the lines of the last code block, where a tag is only text
        self.enter(1, 1, 0)

    def enter(self, first: int, last: int, html_pos: int) -> None:
        """A block of lines first..last starts at html_pos in the HTML."""
        self.first, self.last, self.html_pos = first, last, html_pos
        self.cursor = self.offset(first)
        self.limit: int | None = None
        self.lost = False

    def offset(self, line: int) -> int:
        return self.starts[line - 1] if 1 <= line <= len(self.starts) else len(self.text)

    def find(self, needle: str) -> int | None:
        if self.lost or not needle:
            return None
        if self.limit is None:
            # Up to the next marked block, or the end of the text when there is none or it comes
            # from earlier lines (footnotes are written last, wherever they are defined).
            following = SOURCEPOS.search(self.html, self.html_pos)
            next_line = int(following.group(1)) if following else 0
            last = max(self.last, next_line) if next_line >= self.first else len(self.starts)
            self.limit = self.offset(last + 1)
        start = self.cursor
        while (found := self.text.find(needle, start, self.limit)) >= 0:
            line = bisect.bisect_right(self.starts, found)
            if not self.code[0] <= line <= self.code[1]:
                self.cursor = found
                return line
            start = found + 1
        self.lost = True  # once lost in a block, stay lost, so no block is searched twice
        return None


MAX_DEPTH = 100
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
        "source", "track", "wbr"}
# Start tags that end an open element of these kinds first, as an HTML parser does: raw HTML
# often leaves <li> or <p> unclosed, and such lists must not count as nesting.
ENDS = {"li": {"li", "p"}, "dt": {"dt", "dd", "p"}, "dd": {"dt", "dd", "p"}, "tr": {"tr", "td", "th"},
        "td": {"td", "th"}, "th": {"td", "th"}, "p": {"p"}}
ENDS.update({name: {"p"} for name in ("div", "ul", "ol", "dl", "blockquote", "table", "pre", "h1", "h2", "h3",
                                       "h4", "h5", "h6", "hr", "figure", "section")})


@dataclass(frozen=True)
class Scan:
    """The HTML with nesting cut to MAX_DEPTH, and the notes, in text order."""

    html: str
    notes: tuple[Note, ...]


class _Nesting:
    """Open elements, and which start and end tags to cut to keep the depth at MAX_DEPTH."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, bool]] = []  # (tag name, kept)
        self.open: dict[str, int] = {}
        self.depth = 0
        self.cuts: list[tuple[int, int]] = []

    def start(self, name: str, begin: int, end: int) -> None:
        while self.stack and self.stack[-1][0] in ENDS.get(name, ()):
            self._pop()
        if name in VOID:
            return
        kept = self.depth < MAX_DEPTH
        self.stack.append((name, kept))
        self.open[name] = self.open.get(name, 0) + 1
        self.depth += kept
        if not kept:
            self.cuts.append((begin, end))

    def end(self, name: str, begin: int, end: int) -> None:
        if not self.open.get(name):
            return  # a stray end tag: the parser ignores it
        while (popped := self._pop())[0] != name:
            pass
        if not popped[1]:
            self.cuts.append((begin, end))

    def _pop(self) -> tuple[str, bool]:
        name, kept = self.stack.pop()
        self.open[name] -= 1
        self.depth -= kept
        return name, kept

    def apply(self, html_text: str) -> str:
        if not self.cuts:
            return html_text
        parts, pos = [], 0
        for begin, end in self.cuts:
            parts.append(html_text[pos:begin])
            pos = end
        parts.append(html_text[pos:])
        return "".join(parts)


# In Markdown, what cmark-gfm may take for raw HTML: a tag name then a space, / or > (an
# autolink such as <https://…> or <name@example.org> is not one), a closing tag, a comment,
# a declaration or a processing instruction.
AUTHOR_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|[/!?])")
# A tag as cmark-gfm writes it: lower-case names, every value double-quoted with its " escaped.
OWN_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*(?:="[^"]*")?)*) ?/?>')
OWN_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)(?:="([^"]*)")?')


def scan(raw: str, text: str, tags: AbstractSet[str], attributes: Mapping[str, AbstractSet[str]],
         schemes: AbstractSet[str]) -> Scan:
    """Read `raw` (cmark-gfm's HTML for `text`) against the sanitiser's allowlist."""
    if _nothing_to_note(raw, text, tags, attributes, schemes):
        return Scan(raw, ())
    return full_scan(raw, text, tags, attributes, schemes)


def _nothing_to_note(raw: str, text: str, tags: AbstractSet[str], attributes: Mapping[str, AbstractSet[str]],
                     schemes: AbstractSet[str]) -> bool:
    """Whether the full scan would find nothing, told in a fraction of its time. Most case
    studies hold no raw HTML: then every tag in `raw` is cmark-gfm's own and well formed, and
    the full scan is needed only for a top-level heading, a tag, attribute or link scheme the
    allowlist refuses, or nesting deeper than MAX_DEPTH. Anything unexpected goes to it too."""
    if AUTHOR_HTML.search(text) or "<h1" in raw:
        return False
    depth = deepest = found = 0
    everywhere = attributes.get("*", set())
    for tag in OWN_TAG.finditer(raw):
        found += 1
        closing, name, written = tag.groups()
        if name not in tags:
            return False
        if closing:
            depth -= 1
            continue
        if name not in VOID:
            depth += 1
            deepest = max(deepest, depth)
        for key, value in OWN_ATTRIBUTE.findall(written):
            if key in OWN_ATTRIBUTES:
                continue
            if key not in everywhere and key not in attributes.get(name, ()):
                return False
            if key in URL_ATTRIBUTES and (scheme := _scheme(value)) and scheme not in schemes:
                return False
    return found == raw.count("<") and deepest <= MAX_DEPTH


def full_scan(raw: str, text: str, tags: AbstractSet[str], attributes: Mapping[str, AbstractSet[str]],
              schemes: AbstractSet[str]) -> Scan:
    """The scan tag by tag, with every note in its place."""
    lines = _Lines(text, raw)
    nesting = _Nesting()
    notes: list[Note] = []
    pos = 0
    while match := TOKEN.search(raw, pos):
        pos = match.end()
        if match.group(0) == "<!--":
            comment_end = raw.find("-->", pos)
            if comment_end < 0:
                break
            pos = comment_end + 3
            continue
        if match.group(3):
            name = match.group(3).lower()
            notes.append(Note(lines.find("<" + raw[match.start() + 4:pos]),
                              f"<{name}> is shown as text, as on GitHub: it cannot be used in a case study"))
            continue
        closing, name = match.group(1), match.group(2).lower()
        found = []
        while attribute := ATTRIBUTE.match(raw, pos):
            found.append(attribute)
            pos = attribute.end()
        if end := TAG_END.match(raw, pos):
            pos = end.end()
        if closing:
            nesting.end(name, match.start(), pos)
            continue
        nesting.start(name, match.start(), pos)
        marks = SOURCEPOS.search(raw, match.end(), pos)
        if marks:
            lines.enter(int(marks.group(1)), int(marks.group(2)), pos)
            if name == "pre":
                lines.code = (lines.first, lines.last)
        if name == "h1" or name not in tags:
            line = lines.first if marks else lines.find(raw[match.start():pos].split("\n", 1)[0])
        if name == "h1":
            notes.append(Note(line, "a top-level heading (#) is shown one level down (##): "
                                    "the page's title is its only top-level heading"))
        if name not in tags:
            notes.append(Note(line, f"removed <{name}> element"))
            continue
        allowed = attributes.get("*", set()) | attributes.get(name, set())
        for attribute in found:
            key = attribute.group(1).lower()
            value = next((v for v in attribute.group(2, 3, 4) if v is not None), "")
            if key in OWN_ATTRIBUTES:
                continue
            if key not in allowed:
                message = f"removed {key} attribute from <{name}>"
            elif key in URL_ATTRIBUTES and (scheme := _scheme(value)) and scheme not in schemes:
                message = f"removed {key} attribute from <{name}>: {scheme}: addresses are not allowed"
            else:
                continue
            # A Markdown link's address is written differently in the Markdown (escaped,
            # percent-encoded), but its first letters are the same.
            needle = URL_START.match(html.unescape(value)).group() if key in URL_ATTRIBUTES else ""  # type: ignore[union-attr]
            notes.append(Note(lines.find(needle or attribute.group(0).strip().split("\n", 1)[0]), message))
    if nesting.cuts:
        notes.append(Note(None, f"elements nested more than {MAX_DEPTH} deep were flattened"))
    return Scan(nesting.apply(raw), tuple(notes))


def _scheme(value: str) -> str | None:
    """The scheme a browser would see in a URL attribute's value."""
    cleaned = IGNORED_BY_BROWSERS.sub("", html.unescape(value)).strip("".join(map(chr, range(0x21)))).lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else None
