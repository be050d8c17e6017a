"""The output folder: a failed, interrupted or killed build leaves the previous site exactly
as it was, and levelup refuses output folders it could damage, deleting nothing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jinja2
import pytest

from levelup_site import render as render_module
from levelup_site.errors import SiteError
from levelup_site.pipeline import Project, build

MARKER = ".levelup-site"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below `folder`: a file's bytes, None for a folder."""
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


def dot_entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(".")}


def leftovers(output: Path) -> list[str]:
    """Staging or retired folders of this output left beside it (.<name>.building-*, .<name>.previous-*)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def add_studies(site_folder, count: int, body: str = "Some **text**.\n") -> list[str]:
    slugs = []
    themes = ["transport", "parks", "housing"]
    for number in range(count):
        slug = f"case-{number:03d}"
        site_folder.add(slug, body=body, title=f"Case study number {number}",
                        published=(dt.date(2020, 1, 1) + dt.timedelta(days=number)).isoformat(),
                        themes=[themes[number % 3]])
        slugs.append(slug)
    return slugs


# --- (a) an interrupted build leaves the previous site intact -------------------------------------------

# Every case page changes (the comment), and one of them fails part-way through.
FAIL_ON_ONE_PAGE = ('<!-- changed -->{% if page.url.endswith("/case-005/") %}{{ no_such_variable.anywhere }}'
                    '{% endif %}\n')


@pytest.fixture
def built_site(site_folder):
    add_studies(site_folder, 10)
    build(Project.at(site_folder.content), site_folder.output)
    return site_folder


def staging_sizes(monkeypatch, output: Path) -> list[int]:
    """Record how many files each staging folder held when the build threw it away."""
    sizes: list[int] = []
    real_rmtree = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if Path(path).name.startswith(f".{output.name}.building-"):
            sizes.append(sum(1 for p in Path(path).rglob("*") if p.is_file()))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    return sizes


def test_a_template_error_halfway_leaves_the_previous_site(built_site, monkeypatch):
    output = built_site.output
    before, dots = snapshot(output), dot_entries(output.parent)
    template = built_site.root / "templates" / "case_study.html"
    template.write_text(FAIL_ON_ONE_PAGE + template.read_text(encoding="utf-8"), encoding="utf-8")
    sizes = staging_sizes(monkeypatch, output)

    with pytest.raises((jinja2.TemplateError, SiteError)):
        build(Project.at(built_site.content), output)

    assert sizes and sizes[0] >= 1, f"the build should have failed part-way through writing, not before: {sizes}"
    assert snapshot(output) == before
    assert leftovers(output) == []
    assert dot_entries(output.parent) == dots


def test_ctrl_c_halfway_leaves_the_previous_site(built_site, monkeypatch):
    output = built_site.output
    before, dots = snapshot(output), dot_entries(output.parent)
    (built_site.content / "site.yaml").write_text(
        (built_site.content / "site.yaml").read_text(encoding="utf-8").replace("Test Site", "Renamed Site"),
        encoding="utf-8")
    sizes = staging_sizes(monkeypatch, output)
    real_render = render_module.render_job
    calls = []

    def render(*args, **kwargs):
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        return real_render(*args, **kwargs)

    monkeypatch.setattr(render_module, "render_job", render)
    with pytest.raises(KeyboardInterrupt):
        build(Project.at(built_site.content), output)

    assert sizes and sizes[0] >= 5, sizes
    assert snapshot(output) == before
    assert leftovers(output) == []
    assert dot_entries(output.parent) == dots


BUILD_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from levelup_site.pipeline import Project, build
    build(Project.at(Path(sys.argv[1])), Path(sys.argv[2]))
""")


def run_build(site_folder, script: str = BUILD_SCRIPT) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, str(site_folder.content), str(site_folder.output)],
                            cwd=site_folder.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def big_site(site_folder):
    body = "## Background\n\n" + "The council worked with **bus operators** and residents. " * 30 + "\n"
    add_studies(site_folder, 300, body=body)
    build(Project.at(site_folder.content), site_folder.output)
    return site_folder


def test_killing_the_build_while_it_writes_leaves_the_previous_site(big_site):
    output = big_site.output
    before = snapshot(output)
    assert len(before) > 300
    # Every page changes, so the killed build has a lot to write.
    (big_site.content / "site.yaml").write_text(
        (big_site.content / "site.yaml").read_text(encoding="utf-8").replace("Test Site", "Renamed Site"),
        encoding="utf-8")

    process = run_build(big_site)
    staged = 0
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            staging = [p for p in output.parent.glob(f".{output.name}.building-*")]
            if staging and (staged := sum(1 for _ in staging[0].rglob("*"))) > 20:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if process.poll() is None and not staged:
            process.kill()
        _, err = process.communicate(timeout=60)

    assert staged, f"the build ended (rc={process.returncode}) before it was seen writing:\n{err.decode()}"
    assert process.returncode == -signal.SIGKILL, "the build finished before it could be killed"
    assert snapshot(output) == before, "killing the build changed the previous site"

    # The killed build could not clean up after itself; the next build still works.
    build(Project.at(big_site.content), output)
    assert "Renamed Site" in (output / "index.html").read_text(encoding="utf-8")


KILL_AFTER_SWAP = BUILD_SCRIPT.replace("build(Project", textwrap.dedent("""\
    import os, signal
    from levelup_site import write
    write.renames_will_do = lambda current, paths: False  # commit by swapping folders, however small the change
    real_exchange = write.exchange_folders
    def exchange(first, second):
        swapped = real_exchange(first, second)
        os.kill(os.getpid(), signal.SIGKILL)  # the new site has just been swapped in
    write.exchange_folders = exchange
    build(Project"""))


def test_a_crash_right_after_the_swap_leaves_the_new_site_whole(built_site):
    output = built_site.output
    (built_site.content / "site.yaml").write_text(
        (built_site.content / "site.yaml").read_text(encoding="utf-8").replace("Test Site", "Renamed Site"),
        encoding="utf-8")
    process = run_build(built_site, KILL_AFTER_SWAP)
    _, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, err.decode()
    assert (output / MARKER).is_file()
    pages = [p for p in output.rglob("*.html")]
    assert pages and all("Renamed Site" in p.read_text(encoding="utf-8") for p in pages)
    # The next build clears away the previous site that the crash left beside it.
    build(Project.at(built_site.content), output)
    assert leftovers(output) == []


KILL_MID_COMMIT = BUILD_SCRIPT.replace("build(Project", textwrap.dedent("""\
    import os, signal
    real_replace = os.replace
    renamed = []
    def replace(source, target):
        real_replace(source, target)
        renamed.append(target)
        if len(renamed) == 5:
            os.kill(os.getpid(), signal.SIGKILL)  # part-way through renaming the pages into place
    os.replace = replace
    build(Project"""))


def test_a_crash_part_way_through_the_renames_is_put_right_by_the_next_build(built_site, tmp_path):
    output = built_site.output
    rename_site = (built_site.content / "site.yaml")
    rename_site.write_text(rename_site.read_text(encoding="utf-8").replace("Test Site", "Renamed Site"),
                           encoding="utf-8")
    process = run_build(built_site, KILL_MID_COMMIT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, err.decode()
    pages = [p.read_text(encoding="utf-8") for p in output.rglob("*.html")]
    assert any("Renamed Site" in page for page in pages) and any("Renamed Site" not in page for page in pages)

    build(Project.at(built_site.content), output)
    clean = tmp_path / "clean"
    build(Project.at(built_site.content), clean, use_cache=False)
    assert snapshot(output) == snapshot(clean)
    assert leftovers(output) == []


def test_a_file_that_must_become_a_folder_is_committed_whole(built_site, tmp_path):
    static = built_site.root / "static"
    (static / "extra").write_text("a file first", encoding="utf-8")
    build(Project.at(built_site.content), built_site.output)
    (static / "extra").unlink()
    (static / "extra").mkdir()
    (static / "extra" / "notes.txt").write_text("then a folder", encoding="utf-8")
    build(Project.at(built_site.content), built_site.output)
    clean = tmp_path / "clean"
    build(Project.at(built_site.content), clean, use_cache=False)
    assert snapshot(built_site.output) == snapshot(clean)
    assert leftovers(built_site.output) == []


# --- (b) refused output folders ------------------------------------------------------------------------

def refused(site_folder, output: Path) -> str:
    sources = {name: snapshot(site_folder.root / name) for name in ("content", "templates", "static")}
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), output)
    problems = caught.value.problems
    assert len(problems) == 1 and problems[0].field == "--output", caught.value.report()
    assert {name: snapshot(site_folder.root / name) for name in sources} == sources
    if output.parent.is_dir():
        assert leftovers(output) == []
    return problems[0].message


def test_refuses_the_root_of_the_file_system(site_folder):
    before = sorted(os.listdir("/"))
    assert "it is the root of the file system" in refused(site_folder, Path("/"))
    assert sorted(os.listdir("/")) == before


def test_refuses_the_home_folder(site_folder, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.txt").write_text("years of work", encoding="utf-8")
    (home / MARKER).write_text("even a marker does not make home a site", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    before = snapshot(home)
    assert "it is your home folder" in refused(site_folder, home)
    assert snapshot(home) == before


def test_refuses_the_project_folder(site_folder):
    before = snapshot(site_folder.root)
    assert "it is the project folder itself" in refused(site_folder, site_folder.root)
    assert snapshot(site_folder.root) == before


def test_refuses_a_link_to_the_project_folder(site_folder, tmp_path):
    link = tmp_path / "looks-harmless"
    link.symlink_to(site_folder.root)
    assert "it is the project folder itself" in refused(site_folder, link)
    assert link.is_symlink()


@pytest.mark.parametrize("inside", ["content", "content/case-studies", "templates", "static", "static/css"])
def test_refuses_a_folder_holding_or_inside_the_sources(site_folder, inside):
    target = site_folder.root / inside
    message = refused(site_folder, target if inside.count("/") else target / "_site")
    assert "cannot be the output folder: it overlaps" in message and "which holds the site's sources" in message
    assert not (target / "_site").exists() and not (target / MARKER).exists()


def test_refuses_a_folder_that_contains_the_content_folder(site_folder, tmp_path):
    (tmp_path / "other-file.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(tmp_path)
    message = refused(site_folder, tmp_path)
    assert "it overlaps" in message and "which holds the site's sources" in message
    assert snapshot(tmp_path) == before


def test_refuses_a_non_empty_folder_levelup_did_not_make(site_folder):
    site_folder.add("buses")
    output = site_folder.root / "public"
    (output / "assets").mkdir(parents=True)
    (output / "index.html").write_text("<p>someone else's site</p>", encoding="utf-8")
    (output / "assets" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    before = snapshot(output)
    assert "already holds files that levelup did not write" in refused(site_folder, output)
    assert snapshot(output) == before


def test_refuses_a_file(site_folder):
    site_folder.add("buses")
    output = site_folder.root / "notes.txt"
    output.write_text("not a folder", encoding="utf-8")
    assert "is a file, not a folder" in refused(site_folder, output)
    assert output.read_text(encoding="utf-8") == "not a folder"


def test_replaces_a_folder_it_built_and_only_that(site_folder):
    site_folder.add("buses")
    site_folder.add("parks", title="Greener parks", themes=["parks"])
    output = site_folder.output
    build(Project.at(site_folder.content), output)
    assert (output / MARKER).is_file() and (output / "case-studies/parks/index.html").is_file()
    neighbour = site_folder.root / "_site-notes.txt"
    neighbour.write_text("beside the site", encoding="utf-8")
    (site_folder.content / "case-studies" / "parks.md").unlink()
    site_folder.add("homes", title="New homes", themes=["housing"])

    build(Project.at(site_folder.content), output)
    assert (output / MARKER).is_file()
    assert (output / "case-studies/homes/index.html").is_file()
    assert not (output / "case-studies/parks").exists(), "a page of the old site survived the rebuild"
    assert neighbour.read_text(encoding="utf-8") == "beside the site"
    assert leftovers(output) == []


def test_an_empty_folder_is_used(site_folder):
    site_folder.add("buses")
    output = site_folder.root / "public"
    output.mkdir()
    build(Project.at(site_folder.content), output)
    assert (output / MARKER).is_file() and (output / "case-studies/buses/index.html").is_file()
