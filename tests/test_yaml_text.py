"""Front matter means what the contributor typed: YAML 1.2's core schema, not 1.1's
rewrites, and the two commonest syntax slips (a tab, an unclosed quote) named on their line."""

from __future__ import annotations

import html
import re

import pytest

from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build

FRONT = """\
---
title: {title}
place: {place}
authority: Testford Council
region: north-west
themes: [transport]
outcomes: [economy]
summary: How Testford improved its buses.
published: {published}
sources:
  - title: Council report
    url: https://example.org/report
---
Some text.
"""


def page_text(site_folder, slug: str, tag: str) -> str:
    page = (site_folder.output / "case-studies" / slug / "index.html").read_text(encoding="utf-8")
    match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", page, re.DOTALL)
    assert match, f"no <{tag}> on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


@pytest.mark.parametrize("typed", ["2030", "1:30", "010", "1.10", "0x1F", "yes", "off", "1e3", "0o17", "+5"])
def test_a_text_field_shows_exactly_what_was_typed(site_folder, typed):
    site_folder.add_raw("buses", FRONT.format(title=typed, place="Testford", published="2023-01-02"))
    build(Project.at(site_folder.content), site_folder.output)
    assert page_text(site_folder, "buses", "h1") == typed


@pytest.mark.parametrize("published", ["2010-10-22 11:33:15 -0400", "2010-10-22T11:33:15-04:00",
                                       "2010-10-22 11:33:15Z", "2010-10-22"])
def test_a_date_with_a_time_and_offset_is_the_date_it_names(site_folder, published):
    site_folder.add_raw("buses", FRONT.format(title="Buses", place="Testford", published=published))
    build(Project.at(site_folder.content), site_folder.output)
    page = (site_folder.output / "case-studies" / "buses" / "index.html").read_text(encoding="utf-8")
    assert "22 October 2010" in page


def refused(site_folder, text: str):
    site_folder.add_raw("buses", text)
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    assert not site_folder.output.exists()
    [problem] = caught.value.problems
    assert problem.path.endswith("case-studies/buses.md")
    return problem


def test_true_is_not_text_and_the_line_says_so(site_folder):
    problem = refused(site_folder, FRONT.format(title="Buses", place="true", published="2023-01-02"))
    assert (problem.field, problem.line) == ("place", 3)
    assert "expected text" in problem.message


@pytest.mark.parametrize("key", ["true", "null", "012", "1.10"])
def test_a_key_that_looks_like_a_value_is_named_as_typed_on_its_line(site_folder, key):
    text = FRONT.format(title="Buses", place="Testford", published="2023-01-02").replace(
        "summary:", f"{key}: 3\nsummary:")
    problem = refused(site_folder, text)
    assert problem.line == 8
    assert f"unknown field '{key}'" in problem.message


def test_a_tab_is_named_on_its_line(site_folder):
    text = FRONT.format(title="Buses", place="Testford", published="2023-01-02").replace(
        "  - title: Council report", "\t- title: Council report")
    problem = refused(site_folder, text)
    assert problem.line == 11 and "tab" in problem.message and "spaces" in problem.message


def test_an_unclosed_quote_is_reported_where_it_opens(site_folder):
    problem = refused(site_folder, FRONT.format(title='"Better buses', place="Testford", published="2023-01-02"))
    assert problem.line == 2
    assert "never closed" in problem.message and '"' in problem.message
