"""The words that name a site's domain come from its configuration, and dates are
written for its language."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import REPO, SETTINGS
from levelup_site import formats
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build, check


def built(folder, **settings):
    folder.write_yaml("site.yaml", {**SETTINGS, **settings})
    folder.add("buses", published="2022-12-14")
    build(Project.at(folder.content), folder.output)
    return folder.output


def page(out, path: str) -> str:
    return (out / path / "index.html").read_text(encoding="utf-8")


def json_ld(html: str) -> dict:
    return json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])


@pytest.mark.parametrize("language, written", [
    ("en-GB", "14 December 2022"),
    ("en-US", "December 14, 2022"),
    ("de-DE", "14. Dezember 2022"),
])
def test_dates_are_written_for_the_sites_language(site_folder, language, written):
    out = built(site_folder, language=language)
    assert f'<time datetime="2022-12-14">{written}</time>' in page(out, "case-studies/buses")
    assert f'<time datetime="2022-12-14">{written}</time>' in page(out, "")
    # The cards the list's filters build in the browser take the date from the finder index.
    [study] = json.loads((out / "data" / "finder.json").read_text(encoding="utf-8"))["studies"]
    assert study[-1] == written


def test_a_language_babel_does_not_know_falls_back_to_british_dates():
    assert formats.long_date(dt.date(2022, 12, 14), "tlh-Klingon") == "14 December 2022"


def test_neutral_words_by_default(site_folder):
    out = built(site_folder)
    home, places, case = page(out, ""), page(out, "places"), page(out, "case-studies/buses")
    for html in (home, places, case):
        assert "council or combined authority" not in html and "region of England" not in html
    assert "<h2 id=\"by-authority\">By organisation</h2>" in places
    assert json_ld(case)["author"]["@type"] == "Organization"
    assert "<dt>Organisation</dt>" in case


def test_a_site_names_its_own_domain(site_folder):
    words = {"case_study": "post", "case_studies": "posts", "places": "Branches", "authority": "Author",
             "by_authority": "By author", "authority_type": "Person", "intro": "Posts from our branches.",
             "matrix_heading": "Subjects by result", "places_description": "Posts by branch and author."}
    out = built(site_folder, words=words)
    home, places, case = page(out, ""), page(out, "places"), page(out, "case-studies/buses")
    menu = home.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "><bdi>Posts</bdi></a>" in menu and "><bdi>Branches</bdi></a>" in menu
    assert "<p dir=\"auto\">Posts from our branches.</p>" in home
    assert '<h2 id="matrix-heading">Subjects by result</h2>' in home
    assert "<h2 id=\"latest-heading\">Latest posts</h2>" in home
    assert "<h1>Branches</h1>" in places and "Posts by branch and author." in places
    assert "<dt>Author</dt>" in case and json_ld(case)["author"]["@type"] == "Person"
    assert "<h2>Sources</h2>" in case and "Related case studies" not in case


def test_an_unknown_word_is_a_located_error_with_a_suggestion(site_folder):
    site_folder.write_yaml("site.yaml", {**SETTINGS, "words": {"case_studys": "posts"}})
    site_folder.add("buses")
    with pytest.raises(SiteError) as raised:
        check(Project.at(site_folder.content))
    [problem] = raised.value.problems
    assert problem.field == "words.case_studys" and problem.line
    assert "did you mean" in problem.hint and "'case_studies'" in problem.hint


def test_the_bundled_site_keeps_its_own_words(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    build(Project.at(tmp_path / "content"), tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "council or combined authority has brought services together" in home
    assert '<h2 id="matrix-heading">Themes and outcomes</h2>' in home
    case = next((tmp_path / "site" / "case-studies").glob("*/index.html")).read_text(encoding="utf-8")
    assert json_ld(case)["author"]["@type"] == "GovernmentOrganization"
    places = (tmp_path / "site" / "places" / "index.html").read_text(encoding="utf-8")
    assert "by region of England" in places and '<h2 id="by-group">By region</h2>' in places
