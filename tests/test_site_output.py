"""What a reader of the built site sees: links that work, counts that add up, and
pages, feeds and sitemaps that agree with the content they were built from."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import REPO, SETTINGS
from conftest import TAXONOMIES as BASE_TAXONOMIES
from levelup_site.errors import SiteError
from levelup_site.models import Words
from levelup_site.pipeline import Project, build

ROOT_URL = "https://example.org/"
SUB_URL = "https://example.github.io/project/"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src"}

# conftest's vocabularies plus a theme and a region that no case study uses.
TAXONOMIES = copy.deepcopy(BASE_TAXONOMIES)
TAXONOMIES["themes"]["terms"].append({"id": "culture", "name": "Culture", "description": "Arts."})
TAXONOMIES["regions"]["terms"].append({"id": "south-west", "name": "South West", "description": "The SW."})

# slug -> front matter. Testford Council has two case studies; hackney-homes shares
# no theme or outcome with any other; testford-buses has a footnote (a #fragment link).
CASES = {
    "testford-buses": dict(
        title="Better buses in Testford", place="Testford", authority="Testford Council", region="north-west",
        themes=["transport"], outcomes=["economy"], published="2023-01-02",
        sources=[{"title": "Bus plan", "url": "https://reports.example.com/buses"}]),
    "testford-parks": dict(
        title="Greener parks in Testford", place="Testford Vale", authority="Testford Council",
        region="north-west", themes=["parks"], outcomes=["health"], published="2023-02-01",
        sources=[{"title": "Parks review", "url": "https://reports.example.com/parks"},
                 {"title": "Health survey", "url": "https://stats.example.net/health?year=2023"}]),
    "hackney-homes": dict(
        title="Warm homes in Hackney", place="Hackney", authority="London Borough of Hackney", region="london",
        themes=["housing"], outcomes=["climate"], published="2023-03-01",
        sources=[{"title": "Retrofit report", "url": "https://reports.example.com/homes"}]),
    "camden-cycling": dict(
        title="Cycle lanes in Camden", place="Camden Town", authority="Camden Council", region="london",
        themes=["transport", "parks"], outcomes=["health"], published="2023-04-01",
        image="images/cycle-lane.png", image_alt="A cycle lane beside a park",
        sources=[{"title": "Cycling strategy", "url": "https://reports.example.com/cycling"}]),
    "bolton-jobs": dict(
        title="Bus routes to jobs in Bolton", place="Bolton", authority="Bolton Council", region="north-west",
        themes=["transport"], outcomes=["economy", "health"], published="2022-12-01",
        sources=[{"title": "Jobs data", "url": "https://reports.example.com/jobs"}]),
}
BODIES = {"testford-buses": "## What happened\n\nBuses improved.[^1]\n\n[^1]: Council report, 2023.\n"}


# --- HTML as a small tree ----------------------------------------------------------
class Node:
    def __init__(self, tag: str, attrs: list, parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        raw = "".join(c if isinstance(c, str) else c.text() for c in self.children)
        return " ".join(raw.split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag)
                and (cls is None or cls in (n.attrs.get("class") or "").split())
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, *args, **kwargs) -> Node | None:
        found = self.find_all(*args, **kwargs)
        return found[0] if found else None

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Node("#document", [])

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


# --- building and resolving ---------------------------------------------------------
def add_cases(folder, cases=CASES) -> None:
    for slug, fields in cases.items():
        folder.add(slug, body=BODIES.get(slug, "Some **text**.\n"), **fields)


def build_site(folder, base_url=ROOT_URL, out: Path | None = None, drafts=False) -> Path:
    out = out or folder.output
    build(Project.at(folder.content), out, base_url=base_url, drafts=drafts)
    return out


def base_path(base_url: str) -> str:
    return urlsplit(base_url).path


def page_url(out: Path, file: Path, base_url: str) -> str:
    rel = file.relative_to(out).as_posix()
    return base_url + (rel.removesuffix("index.html"))


def target_file(out: Path, base_url: str, path: str) -> Path | None:
    """The output file a same-host URL path is served from, or None."""
    prefix = base_path(base_url)
    if not path.startswith(prefix):
        return None
    rel = unquote(path[len(prefix):])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    file = out / rel
    return file if file.is_file() else None


def follow(out: Path, base_url: str, from_file: Path, href: str) -> Path:
    url = urlsplit(urljoin(page_url(out, from_file, base_url), href))
    file = target_file(out, base_url, url.path)
    assert file is not None, f"{href} on {from_file.relative_to(out)} leads nowhere"
    return file


def ids(tree: Node) -> list[str]:
    return [n.attrs["id"] for n in tree.iter() if n.attrs.get("id")]


def link_problems(out: Path, base_url: str) -> list[str]:
    host, prefix = urlsplit(base_url).netloc, base_path(base_url)
    trees = {file: parse(file) for file in sorted(out.rglob("*.html"))}
    problems = []
    for file, tree in trees.items():
        where = file.relative_to(out).as_posix()
        seen = ids(tree)
        problems += [f"{where}: id {i!r} is used twice" for i in sorted(set(seen)) if seen.count(i) > 1]
        for node in tree.iter():
            raw = node.attrs.get(LINK_ATTRS.get(node.tag, ""))
            if raw is None:
                continue
            url = urlsplit(urljoin(page_url(out, file, base_url), raw))
            if url.scheme not in ("http", "https") or url.netloc != host:
                continue  # mailto: or another site
            if not raw.startswith(("#", "/", "http://", "https://")):
                problems.append(f"{where}: {raw!r} is a relative link")
            if raw.startswith("/") and not raw.startswith(prefix):
                problems.append(f"{where}: {raw!r} does not start with {prefix}")
            target = target_file(out, base_url, url.path)
            if target is None:
                problems.append(f"{where}: {raw!r} leads to no file")
            elif url.fragment and unquote(url.fragment) not in ids(trees.get(target) or parse(target)):
                problems.append(f"{where}: {raw!r}: no id {url.fragment!r} in {target.relative_to(out)}")
    return problems


# --- the fixture data, computed independently of the generator ----------------------
def term_ids(case: dict, taxonomy_id: str) -> list[str]:
    value = case.get(TAXONOMIES[taxonomy_id]["field"]) or []
    return value if isinstance(value, list) else [value]


def term_name(taxonomy_id: str, term_id: str) -> str:
    return next(t["name"] for t in TAXONOMIES[taxonomy_id]["terms"] if t["id"] == term_id)


def titles_with(**wanted: str) -> set[str]:
    return {c["title"] for c in CASES.values() if all(t in term_ids(c, tax) for tax, t in wanted.items())}


def counted(n: int) -> str:
    return f"{n} case study" if n == 1 else f"{n} case studies"


def card_titles(tree: Node) -> list[str]:
    return [n.find("a").text() for n in tree.find_all(cls="card__title")]


@pytest.fixture
def site(site_folder):
    site_folder.write_yaml("taxonomies.yaml", TAXONOMIES)
    (site_folder.root / "static" / "images").mkdir(exist_ok=True)
    (site_folder.root / "static" / "images" / "cycle-lane.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    add_cases(site_folder)
    return site_folder


# --- 1. link integrity --------------------------------------------------------------
@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_every_internal_link_resolves(site, base_url):
    out = build_site(site, base_url)
    assert len(list(out.rglob("*.html"))) > 20
    assert link_problems(out, base_url) == []


def test_bundled_content_links_resolve_under_a_sub_path(tmp_path):
    out = tmp_path / "site"
    build(Project.at(REPO / "content"), out, base_url=SUB_URL)
    assert link_problems(out, SUB_URL) == []


def test_a_missing_image_is_reported_not_published_as_a_broken_image(site_folder):
    site_folder.add("no-picture", image="images/not-there.jpg", image_alt="A bus",
                    sources=[{"title": "Report", "url": "https://reports.example.com/x"}])
    try:
        out = build_site(site_folder, SUB_URL)
    except SiteError:
        return  # refusing to build is fine: the author is told
    assert link_problems(out, SUB_URL) == []


def test_spellings_of_one_authority_share_one_page(site_folder):
    names = ["St Helens Council", "St. Helens Council", "Testford council", "Testford Council"]
    for n, name in enumerate(names):
        site_folder.add(f"case-{n}", title=f"Case {n}", authority=name, published=f"2023-01-0{n + 1}",
                        sources=[{"title": "Report", "url": "https://reports.example.com/x"}])
    out = build_site(site_folder)
    assert link_problems(out, ROOT_URL) == []  # includes: no id used twice on /places/
    targets = {}
    for n, name in enumerate(names):
        file = out / "case-studies" / f"case-{n}" / "index.html"
        link = next(a for a in parse(file).find_all("a") if a.text() == name)
        targets[name] = follow(out, ROOT_URL, file, link.attrs["href"])
    assert targets["St Helens Council"] == targets["St. Helens Council"]
    assert targets["Testford council"] == targets["Testford Council"]
    assert targets["St Helens Council"] != targets["Testford Council"]
    assert sorted(card_titles(parse(targets["St Helens Council"]))) == ["Case 0", "Case 1"]


def test_link_checker_notices_a_broken_link(site):
    out = build_site(site)
    (out / "places" / "index.html").unlink()
    assert any("places/" in p for p in link_problems(out, ROOT_URL))


# --- 2. counts ------------------------------------------------------------------------
@pytest.mark.parametrize("taxonomy_id", ["themes", "outcomes", "regions"])
def test_taxonomy_and_term_pages_count_the_case_studies(site, taxonomy_id):
    out = build_site(site)
    index = parse(out / taxonomy_id / "index.html")
    listed = {}
    for heading in index.find_all("h2", cls="term-list__name"):
        link = heading.find("a")
        listed[link.text()] = heading.find("span", cls="term-list__count").text()
        term_page = parse(follow(out, ROOT_URL, out / taxonomy_id / "index.html", link.attrs["href"]))
        assert term_page.find("h1").text() == link.text()
    empty = 0
    for term in TAXONOMIES[taxonomy_id]["terms"]:
        expected = titles_with(**{taxonomy_id: term["id"]})
        page_file = out / taxonomy_id / term["id"] / "index.html"
        if not expected:  # a term with no case studies gets no page and no entry
            empty += 1
            assert term["name"] not in listed and not page_file.exists()
            continue
        assert listed[term["name"]] == f"({counted(len(expected))})"
        page = parse(page_file)
        assert page.find("p", cls="count").text() == counted(len(expected))
        assert sorted(card_titles(page)) == sorted(expected)
    unlisted = index.find("p", cls="term-list__unlisted")
    assert (unlisted is None) == (empty == 0)
    if empty:
        assert unlisted.text().startswith(f"{empty} more")


def test_terms_with_no_case_studies_get_pages_when_the_setting_asks(site):
    site.write_yaml("site.yaml", SETTINGS | {"empty_term_pages": True})
    out = build_site(site)
    culture = parse(out / "themes" / "culture" / "index.html")
    assert culture.find("p", cls="count").text() == counted(0)
    names = [h.find("a").text() for h in parse(out / "themes" / "index.html").find_all("h2", cls="term-list__name")]
    assert "Culture" in names
    assert link_problems(out, ROOT_URL) == []


def test_home_matrix_cells_count_and_link_to_their_case_studies(site):
    out = build_site(site, SUB_URL)
    home = out / "index.html"
    everything = parse(out / "case-studies" / "index.html")
    assert everything.find("p", cls="count").text() == counted(len(CASES))
    assert sorted(card_titles(everything)) == sorted(c["title"] for c in CASES.values())
    table = parse(home).find("table", cls="matrix")
    columns = [th.text() for th in table.find("thead").find_all("th")[1:]]
    assert columns == [t["name"] for t in TAXONOMIES["outcomes"]["terms"]]
    rows = table.find("tbody").find_all("tr")
    assert [r.find("th").text() for r in rows] == [t["name"] for t in TAXONOMIES["themes"]["terms"]]
    for theme, row in zip(TAXONOMIES["themes"]["terms"], rows):
        for outcome, cell in zip(TAXONOMIES["outcomes"]["terms"], row.find_all("td")):
            expected = titles_with(themes=theme["id"], outcomes=outcome["id"])
            assert int(cell.text()) == len(expected), (theme["id"], outcome["id"])
            link = cell.find("a")
            if not expected:
                assert link is None
                continue
            page = parse(follow(out, SUB_URL, home, link.attrs["href"]))
            assert sorted(card_titles(page)) == sorted(expected), (theme["id"], outcome["id"])
            assert page.find("p", cls="count").text() == counted(len(expected))


# --- 3. related case studies ----------------------------------------------------------
def related_titles(out: Path, slug: str) -> list[str] | None:
    aside = parse(out / "case-studies" / slug / "index.html").find("aside", cls="related")
    if aside is None:
        return None
    assert aside.find("h2").text() == "Related case studies"
    return card_titles(aside)


def test_related_case_studies_share_themes_first(site):
    out = build_site(site)
    for slug, case in CASES.items():
        def shares(other, taxonomy_id, case=case):
            return bool(set(term_ids(case, taxonomy_id)) & set(term_ids(other, taxonomy_id)))
        others = [c for s, c in CASES.items() if s != slug]
        theme_mates = {c["title"] for c in others if shares(c, "themes")}
        outcome_only = {c["title"] for c in others if not shares(c, "themes") and shares(c, "outcomes")}
        listed = related_titles(out, slug)
        if not theme_mates | outcome_only:
            assert listed is None, slug
            continue
        assert listed, slug
        assert case["title"] not in listed
        assert set(listed) <= theme_mates | outcome_only, slug
        kinds = ["theme" if t in theme_mates else "outcome" for t in listed]
        assert kinds == sorted(kinds, key=["theme", "outcome"].index), (slug, listed)
        if theme_mates - set(listed):  # a theme-mate was left out: no outcome-only case may be shown
            assert "outcome" not in kinds, (slug, listed)
    assert related_titles(out, "testford-parks")[:2] == ["Cycle lanes in Camden", "Bus routes to jobs in Bolton"]
    assert related_titles(out, "hackney-homes") is None


def test_a_shared_theme_outranks_several_shared_outcomes(site_folder):
    """'Also about parks' should come before 'also about health and climate'."""
    site_folder.add("base", title="Pocket parks", themes=["parks"], outcomes=["health", "climate"],
                    published="2023-01-01")
    site_folder.add("theme-mate", title="Park wardens", themes=["parks"], outcomes=["economy"],
                    published="2023-01-02")
    site_folder.add("outcome-mate", title="Healthy warm homes", themes=["housing"],
                    outcomes=["health", "climate"], published="2023-01-03")
    out = build_site(site_folder)
    assert related_titles(out, "base") == ["Park wardens", "Healthy warm homes"]


# --- 4. case page key facts -----------------------------------------------------------
def test_case_pages_key_facts_sources_and_structure(site):
    out = build_site(site, SUB_URL)
    for slug, case in CASES.items():
        file = out / "case-studies" / slug / "index.html"
        tree = parse(file)
        assert tree.find("html").attrs.get("lang") == "en-GB"
        assert len(tree.find_all("h1")) == 1 and tree.find("h1").text() == case["title"]
        assert len(tree.find_all("main")) == 1
        facts = {row.find("dt").text(): row.find("dd").find_all("a")
                 for row in tree.find("dl", cls="summary-list").find_all("div", cls="summary-list__row")}
        words = Words()  # the fixture site sets none of its own
        for label, value in ((words.place, case["place"]), (words.authority, case["authority"])):
            [link] = facts[label]
            assert link.text() == value
            authority = parse(follow(out, SUB_URL, file, link.attrs["href"]))
            assert authority.find("h1").text() == case["authority"], slug
            assert case["title"] in card_titles(authority)
        for taxonomy_id in ("themes", "outcomes", "regions"):
            wanted = term_ids(case, taxonomy_id)
            spec = TAXONOMIES[taxonomy_id]
            links = facts[spec["name"] if len(wanted) > 1 else spec["singular"]]
            assert [a.text() for a in links] == [term_name(taxonomy_id, t) for t in wanted]
            for link, term_id in zip(links, wanted):
                assert follow(out, SUB_URL, file, link.attrs["href"]) == out / taxonomy_id / term_id / "index.html"
        sources = [(a.text(), a.attrs["href"]) for a in tree.find("ul", cls="sources").find_all("a")]
        assert sources == [(s["title"], s["url"]) for s in case["sources"]]
        image = tree.find("img", cls="case-study__image")
        assert (image is None) == ("image" not in case)
        if image is not None:
            assert image.attrs["alt"] == case["image_alt"]
            assert follow(out, SUB_URL, file, image.attrs["src"]) == out / "static" / case["image"]


# --- 5. places --------------------------------------------------------------------------
def test_places_counts_regions_and_authorities_and_links_to_their_lists(site):
    out = build_site(site)
    places = out / "places" / "index.html"
    main = parse(places).find("main")
    [regions, *by_letter] = main.find_all("ul", cls="place-list")
    for item, region in zip(regions.find_all("li"), TAXONOMIES["regions"]["terms"]):
        expected = titles_with(regions=region["id"])
        assert item.find("span", cls="place-list__count").text() == f"({counted(len(expected))})"
        link = item.find("a")
        if expected:  # a region with no case studies has no page to link to
            assert sorted(card_titles(parse(follow(out, ROOT_URL, places, link.attrs["href"])))) == sorted(expected)
        else:
            assert link is None and item.text().startswith(region["name"])
    authorities = {c["authority"] for c in CASES.values()}
    listed = {}
    for item in (li for ul in by_letter for li in ul.find_all("li")):
        link = item.find("a")
        listed[link.text()] = sorted(card_titles(parse(follow(out, ROOT_URL, places, link.attrs["href"]))))
    assert listed == {a: sorted(c["title"] for c in CASES.values() if c["authority"] == a) for a in authorities}
    assert [h.text() for h in main.find_all("h3")] == sorted({a[0] for a in authorities})
    assert '<h2 id="by-group">By region</h2>' in places.read_text(encoding="utf-8")


# --- 6. determinism -----------------------------------------------------------------------
def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site, tmp_path):
    first = tree_bytes(build_site(site, SUB_URL, out=tmp_path / "one"))
    second = tree_bytes(build_site(site, SUB_URL, out=tmp_path / "elsewhere" / "two"))
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


# --- 7. sitemap, feed, robots, 404 -------------------------------------------------------
@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_sitemap_feed_and_robots(site, base_url):
    out = build_site(site, base_url)
    case_urls = {f"{base_url}case-studies/{slug}/" for slug in CASES}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert case_urls <= set(locs)
    assert len(locs) == len(set(locs))
    for loc in locs:
        assert loc.startswith(base_url), loc
        assert target_file(out, base_url, urlsplit(loc).path) is not None, loc
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(CASES)
    assert {e.find("a:link", ns).get("href") for e in entries} == case_urls
    assert {e.find("a:title", ns).text for e in entries} == {c["title"] for c in CASES.values()}
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert re.search(rf"^Sitemap: {re.escape(base_url)}sitemap\.xml$", robots, re.MULTILINE)


@pytest.mark.parametrize("base_url", [ROOT_URL, SUB_URL])
def test_404_page_links_work_from_any_depth(site, base_url):
    out = build_site(site, base_url)
    tree = parse(out / "404.html")
    assert tree.find("h1").text() == "Page not found"
    hrefs = [n.attrs[LINK_ATTRS[n.tag]] for n in tree.iter() if LINK_ATTRS.get(n.tag, "") in n.attrs]
    assert hrefs
    for href in hrefs:
        if href.startswith("#"):
            continue
        resolved = {urlsplit(urljoin(base_url + where, href)).path
                    for where in ("404.html", "missing", "a/b/c/missing/", "case-studies/gone/deep/page.html")}
        assert len(resolved) == 1, f"{href} depends on the depth of the missing page"
        if urlsplit(href).netloc in ("", urlsplit(base_url).netloc):
            assert target_file(out, base_url, resolved.pop()) is not None, href


# --- 8. drafts ------------------------------------------------------------------------------
def test_drafts_are_left_out_unless_asked_for(site, tmp_path):
    site.add("secret-plan", title="Secret plan for Testford", draft=True, themes=["housing"],
             outcomes=["climate"], published="2024-01-01")
    out = build_site(site)
    assert not (out / "case-studies" / "secret-plan").exists()
    for file in out.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".xml", ".txt"):
            text = file.read_text(encoding="utf-8")
            assert "Secret plan" not in text and "secret-plan" not in text, file
    housing = parse(out / "themes" / "index.html").find("a", href="/themes/housing/").parent
    assert housing.find("span").text() == f"({counted(len(titles_with(themes='housing')))})"

    preview = build_site(site, out=tmp_path / "preview", drafts=True)
    page = parse(preview / "case-studies" / "secret-plan" / "index.html")
    assert page.find("h1").find("strong", cls="tag--draft").text() == "Draft"
    for slug in CASES:
        assert "Draft" not in parse(preview / "case-studies" / slug / "index.html").find("h1").text()
    listing = parse(preview / "case-studies" / "index.html")
    draft_card = next(n for n in listing.find_all(cls="card__title") if "Secret plan" in n.text())
    assert draft_card.find("strong", cls="tag--draft") is not None
