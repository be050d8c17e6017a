"""A rebuild never keeps a stale file: every output whose bytes an input change alters
also has a new fingerprint. So a view that reads an input its job does not declare
among its keys fails here, whichever planner made it."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SETTINGS, TAXONOMIES, SiteFolder
from levelup_site import opendata
from levelup_site.pages import PLANNERS, make_inputs
from levelup_site.pipeline import Project, load, plan
from levelup_site.write import asset_version, static_jobs

# Four case studies that share an authority, themes and outcomes in several ways, two
# of them on the home page, and lists of two per page so that every list paginates.
STUDIES = {
    "buses": {"title": "Better buses", "themes": ["transport"], "outcomes": ["economy"],
              "published": "2023-01-02", "aliases": ["/old/buses/", "/2019/buses.html"]},
    "cycling": {"title": "Cycle lanes", "place": "Camden Town", "authority": "Camden Council",
                "region": "london", "themes": ["transport", "parks"], "outcomes": ["health"],
                "published": "2023-02-01", "updated": "2023-05-01", "contact": "cycling@example.org",
                "image": "https://images.example.org/lane.jpg", "image_alt": "A cycle lane"},
    "homes": {"title": "Warm homes", "themes": ["housing"], "outcomes": ["climate", "economy"],
              "published": "2023-03-01"},
    "parks": {"title": "Green parks", "authority": "Camden Council", "region": "london", "themes": ["parks"],
              "outcomes": ["health"], "published": "2022-12-01"},
}
# The vocabularies, with one theme no case study has (which gets a page only if asked).
VOCABULARY = copy.deepcopy(TAXONOMIES)
VOCABULARY["themes"]["terms"].append({"id": "culture", "name": "Culture", "description": "Arts."})
PAGE = "---\ntitle: About us\nsummary: Who we are.\n---\nWe write **case studies**.\n"


def make_site(root: Path) -> SiteFolder:
    site = SiteFolder(root)
    site.write_yaml("site.yaml", SETTINGS | {"page_size": 2, "latest_count": 2})
    site.write_yaml("taxonomies.yaml", VOCABULARY)
    for slug, fields in STUDIES.items():
        site.add(slug, **fields)
    (site.content / "pages").mkdir()
    (site.content / "pages" / "about.md").write_text(PAGE, encoding="utf-8")
    return site


def outputs(site: SiteFolder) -> dict[str, tuple[str, bytes]]:
    """Every output file of the site: its fingerprint and its bytes."""
    project = Project.at(site.content)
    return {job.path: (job.fingerprint, job.produce()) for job in plan(project, load(project))}


# --- one change to one input at a time ------------------------------------------
def case_fields(slug: str, fields: dict) -> Callable[[SiteFolder], None]:
    return lambda site: site.add(slug, **(STUDIES[slug] | fields))


def case_body(slug: str) -> Callable[[SiteFolder], None]:
    return lambda site: site.add(slug, body="Other *words*.\n", **STUDIES[slug])


def setting(field: str, value) -> Callable[[SiteFolder], None]:
    return lambda site: site.write_yaml("site.yaml", SETTINGS | {"page_size": 2, "latest_count": 2, field: value})


def vocabulary(edit: Callable[[dict], None]) -> Callable[[SiteFolder], None]:
    def change(site: SiteFolder) -> None:
        taxonomies = copy.deepcopy(VOCABULARY)
        edit(taxonomies)
        site.write_yaml("taxonomies.yaml", taxonomies)
    return change


def term(taxonomy_id: str, index: int, field: str, value) -> Callable[[SiteFolder], None]:
    return vocabulary(lambda t: t[taxonomy_id]["terms"][index].update({field: value}))


def replace_in(relative: str, old: str, new: str) -> Callable[[SiteFolder], None]:
    def change(site: SiteFolder) -> None:
        path = site.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return change


CASE_CHANGES = {
    "title": "A new title", "summary": "A new summary.", "place": "Newtown", "authority": "Newtown Council",
    "published": "2021-06-01", "updated": "2024-01-01", "region": "london", "themes": ["housing"],
    "outcomes": ["climate"], "contact": "someone@example.org",
    "sources": [{"title": "Another report", "url": "https://example.org/other"}],
    "image": {"image": "https://images.example.org/other.jpg", "image_alt": "Another picture"},
    "aliases": ["/earlier/address/"],
}
CHANGES: dict[str, Callable[[SiteFolder], None]] = {
    **{f"case {slug} {field}": case_fields(slug, value if isinstance(value, dict) else {field: value})
       for slug in STUDIES for field, value in CASE_CHANGES.items() if STUDIES[slug].get(field) != value},
    **{f"case {slug} body": case_body(slug) for slug in STUDIES},
    "case added": lambda site: site.add("newest", title="Newest", published="2024-02-02"),
    "case removed": lambda site: (site.content / "case-studies" / "homes.md").unlink(),
    "setting title": setting("title", "Another Site"),
    "setting description": setting("description", "Another description."),
    "setting base_url": setting("base_url", "https://example.github.io/sub/"),
    "setting language": setting("language", "en-US"),
    "setting publisher": setting("publisher", "Another Publisher"),
    "setting latest_count": setting("latest_count", 3),
    "setting page_size": setting("page_size", 3),
    "setting permalink": setting("permalink", "/{year}/{month}/{slug}/"),
    "setting feed_size": setting("feed_size", 1),
    "setting contact": setting("contact", "team@example.org"),
    "setting empty_term_pages": setting("empty_term_pages", True),
    **{f"taxonomy {tid} {field}": vocabulary(lambda t, tid=tid, field=field: t[tid].update({field: "Renamed"}))
       for tid in VOCABULARY for field in ("name", "singular", "description")},
    **{f"term {tid} {field}": term(tid, 0, field, value)
       for tid in VOCABULARY for field, value in (("name", "Renamed"), ("description", "Renamed."),
                                                 ("url", "https://example.org/about"), ("publisher", "Someone"))},
    # Words, fields and roles: each changes what some pages show.
    **{f"word {name}": setting("words", {name: value}) for name, value in (
        ("case_studies", "posts"), ("case_study", "post"), ("places", "Branches"), ("authority", "Branch"),
        ("authority_type", "Library"), ("intro", "Hello."), ("matrix_heading", "Grid"), ("by_authority", "By branch"))},
    "field declared as a fact": setting("fields", {"contact": {"label": "Who to ask"}, "extra": {"kind": "text"}}),
    **{f"role {tid} {role}": vocabulary(lambda t, tid=tid, role=role, value=value: t[tid].update({role: value}))
       for tid, role, value in (("themes", "navigation", False), ("themes", "card_tags", False),
                                ("regions", "places", False), ("regions", "navigation", True))},
    "role matrix swapped": vocabulary(lambda t: (t["themes"].update(matrix="columns"),
                                                 t["outcomes"].update(matrix="rows"))),
    "role related ranks swapped": vocabulary(lambda t: (t["themes"].update(related=2),
                                                        t["outcomes"].update(related=1))),
    "term added": vocabulary(lambda t: t["outcomes"]["terms"].append(
        {"id": "skills", "name": "Skills", "description": "Learning."})),
    "page title": replace_in("content/pages/about.md", "title: About us", "title: About the team"),
    "page summary": replace_in("content/pages/about.md", "Who we are.", "What we do."),
    "page body": replace_in("content/pages/about.md", "**case studies**", "*case studies*"),
    "page added": lambda site: (site.content / "pages" / "contact.md").write_text(
        PAGE.replace("About us", "Contact"), encoding="utf-8"),
    "static file": replace_in("static/css/site.css", "", "/* changed */\n"),
}


def existing_site(root: Path) -> SiteFolder:
    """A SiteFolder over a project folder that already exists (a copy of the base site)."""
    site = SiteFolder.__new__(SiteFolder)
    site.root, site.content = root, root / "content"
    return site


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, dict[str, tuple[str, bytes]]]:
    root = tmp_path_factory.mktemp("fingerprint") / "project"
    return root, outputs(make_site(root))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_output_an_input_change_alters_gets_a_new_fingerprint(base, tmp_path, change):
    root, before = base
    changed = tmp_path / "project"
    shutil.copytree(root, changed)
    site = existing_site(changed)
    CHANGES[change](site)
    after = outputs(site)

    altered = {path for path in before.keys() & after.keys() if before[path][1] != after[path][1]}
    stale = sorted(path for path in altered if before[path][0] == after[path][0])
    assert altered or before.keys() != after.keys(), f"{change!r} changed no output: the test is not testing it"
    assert stale == [], f"after a change to {change}, these outputs kept their fingerprint but not their bytes"


def test_the_site_exercises_every_planner(base):
    """The property above holds for a planner only if the test site gives it jobs."""
    root, before = base
    project = Project.at(root / "content")
    loaded = load(project)
    inputs = make_inputs(loaded.site, loaded.index, loaded.pages, asset_version(static_jobs(project.static)),
                         loaded.body_at)
    assert [planner.__name__ for planner in PLANNERS if not list(planner(inputs))] == []
    assert {opendata.JSON_PATH, opendata.CSV_PATH} <= before.keys()
    assert any("/page/2/" in path for path in before), "no list was long enough to paginate"


def test_a_rebuild_without_changes_keeps_every_fingerprint(base):
    root, before = base
    again = outputs(existing_site(root))
    assert {path: fp for path, (fp, _) in again.items()} == {path: fp for path, (fp, _) in before.items()}
