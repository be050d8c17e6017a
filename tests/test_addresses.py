"""Where case studies live (the permalink setting), the redirects their `aliases`
write, and the settings for the feed and the site's contact."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import SETTINGS
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build, check
from test_site_output import card_titles, follow, link_problems, parse

ROOT = "https://example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"


def build_site(site_folder, base_url: str = ROOT):
    build(Project.at(site_folder.content), site_folder.output, base_url=base_url)
    return site_folder.output


def errors(site_folder) -> list:
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    assert not site_folder.output.exists(), "a failed build must not leave a site behind"
    return [p for p in caught.value.problems if not p.warning]


def settings(site_folder, **values) -> None:
    site_folder.write_yaml("site.yaml", SETTINGS | values)


# --- permalinks -------------------------------------------------------------------
def test_a_dated_permalink_moves_every_case_page_and_every_link_to_it(site_folder):
    settings(site_folder, permalink="/{year}/{month}/{day}/{slug}/")
    site_folder.add("buses", title="Better buses", published="2023-01-02",
                    body="See [the parks](/sub/2022/12/01/parks/).\n")
    site_folder.add("parks", title="Green parks", published="2022-12-01")
    out = build_site(site_folder, "https://example.github.io/sub/")
    assert parse(out / "2023" / "01" / "02" / "buses" / "index.html").find("h1").text() == "Better buses"
    assert not (out / "case-studies" / "buses").exists()
    listing = out / "case-studies" / "index.html"
    hrefs = [a.attrs["href"] for a in parse(listing).find_all("a") if a.text() in ("Better buses", "Green parks")]
    assert sorted(hrefs) == ["/sub/2022/12/01/parks/", "/sub/2023/01/02/buses/"]
    assert link_problems(out, "https://example.github.io/sub/") == []
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://example.github.io/sub/2023/01/02/buses/" in sitemap


def test_a_link_to_the_old_address_after_a_permalink_change_is_reported(site_folder):
    settings(site_folder, permalink="/stories/{slug}/")
    site_folder.add("buses", body="See [the parks](/case-studies/parks/).\n")
    site_folder.add("parks", title="Green parks")
    [problem] = errors(site_folder)
    assert (problem.path, problem.field) == ("content/case-studies/buses.md", "body")
    assert "did you mean '/stories/parks/'?" in problem.hint


@pytest.mark.parametrize("pattern, message", [
    ("case-studies/{slug}/", "must start and end with '/'"),
    ("/case-studies/{slug}", "must start and end with '/'"),
    ("/case-studies/", "must contain {slug} once"),
    ("/{slug}/{slug}/", "must contain {slug} once"),
    ("/{title}/{slug}/", "'{title}' is not a part of a case study's address"),
    ("/Case Studies/{slug}/", "may hold only lowercase letters"),
    ("/case-studies//{slug}/", "may hold only lowercase letters"),
    ("/../{slug}/", "may hold only lowercase letters"),
    ("/places/{slug}/", "'places/' holds other pages of the site"),
    ("/feed.xml/{slug}/", "'feed.xml/' holds other pages of the site"),
])
def test_a_permalink_that_cannot_work_is_refused_on_its_line(site_folder, pattern, message):
    settings(site_folder, permalink=pattern)
    site_folder.add("buses")
    [problem] = errors(site_folder)
    lines = (site_folder.content / "site.yaml").read_text().splitlines()
    assert (problem.path, problem.field) == ("content/site.yaml", "permalink")
    assert lines[problem.line - 1].startswith("permalink:")
    assert message in problem.message and problem.hint


def test_a_permalink_at_the_root_that_meets_another_page_is_reported_on_the_case_study(site_folder):
    settings(site_folder, permalink="/{slug}/")
    site_folder.add("places", title="Places people love")
    [problem] = errors(site_folder)
    assert (problem.path, problem.field) == ("content/case-studies/places.md", "slug")
    assert "/places/ is also the address of another page" in problem.message


# --- aliases ----------------------------------------------------------------------
def test_an_alias_redirects_to_the_case_page_and_asks_not_to_be_indexed(site_folder):
    site_folder.add("buses", title="Better buses", aliases=["/news/2019/buses/", "/old-site/buses.html"])
    site_folder.add("parks", title="Green parks", body="Earlier [buses](/sub/news/2019/buses/) page.\n")
    out = build_site(site_folder, "https://example.github.io/sub/")
    for file in (out / "news" / "2019" / "buses" / "index.html", out / "old-site" / "buses.html"):
        text = file.read_text()
        tree = parse(file)
        assert '<meta http-equiv="refresh" content="0; url=/sub/case-studies/buses/">' in text
        assert '<meta name="robots" content="noindex">' in text
        assert '<link rel="canonical" href="https://example.github.io/sub/case-studies/buses/">' in text
        [link] = tree.find_all("a")
        assert link.text() == "Better buses"
        assert follow(out, "https://example.github.io/sub/", file, link.attrs["href"]) == \
            out / "case-studies" / "buses" / "index.html"
    assert link_problems(out, "https://example.github.io/sub/") == []
    assert "news/2019" not in (out / "sitemap.xml").read_text()  # a redirect is not a page to index


@pytest.mark.parametrize("alias, message", [
    ("news/buses/", "must be a path on this site, starting with '/'"),
    ("/news/../places/", "is not a plain path"),
    ("/news//buses/", "is not a plain path"),
    ("/news/buses/?page=2", "is not a plain path"),
    ("/news/my buses/", "is not a plain path"),
    ("/places/", "is also the address of another page"),
    ("/case-studies/parks/", "is also the address of another page"),
    ("/case-studies/buses/", "is also the address of another page"),
])
def test_an_alias_that_cannot_redirect_is_refused_on_its_line(site_folder, alias, message):
    path = site_folder.add("buses", aliases=["/fine/", alias])
    site_folder.add("parks", title="Green parks")
    [problem] = errors(site_folder)
    assert (problem.path, problem.field) == ("content/case-studies/buses.md", "aliases")
    assert path.read_text().splitlines()[problem.line - 1].startswith("aliases:")
    assert message in problem.message and problem.hint


def test_two_case_studies_claiming_one_alias_are_both_told(site_folder):
    site_folder.add("buses", aliases=["/old/"])
    site_folder.add("parks", title="Green parks", aliases=["/old/"])
    problems = errors(site_folder)
    assert sorted(p.path for p in problems) == ["content/case-studies/buses.md", "content/case-studies/parks.md"]
    assert all(p.field == "aliases" and "'/old/'" in p.message for p in problems)


def test_aliases_must_be_a_list_of_paths(site_folder):
    site_folder.add("buses", aliases="/old/")
    [problem] = errors(site_folder)
    assert problem.field == "aliases" and "expected a list of paths" in problem.message


# --- the feed and the contact -------------------------------------------------------
def test_the_feed_carries_the_newest_case_studies_and_the_publishers_contact(site_folder):
    settings(site_folder, feed_size=2, contact="editors@example.org")
    for day in range(1, 5):
        site_folder.add(f"case-{day}", title=f"Case {day}", published=f"2023-01-0{day}")
    out = build_site(site_folder)
    feed = ET.parse(out / "feed.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Case 4", "Case 3"]
    author = feed.find(f"{ATOM}author")
    assert (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}email")) == ("Test Publisher",
                                                                                "editors@example.org")
    footer = parse(out / "index.html").find("p", cls="site-footer__publisher")
    assert footer.text().startswith("Published by Test Publisher.")
    assert footer.find("a").attrs["href"] == "mailto:editors@example.org"
    assert len(card_titles(parse(out / "case-studies" / "index.html"))) == 4  # lists still show all


@pytest.mark.parametrize("contact, href, uri", [
    ("https://github.com/owner/site/issues", "https://github.com/owner/site/issues",
     "https://github.com/owner/site/issues"),
    ("/about/", "/sub/about/", "https://example.github.io/sub/about/"),
])
def test_a_contact_address_or_page_is_linked_from_the_footer_and_the_feed(site_folder, contact, href, uri):
    settings(site_folder, contact=contact)
    site_folder.add("buses")
    (site_folder.content / "pages").mkdir()
    (site_folder.content / "pages" / "about.md").write_text("---\ntitle: About\nsummary: Us.\n---\nUs.\n")
    out = build_site(site_folder, "https://example.github.io/sub/")
    assert parse(out / "index.html").find("p", cls="site-footer__publisher").find("a").attrs["href"] == href
    assert ET.parse(out / "feed.xml").getroot().find(f"{ATOM}author").findtext(f"{ATOM}uri") == uri
    assert link_problems(out, "https://example.github.io/sub/") == []


@pytest.mark.parametrize("key, value, message", [
    ("contact", "the editors", "is not an email address, a web address or a path on this site"),
    ("contact", 42, "is not an email address"),
    ("feed_size", 0, "expected a whole number of 1 or more"),
    ("feed_size", "ten", "expected a whole number of 1 or more"),
    ("empty_term_pages", "yes", "expected true or false"),
])
def test_a_setting_that_cannot_be_used_is_refused_on_its_line(site_folder, key, value, message):
    settings(site_folder, **{key: value})
    site_folder.add("buses")
    with pytest.raises(SiteError) as caught:
        check(Project.at(site_folder.content))
    [problem] = caught.value.problems
    lines = (site_folder.content / "site.yaml").read_text().splitlines()
    assert problem.field == key and lines[problem.line - 1].startswith(f"{key}:")
    assert message in problem.message


def test_the_bundled_site_names_its_publisher_as_independent_of_its_sources(tmp_path):
    from conftest import REPO
    out = tmp_path / "site"
    build(Project.at(REPO / "content"), out)
    footer = parse(out / "index.html").find("p", cls="site-footer__publisher")
    assert re.search(r"independent of ADEPT", footer.text())
    assert footer.find("a").attrs["href"] == "/contribute/"


@pytest.mark.search
@pytest.mark.parametrize(("permalink", "page"), [("/stories/{slug}/", "stories/buses"), ("/{slug}/", "buses")])
def test_the_search_index_holds_the_case_pages_wherever_the_permalink_puts_them(site_folder, permalink, page):
    site_folder.add("buses", body="The word zanzibarish is only here.\n")
    settings = site_folder.content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"permalink: {permalink}\n", encoding="utf-8")
    build(Project.at(site_folder.content), site_folder.output)
    index = site_folder.output / "pagefind"
    assert (site_folder.output / page / "index.html").is_file()
    assert any((index / "index").iterdir()), "the search index is empty"
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"], "no language was indexed"


def test_a_page_cannot_take_the_search_index_folder(site_folder):
    site_folder.add("buses")
    (site_folder.content / "pages").mkdir()
    (site_folder.content / "pages" / "pagefind.md").write_text("---\ntitle: P\nsummary: S.\n---\nText.\n",
                                                                 encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    assert any(p.path.endswith("pages/pagefind.md") and "cannot be the address" in p.message
               for p in caught.value.problems)
