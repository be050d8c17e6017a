"""The contributor documentation: generated sections in step with the schema, the
/contribute/ page built, and the issue form in step with the vocabularies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from levelup_site import reference
from levelup_site.config import load_schema
from levelup_site.pipeline import Project, build

REPO = Path(__file__).resolve().parents[1]
ISSUE_FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "suggest-a-case-study.yml"


@pytest.mark.parametrize("name", [reference.README, reference.CONTRIBUTE_PAGE, reference.CONTRIBUTING])
def test_generated_file_matches_what_the_generator_writes(name):
    path = REPO / name
    assert path.read_text(encoding="utf-8") == reference.expected(REPO)[path], (
        f"{name} is out of date: run `python -m levelup_site.reference` from the repository root")


def test_generated_section_is_the_schema_reference():
    schema, problems = load_schema(REPO / "content")
    assert not problems
    for name in (reference.README, reference.CONTRIBUTE_PAGE):
        text = (REPO / name).read_text(encoding="utf-8")
        section = text.split(reference.START, 1)[1].split(reference.END, 1)[0].strip()
        assert section == reference.reference(schema), name


def test_contributing_mirrors_the_contribute_page():
    text = (REPO / reference.CONTRIBUTING).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "mirrors the site's /contribute/ page" in lines[0]
    assert "# Contribute a case study" in lines
    page_body = (REPO / reference.CONTRIBUTE_PAGE).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert text.endswith(page_body.lstrip("\n"))


def test_fill_refuses_a_file_without_markers():
    with pytest.raises(ValueError, match="no front-matter reference markers"):
        reference.fill("# No markers here\n", "| table |", "notes.md")


def test_contribute_page_is_built_with_the_field_table(tmp_path):
    # A copy of the bundled content, so that the build (and its cache) touch nothing in the repository.
    shutil.copytree(REPO / "content", tmp_path / "content")
    build(Project.at(tmp_path / "content"), tmp_path / "site")
    html = (tmp_path / "site" / "contribute" / "index.html").read_text(encoding="utf-8")
    assert "Contribute a case study" in html
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert "<td><code>title</code></td>" in table
    assert "<td><code>themes</code></td>" in table
    assert "<!--" not in html.split("<main", 1)[-1], "the marker comments should not reach the page"


def test_issue_form_matches_the_vocabularies():
    vocabularies = yaml.safe_load((REPO / "content" / "taxonomies.yaml").read_text(encoding="utf-8"))
    form = yaml.safe_load(ISSUE_FORM.read_text(encoding="utf-8"))
    fields = {item.get("id"): item for item in form["body"]}

    def names(taxonomy: str) -> list[str]:
        return [term["name"] for term in vocabularies[taxonomy]["terms"]]

    def labels(field: str) -> list[str]:
        return [option["label"] for option in fields[field]["attributes"]["options"]]

    assert fields["region"]["type"] == "dropdown"
    assert fields["region"]["attributes"]["options"] == names("regions")
    assert fields["themes"]["type"] == "checkboxes"
    assert labels("themes") == names("themes")
    assert labels("outcomes") == names("outcomes")
    assert fields["sources"]["validations"]["required"] is True
    assert fields["personal-data"]["attributes"]["options"][0]["required"] is True
