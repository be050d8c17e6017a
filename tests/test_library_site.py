"""A site that is not ADEPT's (tests/sites/library): its own vocabularies and roles,
optional built-in fields, fields of its own and its own words, in American English.
It checks clean, builds, and every link in it resolves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from levelup_site.pipeline import Project, build, check
from test_site_output import link_problems

LIBRARY = Path(__file__).resolve().parent / "sites" / "library"
BASE_URL = "https://library.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(LIBRARY / "content", root / "content")  # the build's cache stays out of the repository
    check(Project.at(root / "content"), strict=True)
    build(Project.at(root / "content"), root / "_site")
    return root / "_site"


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_it_builds_with_every_link_resolving(site):
    assert link_problems(site, BASE_URL) == []
    assert {"topics", "authors", "districts"} <= {p.name for p in site.iterdir()}


def test_its_addresses_follow_its_permalink_and_its_old_ones_redirect(site):
    assert not (site / "case-studies" / "cemetery-walk").exists()
    assert "Cemetery" in read(site, "posts/2024/cemetery-walk")
    redirect = read(site, "blog/cemetery-walk")
    assert 'http-equiv="refresh"' in redirect and "/posts/2024/cemetery-walk/" in redirect
    assert '<link rel="canonical" href="https://library.example.org/posts/2024/cemetery-walk/">' in redirect


def test_its_vocabularies_play_the_roles_it_gives_them(site):
    home = read(site, "")
    menu = home.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert [line.split("<bdi>")[1].split("<")[0] for line in menu.splitlines() if "<a href" in line] == [
        "Posts", "Topics", "Authors", "Branches", "About"]
    assert '<h2 id="matrix-heading">Topics and authors</h2>' in home
    assert (site / "topics" / "local-history" / "tom" / "index.html").is_file()
    assert 'aria-label="Topics"' in home, "only topics tag the cards"
    assert '<h2 id="by-group">By district</h2>' in read(site, "places")


def test_its_fields_words_and_language(site):
    walk = read(site, "posts/2024/cemetery-walk")
    assert "<h1 data-pagefind-meta=\"title\"><bdi>The Cemetery\u2019s stories, on foot</bdi></h1>" in walk
    assert '<dt>Attendance</dt>\n      <dd data-pagefind-meta="attendance"><bdi>1,250</bdi></dd>' in walk
    assert "><bdi>February 24, 2024</bdi></dd>" in walk and "<time datetime=\"2024-03-02\">March 2, 2024</time>" in walk
    assert '"@type": "Library"' in walk or '"@type":"Library"' in walk.replace(" ", "")
    bare = read(site, "posts/2023/phone-help")
    assert "None" not in bare and "<h2>Sources</h2>" not in bare and "<dt>Branch</dt>" not in bare
    data = json.loads((site / "data" / "case-studies.json").read_text(encoding="utf-8"))
    walk_record = next(r for r in data["case_studies"] if r["slug"] == "cemetery-walk")
    assert walk_record["partners"] == ["Friends of the Cemetery", "Riverside Walkers"]
    assert walk_record["event_date"] == "2024-02-24" and walk_record["topics"] == ["local-history"]
