"""Hostile case studies, as a stranger's pull request might send them.

Every file in tests/hostile/ is built on its own into a fresh site. tests/hostile/expected.yaml
says what must happen: a SiteError with a located problem (never another exception, never a
traceback), or a build whose every page is free of active content (scripts, event handlers,
javascript:/vbscript:/data: URLs, frames, plugins, forms, styles, refreshes, base URLs).

The pages are checked by parsing them, as a browser would read them, not by searching the text:
tags and attribute names are case-folded, entities decoded, and URLs cleaned of the tabs,
newlines and control characters a browser ignores before its scheme is judged.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import case_study, front_matter_file
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build, check

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict] = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))


# --- reading the output as a browser would -----------------------------------------------------------

# Elements that run code, load other documents or plugins, submit data, restyle the page, or
# change how its URLs resolve. The site's own templates use none of them.
FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "form", "input",
    "button", "textarea", "select", "option", "style", "base", "svg", "math", "noscript", "template",
    "xmp", "plaintext", "listing", "noembed", "noframes", "portal", "audio", "video", "source", "track",
    "isindex", "keygen", "marquee",
}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "xlink:href", "background", "cite", "ping",
    "lowsrc", "dynsrc", "manifest", "codebase", "longdesc", "usemap", "profile", "icon", "archive", "classid",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction", "http-equiv"}
HEAD_LINK_RELS = {"canonical", "stylesheet", "alternate", "icon", "prev", "next"}
HEAD_META = {"viewport", "description", "twitter:card"}
# The site's own search and filter forms; inside a case study's text they are forbidden.
SITE_FORM_TAGS = {"form", "input", "button"}


def browser_url(value: str) -> str:
    """A URL as a browser's URL parser sees it before it looks for a scheme."""
    value = re.sub(r"[\t\n\r]", "", value)
    return value.strip("".join(chr(c) for c in range(0x21))).lower()


def url_scheme(value: str) -> str | None:
    match = re.match(r"([a-z][a-z0-9+.\-]*):", browser_url(value))
    return match.group(1) if match else None


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    csp_metas: int = 0


class SafetyParser(HTMLParser):
    """Collects every piece of active content in one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Findings()
        self.in_head = False
        self.in_site_script = False
        self.in_data_block = False
        self.site_scripts = 0
        self.prose_depth = 0  # >0 inside <div class="prose">, where a case study's own text goes

    def flag(self, message: str) -> None:
        self.found.problems.append(f"line {self.getpos()[0]}: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.in_site_script = False
            self.in_data_block = False
        if tag == "div" and self.prose_depth:
            self.prose_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_data_block:
            try:
                json.loads(data)
            except ValueError:
                self.flag(f"a JSON-LD block that is not JSON: {data[:60]!r}")
            if "<" in data or ">" in data:
                self.flag("a JSON-LD block with a raw < or >")
        elif self.in_site_script and data.strip():
            self.flag(f"inline script {data[:60]!r}")

    def check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag == "div" and (self.prose_depth or values.get("class") == "prose"):
            self.prose_depth += 1
        if tag == "script" and is_site_script(values):
            self.site_scripts += 1
            self.in_site_script = True
        elif tag == "script" and self.in_head and values == {"type": "application/ld+json"}:
            self.site_scripts += 1
            self.in_data_block = True
        elif tag in SITE_FORM_TAGS and not self.prose_depth:
            pass
        elif tag in FORBIDDEN_TAGS:
            self.flag(f"<{tag}> element")
        if tag == "title" and not self.in_head:
            self.flag("<title> outside <head>")
        if tag == "meta":
            equiv = values.get("http-equiv", "").strip().lower()
            if equiv == "content-security-policy" and self.in_head and set(values) == {"http-equiv", "content"}:
                self.found.csp_metas += 1
            elif not self.in_head or not (set(values) == {"charset"} or (
                    set(values) == {"name", "content"} and values["name"] in HEAD_META) or (
                    set(values) == {"property", "content"} and values["property"].startswith("og:"))):
                self.flag(f"<meta {values}>")
        if tag == "link" and not (self.in_head and values.get("rel") in HEAD_LINK_RELS):
            self.flag(f"<link {values}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.flag(f"event handler {name}={value!r} on <{tag}>")
            if name in FORBIDDEN_ATTRIBUTES and not (tag == "meta" and name == "http-equiv"):
                self.flag(f"{name}={value!r} on <{tag}>")
            urls = [part.strip().split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else (
                [value] if name in URL_ATTRIBUTES else [])
            for url in urls:
                scheme = url_scheme(url)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.flag(f"{name}={value!r} on <{tag}> has the scheme {scheme}:")


def is_site_script(attrs: dict[str, str]) -> bool:
    """The site's own JavaScript, should its templates ever load some: a file under /static/."""
    return set(attrs) <= {"src", "defer", "async", "type"} and attrs.get("src", "").startswith("/static/js/") \
        and attrs.get("type", "module") == "module" and ".." not in attrs["src"]


def html_problems(text: str) -> tuple[list[str], int]:
    parser = SafetyParser()
    parser.feed(text)
    parser.close()
    problems = list(parser.found.problems)
    if len(re.findall(r"<\s*script", text, re.IGNORECASE)) != parser.site_scripts:
        problems.append("the text '<script' appears in the page")
    return problems, parser.found.csp_metas


def site_problems(output: Path) -> list[str]:
    """Every piece of active content in a built site, as 'file: what'."""
    problems = []
    files = sorted(p for p in output.rglob("*") if p.is_file() and "static" not in p.relative_to(output).parts)
    assert files, "the build wrote nothing"
    for path in files:
        shown = path.relative_to(output).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            found, csp = html_problems(text)
            if csp != 1:
                found.append(f"{csp} Content-Security-Policy <meta> in <head> (expected the site's one)")
        elif path.suffix == ".xml":
            found = xml_problems(text)
        elif path.suffix in (".json", ".csv"):
            found = data_problems(path.suffix, text)
        else:
            found = ["the text '<script' appears"] if re.search(r"<\s*script", text, re.IGNORECASE) else []
        problems += [f"{shown}: {message}" for message in found]
    return problems


def data_problems(suffix: str, text: str) -> list[str]:
    """Open data holds the front matter as written, so it must stay well-formed and, in a
    spreadsheet, inert: no cell may start like a formula."""
    if suffix == ".json":
        try:
            json.loads(text)
        except ValueError as error:
            return [f"is not valid JSON: {error}"]
        return []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len({len(row) for row in rows}) > 1:
        return ["rows of the CSV have different numbers of cells"]
    return [f"the CSV cell {cell[:40]!r} would run as a formula" for row in rows for cell in row
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def xml_problems(text: str) -> list[str]:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as error:  # front matter broke out of the XML
        return [f"is not well-formed XML: {error}"]
    problems = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in FORBIDDEN_TAGS:
            problems.append(f"<{local}> element")
        for name, value in element.attrib.items():
            scheme = url_scheme(value) if name.rsplit("}", 1)[-1] in URL_ATTRIBUTES else None
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{name}={value!r} has the scheme {scheme}:")
        if local in ("loc", "id") and element.text and url_scheme(element.text) not in SAFE_SCHEMES:
            problems.append(f"<{local}> {element.text!r} is not an http(s) address")
    return problems


# --- building --------------------------------------------------------------------------------------

def outcome(site_folder) -> SiteError | None:
    """Build the site: None if it built, the SiteError if it was refused. Anything else fails."""
    try:
        build(Project.at(site_folder.content), site_folder.output)
    except SiteError as error:
        assert not site_folder.output.exists(), "a refused build must not leave a site behind"
        return error
    except Exception as error:  # noqa: BLE001 - the point: no other exception may escape
        pytest.fail(f"the build raised {type(error).__name__} instead of SiteError: {str(error)[:300]}")
    return None


def built(site_folder) -> Path:
    error = outcome(site_folder)
    assert error is None, "\n" + error.report()
    return site_folder.output


def copy_in(site_folder, name: str) -> Path:
    target = site_folder.content / "case-studies" / name
    shutil.copyfile(HOSTILE / name, target)
    return target


def matching(error: SiteError, text: str, name: str) -> list:
    return [p for p in error.problems if text in p.message and p.path.endswith(f"case-studies/{name}")]


def params() -> list:
    return [pytest.param(name, spec, id=name,
                         marks=[pytest.mark.xfail(strict=True, reason=spec["xfail"])] if "xfail" in spec else [])
            for name, spec in EXPECTED.items()]


# --- the hostile files -------------------------------------------------------------------------------

def test_every_hostile_file_has_an_expectation():
    files = {p.name for p in HOSTILE.glob("*.md")}
    assert files == set(EXPECTED), f"no expectation: {files - set(EXPECTED)}; no file: {set(EXPECTED) - files}"
    assert len(files) >= 32
    for name, spec in EXPECTED.items():
        assert spec.get("builds") is True or isinstance(spec.get("error"), str), name
        assert set(spec) <= {"builds", "error", "field", "line", "xfail"}, name


def test_byte_level_fixtures_still_hold_their_bytes():
    """The files whose point is their encoding: guard against an editor or git 'fixing' them."""
    raw = (HOSTILE / "bytes-not-utf8.md").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (HOSTILE / "bytes-utf16.md").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert b"\x00" in (HOSTILE / "bytes-nul.md").read_bytes()
    bom = (HOSTILE / "bytes-bom-crlf.md").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf---\r\n") and bom.count(b"\r\n") == bom.count(b"\n")
    assert "\t" in (HOSTILE / "body-tab-in-href.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "spec"), params())
def test_hostile_case_study(site_folder, name, spec):
    copy_in(site_folder, name)
    error = outcome(site_folder)
    if spec.get("builds"):
        assert error is None, f"{name} should build:\n{error.report()}"
        assert (site_folder.output / "case-studies" / Path(name).stem / "index.html").is_file()
        problems = site_problems(site_folder.output)
        assert not problems, "active content in the output:\n" + "\n".join(problems)
        return
    assert error is not None, f"{name} built, but should have been refused with {spec['error']!r}"
    found = matching(error, spec["error"], name)
    assert found, f"no problem mentions {spec['error']!r}:\n{error.report()}"
    if "field" in spec:
        assert spec["field"] in {p.field for p in found}, error.report()
        found = [p for p in found if p.field == spec["field"]]
    if "line" in spec:
        assert spec["line"] in {p.line for p in found}, error.report()


# --- the checker itself --------------------------------------------------------------------------------

@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=x.js></SCRIPT>",
    '<img src="x.png" OnError="alert(1)">',
    '<a href=" java&#x09;script:alert(1)">x</a>',
    '<a href="JaVaScRiPt&colon;alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img srcset="ok.png 1x, javascript:alert(1) 2x">',
    "<iframe src=https://example.org/></iframe>",
    "<object data=x></object>",
    "<embed src=x>",
    "<form action=/x><input name=a></form>",
    "<style>p{}</style>",
    '<p style="color:red">x</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<meta name="description" http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "<svg><g/></svg>",
    '<script src="/static/js/site.js">alert(1)</script>',
    '<script src="/static/js/site.js" onload="alert(1)"></script>',
])
def test_the_checker_sees_active_content(html):
    page = f"<html><head><title>t</title></head><body><main><div class=\"prose\">{html}</div></main></body></html>"
    problems, _ = html_problems(page)
    assert problems, f"the checker missed {html!r}"


def test_the_checker_allows_the_sites_own_head():
    page = ("<html><head><meta charset=utf-8><meta http-equiv=Content-Security-Policy content=\"default-src 'self'\">"
            '<link rel=stylesheet href=/static/css/site.css><script src="/static/js/site.js" defer></script>'
            "<title>t</title></head><body><a href=https://example.org/ rel=noopener>x</a></body></html>")
    assert html_problems(page) == ([], 1)


def test_an_ordinary_build_passes_the_checker(site_folder):
    site_folder.add("buses")
    assert site_problems(built(site_folder)) == []


# --- front-matter text is shown, escaped -----------------------------------------------------------------

class TextOf(HTMLParser):
    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.tag, self.depth, self.texts = tag, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == self.tag:
            self.depth += 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == self.tag and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def texts(html: str, tag: str) -> list[str]:
    parser = TextOf(tag)
    parser.feed(html)
    return parser.texts


def test_hostile_front_matter_is_shown_as_text(site_folder):
    """Escaping must keep what the author wrote visible, not drop or mangle it."""
    copy_in(site_folder, "fm-title-breakout.md")
    copy_in(site_folder, "fm-authority-ampersand.md")
    output = built(site_folder)
    page = (output / "case-studies/fm-title-breakout/index.html").read_text(encoding="utf-8")
    assert texts(page, "title")[0].startswith("</title><script>alert(1)</script> – ")
    assert texts(page, "h1")[0].strip() == "</title><script>alert(1)</script>"
    other = (output / "case-studies/fm-authority-ampersand/index.html").read_text(encoding="utf-8")
    # Entities are decoded ("&#60;" is the "<" it stands for), then escaped again: the reader
    # sees the characters, and no element is made of them.
    assert "Testford & District Council & <i>friends</i> <script>" in "".join(texts(other, "dd"))
    assert "District Council &amp; &lt;i&gt;friends&lt;/i&gt; &lt;script&gt;" in other
    assert "<script>" not in other.split("<main", 1)[1]
    feed = ET.fromstring((output / "feed.xml").read_bytes())
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "</title><script>alert(1)</script>" in titles


# --- ordinary Markdown survives the sanitiser -------------------------------------------------------------

ORDINARY = """\
## Background and aims

Some *emphasis* and **strong** text, with `inline code`.

- first point
- second point

1. step one
2. step two

| Area  | Buses | Share |
|:------|------:|:-----:|
| North |    12 |  50%  |

A [link to the council](https://council.example.gov.uk/buses "Council page"), an email
<transport@example.gov.uk>, and [all case studies](/case-studies/).

![A bus at a stop](https://images.example.net/bus.jpg)

```python
def buses():
    return "every ten minutes"
```

> A quote from a resident.

A claim with a footnote.[^1]

[^1]: The council's 2023 report.
"""


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value for name, value in attrs}))

    def handle_data(self, data):
        self.text += data


def test_ordinary_markdown_survives_sanitising(site_folder):
    site_folder.add("buses", body=ORDINARY)
    html = (built(site_folder) / "case-studies/buses/index.html").read_text(encoding="utf-8")
    prose = html.split('<div class="prose">', 1)[1].split("<h2>Sources</h2>", 1)[0]
    parser = Elements()
    parser.feed(prose)
    tags = [tag for tag, _ in parser.elements]

    def has(tag, **attrs):
        return any(t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
                   for t, a in parser.elements)

    assert has("h2", id="user-content-background-and-aims")
    assert {"em", "strong", "code", "ul", "ol", "blockquote", "pre", "table", "thead", "tbody", "tr"} <= set(tags)
    assert tags.count("li") >= 5  # two bullets, two steps, one footnote
    assert has("th", **{"class": "align-left"}) and has("td", **{"class": "align-right"})
    assert has("td", **{"class": "align-center"})
    assert has("a", href="https://council.example.gov.uk/buses", title="Council page")
    assert has("a", href="mailto:transport@example.gov.uk")
    assert has("a", href="/case-studies/")
    assert has("img", src="https://images.example.net/bus.jpg", alt="A bus at a stop")
    assert has("code", **{"class": "language-python"})
    assert 'def buses():\n    return "every ten minutes"' in parser.text
    assert has("a", id="user-content-fnref-1", href="#user-content-fn-1")
    assert has("li", id="user-content-fn-1") and has("a", href="#user-content-fnref-1")
    assert "The council's 2023 report." in parser.text
    assert "A quote from a resident." in parser.text and "transport@example.gov.uk" in parser.text
    assert site_problems(site_folder.output) == []


# --- hostile combinations of files -----------------------------------------------------------------------

def add_with_slug(site_folder, file_stem: str, slug: str, **fields) -> None:
    path = site_folder.content / "case-studies" / f"{file_stem}.md"
    path.write_text(front_matter_file(case_study(slug=slug, **fields)), encoding="utf-8")


def test_two_files_claiming_one_slug_are_refused(site_folder):
    add_with_slug(site_folder, "first", "buses")
    add_with_slug(site_folder, "second", "buses", title="Buses again")
    error = outcome(site_folder)
    assert error is not None
    clash = [p for p in error.problems if "is also the address of" in p.message]
    assert clash and clash[0].field == "slug", error.report()


@pytest.mark.parametrize("how", ["slug", "file name"])
def test_slugs_differing_only_in_case_are_refused(site_folder, how):
    if how == "slug":
        add_with_slug(site_folder, "first", "Buses")
        add_with_slug(site_folder, "second", "buses")
    else:
        site_folder.add("Buses")
        site_folder.add("buses")
    error = outcome(site_folder)
    assert error is not None
    problem = next(p for p in error.problems if p.field == "slug")
    assert "'Buses' cannot be used as a web address" in problem.message, error.report()


def test_an_oversized_file_is_refused(site_folder):
    path = site_folder.add("buses", body="Padding. " * 120_000)
    assert path.stat().st_size > 1_000_000
    error = outcome(site_folder)
    assert error is not None and matching(error, "the limit is 1,000,000", "buses.md"), error and error.report()


def test_a_link_to_a_file_outside_the_content_folder_is_refused(site_folder, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text((HOSTILE / "fm-title-breakout.md").read_text(encoding="utf-8"), encoding="utf-8")
    (site_folder.content / "case-studies" / "leak.md").symlink_to(secret)
    error = outcome(site_folder)
    assert error is not None and matching(error, "is a link to a file outside the content folder", "leak.md")


# A pull request can add symlinks and folders as well as files. Each of these must be a
# located SiteError naming the entry, not an OSError from deep inside the loader.
LAYOUTS = {
    "a folder named evil.md": lambda cs: ((cs / "evil.md").mkdir(), (cs / "evil.md" / "notes.txt").write_text("x")),
    "a symlink named evil.md to a folder": lambda cs: (cs / "evil.md").symlink_to(".."),
    "a dangling symlink named evil.md": lambda cs: (cs / "evil.md").symlink_to("missing.md"),
    "a symlink loop named evil.md": lambda cs: (cs / "evil.md").symlink_to("evil.md"),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_hostile_entries_in_the_case_studies_folder(site_folder, layout):
    site_folder.add("buses")
    LAYOUTS[layout](site_folder.content / "case-studies")
    error = outcome(site_folder)
    assert error is not None and any(p.path.endswith("case-studies/evil.md") for p in error.problems)


def test_a_page_whose_name_climbs_out_is_refused(site_folder):
    site_folder.add("buses")
    (site_folder.content / "pages").mkdir()
    (site_folder.content / "pages" / "...md").write_text("---\ntitle: Up\nsummary: Up.\n---\nText.\n", encoding="utf-8")
    error = outcome(site_folder)
    assert error is not None and any(p.path.endswith("pages/...md") for p in error.problems)


def test_a_page_cannot_replace_a_page_of_the_site(site_folder):
    site_folder.add("buses")
    (site_folder.content / "pages").mkdir()
    (site_folder.content / "pages" / "case-studies.md").write_text(
        "---\ntitle: Nothing here\nsummary: Move along.\n---\nAll the case studies were withdrawn.\n",
        encoding="utf-8")
    error = outcome(site_folder)
    assert error is not None, ("built, and case-studies/index.html now says: " +
                               " ".join(texts((site_folder.output / "case-studies/index.html")
                                              .read_text(encoding="utf-8"), "h1")))


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_committed_build_cache_cannot_run_code(site_folder, tmp_path, command):
    """The build cache lives in the project folder, where a pull request can put a file
    (.gitignore does not stop `git add -f`). Reading it must never run what the file says."""
    marker = tmp_path / "pwned"
    site_folder.add("buses")
    cache = site_folder.root / ".levelup-cache"
    cache.mkdir()
    (cache / "build.pickle").write_bytes(pickle.dumps(_Payload(marker)))
    if command == "build":
        outcome(site_folder)
    else:
        check(Project.at(site_folder.content))
    assert not marker.exists(), f"`{command}` ran code from .levelup-cache/build.pickle in the project folder"


class IdsAndHeadings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.headings: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "a" and values.get("href", "").startswith("#"):
            self.hrefs.append(values["href"][1:])
        if tag in ("h1", "h2"):
            self.headings.append(tag)


@pytest.mark.parametrize("name", ["body-id-main-content.md", "body-h1-heading.md"])
def test_a_body_cannot_break_the_page_outline_or_its_ids(site_folder, name):
    copy_in(site_folder, name)
    assert outcome(site_folder) is None
    page = (site_folder.output / "case-studies" / Path(name).stem / "index.html").read_text(encoding="utf-8")
    parsed = IdsAndHeadings()
    parsed.feed(page)
    assert len(parsed.ids) == len(set(parsed.ids)), f"duplicate ids: {parsed.ids}"
    assert set(parsed.hrefs) <= set(parsed.ids), "every in-page link leads to an id on the page"
    assert parsed.headings.count("h1") == 1
    if name == "body-h1-heading.md":
        assert re.search(r"<h2[^>]*>A heading written as the title</h2>", page)
