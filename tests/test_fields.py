"""Fields declared in configuration: a site relaxes the built-in ones and adds its own,
with the same located errors, shown on the case page and exported as open data."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import SETTINGS
from levelup_site.cli import main
from levelup_site.config import load_schema
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build, check
from levelup_site.reference import reference
from levelup_site.scaffold import new_case_study

FIELDS = {
    "place": {"required": False},
    "authority": {"required": False},
    "sources": {"required": False},
    "summary": {"limit": 60, "required": False},
    "budget": {"kind": "number", "label": "Budget (£)", "facts": True, "help": "What the work cost, in pounds."},
    "started": {"kind": "date", "label": "Started", "facts": True},
    "website": {"kind": "url", "label": "Website", "facts": True},
    "partners": {"kind": "list", "label": "Partners", "facts": True},
    "internal_ref": {"kind": "text", "required": True, "example": "REF-1"},
}


@pytest.fixture
def fielded(site_folder):
    site_folder.write_yaml("site.yaml", {**SETTINGS, "fields": FIELDS})
    return site_folder


def problems_of(folder):
    with pytest.raises(SiteError) as raised:
        check(Project.at(folder.content))
    return raised.value.problems


def test_optional_built_in_fields_may_be_left_out(fielded):
    fielded.add("bare", place=None, authority=None, summary=None, sources=None, internal_ref="A1")
    build(Project.at(fielded.content), fielded.output)
    page = (fielded.output / "case-studies" / "bare" / "index.html").read_text(encoding="utf-8")
    assert "None" not in page and "<h2>Sources</h2>" not in page
    assert '"author"' not in page.split("application/ld+json", 1)[1].split("</script>", 1)[0]
    home = (fielded.output / "index.html").read_text(encoding="utf-8")
    assert "None" not in home
    record = json.loads((fielded.output / "data" / "case-studies.json").read_text())["case_studies"][0]
    assert record["place"] is None and record["authority"] is None and record["sources"] == []


def test_a_built_in_field_keeps_its_default_unless_the_site_changes_it(site_folder):
    site_folder.add("bare", place=None)
    [problem] = problems_of(site_folder)
    assert (problem.field, problem.message) == ("place", "is missing")


def test_a_changed_limit_is_enforced_on_the_line(fielded):
    path = fielded.add("long", summary="x" * 61, internal_ref="A1")
    [problem] = problems_of(fielded)
    assert problem.path.endswith("long.md") and problem.field == "summary"
    assert problem.message == "is 61 characters long; the limit is 60"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].startswith("summary:")


def test_declared_fields_show_among_the_key_facts_and_in_the_open_data(fielded):
    fielded.add("full", internal_ref="A1", budget=1250000, started="2022-12-14",
                website="https://project.example.org/", partners=["Testford College", "Bus Co & Sons"])
    build(Project.at(fielded.content), fielded.output)
    page = (fielded.output / "case-studies" / "full" / "index.html").read_text(encoding="utf-8")
    facts = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd[^>]*>(.*?)</dd>", page))
    assert facts["Budget (£)"] == "<bdi>1,250,000</bdi>"
    assert facts["Started"] == "<bdi>14 December 2022</bdi>"
    assert facts["Website"] == '<a href="https://project.example.org/"><bdi>https://project.example.org/</bdi></a>'
    assert facts["Partners"] == "<bdi>Testford College</bdi>, <bdi>Bus Co &amp; Sons</bdi>"
    assert "internal_ref" not in page and "A1" not in page.split("<main", 1)[1], "not configured as a fact"
    record = json.loads((fielded.output / "data" / "case-studies.json").read_text())["case_studies"][0]
    assert (record["budget"], record["started"], record["website"], record["partners"], record["internal_ref"]) == (
        1250000, "2022-12-14", "https://project.example.org/", ["Testford College", "Bus Co & Sons"], "A1")
    [row] = csv.DictReader(io.StringIO((fielded.output / "data" / "case-studies.csv").read_text()))
    assert (row["budget"], row["started"], row["partners"]) == ("1250000", "2022-12-14",
                                                                "Testford College; Bus Co & Sons")


@pytest.mark.parametrize("fields, field, message, hint", [
    ({"budget": "a lot"}, "budget", "expected a number, got 'a lot'", "What the work cost, in pounds."),
    ({"started": "2022-13-40"}, "started", "'2022-13-40' is not a real date", None),
    ({"website": "project.example.org"}, "website", "is not an http(s) web address", None),
    ({"partners": "Testford College"}, "partners", "expected a list such as [first, second]", None),
    ({"budgte": 12}, "budgte", "unknown field 'budgte'", "did you mean 'budget'"),
    ({"internal_ref": None}, "internal_ref", "is missing", "add a line like `internal_ref: REF-1`"),
])
def test_a_declared_field_given_wrongly_is_a_located_error(fielded, fields, field, message, hint):
    path = fielded.add("wrong", **{"internal_ref": "A1", **fields})
    [problem] = problems_of(fielded)
    assert problem.field == field and message in problem.message
    assert hint is None or hint in problem.hint
    key = field
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1].startswith(key) or problem.line == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"budget": {"label": "Budget"}}, "fields.budget.kind", "is missing"),
    ({"budget": {"kind": "money"}}, "fields.budget.kind", "'money' is not a kind of field"),
    ({"title": {"required": False}}, "fields.title.required", "'title' is always required"),
    ({"summary": {"kind": "number"}}, "fields.summary.kind", "its kind cannot be changed"),
    ({"budget": {"kind": "number", "limit": 3}}, "fields.budget.limit", "only a text field can have a limit"),
    ({"budget": {"kind": "number", "lable": "x"}}, "fields.budget.lable", "unknown field setting 'lable'"),
])
def test_a_field_declared_wrongly_is_a_located_error(site_folder, fields, field, message):
    site_folder.write_yaml("site.yaml", {**SETTINGS, "fields": fields})
    schema, problems = load_schema(site_folder.content)
    found = [p for p in problems if p.field == field]
    assert found and message in found[0].message and found[0].line, problems
    if field.endswith("lable"):
        assert "did you mean 'label'" in found[0].hint


def test_a_taxonomy_cannot_use_a_declared_field(site_folder):
    site_folder.write_yaml("site.yaml", {**SETTINGS, "fields": {"region": {"kind": "text"}}})
    _, problems = load_schema(site_folder.content)
    assert any(p.field == "regions.field" and "already used" in p.message for p in problems)


def test_new_and_the_reference_are_made_from_the_sites_table(fielded):
    table = reference(load_schema(fielded.content)[0])
    assert "| `budget` | no | What the work cost, in pounds. | `12` |" in table
    assert "| `summary` | no | One or two plain sentences shown on cards and in search results. At most 60 characters." in table
    path = new_case_study(fielded.content, "Library hours", {"partners": "x", "place": "Testford"})
    text = path.read_text(encoding="utf-8")
    assert "# What the work cost, in pounds.\n# budget: 12\n" in text
    assert 'internal_ref: ""' in text and 'place: "Testford"' in text
    with pytest.raises(SiteError, match="did you mean 'budget'"):
        new_case_study(fielded.content, "Other", {"budgte": "12"})


def test_html_entities_in_front_matter_are_decoded_once_and_escaped_on_output(site_folder):
    site_folder.add("cemetery", title="The Cemetery&#8217;s trees &amp; paths", place="St&nbsp;Ives")
    build(Project.at(site_folder.content), site_folder.output)
    page = (site_folder.output / "case-studies" / "cemetery" / "index.html").read_text(encoding="utf-8")
    assert "<h1 data-pagefind-meta=\"title\"><bdi>The Cemetery\u2019s trees &amp; paths</bdi></h1>" in page
    assert "&amp;#8217;" not in page and "&amp;amp;" not in page
    crumbs = page.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert "The Cemetery\u2019s trees &amp; paths" in crumbs
    assert ">St Ives<" in page  # a decoded no-break space is spacing like any other


def test_levelup_new_fills_in_any_field_of_the_sites_schema(fielded, capsys):
    code = main(["new", "Library hours", "--content", str(fielded.content), "--internal_ref", "R-7",
                 "--themes", "transport,parks", "--region=london"])
    assert code == 0, capsys.readouterr().err
    text = (fielded.content / "case-studies" / "library-hours.md").read_text(encoding="utf-8")
    assert 'internal_ref: "R-7"' in text and "themes: [transport, parks]" in text and "region: london" in text
    assert main(["new", "Other", "--content", str(fielded.content), "--budgte", "12"]) == 1
    assert "--budgte" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # other commands still refuse options they do not know
        main(["check", "--content", str(fielded.content), "--budget", "12"])
