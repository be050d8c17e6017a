"""Full-text search: the header's search box on every page, and the /search/ page that
queries the Pagefind index `levelup build` writes, with facet checkboxes to narrow the
results and a live count of them."""

from __future__ import annotations

import functools
import re

import pytest
from playwright.sync_api import expect

from .support import CONTENT, PREFIX, case_studies, visit

URL = re.compile(r"https?://\S+")


@functools.cache
def distinctive_word() -> tuple[str, str]:
    """A word from one case study's text that no other case study (nor any vocabulary
    term, shown on every case page) shares even the first six letters of; the longest
    such word, for a search that can only find that one case study."""
    def words_of(study) -> str:
        return URL.sub(" ", " ".join([study.title, study.summary, study.place, study.authority, study.body])).lower()

    vocabulary = (CONTENT / "taxonomies.yaml").read_text(encoding="utf-8").lower()
    found = []
    for study in case_studies():
        others = [words_of(other) for other in case_studies() if other.slug != study.slug] + [vocabulary]
        for word in set(re.findall(r"\b[a-z]{8,}\b", URL.sub(" ", study.body.lower()))):
            if not any(word[:6] in text for text in others):
                found.append((-len(word), word, study.slug))
    assert found, "no case study has a word of its own to search for"
    _, word, slug = min(found)
    return word, slug


def result_slugs(page) -> list[str]:
    hrefs = page.locator("#search-results > li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs if "/case-studies/" in href]


def count_pattern(word: str) -> re.Pattern:
    return re.compile(rf"^\s*(\d+ results? for ‘{re.escape(word)}’|No results for ‘{re.escape(word)}’)\s*$")


def wait_for_results(page, word: str) -> int:
    """Wait for the live count to report the search for `word`; return how many it found."""
    status = page.locator("#search-count")
    expect(status).to_have_text(count_pattern(word))
    text = status.inner_text().strip()
    number = 0 if text.startswith("No results") else int(text.split()[0])
    expect(page.locator("#search-results > li")).to_have_count(number)
    return number


def open_details_around(locator) -> None:
    """Checkboxes may sit in a folded <details>: open it, as a reader would."""
    if not locator.is_visible():
        locator.locator("xpath=ancestor::details[1]/summary").click()
    expect(locator).to_be_visible()


def test_a_word_from_one_case_study_finds_it(page, site):
    word, slug = distinctive_word()
    visit(page, site.url(f"search/?q={word}"), "#search-form")
    expect(page.locator("#search-form input[type=search][name=q]")).to_have_value(word)
    status = page.locator("#search-count")
    expect(status).to_have_attribute("role", "status")
    number = wait_for_results(page, word)
    assert number >= 1
    assert slug in result_slugs(page), f"searching for {word!r} should find {slug}"
    for item in page.locator("#search-results > li").all():
        link = item.locator("a").first
        expect(link).to_have_attribute("href", re.compile(rf"^{re.escape(PREFIX)}case-studies/[a-z0-9-]+/$"))
        excerpt = item.inner_text().replace(link.inner_text(), "").strip()
        assert len(excerpt.split()) >= 3, f"each result has an excerpt: {item.inner_text()!r}"
    # Following the result opens the case study.
    page.locator(f"#search-results a[href='{PREFIX}case-studies/{slug}/']").first.click()
    page.wait_for_url(re.compile(rf"/case-studies/{slug}/$"))
    expect(page.locator("h1")).to_have_text(next(s.title for s in case_studies() if s.slug == slug))


def test_a_search_that_finds_nothing_says_so(page, site):
    visit(page, site.url("search/?q=zqxjvkw"), "#search-form")
    assert wait_for_results(page, "zqxjvkw") == 0
    expect(page.locator("#search-count")).to_have_text(re.compile("^No results for ‘zqxjvkw’$"))


def test_a_search_whose_index_cannot_be_fetched_says_so_and_can_be_tried_again(page, site):
    # The results' text fails to load, as on a dropped connection; the page itself loaded.
    page.route(re.compile(r"/pagefind/fragment/"), lambda route: route.abort())
    visit(page, site.url("search/?q=council"), "#search-form")
    status = page.locator("#search-count")
    expect(status).to_have_text(re.compile(r"^The search could not be finished\. Try again, or find .+ by browsing\.$"))
    expect(page.locator("#search-results > li")).to_have_count(0)
    # Once the connection is back, searching again works.
    page.unroute(re.compile(r"/pagefind/fragment/"))
    page.locator("#search-form").get_by_role("button", name="Search").click()
    assert wait_for_results(page, "council") > 0


def test_a_theme_narrows_the_results(page, site):
    visit(page, site.url("search/?q=council"), "#search-form")
    before = wait_for_results(page, "council")
    transport = {study.slug for study in case_studies() if "transport" in study.terms["theme"]}
    assert before > len(transport), "the test needs a word found beyond the transport case studies"
    box = page.locator("#search-form input[type=checkbox][name=theme][value=transport]")
    open_details_around(box)
    box.check()
    expect(page.locator("#search-count")).not_to_have_text(re.compile(rf"^{before} "))
    after = wait_for_results(page, "council")
    assert 0 < after < before
    assert set(result_slugs(page)) <= transport
    assert "milton-keynes-buses" in result_slugs(page)


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_searching_from_the_header_by_keyboard(page, site, open_page):
    word, slug = distinctive_word()
    open_page(page, "home")
    tab_to(page, "header form[role=search] input[name=q]")
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{re.escape(PREFIX)}search/\?q={word}$"))
    wait_for_results(page, word)
    assert slug in result_slugs(page)


@pytest.mark.parametrize("name", ["home", "case-study", "themes", "404", "search"])
def test_every_page_has_the_header_search_form(page, open_page, name):
    open_page(page, name)
    form = page.locator("header form[role=search]")
    expect(form).to_have_count(1)
    expect(form).to_have_attribute("action", f"{PREFIX}search/")
    expect(form).to_have_attribute("method", re.compile("^get$", re.IGNORECASE))
    box = form.locator("input[type=search][name=q]")
    expect(box).to_be_visible()
    expect(box).to_have_accessible_name(re.compile(r"\w"))
    expect(form.get_by_role("button", name="Search", exact=True)).to_be_visible()


def test_excerpts_keep_the_spaces_around_each_highlighted_word(page, site):
    visit(page, site.url("search/?q=council"), "#search-form")
    assert wait_for_results(page, "council") >= 1
    excerpts = page.locator(".search-results__excerpt")
    for index in range(excerpts.count()):
        text = excerpts.nth(index).inner_text()
        marks = excerpts.nth(index).locator("mark").all_inner_texts()
        assert marks, f"no highlighted word in {text!r}"
        # A highlighted word stands on its own: no letter is glued to either side of it.
        glued = re.findall(r"[A-Za-z](?:council)|(?:council)[a-z]", text, flags=re.IGNORECASE)
        glued = [g for g in glued if not re.search(r"councils|councillor|council's", text[text.find(g):][:12], re.I)]
        assert not glued, f"spacing lost around a highlighted word: {text!r}"
