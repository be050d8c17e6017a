"""`levelup init`: a new site folder that checks and builds at once, and never a
write into a folder that already holds something."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from conftest import REPO
from levelup_site.cli import main
from levelup_site.init import STARTER
from levelup_site.pipeline import Project, build, check
from test_workflows import PINNED, actionlint_command, load

STARTER_WORKFLOWS = sorted((STARTER / ".github" / "workflows").glob("*.yml"))


def files_in(folder) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("exists", [False, True], ids=["new folder", "empty folder"])
def test_init_makes_a_site_that_checks_and_builds(tmp_path, capsys, exists):
    site = tmp_path / "mysite"
    if exists:
        site.mkdir()
    assert main(["init", str(site)]) == 0
    assert "levelup build" in capsys.readouterr().out
    written = files_in(site)
    assert {"content/site.yaml", "content/taxonomies.yaml", "content/pages/about.md", ".gitignore",
            ".github/workflows/check.yml", ".github/workflows/deploy.yml"} <= set(written)
    assert [name for name in written if name.startswith("content/case-studies/")]
    assert {"_site/", ".levelup-cache/"} <= set(written[".gitignore"].decode().split())
    checked = check(Project.at(site / "content"), strict=True)  # the starter site is clean
    assert len(checked.loaded.site.case_studies) == 1
    build(Project.at(site / "content"), site / "_site")
    assert (site / "_site" / "about" / "index.html").is_file()
    assert "<h1><bdi>Our case studies</bdi></h1>" in (site / "_site" / "index.html").read_text(encoding="utf-8")


def test_the_example_vocabulary_is_not_the_bundled_sites(tmp_path):
    main(["init", str(tmp_path / "mysite")])
    mine = yaml.safe_load((tmp_path / "mysite/content/taxonomies.yaml").read_text(encoding="utf-8"))
    bundled = yaml.safe_load((REPO / "content/taxonomies.yaml").read_text(encoding="utf-8"))
    terms = {(t_id, term["id"]) for t_id, spec in mine.items() for term in spec["terms"]}
    assert len(terms) < len({(t_id, term["id"]) for t_id, spec in bundled.items() for term in spec["terms"]})
    assert "publications" not in mine


@pytest.mark.parametrize("existing", ["notes.txt", ".git/HEAD"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, capsys, existing):
    site = tmp_path / "mysite"
    (site / existing).parent.mkdir(parents=True)
    (site / existing).write_text("mine\n", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    assert main(["init", str(site)]) == 1
    err = capsys.readouterr().err
    assert "mysite: already exists and is not empty" in err
    assert sorted(tmp_path.rglob("*")) == before


def test_init_refuses_a_file(tmp_path, capsys):
    (tmp_path / "mysite").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "mysite")]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert sorted(tmp_path.iterdir()) == [tmp_path / "mysite"]


def test_init_run_in_its_own_folder_then_build_there(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "mysite"]) == 0
    monkeypatch.chdir(tmp_path / "mysite")
    assert main(["build", "--no-search-index"]) == 0, capsys.readouterr().err
    assert (tmp_path / "mysite" / "_site" / "case-studies").is_dir()


# --- the starter site's workflows -----------------------------------------------


def test_the_starter_has_both_workflows():
    assert [path.name for path in STARTER_WORKFLOWS] == ["check.yml", "deploy.yml"]


@pytest.mark.parametrize("path", STARTER_WORKFLOWS, ids=lambda path: path.name)
def test_starter_workflows_install_levelup_from_pypi_and_pin_their_actions(path):
    workflow = load(path)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step.get("run", "") for step in steps]
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    pinned = [line.split("uses:", 1)[1].strip() for line in lines if line.lstrip("- ").startswith("uses:")]
    assert pinned and all(PINNED.match(use) for use in pinned)
    if "deploy" in workflow["jobs"]:
        assert any(run.startswith("levelup build") for run in runs)
    else:
        assert "levelup check --strict" in runs
    installs = [run for run in runs if "pip install" in run]
    assert installs == ["python -m pip install levelup-site"]
    assert not any(".ci/run" in run for run in runs)  # a site has no test suite of levelup's


@pytest.mark.parametrize("path", STARTER_WORKFLOWS, ids=lambda path: path.name)
def test_starter_workflows_pass_actionlint(path, tmp_path):
    command = actionlint_command()
    # actionlint checks workflows where GitHub reads them: .github/workflows of a repository.
    site = tmp_path / "site"
    (site / ".github" / "workflows").mkdir(parents=True)
    (site / ".github" / "workflows" / path.name).write_bytes(path.read_bytes())
    result = subprocess.run([*command, f".github/workflows/{path.name}"], cwd=site, capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_starter_shows_roles_fields_and_words_in_neutral_words(tmp_path):
    main(["init", str(tmp_path / "mysite")])
    content = tmp_path / "mysite" / "content"
    settings = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    assert {"fields", "words"} <= set(settings)
    build(Project.at(content), tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="matrix-heading">Themes and outcomes</h2>' in home, "the starter's roles give a matrix"
    assert "council or combined authority" not in home and "By organisation" in (
        tmp_path / "site" / "places" / "index.html").read_text(encoding="utf-8")
