"""Warnings: what builds but is probably not what the author meant is said, located, and
turned into an error by --strict. And one run reports every problem in every file."""

from __future__ import annotations

import pytest

from conftest import case_study, front_matter_file
from levelup_site.cli import main
from levelup_site.pipeline import Project, build

LONG_BODY = "## What happened\n\n" + " ".join(f"Sentence {n} about the work." for n in range(30)) + "\n"


def line_in(path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_files_the_build_does_not_read_are_named_with_where_they_belong(site_folder, capsys):
    site_folder.add("fine")
    content = site_folder.content
    (content / "library-test.md").write_text(front_matter_file(case_study()), encoding="utf-8")
    (content / "case-studies" / "2026").mkdir()
    (content / "case-studies" / "2026" / "vans.md").write_text(front_matter_file(case_study()), encoding="utf-8")
    (content / "case-studies" / "boats.markdown").write_text(front_matter_file(case_study()), encoding="utf-8")
    (content / "case-studies" / "trams.md.txt").write_text(front_matter_file(case_study()), encoding="utf-8")
    (content / "pages").mkdir()
    (content / "pages" / "help.md").write_text("---\ntitle: Help\nsummary: How to.\n---\nText.\n", encoding="utf-8")

    code, out, err = run(capsys, "check", "--content", str(content))
    assert code == 0 and "No errors found in 1 case studies." in out
    expected = {
        "content/library-test.md": "move it into one of those folders",
        "content/case-studies/2026/vans.md": "move it to content/case-studies/vans.md",
        "content/case-studies/boats.markdown": "rename it to boats.md",
        "content/case-studies/trams.md.txt": "rename it to trams.md",
    }
    for path, hint in expected.items():
        assert f"{path}: warning: is not read by the build" in err, err
        assert hint in err
    assert "help.md" not in err  # a plain page is read and published
    assert "Found 4 warnings in 4 files" in err

    code, _, err = run(capsys, "check", "--strict", "--content", str(content))
    assert code == 1 and "Found 4 warnings in 4 files." in err


@pytest.mark.parametrize(("fields", "body", "field", "where", "message"), [
    ({"published": "2099-01-01"}, "Text.\n", "published", "published:", "is 2099-01-01, which is still to come"),
    ({}, "", "body", "---", "is empty"),
    ({}, "## About\n\nWhat was done, for whom, and why. More.\n", "body", "## About",
     "still has the template's text"),
])
def test_a_case_study_that_is_probably_unfinished_gets_a_warning(site_folder, capsys, fields, body, field, where,
                                                                 message):
    path = site_folder.content / "case-studies" / "buses.md"
    path.write_text(front_matter_file(case_study(**fields), body), encoding="utf-8")
    code, _, err = run(capsys, "build", "--content", str(site_folder.content), "--output", str(site_folder.output))
    assert code == 0 and (site_folder.output / "case-studies" / "buses" / "index.html").is_file()
    lines = path.read_text(encoding="utf-8").splitlines()
    # An empty body is reported on the line after the front matter's closing ---.
    line = len(lines) + 1 if where == "---" else line_in(path, where)
    assert f"content/case-studies/buses.md:{line}: warning: {field}: {message}" in err


def test_a_build_date_fixed_by_source_date_epoch_decides_what_is_still_to_come(site_folder, monkeypatch):
    site_folder.add("buses", published="2023-06-01")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1672531200")  # 2023-01-01
    assert [w.field for w in build(Project.at(site_folder.content), site_folder.output).warnings] == ["published"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 2024-01-01
    assert build(Project.at(site_folder.content), site_folder.output).warnings == ()


def test_a_copied_case_study_is_named_after_the_one_it_copies(site_folder, capsys):
    site_folder.add("first", body=LONG_BODY)
    second = site_folder.add("second", body=LONG_BODY, title="Another")
    code, _, err = run(capsys, "check", "--content", str(site_folder.content))
    assert code == 0
    line = line_in(second, "## What happened")
    assert f"content/case-studies/second.md:{line}: warning: body: is the same text as content/case-studies/first.md" in err
    assert "first.md: warning" not in err


def test_html_the_sanitiser_removes_is_reported_on_its_line(site_folder, capsys):
    path = site_folder.add("buses", body="Intro.\n\n<p onclick=\"steal()\">Click</p>\n\n<script>alert(1)</script>\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    code, _, err = run(capsys, "build", "--content", str(site_folder.content), "--output", str(site_folder.output))
    assert code == 0
    onclick = next(n for n, line in enumerate(lines, 1) if "onclick" in line)
    script = next(n for n, line in enumerate(lines, 1) if "<script>" in line)
    assert f"content/case-studies/buses.md:{onclick}: warning: body:" in err and "onclick" in err
    assert f"content/case-studies/buses.md:{script}: warning: body:" in err and "script" in err


def test_an_image_over_plain_http_is_reported_on_its_line_with_what_to_do(site_folder, capsys):
    path = site_folder.add("buses", body="Intro.\n\n![Map of the routes](http://images.example.net/map.png)\n\n"
                                        "![Photo](https://images.example.net/photo.jpg)\n")
    code, _, err = run(capsys, "build", "--content", str(site_folder.content), "--output", str(site_folder.output))
    assert code == 0
    line = line_in(path, "![Map")
    assert (f"content/case-studies/buses.md:{line}: warning: body: the image http://images.example.net/map.png "
            "will not show on the site") in err
    assert "https:// address" in err
    assert "photo.jpg" not in err
    strict, _, err = run(capsys, "check", "--strict", "--content", str(site_folder.content))
    assert strict == 1 and "map.png" in err


def test_warnings_are_annotated_on_the_pull_request(site_folder, capsys, monkeypatch):
    path = site_folder.add("buses", published="2099-01-01")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "check", "--content", str(site_folder.content))
    assert code == 0
    assert f"::warning file=content/case-studies/buses.md,line={line_in(path, 'published:')},title=published::" in out


def test_one_check_reports_problems_of_every_kind_in_every_file(site_folder, capsys):
    bad = site_folder.add("bad-theme", themes=["transprot"])
    site_folder.add("buses")
    more = site_folder.content / "case-studies" / "more-buses.md"
    more.write_text(front_matter_file(case_study(slug="buses", title="More buses")), encoding="utf-8")
    linking = site_folder.add("linking", body="See [parks](/case-studies/no-such-page/) and [bad](/case-studies/bad-theme/).\n")
    soon = site_folder.add("soon", published="2099-01-01")
    code, _, err = run(capsys, "check", "--content", str(site_folder.content))
    assert code == 1
    assert f"bad-theme.md:{line_in(bad, '- transprot')}: themes: unknown theme 'transprot'" in err
    assert "case-studies/buses.md: slug:" in err and f"more-buses.md:{line_in(more, 'slug:')}: slug:" in err
    assert f"linking.md:{line_in(linking, 'See')}: body: the link '/case-studies/no-such-page/' leads to no page" in err
    assert "'/case-studies/bad-theme/'" not in err  # its file has errors; the link itself is fine
    assert f"soon.md:{line_in(soon, 'published:')}: warning: published:" in err
    assert err.rstrip().endswith("Found 4 errors and 1 warning in 5 files.")
