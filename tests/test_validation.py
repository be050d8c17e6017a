"""Bad front matter: every problem located and explained, nothing written."""

from __future__ import annotations

import pytest

from conftest import case_study, front_matter_file
from levelup_site.cli import main
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build


def build_errors(site_folder) -> list:
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    assert not site_folder.output.exists(), "a failed build must not leave a site behind"
    return caught.value.problems


def only(problems):
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def line_of(path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_unknown_theme_names_line_and_suggests_nearest(site_folder):
    path = site_folder.add("buses", themes=["parks", "transprot"])
    problem = only(build_errors(site_folder))
    assert problem.path.endswith("case-studies/buses.md")
    assert problem.field == "themes"
    assert problem.line == line_of(path, "- transprot")
    assert problem.message == "unknown theme 'transprot'"
    assert "did you mean 'transport'?" in problem.hint


def test_unknown_region_without_close_match_lists_valid_ids(site_folder):
    site_folder.add("buses", region="atlantis")
    problem = only(build_errors(site_folder))
    assert problem.message == "unknown region 'atlantis'"
    assert "north-west" in problem.hint and "london" in problem.hint


@pytest.mark.parametrize("field", ["title", "place", "authority", "summary", "published", "sources", "region"])
def test_missing_required_field(site_folder, field):
    site_folder.add("buses", **{field: None})
    problem = only(build_errors(site_folder))
    assert problem.field == field
    assert problem.message == "is missing"
    assert f"{field}:" in problem.hint  # shows the line to add


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("themes", "transport", "expected a list of theme ids, got 'transport'"),
        ("region", ["london"], "expected one region id, got a list"),
        ("published", "last spring", "expected a date like 2022-12-14, got 'last spring'"),
        ("published", "2023-02-30", "'2023-02-30' is not a real date"),
        ("draft", "yes", "expected true or false, got 'yes'"),
        ("title", ["a", "b"], "expected text, got a list"),
        ("sources", "https://example.org", "expected a list of sources (each with title and url), got 'https://example.org'"),
    ],
)
def test_wrong_type(site_folder, field, value, expected):
    path = site_folder.add("buses", **{field: value})
    problem = only(build_errors(site_folder))
    assert (problem.field, problem.message) == (field, expected)
    assert problem.line == line_of(path, f"{field}:")


def test_impossible_unquoted_yaml_date_is_a_located_error(site_folder):
    path = site_folder.add_raw("buses", open_case(published="2023-02-30"))
    problem = only(build_errors(site_folder))
    assert (problem.field, problem.line) == ("published", line_of(path, "published:"))


def test_source_url_must_be_http(site_folder):
    site_folder.add("buses", sources=[{"title": "Report", "url": "javascript:alert(1)"}])
    problem = only(build_errors(site_folder))
    assert problem.field == "sources[0].url"
    assert "not an http(s) web address" in problem.message


def test_malformed_yaml_reports_its_line(site_folder):
    path = site_folder.add_raw("broken", open_case(themes="[transport, parks"))
    problem = only(build_errors(site_folder))
    assert problem.path.endswith("broken.md")
    assert problem.message.startswith("the YAML cannot be read")
    assert problem.line in (line_of(path, "themes:"), line_of(path, "themes:") + 1)


def test_image_without_alt_text(site_folder):
    path = site_folder.add("buses", image="images/bus.jpg")
    problem = only(build_errors(site_folder))
    assert problem.field == "image_alt"
    assert "alternative text" in problem.message
    assert problem.line == line_of(path, "image:")


def test_unknown_field_suggests_the_right_name(site_folder):
    site_folder.add("buses", titel="Typo")
    problem = only(build_errors(site_folder))
    assert problem.message == "unknown field 'titel'"
    assert "did you mean 'title'?" in problem.hint


def test_duplicate_key_is_refused(site_folder):
    site_folder.add_raw("buses", open_case() .replace("place: Testford", "place: Testford\nplace: Elsewhere"))
    problem = only(build_errors(site_folder))
    assert problem.message == "'place' is given twice"


def test_file_without_front_matter(site_folder):
    site_folder.add_raw("notes", "# Just some notes\n")
    problem = only(build_errors(site_folder))
    assert problem.message == "no front matter found"
    assert "'---'" in problem.hint


def test_two_problems_in_two_files_in_one_run(site_folder, capsys):
    site_folder.add("first", themes=["transprot"])
    site_folder.add("second", published="soon")
    site_folder.add("fine")
    code = main(["build", "--content", str(site_folder.content), "--output", str(site_folder.output)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "first.md:" in err and "themes: unknown theme 'transprot'" in err
    assert "second.md:" in err and "published: expected a date" in err
    assert "Found 2 errors in 2 files; nothing was written." in err
    assert not site_folder.output.exists()


def test_check_counts_problems_without_claiming_to_have_written_anything(site_folder, capsys):
    site_folder.add("first", themes=["transprot"])
    assert main(["check", "--content", str(site_folder.content)]) == 1
    err = capsys.readouterr().err
    assert err.rstrip().endswith("Found 1 error in 1 file.")


def test_option_mistakes_are_not_counted_as_files(site_folder, capsys):
    outside = site_folder.root / "elsewhere"
    code = main(["build", "--content", str(outside), "--output", str(site_folder.content)])
    err = capsys.readouterr().err
    assert code == 1 and "in 1 file" not in err and " option" in err.splitlines()[-1]


def test_failed_build_keeps_the_previous_site(site_folder):
    site_folder.add("buses")
    build(Project.at(site_folder.content), site_folder.output)
    before = {p.relative_to(site_folder.output): p.read_bytes() for p in site_folder.output.rglob("*") if p.is_file()}
    site_folder.add("broken", outcomes=["weather"])
    with pytest.raises(SiteError):
        build(Project.at(site_folder.content), site_folder.output)
    after = {p.relative_to(site_folder.output): p.read_bytes() for p in site_folder.output.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in site_folder.root.iterdir() if p.name.startswith(".") and p.name != ".levelup-cache"]
    assert leftovers == [], "no staging folder may be left behind"


def test_problem_in_taxonomies_file_is_located(site_folder):
    text = (site_folder.content / "taxonomies.yaml").read_text()
    (site_folder.content / "taxonomies.yaml").write_text(text.replace("id: parks", "id: Parks & Gardens", 1))
    site_folder.add("buses")
    problems = build_errors(site_folder)
    assert any(p.path.endswith("taxonomies.yaml") and "'Parks & Gardens' is not a valid id" in p.message
               and p.line for p in problems)


def open_case(**overrides) -> str:
    """A case study written by hand, as a contributor would, with raw YAML values."""
    fields = {
        "title": "Better buses", "place": "Testford", "authority": "Testford Council", "region": "north-west",
        "themes": "[transport]", "outcomes": "[economy]", "summary": "How Testford improved its buses.",
        "published": "2023-01-02",
    }
    fields.update(overrides)
    lines = [f"{key}: {value}" for key, value in fields.items()]
    lines += ["sources:", "  - title: Council report", "    url: https://example.org/report"]
    return "---\n" + "\n".join(lines) + "\n---\nBody text.\n"


def test_a_shared_address_is_reported_on_both_files_with_the_slug_line(site_folder):
    first = site_folder.add("buses")
    second = site_folder.content / "case-studies" / "more-buses.md"
    second.write_text(front_matter_file(case_study(slug="buses", title="More buses")), encoding="utf-8")
    problems = build_errors(site_folder)
    assert len(problems) == 2, [p.format() for p in problems]
    by_file = {p.path.rsplit("/", 1)[-1]: p for p in problems}
    assert by_file["buses.md"].line is None and "from its file name" in by_file["buses.md"].message
    assert by_file["buses.md"].message.endswith(f"address of {by_file['more-buses.md'].path}")
    assert by_file["more-buses.md"].line == line_of(second, "slug: buses")
    assert by_file["more-buses.md"].message.endswith(f"address of {by_file['buses.md'].path}")
    assert first.is_file()
