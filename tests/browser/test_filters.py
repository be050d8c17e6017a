"""Filtering the case-study list in place: checkboxes per facet (OR within a facet, AND
across facets), a text box, a live count, and a URL that records the view (shareable,
restored by the back button, emptied by "Clear filters"). Expectations come from the
front matter of content/case-studies/*.md."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .support import case_studies, expected, term_name, visit

PARKS, HEALTH = "parks-and-green-spaces", "health-wellbeing"
LEGENDS = {"theme": ("Theme", "themes"), "outcome": ("Outcome", "outcomes"), "region": ("Region", "regions"),
           "publication": ("Publication", "publications")}
ALL = {study.slug for study in case_studies()}


def count_text(number: int) -> str:
    return f"{number} case study" if number == 1 else f"{number} case studies"


def open_list(page, site, query: str = ""):
    visit(page, site.url("case-studies/" + query), "#filter-form")
    return page.locator("#filter-form")


def checkbox(page, param: str, term_id: str):
    legend, taxonomy = LEGENDS[param]
    group = page.locator("#filter-form").get_by_role("group", name=legend)
    # Each option's name is the term's name and its live count: "Transport (1)".
    return group.get_by_role("checkbox", name=re.compile(rf"^{re.escape(term_name(taxonomy, term_id))} \(\d+\)$"))


def shown(page) -> set[str]:
    """Slugs of the cards not hidden by the filters."""
    hrefs = page.locator("#results > li.card:not([hidden])").evaluate_all(
        "cards => cards.map(card => card.querySelector('a').getAttribute('href'))")
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs}


def expect_view(page, slugs: set[str]) -> None:
    expect(page.locator("#results-count")).to_have_text(count_text(len(slugs)))
    assert shown(page) == slugs
    expect(page.locator("#results > li.card:visible")).to_have_count(len(slugs))


def query_of(page) -> dict[str, list[str]]:
    return {name: sorted(values) for name, values in parse_qs(urlsplit(page.url).query).items()}


def test_the_panel_becomes_a_form_of_labelled_checkboxes(page, site):
    form = open_list(page, site)
    expect(form).to_be_visible()
    panel = page.locator("#filters")
    expect(panel.locator("a[href*='/themes/']:visible, a[href*='/outcomes/']:visible")).to_have_count(0)
    for param, (legend, taxonomy) in LEGENDS.items():
        group = form.locator("fieldset").filter(has=page.locator("legend", has_text=re.compile(f"^{legend}$")))
        expect(group).to_have_count(1)
        boxes = group.locator("input[type=checkbox]")
        values = boxes.evaluate_all("boxes => boxes.map(box => [box.name, box.value])")
        used = set().union(*(study.terms[param] for study in case_studies()))
        assert {name for name, _ in values} == {param}
        assert used <= {value for _, value in values}, f"every {legend.lower()} in use can be chosen"
        for _, value in values:
            expect(checkbox(page, param, value)).to_be_visible()
            expect(group.locator(f"label:has-text('{term_name(taxonomy, value)}')").first).to_be_visible()
    text_box = form.locator("input[type=search][name=q]")
    expect(text_box).to_be_visible()
    expect(text_box).to_have_accessible_name(re.compile("search", re.IGNORECASE))
    expect(form.get_by_role("button", name="Clear filters")).to_be_visible()
    count = page.locator("#results-count")
    expect(count).to_have_attribute("role", "status")
    expect(count).to_have_attribute("aria-live", "polite")
    expect_view(page, ALL)


def test_a_theme_and_an_outcome_show_exactly_the_matching_case_studies(page, site, new_context):
    open_list(page, site)
    checkbox(page, "theme", PARKS).check()
    expect_view(page, expected(theme=[PARKS]))
    checkbox(page, "outcome", HEALTH).check()
    wanted = expected(theme=[PARKS], outcome=[HEALTH])
    assert 0 < len(wanted) < len(ALL)
    expect_view(page, wanted)
    assert query_of(page) == {"theme": [PARKS], "outcome": [HEALTH]}

    # The address is the view: opened afresh, it shows the same case studies, boxes ticked.
    fresh = new_context().new_page()
    visit(fresh, page.url, "#filter-form")
    expect_view(fresh, wanted)
    expect(checkbox(fresh, "theme", PARKS)).to_be_checked()
    expect(checkbox(fresh, "outcome", HEALTH)).to_be_checked()


def test_or_within_a_facet_and_across_facets(page, site):
    open_list(page, site)
    checkbox(page, "theme", "transport").check()
    checkbox(page, "theme", PARKS).check()
    both = expected(theme=["transport", PARKS])
    assert both == expected(theme=["transport"]) | expected(theme=[PARKS])
    expect_view(page, both)
    checkbox(page, "outcome", "environment-climate").check()
    narrowed = expected(theme=["transport", PARKS], outcome=["environment-climate"])
    assert 0 < len(narrowed) < len(both), "the test needs the outcome to narrow the themes"
    expect_view(page, narrowed)
    assert query_of(page) == {"theme": sorted(["transport", PARKS]), "outcome": ["environment-climate"]}


def test_back_button_restores_the_previous_view(page, site):
    open_list(page, site)
    checkbox(page, "theme", PARKS).check()
    expect_view(page, expected(theme=[PARKS]))
    checkbox(page, "outcome", HEALTH).check()
    expect_view(page, expected(theme=[PARKS], outcome=[HEALTH]))

    page.go_back()
    expect_view(page, expected(theme=[PARKS]))
    assert query_of(page) == {"theme": [PARKS]}
    expect(checkbox(page, "theme", PARKS)).to_be_checked()
    expect(checkbox(page, "outcome", HEALTH)).not_to_be_checked()

    page.go_back()
    expect_view(page, ALL)
    assert query_of(page) == {}
    expect(checkbox(page, "theme", PARKS)).not_to_be_checked()

    page.go_forward()
    expect_view(page, expected(theme=[PARKS]))


def test_loading_an_address_with_a_query_applies_it_and_clear_filters_empties_it(page, site):
    form = open_list(page, site, "?outcome=economy&q=council")
    expect_view(page, expected(outcome=["economy"], q="council"))
    expect(form.locator("input[name=q]")).to_have_value("council")
    expect(checkbox(page, "outcome", "economy")).to_be_checked()

    form.get_by_role("button", name="Clear filters").click()
    expect_view(page, ALL)
    assert urlsplit(page.url).query == ""
    expect(form.locator("input[name=q]")).to_have_value("")
    expect(form.locator("input[type=checkbox]:checked")).to_have_count(0)


def test_the_text_box_matches_title_summary_place_and_authority(page, site):
    assert expected(q="bus") == {"milton-keynes-buses"}
    form = open_list(page, site)
    form.locator("input[name=q]").press_sequentially("bus")
    expect_view(page, {"milton-keynes-buses"})
    expect(page).to_have_url(re.compile(r"[?&]q=bus(&|$)"))
    form.locator("input[name=q]").fill("MILTON KEYNES")
    expect_view(page, expected(q="milton keynes"))


def tab_to(page, selector: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


@pytest.mark.parametrize("width", [1280])
def test_filtering_by_keyboard_alone(new_context, site, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    open_list(page, site)
    tab_to(page, f"#filter-form input[name=theme][value={PARKS}]")
    page.keyboard.press("Space")
    expect_view(page, expected(theme=[PARKS]))
    tab_to(page, f"#filter-form input[name=outcome][value={HEALTH}]")
    page.keyboard.press("Space")
    expect_view(page, expected(theme=[PARKS], outcome=[HEALTH]))
    tab_to(page, "#filter-form button")
    while not page.evaluate("document.activeElement.textContent.trim() === 'Clear filters'"):
        tab_to(page, "#filter-form button")
    page.keyboard.press("Enter")
    expect_view(page, ALL)
