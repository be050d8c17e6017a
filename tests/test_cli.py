"""The command line as a contributor meets it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from levelup_site.cli import main
from levelup_site.config import load_schema
from levelup_site.reference import END, START, reference

REPO = Path(__file__).resolve().parents[1]


def test_help_explains_each_command(capsys):
    try:
        main(["--help"])
    except SystemExit as exit:
        assert exit.code == 0
    out = capsys.readouterr().out
    assert "build the site into the output folder" in out
    assert "check all content without writing anything" in out


def test_build_prints_a_one_line_summary(site_folder, capsys):
    site_folder.add("buses")
    code = main(["build", "--content", str(site_folder.content), "--output", str(site_folder.output)])
    out = capsys.readouterr().out.strip()
    assert code == 0
    assert len(out.splitlines()) == 1
    assert out.startswith("Built 1 case studies into ") and " files, " in out and out.endswith(" s")
    assert (site_folder.output / "case-studies/buses/index.html").is_file()


def test_build_py_takes_the_same_options(site_folder):
    site_folder.add("buses")
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(site_folder.content),
         "--output", str(site_folder.output), "--base-url", "https://example.org/sub/"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    home = (site_folder.output / "index.html").read_text()
    assert 'href="/sub/case-studies/buses/"' in home


def test_check_reports_without_writing(site_folder, capsys):
    site_folder.add("buses", outcomes=["helth"])
    code = main(["check", "--content", str(site_folder.content)])
    err = capsys.readouterr().err
    assert code == 1
    assert "outcomes: unknown outcome 'helth'" in err and "did you mean 'health'?" in err
    assert not site_folder.output.exists()


def test_bundled_content_checks_clean(capsys):
    code = main(["check", "--content", str(REPO / "content")])
    assert code == 0, capsys.readouterr().err
    assert "No problems found in 14 case studies." in capsys.readouterr().out


def test_readme_front_matter_reference_matches_the_schema():
    schema, problems = load_schema(REPO / "content")
    assert not problems
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert section == reference(schema), "run `python -m levelup_site.reference` to update README.md"


def test_a_template_mistake_is_named_from_the_project_with_its_line(site_folder, capsys, monkeypatch):
    site_folder.add("buses")
    base = site_folder.root / "templates" / "base.html"
    lines = base.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "{{ site.no_such_setting }}")
    base.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(site_folder.root)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("templates/base.html:4: template error:"), err
    assert "written" not in err  # check never writes, so it does not say so
    assert main(["build"]) == 1
    assert capsys.readouterr().err.rstrip().endswith("Nothing was written.")
