"""Markdown renders as on GitHub's preview, sanitised, with notes on what was removed."""

from __future__ import annotations

import re
import resource
from html.parser import HTMLParser
from pathlib import Path

import pytest

from levelup_site import cmark
from levelup_site.frontmatter import split
from levelup_site.html_scan import MAX_DEPTH
from levelup_site.markdown import MarkdownRenderer, RenderedMarkdown

REPO = Path(__file__).resolve().parents[1]
RENDERER = MarkdownRenderer()


class Tree(HTMLParser):
    """The start tags of a fragment with their attributes, and its text."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(fragment)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in wanted.items())]

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if a.get("id")]


def render(text: str) -> RenderedMarkdown:
    return RENDERER.render_with_notes(text)


def tree(text: str) -> Tree:
    return Tree(RENDERER.render(text))


# --- GitHub-flavoured Markdown --------------------------------------------------------------------

def test_table_has_head_body_alignment_classes_and_a_scroll_region():
    html = RENDERER.render("| Area | Buses | Share |\n|:-----|------:|:-----:|\n| North | 12 | 50% |\n")
    page = Tree(html)
    assert [t for t, _ in page.elements][:3] == ["div", "table", "thead"] and page.find("tbody")
    assert page.find("div", **{"class": "table-scroll", "role": "region", "tabindex": "0"})
    assert page.find("th", **{"class": "align-left"}) and page.find("th", **{"class": "align-right"})
    assert page.find("td", **{"class": "align-center"})
    assert "align=" not in html and "style" not in html


def test_strikethrough_becomes_del():
    assert tree("It was ~~late~~ on time.").find("del")
    assert "<del>late</del>" in RENDERER.render("~~late~~")


@pytest.mark.parametrize(("text", "href"), [
    ("See www.example.org for more.", "http://www.example.org"),
    ("See https://example.org/buses?x=1.", "https://example.org/buses?x=1"),
    ("Write to buses@example.gov.uk today.", "mailto:buses@example.gov.uk"),
])
def test_bare_addresses_become_links_as_on_github(text, href):
    assert tree(text).find("a", href=href)


def test_task_list_items_show_markers_not_form_controls():
    html = RENDERER.render("- [x] Buses ordered\n- [ ] Routes agreed\n")
    page = Tree(html)
    assert not page.find("input")
    assert page.find("span", role="img", aria_label="Done")
    assert page.find("span", role="img", aria_label="Not done")
    assert "☑</span> Buses ordered" in html and "☐</span> Routes agreed" in html


def test_footnotes_have_prefixed_ids_and_links_both_ways():
    page = tree("A claim.[^source] Another.[^source]\n\n[^source]: The council's report.\n")
    references = page.find("a", aria_describedby="user-content-footnote-label")
    assert len(references) == 2
    note_id = references[0]["href"].removeprefix("#")
    assert note_id.startswith("user-content-") and page.find("li", id=note_id)
    back_links = page.find("a", **{"class": "footnote-backref"})
    assert {link["href"] for link in back_links} == {"#" + reference["id"] for reference in references}
    assert page.find("h2", id="user-content-footnote-label")  # what the references are described by
    assert len(page.ids()) == len(set(page.ids()))


@pytest.mark.parametrize(("heading", "expected_id"), [
    ("## Background and aims", "user-content-background-and-aims"),
    ("## What's next? (2024–25)", "user-content-whats-next-202425"),
    ("## Hello, World! & more_stuff-x", "user-content-hello-world--more_stuff-x"),
    ("## `code` and *emphasis*", "user-content-code-and-emphasis"),
    ("## Café Über", "user-content-café-über"),
])
def test_heading_ids_follow_githubs_rule(heading, expected_id):
    assert tree(heading).find("h2", id=expected_id)


def test_repeated_headings_get_numbered_ids():
    page = tree("## Results\n\n## Results\n\n### Results\n\n## Results-1\n")
    assert page.ids() == ["user-content-results", "user-content-results-1", "user-content-results-2",
                          "user-content-results-1-1"]


def test_in_page_links_lead_to_the_prefixed_ids():
    page = tree("## Costs and funding\n\nSee [the costs](#costs-and-funding) and [the top](#main-content).\n")
    assert page.find("a", href="#user-content-costs-and-funding")
    assert page.find("a", href="#main-content")  # names no id of the body: the page's own


def test_body_ids_cannot_take_the_page_landmark_id():
    html = RENDERER.render('## Main content\n\n<p id="main-content">Raw.</p>\n\n<span id="user-content-x">y</span>\n')
    ids = Tree(html).ids()
    assert "main-content" not in ids and not re.search(r'id="(?!user-content-)', html)
    assert ids.count("user-content-main-content") == 1 and "user-content-x" in ids


def test_top_level_heading_is_shown_one_level_down_and_noted():
    result = render("Intro.\n\n# The bus plan\n\nText.\n")
    page = Tree(result.html)
    assert not page.find("h1") and page.find("h2", id="user-content-the-bus-plan")
    assert any(note.line == 3 and "top-level heading" in note.message for note in result.notes)


def test_code_blocks_keep_their_language_class():
    page = tree("```python\nprint('buses')\n```\n")
    assert page.find("code", **{"class": "language-python"}) and not page.find("pre", lang="python")
    assert "print('buses')" in page.text


@pytest.mark.parametrize("raw", [
    "<figure><img src=\"/static/images/bus.png\" alt=\"A bus\"><figcaption>A bus</figcaption></figure>",
    "<table><caption>Fares</caption><tr><td>1</td></tr></table>",
    "<b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>del</del> <ins>ins</ins> <mark>mark</mark>",
    "<kbd>Ctrl</kbd> <small>small</small> H<sub>2</sub>O x<sup>2</sup>",
    "<p lang=\"cy\" dir=\"ltr\">Bysiau</p>",
    "<a href=\"https://example.org/\" aria-label=\"Council\" aria-describedby=\"user-content-n\">x</a>",
    "<ol type=\"a\" start=\"3\" reversed=\"\"><li>c</li></ol>",
    "<dl><dt>Term</dt><dd>Definition</dd></dl>",
])
def test_safe_html_elements_and_attributes_survive(raw):
    result = render(raw + "\n")
    kept = Tree(result.html)
    for tag, attrs in Tree(raw).elements:
        assert any(t == tag and attrs.items() <= a.items() for t, a in kept.elements), (tag, attrs, result.html)
    assert kept.text.strip() == Tree(raw).text.strip() and result.notes == ()


# --- what is removed, and said ----------------------------------------------------------------------

HOSTILE = """Intro.

<div onclick="steal()">Click</div>

A [bad link](javascript:alert(1)) here.

<p style="color: red">Red</p>

<script>alert(1)</script>

Inline <form action="/x"><input name="q"></form> form.
"""


def test_active_content_is_removed_and_each_removal_noted_with_its_line():
    result = render(HOSTILE)
    html = result.html.lower()
    assert "onclick" not in html and "javascript:" not in html and "style=" not in html
    assert "<script" not in html and "<form" not in html and "<input" not in html
    assert [(note.line, note.message) for note in result.notes] == [
        (3, "removed onclick attribute from <div>"),
        (5, "removed href attribute from <a>: javascript: addresses are not allowed"),
        (7, "removed style attribute from <p>"),
        (9, "<script> is shown as text, as on GitHub: it cannot be used in a case study"),
        (11, "removed <form> element"),
        (11, "removed <input> element"),
    ]


def test_tags_shown_in_code_are_not_mistaken_for_html():
    result = render("    <b onclick=x>in code</b>\n<b onclick=y>raw</b>\n\n`<script>` in a code span.\n")
    assert [(note.line, note.message) for note in result.notes] == [(2, "removed onclick attribute from <b>")]
    assert "&lt;b onclick=x&gt;" in result.html and "&lt;script&gt;" in result.html


def test_notes_in_footnotes_have_their_own_lines():
    result = render("Text.[^1]\n\n<b onclick=x>one</b>\n\n[^1]: A <b onclick=y>note</b>.\n")
    assert [note.line for note in result.notes] == [3, 5]


def test_nesting_deeper_than_the_limit_is_flattened_and_noted():
    result = render("> " * (MAX_DEPTH * 2) + "deep\n")
    assert result.html.count("<blockquote>") == MAX_DEPTH and "deep" in result.html
    assert result.html.count("<blockquote>") == result.html.count("</blockquote>")
    assert any("nested more than" in note.message for note in result.notes)


def test_unclosed_html_list_items_do_not_count_as_nesting():
    items = "".join(f"<li>{i}" for i in range(MAX_DEPTH * 2))
    result = render(f"<ul>{items}</ul>\n")
    assert result.html.count("<li>") == MAX_DEPTH * 2 and result.notes == ()


# --- memory -----------------------------------------------------------------------------------------

def test_rendering_many_texts_does_not_keep_their_memory():
    text = ("## A heading\n\nSome *text* with a [link](https://example.org/) and more. " * 5 + "\n\n- a\n- b\n\n") * 12
    RENDERER.render(text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2000):
        RENDERER.render(text)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000, f"{grown_kb} KB kept after 2,000 renders of {len(text)} characters"


def test_without_native_free_the_same_html_comes_from_cmarkgfm(monkeypatch):
    text = HOSTILE + "\n| a |\n|---|\n| b |\n\n- [x] done\n\nNote.[^1]\n\n[^1]: Here.\n"
    freed = RENDERER.render(text)
    monkeypatch.setattr(cmark, "NATIVE_FREE", None)
    assert RENDERER.render(text) == freed


# --- the bundled content ----------------------------------------------------------------------------

BUNDLED = sorted((REPO / "content").glob("case-studies/*.md")) + sorted((REPO / "content").glob("pages/*.md"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_bundled_content_leaves_no_markdown_syntax_behind(path):
    result = render(split(path.read_text(encoding="utf-8")).body)
    page = Tree(result.html)
    assert "](http" not in page.text and "**" not in page.text and "[^" not in page.text
    paragraphs = re.findall(r"<p>(.*?)</p>", result.html, re.DOTALL)
    assert not [p for p in paragraphs if re.match(r"\s*[-*+] ", p) or "\n- " in p]
    assert result.notes == (), f"{path.name}: {result.notes}"


# --- Heading attributes and embeds -----------------------------------------------------------------

def test_heading_id_attribute_sets_the_id_and_links_lead_to_it():
    rendered = render("## Background {#background}\n\nSee [the background](#background).\n\n"
                      "Setext {#setext_2}\n---\n")
    page = Tree(rendered.html)
    assert page.find("h2", id="user-content-background") and page.find("h2", id="user-content-setext_2")
    assert page.find("a", href="#user-content-background")
    assert "{#" not in page.text and "Background" in page.text and not rendered.notes


def test_heading_id_attribute_wins_over_a_later_headings_own_id():
    page = tree("## Intro {#results}\n\n## Results\n")
    assert page.ids() == ["user-content-results", "user-content-results-1"]


@pytest.mark.parametrize("attribute", ["{#Back ground}", "{#a.b}", "{#}", "{#café}"])
def test_malformed_heading_id_attribute_is_removed_with_a_note(attribute):
    rendered = render(f"Text.\n\n## Background {attribute}\n")
    assert Tree(rendered.html).ids() == ["user-content-background"]
    assert "{" not in rendered.html
    assert [(n.line, "may hold only lowercase letters" in n.message) for n in rendered.notes] == [(3, True)]


def test_repeated_heading_id_attribute_is_noted_and_the_heading_keeps_its_own():
    rendered = render("## One {#same}\n\n## Two {#same}\n")
    assert Tree(rendered.html).ids() == ["user-content-same", "user-content-two"]
    assert [(n.line, "an earlier heading has that id" in n.message) for n in rendered.notes] == [(3, True)]


def test_id_attribute_in_code_or_mid_heading_stays_text():
    page = tree("## Use `{#id}`\n\n## A {#b} c\n")
    assert "{#id}" in page.text and "{#b} c" in page.text


def test_embeds_allowed_keep_only_titled_https_frames_from_listed_hosts():
    renderer = MarkdownRenderer(("www.youtube-nocookie.com",))
    rendered = renderer.render_with_notes(
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Launch video"></iframe>\n\n'
        '<iframe src="http://www.youtube-nocookie.com/embed/x" title="Plain http"></iframe>\n\n'
        '<iframe src="https://www.youtube-nocookie.com.evil.example/x" title="Look-alike"></iframe>\n\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/y" title="  "></iframe>\n\n'
        "<script>alert(1)</script>\n")
    frames = Tree(rendered.html).find("iframe")
    assert frames == [{"src": "https://www.youtube-nocookie.com/embed/x", "title": "Launch video",
                       "sandbox": "allow-scripts allow-same-origin allow-presentation", "loading": "lazy",
                       "referrerpolicy": "strict-origin-when-cross-origin", "allowfullscreen": ""}]
    assert "<script" not in rendered.html and "alert" not in rendered.html
    assert [n.line for n in rendered.notes] == [3, 5, 7, 9]
    assert all(n.message.startswith("removed <") for n in rendered.notes)
