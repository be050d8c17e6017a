"""The case-study list and search at 2,000 case studies and a vocabulary of over 1,000
terms: one page of cards at a time, with or without filters; filters that behave as
GOV.UK finders do; a list page whose weight stays within budget; and search results
that show what a card shows, 20 at a time. Expectations come from the generated
front matter (support.generated_studies)."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import PAGE_SIZE, PREFIX, generated_studies, visit

TRANSPORT = "transport"
# Bytes (HTML, CSS, JavaScript, data) the list page may fetch: on opening it, and once
# a filter is ticked (which fetches /data/finder.json, about 650 KB here).
OPENING_BUDGET = 120_000
FILTERED_BUDGET = 900_000
# A page's first search here starts Pagefind's worker and fetches its WASM, the index of
# 2,000 pages and twenty results' text: on a busy CI machine that can take longer than
# the usual wait. A search that fails says so at once (test_search.py), whatever this is.
FIRST_SEARCH_MS = 30_000


@pytest.fixture
def page(large_context):
    """In this module, a browser page on the large site."""
    return large_context().new_page()


def studies(site):
    return generated_studies(site.content)


def with_terms(site, **chosen) -> list:
    """The generated case studies the filters should show, newest first (as the site sorts)."""
    found = [s for s in studies(site) if all(s.terms[facet] & set(ids) for facet, ids in chosen.items())]
    return sorted(found, key=lambda s: (s.published, ), reverse=True)


def card_slugs(page) -> list[str]:
    hrefs = page.locator("#results > li.card h2 a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def count_text(number: int) -> str:
    return f"{number} case study" if number == 1 else f"{number} case studies"


def open_list(page, site, path: str = "case-studies/"):
    visit(page, site.url(path), "#filter-form")
    return page.locator("#filter-form")


def theme_box(page, term_id: str):
    return page.locator(f"#filter-form input[type=checkbox][name=theme][value='{term_id}']")


def track_bytes(page) -> dict[str, int]:
    sizes: dict[str, int] = {}

    def seen(response):
        try:
            sizes[urlsplit(response.url).path] = len(response.body())
        except Exception:  # a response without a body (a redirect): nothing was fetched
            pass
    page.on("response", seen)
    return sizes


def test_each_list_page_shows_one_page_of_cards_and_fetches_no_index(page, large_site):
    sizes = track_bytes(page)
    open_list(page, large_site)
    page.wait_for_load_state("networkidle")
    first = card_slugs(page)
    pages = math.ceil(len(studies(large_site)) / PAGE_SIZE)
    assert len(first) == PAGE_SIZE
    expect(page.locator(".pagination")).to_contain_text(f"Page 1 of {pages}")
    assert not any(path.endswith(".json") for path in sizes), f"opening the list fetched data: {sorted(sizes)}"
    open_list(page, large_site, "case-studies/page/2/")
    second = card_slugs(page)
    assert len(second) == PAGE_SIZE and not set(first) & set(second)
    expect(page.locator(".pagination")).to_contain_text(f"Page 2 of {pages}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 30_000, f"the page is {height}px tall: more than a page of cards?"


def test_the_list_page_stays_within_its_byte_budget(page, large_site):
    sizes = track_bytes(page)
    open_list(page, large_site)
    page.wait_for_load_state("networkidle")
    opening = sum(sizes.values())
    assert opening <= OPENING_BUDGET, f"{opening} bytes on opening the list (budget {OPENING_BUDGET}): {sizes}"
    theme_box(page, TRANSPORT).check()
    expect(page.locator("#results-count")).to_have_text(count_text(len(with_terms(large_site, theme=[TRANSPORT]))))
    page.wait_for_load_state("networkidle")
    filtered = sum(sizes.values())
    assert filtered <= FILTERED_BUDGET, f"{filtered} bytes once filtered (budget {FILTERED_BUDGET}): {sizes}"
    assert not any(path.endswith("case-studies.json") for path in sizes), "the open data was fetched"


def test_a_ticked_filter_keeps_pagination_and_live_counts(page, large_site):
    open_list(page, large_site)
    theme_box(page, TRANSPORT).check()
    wanted = with_terms(large_site, theme=[TRANSPORT])
    expect(page.locator("#results-count")).to_have_text(count_text(len(wanted)))
    pages = math.ceil(len(wanted) / PAGE_SIZE)
    assert pages > 1, "the test needs a filter with more than a page of results"
    expect(page.locator(".pagination")).to_contain_text(f"Page 1 of {pages}")
    first = card_slugs(page)
    assert len(first) == PAGE_SIZE and set(first) <= {s.slug for s in wanted}
    # Each outcome's count is what ticking it as well would show.
    for outcome in ("economy", "environment-climate"):
        label = page.locator(f"label[for='filter-outcome-{outcome}']")
        expect(label).to_contain_text(f"({len(with_terms(large_site, theme=[TRANSPORT], outcome=[outcome]))})")
    # The next page is an address of its own, with different cards.
    page.locator(".pagination a[rel=next]").click()
    expect(page.locator(".pagination")).to_contain_text(f"Page 2 of {pages}")
    assert parse_qs(urlsplit(page.url).query) == {"theme": [TRANSPORT], "page": ["2"]}
    second = card_slugs(page)
    assert len(second) == PAGE_SIZE and not set(first) & set(second)
    assert set(second) <= {s.slug for s in wanted}


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_a_card_built_in_the_browser_is_the_servers_card(page, large_site):
    open_list(page, large_site)
    server_card = page.locator("#results > li.card").first
    served = normalised(server_card.evaluate("card => card.outerHTML"))
    title = server_card.locator("h2 a").inner_text()
    page.locator("#filter-q").fill(title)
    expect(page.locator("#results-count")).to_have_text(count_text(1))
    built = normalised(page.locator("#results > li.card").first.evaluate("card => card.outerHTML"))
    assert built == served


def test_typing_makes_one_history_entry_per_settled_query(page, large_site):
    open_list(page, large_site)
    before = page.evaluate("history.length")
    page.locator("#filter-q").press_sequentially("west midlands", delay=60)
    expect(page).to_have_url(re.compile(r"q=west\+midlands$"))
    page.wait_for_timeout(1200)  # the query settles
    assert page.evaluate("history.length") == before + 1
    page.locator("#filter-q").press_sequentially(" area", delay=60)
    expect(page).to_have_url(re.compile(r"q=west\+midlands\+area$"))
    assert page.evaluate("history.length") == before + 2
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=west\+midlands$"))
    expect(page.locator("#filter-q")).to_have_value("west midlands")


def test_the_text_box_matches_region_names(page, large_site):
    # No generated title, summary, place or council says "Midlands": only the region's name does.
    open_list(page, large_site)
    page.locator("#filter-q").fill("Midlands")
    wanted = with_terms(large_site, region=["west-midlands", "east-midlands"])
    expect(page.locator("#results-count")).to_have_text(count_text(len(wanted)))
    regions = page.locator("#results > li.card").evaluate_all("cards => cards.map(c => c.dataset.region)")
    assert set(regions) <= {"west-midlands", "east-midlands"}


@pytest.mark.parametrize("value", ["TRANSPORT", "Transport", "transport"])
def test_query_values_match_in_any_case(page, large_site, value):
    open_list(page, large_site, f"case-studies/?theme={value}")
    expect(page.locator("#results-count")).to_have_text(count_text(len(with_terms(large_site, theme=[TRANSPORT]))))
    expect(theme_box(page, TRANSPORT)).to_be_checked()
    expect(page.locator("#chosen-filters")).to_contain_text("Theme: Transport")


def test_an_unknown_query_value_is_reported_not_silently_ignored(page, large_site):
    open_list(page, large_site, "case-studies/?theme=buses")
    expect(page.locator(".chosen__unknown")).to_have_text(re.compile("no theme called ‘buses’"))


def test_chosen_filters_are_tags_that_remove_them(page, large_site):
    open_list(page, large_site, f"case-studies/?theme={TRANSPORT}&outcome=economy")
    chosen = page.locator("#chosen-filters")
    expect(chosen.get_by_role("button")).to_have_count(2)
    chosen.get_by_role("button", name="Remove filter Outcome: Economy").click()
    expect(page.locator("#results-count")).to_have_text(count_text(len(with_terms(large_site, theme=[TRANSPORT]))))
    assert parse_qs(urlsplit(page.url).query) == {"theme": [TRANSPORT]}
    expect(page.locator("#filter-form input[name=outcome][value=economy]")).not_to_be_checked()


@pytest.mark.parametrize("sort", ["oldest", "title", "place", "newest"])
def test_sorting(page, large_site, sort):
    open_list(page, large_site, f"case-studies/?theme={TRANSPORT}")
    expect(page.locator("#results-count")).to_have_text(count_text(len(with_terms(large_site, theme=[TRANSPORT]))))
    page.get_by_label("Sort by").select_option(sort)
    if sort != "newest":
        expect(page).to_have_url(re.compile(f"sort={sort}"))
    cards = page.locator("#results > li.card")
    expect(cards).to_have_count(PAGE_SIZE)
    dates = cards.locator("time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    titles = cards.locator("h2 a").all_inner_texts()
    places = cards.locator(".card__meta").evaluate_all("ps => ps.map(p => p.textContent.split(' · ')[0])")
    key = {"oldest": dates, "newest": dates, "title": [t.casefold() for t in titles],
           "place": [p.casefold() for p in places]}[sort]
    assert key == sorted(key, reverse=sort == "newest")
    everything = [s.published for s in with_terms(large_site, theme=[TRANSPORT])]
    if sort == "oldest":
        assert dates[0] == min(everything)
    if sort == "newest":
        assert dates[0] == max(everything)


def test_on_a_phone_show_results_takes_the_reader_to_them(large_context, large_site):
    page = large_context(viewport={"width": 375, "height": 740}).new_page()
    visit(page, large_site.url("case-studies/"), "#filter-form")
    toggle = page.locator(".filters__toggle")
    expect(toggle).to_have_text("Show filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(theme_box(page, TRANSPORT)).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_text("Hide filters")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    theme_box(page, TRANSPORT).check()
    number = len(with_terms(large_site, theme=[TRANSPORT]))
    show = page.get_by_role("button", name=f"Show {number} results")
    expect(show).to_be_visible()
    show.click()
    expect(toggle).to_have_text("Show filters")
    count = page.locator("#results-count")
    expect(count).to_be_focused()
    expect(count).to_have_text(count_text(number))
    expect(count).to_be_in_viewport()


def test_a_large_vocabulary_offers_only_used_terms_and_a_box_for_the_rest(page, large_context, large_site):
    used = {term for study in studies(large_site) for term in study.terms["region"]}
    assert len(used) > 100
    # Without JavaScript: the most used regions and a link to all of them, no empty term.
    js_disabled_page = large_context(java_script_enabled=False).new_page()
    visit(js_disabled_page, large_site.url("case-studies/"))
    region_links = js_disabled_page.locator("#filters [data-param=region] a[data-value]")
    expect(region_links).to_have_count(12)
    values = set(region_links.evaluate_all("as => as.map(a => a.dataset.value)"))
    assert values <= used
    expect(js_disabled_page.locator("#filters [data-param=region]").get_by_role(
        "link", name=f"All {len(used)} regions")).to_have_attribute("href", f"{PREFIX}regions/")
    # With it: twelve boxes, and a box that finds the others.
    open_list(page, large_site)
    regions = page.locator("#filter-form fieldset").filter(has=page.locator("legend", has_text="Region"))
    expect(regions.locator("input[type=checkbox]")).to_have_count(12)
    regions.get_by_label("Find a region").fill("Area 012")
    expect(regions.locator("input[type=checkbox]")).to_have_count(
        len({t for t in used if t.startswith("area-012")}))
    regions.get_by_role("checkbox", name=re.compile(r"^Area 0123 \(\d+\)$")).check()
    wanted = with_terms(large_site, region=["area-0123"])
    expect(page.locator("#results-count")).to_have_text(count_text(len(wanted)))
    # An unused area is offered nowhere.
    regions.get_by_label("Find a region").fill("Area 0900")
    expect(regions.locator("input[type=checkbox]:not(:checked)")).to_have_count(0)


def test_a_large_vocabulary_keeps_the_search_page_small(page, large_site):
    response = visit(page, large_site.url("search/"), "#search-form")
    assert len(response.body()) < 60_000, f"/search/ is {len(response.body())} bytes"
    for fieldset in page.locator("#search-form fieldset").all():
        assert fieldset.locator("input[type=checkbox]").count() <= 12
    # A region beyond the first twelve is chosen by name from the box that finds it.
    page.locator("#search-form summary").click()
    page.get_by_label(re.compile("^Find another region")).fill("Area 0123")
    page.get_by_label(re.compile("^Find another region")).dispatch_event("change")
    expect(page.locator("#search-form input[name=region][value=area-0123]")).to_be_checked()
    expect(page).to_have_url(re.compile(r"region=area-0123"))
    expect(page.locator("#search-count")).to_have_text(re.compile(r"^\d+ results?$"), timeout=FIRST_SEARCH_MS)


def test_search_results_show_card_facts_and_more_on_request(page, large_site):
    visit(page, large_site.url("search/?q=council"), "#search-form")
    status = page.locator("#search-count")
    expect(status).to_have_text(re.compile(r"^\d+ results for ‘council’$"), timeout=FIRST_SEARCH_MS)
    total = int(status.inner_text().split()[0])
    assert total > 40
    items = page.locator("#search-results > li")
    expect(items).to_have_count(20)
    more = page.get_by_role("button", name=re.compile("^Show more results"))
    expect(more).to_contain_text(f"20 of {total}")
    more.click()
    expect(items).to_have_count(40)
    expect(items.nth(20).locator("a")).to_be_focused()
    expect(page.locator("#site-search-q")).to_have_value("council")
    for item in items.all()[:25]:
        meta = item.locator(".search-results__meta").inner_text()
        assert re.fullmatch(r".+ · .+ (Council|Authority) · \d{1,2} [A-Z][a-z]+ \d{4}", meta), meta
        assert item.locator(".tags li").count() >= 1
        excerpt = item.locator(".search-results__excerpt").inner_text()
        assert "Key facts" not in excerpt and "Published" not in excerpt, excerpt


def test_the_finder_states_have_no_axe_violations(large_context, large_site):
    axe = Axe()
    for width in (320, 1280):
        page = large_context(viewport={"width": width, "height": 900}).new_page()
        open_list(page, large_site, f"case-studies/?theme={TRANSPORT}&region=area-0123&sort=title")
        expect(page.locator("#chosen-filters")).to_be_visible()
        if width == 320:
            page.locator(".filters__toggle").click()
        page.get_by_label("Find a region").fill("Area 01")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, "resultTypes": ["violations"]})
        violations = results.response["violations"]
        assert not violations, [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]
