"""Shared fixtures: small sites written from Python values into a temporary folder."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# CI replays the same examples on every run (a failure on one pull request is a failure on
# all of them, not a coin toss) and prints how to reproduce any example that fails.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
TAXONOMIES = {
    "themes": {
        "name": "Themes", "singular": "Theme", "field": "themes", "multiple": True, "required": True,
        "min_terms": 1, "description": "What the work is about.",
        "navigation": True, "card_tags": True, "matrix": "rows", "related": 1,
        "terms": [
            {"id": "transport", "name": "Transport", "description": "Buses and roads."},
            {"id": "parks", "name": "Parks", "description": "Green spaces."},
            {"id": "housing", "name": "Housing", "description": "Homes."},
        ],
    },
    "outcomes": {
        "name": "Outcomes", "singular": "Outcome", "field": "outcomes", "multiple": True, "required": True,
        "min_terms": 0, "description": "What the work achieves.",
        "navigation": True, "card_tags": True, "matrix": "columns", "related": 2,
        "terms": [
            {"id": "economy", "name": "Economy", "description": "Jobs and growth."},
            {"id": "health", "name": "Health", "description": "Healthier lives."},
            {"id": "climate", "name": "Climate", "description": "Lower emissions."},
        ],
    },
    "regions": {
        "name": "Regions", "singular": "Region", "field": "region", "multiple": False, "required": True,
        "description": "Regions of England.", "places": True,
        "terms": [
            {"id": "north-west", "name": "North West", "description": "The North West."},
            {"id": "london", "name": "London", "description": "London."},
        ],
    },
}
SETTINGS = {
    "title": "Test Site", "description": "A site for tests.", "base_url": "https://example.org/",
    "language": "en-GB", "publisher": "Test Publisher", "latest_count": 2,
}


def case_study(**overrides) -> dict:
    fields = {
        "title": "Better buses",
        "place": "Testford",
        "authority": "Testford Council",
        "region": "north-west",
        "themes": ["transport"],
        "outcomes": ["economy"],
        "summary": "How Testford improved its buses.",
        "published": "2023-01-02",
        "sources": [{"title": "Council report", "url": "https://example.org/report"}],
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def front_matter_file(fields: dict, body: str = "Some **text**.\n") -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n" + body


class SiteFolder:
    """A project folder (content/ plus the repository's templates and static)."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        (self.content / "case-studies").mkdir(parents=True)
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "static", root / "static")
        self.write_yaml("site.yaml", SETTINGS)
        self.write_yaml("taxonomies.yaml", TAXONOMIES)

    def write_yaml(self, name: str, data: dict) -> None:
        (self.content / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def add(self, slug: str, body: str = "Some **text**.\n", **fields) -> Path:
        path = self.content / "case-studies" / f"{slug}.md"
        path.write_text(front_matter_file(case_study(**fields), body), encoding="utf-8")
        return path

    def add_raw(self, slug: str, text: str) -> Path:
        path = self.content / "case-studies" / f"{slug}.md"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    @property
    def output(self) -> Path:
        return self.root / "_site"


@pytest.fixture
def site_folder(tmp_path: Path) -> SiteFolder:
    return SiteFolder(tmp_path / "project")


@pytest.fixture(autouse=True)
def no_search_index(request, monkeypatch):
    """Most tests build many small sites and do not search them: skip Pagefind there.
    Browser tests and tests marked `search` build the index as a reader's site would."""
    if "browser" in request.node.path.parts or request.node.get_closest_marker("search"):
        return
    from levelup_site import search_index

    monkeypatch.setattr(search_index, "available", lambda: False)
