"""The configuration reference in README.md is generated from the tables the loaders
use, so a key cannot be accepted without being documented, nor documented and refused."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import yaml

from conftest import SETTINGS, TAXONOMIES
from levelup_site import reference
from levelup_site.config import FIELD_KEYS, TAXONOMY_KEYS, load_schema, load_settings
from levelup_site.config import SETTINGS as SETTING_KEYS
from levelup_site.models import Field, Settings, Taxonomy, Words

REPO = Path(__file__).resolve().parents[1]


def test_the_readme_holds_the_generated_configuration_reference():
    readme = (REPO / reference.README).read_text(encoding="utf-8")
    section = readme.split(reference.CONFIG_START, 1)[1].split(reference.CONFIG_END, 1)[0].strip()
    assert section == reference.configuration_reference(), "run `python -m levelup_site.reference`"


def test_every_setting_the_models_hold_is_a_documented_key():
    assert {f.name for f in fields(Settings)} == {key.name for key in SETTING_KEYS} - {"fields"}
    assert {f.name for f in fields(Taxonomy)} - {"id"} == {key.name for key in TAXONOMY_KEYS}
    assert {f.name for f in fields(Field)} - {"name", "declared"} == {key.name for key in FIELD_KEYS}
    table = reference.configuration_reference()
    for word in fields(Words):
        assert f"| `{word.name}` | text |" in table


def test_every_documented_key_is_accepted(tmp_path):
    """The keys of the reference, each given a value, load without a problem."""
    words = {word.name: "x" for word in fields(Words)}
    field = {"kind": "text", "required": False, "limit": 10, "label": "X", "facts": True, "help": "X.", "example": "x"}
    settings = {**SETTINGS, "page_size": 10, "words": words, "fields": {"extra": field},
                "permalink": "/{year}/{slug}/", "feed_size": 5, "contact": "team@example.org",
                "empty_term_pages": True, "embeds": ["player.vimeo.com"]}
    assert set(settings) == {key.name for key in SETTING_KEYS}
    assert set(field) == {key.name for key in FIELD_KEYS}
    taxonomies = {**TAXONOMIES}
    assert set(taxonomies["themes"]) == {key.name for key in TAXONOMY_KEYS} - {"places"}
    for name, data in (("site.yaml", settings), ("taxonomies.yaml", taxonomies)):
        (tmp_path / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_settings(tmp_path)[1] == []
    schema, problems = load_schema(tmp_path)
    assert problems == [] and schema.fields[-1].name == "extra"
