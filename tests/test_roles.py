"""Roles, not ids: what a vocabulary does on the site is configuration, so renaming
one gives the same site under the new name, and no code names a vocabulary."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TAXONOMIES
from levelup_site.config import load_taxonomies
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build

STUDIES = {
    "buses": dict(title="Better buses", themes=["transport"], outcomes=["economy"], published="2023-01-02"),
    "parks": dict(title="Pocket parks", themes=["parks"], outcomes=["health", "climate"], region="london",
                  published="2023-02-01"),
    "wardens": dict(title="Park wardens", themes=["parks", "transport"], outcomes=["economy"],
                    published="2023-03-01"),
    "homes": dict(title="Warm homes", themes=["housing"], outcomes=["health", "climate"], region="london",
                  published="2023-04-01"),
}


def make_site(folder, taxonomies: dict, rename: dict[str, str] | None = None) -> Path:
    """Write STUDIES with `taxonomies`; `rename` maps old front-matter keys to new ones."""
    folder.write_yaml("taxonomies.yaml", taxonomies)
    for slug, fields in STUDIES.items():
        renamed = {(rename or {}).get(key, key): value for key, value in fields.items()}
        folder.add(slug, **renamed, **{old: None for old in rename or {}})  # None: not written
    build(Project.at(folder.content), folder.output)
    return folder.output


def renamed_vocabulary() -> dict:
    """conftest's vocabularies with "themes" renamed "topics": id, field and names."""
    taxonomies = {}
    for taxonomy_id, spec in copy.deepcopy(TAXONOMIES).items():
        if taxonomy_id == "themes":
            taxonomy_id = "topics"
            spec.update(field="topics", name="Topics", singular="Topic")
        taxonomies[taxonomy_id] = spec
    return taxonomies


def with_names_mapped(text: str) -> str:
    for old, new in (("Themes", "Topics"), ("themes", "topics"), ("Theme", "Topic"), ("theme", "topic")):
        text = text.replace(old, new)
    return text


def test_renaming_a_vocabulary_gives_the_same_site_under_the_new_name(tmp_path):
    from conftest import SiteFolder

    before = make_site(SiteFolder(tmp_path / "before"), TAXONOMIES)
    after = make_site(SiteFolder(tmp_path / "after"), renamed_vocabulary(), rename={"themes": "topics"})
    files_before = sorted(with_names_mapped(p.relative_to(before).as_posix()) for p in before.rglob("*")
                          if p.is_file() and p.suffix in (".html", ".xml", ".json", ".csv"))
    files_after = sorted(p.relative_to(after).as_posix() for p in after.rglob("*")
                         if p.is_file() and p.suffix in (".html", ".xml", ".json", ".csv"))
    assert files_before == files_after
    assert "topics/parks/health/index.html" in files_after, "the matrix's cells are still there"
    for name in files_before:
        old = (before / name.replace("topics", "themes").replace("topic", "theme")).read_text(encoding="utf-8")
        new = (after / name).read_text(encoding="utf-8")
        assert with_names_mapped(old) == new, name
    home = (after / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="matrix-heading">Topics and outcomes</h2>' in home
    assert 'aria-label="Topics and outcomes"' in home  # the tags on every card
    assert re.search(r'<a href="/topics/"><bdi>Topics</bdi></a>', home), "the menu links the renamed vocabulary"


def test_roles_decide_navigation_tags_matrix_and_places(site_folder):
    taxonomies = copy.deepcopy(TAXONOMIES)
    for spec in taxonomies.values():  # no roles at all: a plain site
        for role in ("navigation", "card_tags", "matrix", "related", "places"):
            spec.pop(role, None)
    taxonomies["regions"].update(navigation=True, card_tags=True)
    out = make_site(site_folder, taxonomies)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "matrix-heading" not in home and not (out / "themes" / "parks" / "health").exists()
    menu = home.split('<nav', 1)[1].split("</nav>", 1)[0]
    assert "/regions/" in menu and "/themes/" not in menu and "/outcomes/" not in menu
    card = home.split('class="card"', 1)[1].split("</li>\n", 1)[0]
    assert 'aria-label="Regions"' in home
    assert "><bdi>North West</bdi></a>" in card or "><bdi>London</bdi></a>" in card
    assert "/themes/" not in card
    places = (out / "places" / "index.html").read_text(encoding="utf-8")
    assert 'id="by-group"' not in places, "no vocabulary groups places"
    case = (out / "case-studies" / "parks" / "index.html").read_text(encoding="utf-8")
    assert "related-heading" not in case, "no vocabulary ranks related case studies"


def related_titles(out: Path, slug: str) -> list[str]:
    page = (out / "case-studies" / slug / "index.html").read_text(encoding="utf-8")
    if "related-heading" not in page:
        return []
    aside = page.split('id="related-heading"', 1)[1]
    return re.findall(r'class="card__title"><a href="[^"]+"><bdi>([^<]+)</bdi></a>', aside)


def test_the_related_order_follows_the_configured_ranks(tmp_path):
    from conftest import SiteFolder

    themes_first = make_site(SiteFolder(tmp_path / "a"), TAXONOMIES)
    # "Pocket parks" shares a theme with "Park wardens" and two outcomes with "Warm homes".
    assert related_titles(themes_first, "parks")[:2] == ["Park wardens", "Warm homes"]
    swapped = copy.deepcopy(TAXONOMIES)
    swapped["themes"]["related"], swapped["outcomes"]["related"] = 2, 1
    outcomes_first = make_site(SiteFolder(tmp_path / "b"), swapped)
    assert related_titles(outcomes_first, "parks")[:2] == ["Warm homes", "Park wardens"]


@pytest.mark.parametrize("change, field, message", [
    ({"themes": {"matrix": "rows"}, "outcomes": {"matrix": None}}, "themes.matrix", "has rows but no columns"),
    ({"outcomes": {"matrix": "rows"}}, "themes.matrix", "rows is also set on outcomes"),
    ({"themes": {"matrix": "diagonal"}}, "themes.matrix", "expected rows or columns, got 'diagonal'"),
    ({"regions": {"places": True}, "themes": {"places": True}}, "themes.places", "true is also set on regions"),
    ({"outcomes": {"related": 1}}, "themes.related", "1 is also set on outcomes"),
    ({"themes": {"related": 0}}, "themes.related", "expected a whole number of 1 or more"),
    ({"themes": {"navigaton": True}}, "themes.navigaton", "unknown taxonomy setting 'navigaton'"),
])
def test_a_role_given_wrongly_is_a_located_error(tmp_path, change, field, message):
    taxonomies = copy.deepcopy(TAXONOMIES)
    for taxonomy_id, values in change.items():
        for key, value in values.items():
            if value is None:
                taxonomies[taxonomy_id].pop(key)
            else:
                taxonomies[taxonomy_id][key] = value
    (tmp_path / "taxonomies.yaml").write_text(yaml.safe_dump(taxonomies, sort_keys=False), encoding="utf-8")
    _, problems = load_taxonomies(tmp_path)
    found = [p for p in problems if p.field == field]
    assert found and message in found[0].message and found[0].line, problems
    if "navigaton" in field:
        assert "did you mean 'navigation'" in found[0].hint


def test_a_role_error_stops_the_build(site_folder):
    taxonomies = copy.deepcopy(TAXONOMIES)
    del taxonomies["outcomes"]["matrix"]
    site_folder.write_yaml("taxonomies.yaml", taxonomies)
    site_folder.add("buses")
    with pytest.raises(SiteError, match="has rows but no columns"):
        build(Project.at(site_folder.content), site_folder.output)
    assert not site_folder.output.exists()


# Vocabulary ids and fields as code would name them: the plural ids anywhere, and the
# single-valued fields as quoted strings ("a region" or "at publication" are English).
NAMED_VOCABULARY = re.compile(r"\b(themes|outcomes|regions|publications)\b|(?<!role=)[\"'](region|publication|learning)[\"']",
                              re.IGNORECASE)


def test_no_module_or_default_template_names_a_vocabulary():
    files = [path for folder in ("src", "templates") for path in (REPO / folder).rglob("*")
             if path.suffix in (".py", ".html", ".xml", ".txt") and "starter" not in path.parts]
    assert len(files) > 30
    named = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if NAMED_VOCABULARY.search(line)]
    assert named == []
