"""With JavaScript switched off every page still reads and every case study can still be
found: the list shows them all, the filter panel is plain links to the term pages, and
the search page says it needs JavaScript and leads to the list with its filters."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import PREFIX, case_studies, visit

BROWSE = ["case-studies/", "themes/", "outcomes/", "places/"]
TERM_PAGE = re.compile(rf"^{re.escape(PREFIX)}(themes|outcomes|regions|publications)/[a-z0-9-]+/$")


@pytest.mark.parametrize("name", ["home", "case-studies", "case-study", "search"])
def test_page_reads_without_javascript(js_disabled_page, page_url, name):
    page = js_disabled_page
    visit(page, page_url[name])
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    main = page.locator("main")
    expect(main).to_be_visible()
    assert len(main.inner_text().split()) >= 10, "the main content is there to read"
    assert "loading" not in page.locator("body").inner_text().lower(), "nothing waits for a script to load"


def listed_titles(page, url: str) -> list[str]:
    """Card titles on a list page and every further page of it (following rel=next)."""
    titles = []
    for _ in range(20):
        visit(page, url)
        titles += page.locator("main li.card h2 a, main li.card h3 a").all_inner_texts()
        following = page.locator("a[rel=next]")
        if following.count() == 0:
            return titles
        url = page.url.split(PREFIX)[0] + following.first.get_attribute("href")
    raise AssertionError("more than 20 list pages")


def test_every_case_study_is_listed_without_javascript(js_disabled_page, page_url):
    titles = listed_titles(js_disabled_page, page_url["case-studies"])
    assert sorted(titles) == sorted(study.title for study in case_studies())


def test_filter_panel_is_links_to_term_pages_without_javascript(js_disabled_page, page_url):
    page = js_disabled_page
    visit(page, page_url["case-studies"])
    panel = page.locator("#filters")
    expect(panel).to_be_visible()
    expect(page.locator("#filter-form")).to_have_count(0)
    headings = [text.strip() for text in panel.locator("h2, h3").all_inner_texts()]
    for facet in ("Theme", "Outcome", "Region", "Publication"):
        assert any(heading.startswith(facet) for heading in headings), f"no {facet} heading in {headings}"
    links = panel.locator("a")
    hrefs = [href for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))") if TERM_PAGE.match(href)]
    assert {href.split("/")[2] for href in hrefs} == {"themes", "outcomes", "regions", "publications"}
    origin = page.url.split(PREFIX)[0]
    for href in hrefs:
        response = page.request.get(origin + href)
        assert response.ok, f"the filter link {href} answered {response.status}"
    # Following one goes to that term's page, listing its case studies.
    link = panel.get_by_role("link", name="Transport", exact=True)
    name = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"/themes/transport/$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("main li.card").first).to_be_visible()


def test_search_page_says_it_needs_javascript_and_offers_the_filtered_list(js_disabled_page, page_url):
    page = js_disabled_page
    visit(page, page_url["search"])
    main = page.locator("main")
    expect(main.get_by_text("needs JavaScript")).to_be_visible()
    # The way on: the list of case studies, whose filters work without JavaScript.
    to_list = main.get_by_role("link", name="filter the list of all case studies")
    expect(to_list).to_have_attribute("href", f"{PREFIX}case-studies/")
    for path in BROWSE:
        link = main.locator(f"a[href='{PREFIX}{path}']")
        expect(link.first).to_be_visible()
    expect(page.locator("#search-results li")).to_have_count(0)


def test_header_search_without_javascript_lands_on_the_search_page(js_disabled_page, page_url):
    page = js_disabled_page
    visit(page, page_url["case-study"])
    form = page.locator("header form[role=search]")
    form.locator("input[name=q]").fill("buses")
    form.locator("input[name=q]").press("Enter")
    page.wait_for_url(re.compile(rf"{re.escape(PREFIX)}search/\?q=buses$"))
    expect(page.locator("main").get_by_text("needs JavaScript")).to_be_visible()
    page.locator("main").get_by_role("link", name="filter the list of all case studies").click()
    page.wait_for_url(re.compile(rf"{re.escape(PREFIX)}case-studies/$"))
    expect(page.locator("#filters a[href*='/themes/']").first).to_be_visible()
