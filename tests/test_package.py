"""levelup as a package: the wheel carries the default theme and the starter site, an
installed wheel builds sites without a checkout, a site's own templates and static
files replace the theme's file by file, and build.py explains a missing package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from conftest import REPO, SiteFolder
from levelup_site import pipeline
from levelup_site.pipeline import Project, build, theme_folder

PACKAGE = REPO / "src" / "levelup_site"
# What a build of the checkout leaves behind, and what the wheel must not depend on.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "node_modules", "build", "_site", "._site.*",
                                     ".levelup-cache", "*.egg-info", "__pycache__", ".pytest_cache")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as `pip wheel` builds it, from a copy of the checkout (so that
    nothing a former build left in build/ can slip into it)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(work / "dist"), str(source)], cwd=work)
    [built] = (work / "dist").glob("levelup_site-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A new virtual environment outside the checkout with the wheel installed. Its
    dependencies come from this environment through a .pth file, so nothing is
    downloaded; that folder's own .pth files (the editable install among them) are
    not run from there, so the checkout's src/ stays out of reach."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        cwd=env)
    site_packages = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        cwd=env).stdout.strip()
    # Written after the install, so that pip does not see the editable install as this one.
    Path(site_packages, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return env


def test_the_wheel_holds_every_module_the_theme_and_the_starter_site(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"levelup_site/" + path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    # Hidden files (static/images/.gitkeep) are never part of a site, so the theme need not carry them.
    expected |= {f"levelup_site/theme/{folder}/" + path.relative_to(REPO / folder).as_posix()
                 for folder in ("templates", "static") for path in (REPO / folder).rglob("*")
                 if path.is_file() and not path.name.startswith(".")}
    missing = sorted(expected - names)
    assert not missing, "list new subpackages under [tool.setuptools] packages in pyproject.toml"
    assert "levelup_site/starter/.github/workflows/deploy.yml" in names


def test_the_installed_package_runs_from_its_environment(installed, tmp_path):
    code = "import levelup_site, levelup_site.pipeline as p; print(levelup_site.__file__); print(p.theme_folder('templates'))"
    module, templates = run([str(installed / "bin" / "python"), "-c", code], cwd=tmp_path).stdout.split()
    assert Path(module).is_relative_to(installed)
    assert Path(templates).is_relative_to(installed) and (Path(templates) / "base.html").is_file()


def test_an_installed_levelup_makes_a_new_site_that_builds_at_once(installed, tmp_path):
    levelup = str(installed / "bin" / "levelup")
    run([levelup, "init", "mysite"], cwd=tmp_path)
    site = tmp_path / "mysite"
    assert not (site / "templates").exists() and not (site / "static").exists()
    run([levelup, "build"], cwd=site)
    home = (site / "_site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/static/css/site.css?v=' in home
    assert "<h1><bdi>Our case studies</bdi></h1>" in home
    assert (site / "_site" / "static" / "js" / "filters.js").read_bytes() == (REPO / "static/js/filters.js").read_bytes()


def test_an_installed_levelup_builds_the_bundled_content_with_its_own_theme(installed, tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")  # no templates/ or static/ beside it
    run([str(installed / "bin" / "levelup"), "build", "--no-search-index"], cwd=tmp_path)
    output = tmp_path / "_site"
    assert (output / "static/css/site.css").read_bytes() == (REPO / "static/css/site.css").read_bytes()
    studies = sorted((REPO / "content" / "case-studies").glob("*.md"))
    assert studies
    for study in studies:
        title = yaml.safe_load(study.read_text(encoding="utf-8").split("---\n")[1])["title"]
        page = (output / "case-studies" / study.stem / "index.html").read_text(encoding="utf-8")
        assert f'<h1 data-pagefind-meta="title"><bdi>{escape(title)}</bdi></h1>' in page
        assert '<link rel="stylesheet" href="/static/css/site.css?v=' in page


# --- a site's own templates and static files ------------------------------------


@pytest.fixture
def bare_site(tmp_path: Path) -> SiteFolder:
    """A site with content only: every template and static file comes from the theme."""
    site = SiteFolder(tmp_path / "project")
    shutil.rmtree(site.root / "templates")
    shutil.rmtree(site.root / "static")
    site.add("buses")
    return site


def own_base(site: SiteFolder, footer: str) -> None:
    base = (theme_folder("templates") / "base.html").read_text(encoding="utf-8")
    assert "</footer>" in base
    (site.root / "templates").mkdir(exist_ok=True)
    (site.root / "templates" / "base.html").write_text(base.replace("</footer>", f"<p>{footer}</p></footer>"),
                                                       encoding="utf-8")


def page(site: SiteFolder, path: str = "case-studies/buses/index.html") -> str:
    return (site.output / path).read_text(encoding="utf-8")


def test_a_site_template_replaces_only_the_theme_file_of_its_name(bare_site):
    own_base(bare_site, "Our own footer")
    build(Project.at(bare_site.content), bare_site.output)
    study = page(bare_site)
    assert "<p>Our own footer</p>" in study  # the site's base.html...
    assert '<h1 data-pagefind-meta="title"><bdi>Better buses</bdi></h1>' in study  # ...around the theme's case_study.html
    assert "<p>Our own footer</p>" in page(bare_site, "index.html")


def test_a_site_static_file_replaces_only_the_theme_file_of_its_name(bare_site):
    (bare_site.root / "static" / "css").mkdir(parents=True)
    (bare_site.root / "static" / "css" / "site.css").write_text("body { color: navy; }\n", encoding="utf-8")
    build(Project.at(bare_site.content), bare_site.output)
    static = bare_site.output / "static"
    assert (static / "css" / "site.css").read_text(encoding="utf-8") == "body { color: navy; }\n"
    theme = theme_folder("static")
    for name in ("js/filters.js", "js/search.js", "favicon.svg"):
        assert (static / name).read_bytes() == (theme / name).read_bytes()


def test_editing_a_site_override_changes_the_pages_on_rebuild(bare_site):
    project = Project.at(bare_site.content)
    build(project, bare_site.output)
    themed = page(bare_site)
    own_base(bare_site, "First footer")
    build(project, bare_site.output)
    assert "<p>First footer</p>" in page(bare_site)
    own_base(bare_site, "Second footer")
    build(project, bare_site.output)
    assert "<p>Second footer</p>" in page(bare_site) and "First footer" not in page(bare_site)
    (bare_site.root / "templates" / "base.html").unlink()
    build(project, bare_site.output)
    assert page(bare_site) == themed


def test_editing_a_site_stylesheet_changes_its_address_on_rebuild(bare_site):
    project = Project.at(bare_site.content)
    build(project, bare_site.output)
    before = page(bare_site, "index.html")
    (bare_site.root / "static" / "css").mkdir(parents=True)
    (bare_site.root / "static" / "css" / "site.css").write_text("body { color: navy; }\n", encoding="utf-8")
    build(project, bare_site.output)
    after = page(bare_site, "index.html")
    assert after != before  # the ?v= version of the stylesheet, so browsers fetch the new one
    assert (bare_site.output / "static/css/site.css").read_text(encoding="utf-8") == "body { color: navy; }\n"


def test_editing_the_theme_changes_the_pages_on_rebuild(bare_site, tmp_path, monkeypatch):
    theme = tmp_path / "theme"
    for name in ("templates", "static"):
        shutil.copytree(theme_folder(name), theme / name)
    monkeypatch.setattr(pipeline, "theme_folder", lambda name: theme / name)
    build(Project.at(bare_site.content), bare_site.output)
    home = theme / "templates" / "home.html"
    home.write_text(home.read_text(encoding="utf-8").replace("<h1>", '<h1 class="changed">'), encoding="utf-8")
    build(Project.at(bare_site.content), bare_site.output)
    assert '<h1 class="changed">' in page(bare_site, "index.html")


# --- build.py --------------------------------------------------------------------


def test_build_py_names_what_to_install_when_a_package_is_missing(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO, checkout, ignore=NOT_SOURCES)
    # -S: no site-packages, so Jinja2 and the rest cannot be imported; -I: nothing from the environment.
    result = subprocess.run([sys.executable, "-I", "-S", "build.py"], cwd=checkout, capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert "is missing" in line and "pip install -e ." in line
    assert not (checkout / "_site").exists()
