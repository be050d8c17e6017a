"""WCAG 2.2 AA in a real browser: axe-core on every kind of page at desktop and 320 px
(reflow) widths, plus the checks axe cannot make: one h1, the page language, the skip
link, a visible focus indicator on everything focusable, no horizontal scrolling at
320 px, the accessible themes x outcomes table, and reduced motion honoured."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import PAGES

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [1280, 320]
HEIGHT = 900
TABBED = 15  # how many tab stops the focus-indicator test visits

axe = Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"        {node['html'][:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violations(new_context, open_page, name, width):
    page = new_context(viewport={"width": width, "height": HEIGHT}).new_page()
    open_page(page, name)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                     "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url} at {width}px:\n" \
                           + describe(violations)


@pytest.mark.parametrize("name", PAGES)
def test_one_h1_and_british_english(page, open_page, name):
    open_page(page, name)
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.locator("h1").count() == 1, "every page has exactly one top-level heading"
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main")).to_have_count(1)
    assert page.title().strip()


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_at_320px(new_context, open_page, name):
    page = new_context(viewport={"width": 320, "height": HEIGHT}).new_page()
    open_page(page, name)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > 320.5 && !el.closest('[role=region][tabindex]'))
        .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""")
    assert width <= 320, f"the page scrolls sideways at 320px ({width}px wide); too wide: {wide}"


@pytest.mark.parametrize("name", ["home", "case-study"])
@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_main(new_context, open_page, name, width):
    page = new_context(viewport={"width": width, "height": HEIGHT}).new_page()
    open_page(page, name)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(re.compile(r"skip to (the )?main content", re.IGNORECASE))
    target = skip.get_attribute("href")
    assert target and target.startswith("#")
    box = skip.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width, \
        f"the focused skip link is off screen at {box}"
    page.keyboard.press("Enter")
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.id]")
    assert focused == ["MAIN", target[1:]], "the skip link moves focus to the main content"


STYLE = """el => {
    const s = getComputedStyle(el);
    return {outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none'
                     : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            boxShadow: s.boxShadow, background: s.backgroundColor,
            border: ['Top', 'Right', 'Bottom', 'Left'].map(side => s[`border${side}Style`] === 'none'
                || parseFloat(s[`border${side}Width`]) === 0 ? 'none'
                : `${s[`border${side}Style`]} ${s[`border${side}Width`]} ${s[`border${side}Color`]}`).join(', ')};
}"""
TRANSPARENT = re.compile(r"rgba\(\d+, \d+, \d+, 0\)|transparent")


def visible_change(before: dict, after: dict) -> list[str]:
    """What the focus indicator changes that a sighted keyboard user would see."""
    changes = []
    if after["outline"] != before["outline"] and after["outline"] != "none" \
            and not TRANSPARENT.search(after["outline"]):
        changes.append("outline")
    for key in ("boxShadow", "background", "border"):
        if after[key] != before[key]:
            changes.append(key)
    return changes


@pytest.mark.parametrize("name", ["home", "case-study"])
def test_every_focusable_element_shows_a_visible_focus_indicator(page, open_page, name):
    open_page(page, name)
    focused = []
    for number in range(TABBED):
        page.keyboard.press("Tab")
        element = page.locator(":focus")
        if element.count() == 0:
            break
        element.evaluate("(el, n) => el.setAttribute('data-focus-probe', n)", number)
        box = element.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"tab stop {number} is invisible"
        focused.append((number, element.evaluate("el => el.outerHTML.slice(0, 120)"), element.evaluate(STYLE)))
    assert len(focused) == TABBED
    page.evaluate("document.activeElement.blur()")
    missing = []
    for number, html, on_focus in focused:
        unfocused = page.locator(f"[data-focus-probe='{number}']").evaluate(STYLE)
        if not visible_change(unfocused, on_focus):
            missing.append(f"{html}: {on_focus}")
    assert not missing, "no visible focus indicator on:\n" + "\n".join(missing)


def test_themes_outcomes_table_is_an_accessible_scrolling_table(new_context, open_page):
    page = new_context(viewport={"width": 320, "height": HEIGHT}).new_page()
    open_page(page, "home")
    table = page.locator("main table").first
    assert table.evaluate("el => el.tagName") == "TABLE"
    region = table.locator("xpath=ancestor::*[@role='region'][1]")
    expect(region).to_have_count(1)
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_accessible_name(re.compile(r"\w"))
    headers = table.locator("th")
    assert headers.count() > 0
    scopes = set(headers.evaluate_all("ths => ths.map(th => th.getAttribute('scope'))"))
    assert scopes == {"col", "row"}, f"every header cell says what it heads: {scopes}"
    rows = table.locator("tbody tr")
    assert rows.count() > 0
    first_cells = rows.evaluate_all("trs => trs.map(tr => tr.cells[0].tagName + ':' + tr.cells[0].scope)")
    assert set(first_cells) == {"TH:row"}
    # At 320px the table scrolls inside its region, not the page, and the region takes focus to scroll.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())


@pytest.mark.parametrize("name", ["home", "case-studies", "case-study", "search"])
def test_reduced_motion_is_honoured(new_context, open_page, name):
    page = new_context(reduced_motion="reduce").new_page()
    open_page(page, name)
    moving = page.evaluate("""() => {
        const seconds = value => value.split(',').map(part => parseFloat(part) * (part.trim().endsWith('ms') ? 0.001 : 1));
        const found = [];
        for (const el of document.querySelectorAll('*')) {
            for (const pseudo of [null, '::before', '::after']) {
                const s = getComputedStyle(el, pseudo);
                const longest = Math.max(...seconds(s.transitionDuration), ...seconds(s.animationDuration));
                if (longest > 0) found.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo || ''}: ` +
                    `transition ${s.transitionDuration}, animation ${s.animationName} ${s.animationDuration}`);
            }
        }
        if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') found.push('html: smooth scrolling');
        return found;
    }""")
    assert not moving, "motion despite prefers-reduced-motion: reduce:\n" + "\n".join(moving)
