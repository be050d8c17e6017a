"""The link checker: broken links in bodies are found, with a useful suggestion, quickly."""

from __future__ import annotations

import difflib

import pytest

from levelup_site import links
from levelup_site.errors import SiteError
from levelup_site.links import NearestPages
from levelup_site.pipeline import Project, build


def build_problems(site_folder) -> list:
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    return caught.value.problems


def test_a_mistyped_link_suggests_the_page_meant(site_folder):
    site_folder.add("parks", title="Parks")
    site_folder.add("buses", body="See [the parks study](/case-studies/parcs/).\n")
    [problem] = build_problems(site_folder)
    assert problem.path.endswith("case-studies/buses.md") and problem.field == "body"
    assert "did you mean '/case-studies/parks/'?" in problem.hint


def test_an_image_path_starting_with_static_is_corrected(site_folder):
    (site_folder.root / "static" / "images").mkdir(parents=True, exist_ok=True)
    (site_folder.root / "static" / "images" / "van.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site_folder.add("buses", image="static/images/van.png", image_alt="A library van")
    [problem] = build_problems(site_folder)
    assert problem.field == "image"
    assert "`image: images/van.png`" in problem.hint


def test_suggestions_compare_each_broken_link_with_a_shortlist_not_every_page(monkeypatch):
    pages = {f"case-studies/study-{n}-{word}/index.html" for n in range(5000)
             for word in ("parks",)} | {"case-studies/library-vans/index.html"}
    compared = []
    real = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        compared.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(links.difflib, "get_close_matches", counting)
    nearest = NearestPages(pages)
    broken = [f"case-studies/libary-vans-{n % 50}/index.html" for n in range(500)]
    answers = [nearest.nearest(path) for path in broken]
    assert len(compared) == 50, "each distinct address is looked up once"
    assert max(compared) <= NearestPages.SHORTLIST
    assert answers[0] == "case-studies/library-vans/index.html"
