"""The quick test for "nothing to note" must agree with the full scan on every text: a
contributor is told the same things, on the same lines, and sees the same page."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levelup_site import html_scan
from levelup_site.frontmatter import split
from levelup_site.markdown import MarkdownRenderer

ROOT = Path(__file__).resolve().parents[1]

# Pieces of Markdown that change what cmark-gfm writes: blocks, inlines, links with every
# kind of scheme, autolinks, raw HTML the allowlist keeps or refuses, and nesting.
PIECES = [
    "# Title\n", "## Section {#sec}\n", "text ", "**bold** ", "*em* ", "~~gone~~ ", "`code` ",
    "`<div>` ", "\n\n", "\n", "> ", "- ", "1. ", "    ", "- [ ] task\n", "- [x] done\n",
    "[link](https://example.org) ", "[bad](javascript:alert(1)) ", "[rel](/about/) ",
    "[mail](mailto:a@example.org) ", "<https://example.org> ", "<someone@example.org> ",
    "![alt](images/x.png) ", "![alt](data:image/png;base64,xx) ", "www.example.org ",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n", "text[^1]\n\n[^1]: a note\n", "```python\nx < 1\n```\n",
    "<kbd>K</kbd> ", "<span onclick=\"x\">s</span> ", "<script>x</script>\n", "<!-- c -->\n",
    "<div class=\"note\">\n", "</div>\n", "<iframe src=\"https://x\"></iframe>\n", "<img src=x onerror=y>",
    "a < b > c ", "<br> ", "&lt;div&gt; ", "<details>\n",
]


def _both_ways(text: str):
    renderer = MarkdownRenderer()
    quick = renderer.render_with_notes(text)
    with mock.patch.object(html_scan, "_nothing_to_note", return_value=False):
        full = renderer.render_with_notes(text)
    return quick, full


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_quick_check_gives_what_the_full_scan_gives(text):
    quick, full = _both_ways(text)
    assert quick == full


@pytest.mark.parametrize("text", ["> " * 150 + "deep\n", "- " * 120 + "deep\n", "*a " * 150 + "x" + "*" * 150])
def test_deep_nesting_still_goes_to_the_full_scan(text):
    quick, full = _both_ways(text)
    assert quick == full


def test_a_plain_case_study_takes_the_quick_way_and_one_with_html_does_not():
    renderer = MarkdownRenderer()
    plain = "## Why\n\nThe council [said so](https://example.org/a) on <https://example.org>.\n\n- one\n- two\n"
    with mock.patch.object(html_scan, "full_scan", side_effect=AssertionError("full scan")):
        assert renderer.render_with_notes(plain).notes == ()
        with pytest.raises(AssertionError, match="full scan"):
            renderer.render_with_notes(plain + "\n<span onclick='x'>s</span>\n")


@pytest.mark.parametrize("path", sorted((ROOT / "content" / "case-studies").glob("*.md")), ids=lambda p: p.stem)
def test_bundled_case_studies_render_the_same_either_way(path):
    quick, full = _both_ways(split(path.read_text(encoding="utf-8")).body)
    assert quick == full
