"""The home page's ways in, the matrix at a glance, what the sitemap lists, user text
isolated from the page's direction, and pages that stay small with a large vocabulary."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import pytest

from conftest import SETTINGS, TAXONOMIES
from levelup_site.pages.taxonomy import TERMS_PER_PAGE
from levelup_site.pipeline import Project, build
from levelup_site.scaffold import LISTED_TERMS, new_case_study
from test_site_output import parse

ROOT = "https://example.org/"


def build_site(site_folder):
    build(Project.at(site_folder.content), site_folder.output, base_url=ROOT)
    return site_folder.output


@pytest.fixture
def small_site(site_folder):
    site_folder.add("buses", title="Better buses", themes=["transport"], outcomes=["economy"])
    site_folder.add("parks", title="Green parks", authority="Camden Council", region="london",
                    themes=["parks", "transport"], outcomes=["health"], published="2023-02-01")
    return site_folder


def test_the_home_page_offers_search_and_browsing_before_the_matrix(small_site):
    out = build_site(small_site)
    main = parse(out / "index.html").find("main")
    order = [node.attrs.get("id") for node in main.find_all("h2")]
    assert order.index("find-heading") < order.index("matrix-heading") < order.index("latest-heading")
    form = main.find("form")
    assert form.attrs["action"] == "/search/" and form.find("input").attrs["name"] == "q"
    browse = {a.text(): a.attrs["href"] for a in main.find("ul", cls="browse-list").find_all("a")}
    assert browse == {"All 2 case studies": "/case-studies/", "Themes": "/themes/", "Outcomes": "/outcomes/",
                      "Regions": "/regions/", "Places": "/places/"}


def test_the_matrix_links_every_count_and_quiets_empty_cells(small_site):
    out = build_site(small_site)
    table = parse(out / "index.html").find("table", cls="matrix")
    rows = {row.find("th").text(): row.find_all("td") for row in table.find("tbody").find_all("tr")}
    counts = {name: [cell.text() for cell in cells] for name, cells in rows.items()}
    assert counts == {"Transport": ["1", "1", "0"], "Parks": ["0", "1", "0"], "Housing": ["0", "0", "0"]}
    for cells in rows.values():
        for cell in cells:
            empty = cell.text() == "0"
            assert ("matrix__cell--empty" in cell.attrs["class"]) == empty
            assert (cell.find("a") is None) == empty
    # Housing has no case studies, so no page: its heading is not a link.
    headings = {th.text(): th.find("a") for th in table.find("tbody").find_all("th")}
    assert headings["Housing"] is None and headings["Parks"] is not None
    assert not (out / "themes" / "housing").exists()


def test_the_sitemap_lists_matrix_cells_and_authorities_but_no_empty_terms(small_site):
    out = build_site(small_site)
    locs = {loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {ROOT + "themes/transport/economy/", ROOT + "themes/parks/health/", ROOT + "places/camden-council/",
            ROOT + "places/testford-council/"} <= locs
    assert ROOT + "themes/housing/" not in locs and ROOT + "themes/housing/health/" not in locs
    for loc in locs:
        path = loc.removeprefix(ROOT)
        assert (out / path / "index.html").is_file() or (out / path).is_file(), path


RTL = "\u05e2\u05d9\u05e8\u05d9\u05d9\u05ea \u05d7\u05d9\u05e4\u05d4"  # a Hebrew authority name


def test_user_text_is_isolated_from_the_surrounding_direction(site_folder):
    site_folder.add("haifa", title=f"Buses in {RTL}", authority=RTL, place=RTL)
    out = build_site(site_folder)
    case = (out / "case-studies" / "haifa" / "index.html").read_text()
    assert f"<h1 data-pagefind-meta=\"title\"><bdi>Buses in {RTL}</bdi>" in case
    assert f'<span aria-current="page"><bdi>Buses in {RTL}</bdi></span>' in case  # the breadcrumb
    assert f"<bdi>{RTL}</bdi></a>" in case  # place and authority in the key facts
    places = (out / "places" / "index.html").read_text()
    assert f"<bdi>{RTL}</bdi></a> <span class=\"place-list__count\">" in places
    assert f"<bdi>{RTL}</bdi></span>" in places  # the place names beside it


# --- a vocabulary of a thousand terms ----------------------------------------------------
AUTHORS = 1000
USED = TERMS_PER_PAGE + 20  # enough for the index to continue on a second page


@pytest.fixture
def large_vocabulary(site_folder):
    vocabulary = copy.deepcopy(TAXONOMIES)
    vocabulary["authors"] = {
        "name": "Authors", "singular": "Author", "field": "authors", "multiple": True, "required": False,
        "min_terms": 0, "description": "Who wrote each case study.",
        "terms": [{"id": f"author-{n}", "name": f"Author {n}", "description": "A writer."} for n in range(AUTHORS)]}
    site_folder.write_yaml("taxonomies.yaml", vocabulary)
    site_folder.write_yaml("site.yaml", SETTINGS | {"feed_size": 10})
    for n in range(USED):
        site_folder.add(f"case-{n}", title=f"Case {n}", authors=[f"author-{n}"], authority=f"Council {n % 7}")
    return site_folder


def test_a_large_vocabulary_gives_pages_only_to_terms_in_use_and_pages_its_index(large_vocabulary):
    out = build_site(large_vocabulary)
    first, second = parse(out / "authors" / "index.html"), parse(out / "authors" / "page" / "2" / "index.html")
    names = [h.find("a").text() for page in (first, second) for h in page.find_all("h2", cls="term-list__name")]
    assert names == [f"Author {n}" for n in range(USED)]
    assert first.find("a", rel="next").attrs["href"] == "/authors/page/2/"
    assert second.find("p", cls="term-list__unlisted").text() == f"{AUTHORS - USED} more have no case studies yet."
    assert sorted(p.name for p in (out / "authors").iterdir()) == sorted([f"author-{n}" for n in range(USED)]
                                                                       + ["index.html", "page"])
    assert (out / "authors" / "index.html").stat().st_size < 40_000
    assert len(ET.parse(out / "feed.xml").getroot().findall("{http://www.w3.org/2005/Atom}entry")) == 10
    places = parse(out / "places" / "index.html")
    assert [a.text() for a in places.find_all("ul", cls="place-list")[-1].find_all("a")] == \
        [f"Council {n}" for n in range(7)]
    assert (out / "places" / "index.html").stat().st_size < 20_000


def test_new_lists_a_few_ids_of_a_large_vocabulary_and_where_the_rest_are(large_vocabulary):
    path = new_case_study(large_vocabulary.content, "A new case study", {})
    text = path.read_text()
    assert len(text.splitlines()) < 120
    listed = [line for line in text.splitlines() if line.startswith("#   author-")]
    assert len(listed) == LISTED_TERMS
    assert f"#   ... and {AUTHORS - LISTED_TERMS:,} more: every id is in content/taxonomies.yaml" in text
    assert "#   transport: Transport" in text  # a short vocabulary is listed in full
