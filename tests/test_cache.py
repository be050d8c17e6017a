"""The build cache makes rebuilds cheap and never makes output different."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from levelup_site import cache, write
from levelup_site.cache import BODIES_DIR, CACHE_DIR, CACHE_ENV, CACHE_FILE, FILES_DIR, KEY_FILE
from levelup_site.markdown import MarkdownRenderer
from levelup_site.pipeline import Project, build, check


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def project(site_folder):
    site_folder.add("buses", title="Better buses", themes=["transport"], outcomes=["economy"])
    site_folder.add("parks", title="Greener parks", themes=["parks"], outcomes=["health"], region="london")
    site_folder.add("homes", title="Warmer homes", themes=["housing", "parks"], outcomes=["climate", "health"])
    return site_folder


def build_twice_and_compare(project, tmp_path):
    """Rebuild with the cache, then compare with a clean build without it."""
    result = build(Project.at(project.content), project.output)
    clean = tmp_path / "clean"
    build(Project.at(project.content), clean, use_cache=False)
    assert tree(project.output) == tree(clean)
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_no_change_rebuild_writes_nothing(project):
    build(Project.at(project.content), project.output)
    before = inodes(project.output)
    result = build(Project.at(project.content), project.output)
    assert result.written == 0
    assert inodes(project.output) == before


@pytest.mark.parametrize("change", ["case study", "case study body", "template", "vocabulary description",
                                    "settings", "static"])
def test_incremental_output_equals_a_clean_build(project, tmp_path, change):
    build(Project.at(project.content), project.output)
    content, root = project.content, project.root
    if change == "case study":
        edit(content / "case-studies" / "buses.md", "title: Better buses", "title: Faster buses")
    elif change == "case study body":
        edit(content / "case-studies" / "buses.md", "Some **text**.", "See [the parks](/case-studies/parks/).")
    elif change == "template":
        edit(root / "templates" / "case_study.html", "<h2>Sources</h2>", "<h2>Where this comes from</h2>")
    elif change == "vocabulary description":
        edit(content / "taxonomies.yaml", "description: Green spaces.", "description: Parks and gardens.")
    elif change == "settings":
        edit(content / "site.yaml", "title: Test Site", "title: Renamed Site")
    else:
        edit(root / "static" / "css" / "site.css", "--focus: #ffdd00;", "--focus: #ffbf47;")
    result = build_twice_and_compare(project, tmp_path)
    assert result.written > 0


def test_one_edit_rewrites_only_the_files_whose_bytes_change(project):
    build(Project.at(project.content), project.output)
    before = inodes(project.output)
    edit(project.content / "case-studies" / "parks.md", "Some **text**.", "Some **other** text.")
    result = build(Project.at(project.content), project.output)
    after = inodes(project.output)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == ["case-studies/parks/index.html"]
    assert result.written == 1


def test_a_removed_case_study_disappears_from_the_site(project, tmp_path):
    build(Project.at(project.content), project.output)
    (project.content / "case-studies" / "homes.md").unlink()
    build_twice_and_compare(project, tmp_path)
    assert not (project.output / "case-studies" / "homes").exists()


def test_a_hand_edited_output_file_is_put_right(project):
    build(Project.at(project.content), project.output)
    page = project.output / "case-studies" / "buses" / "index.html"
    good = page.read_bytes()
    page.write_bytes(b"tampered")
    build(Project.at(project.content), project.output)
    assert page.read_bytes() == good


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_corrupted_cache_is_survived(project, tmp_path, damage):
    build(Project.at(project.content), project.output)
    cache = project.root / CACHE_DIR / CACHE_FILE
    assert cache.is_file()
    cache.write_bytes(damage)
    edit(project.content / "case-studies" / "buses.md", "title: Better buses", "title: Faster buses")
    build_twice_and_compare(project, tmp_path)
    assert cache.stat().st_size > len(damage)  # rebuilt


@pytest.mark.parametrize("damage", ["garbage", "swapped", "removed"])
def test_a_damaged_shard_of_the_index_is_never_trusted(project, tmp_path, damage):
    build(Project.at(project.content), project.output)
    shards = sorted((project.root / CACHE_DIR / FILES_DIR).iterdir())
    assert len(shards) >= 2  # the three files' entries, in shards by their keys
    if damage == "garbage":
        shards[0].write_bytes(b"\x80\x05garbage")
    elif damage == "swapped":  # each signed, but not the shard the index names
        first, second = shards[0].read_bytes(), shards[1].read_bytes()
        shards[0].write_bytes(second)
        shards[1].write_bytes(first)
    else:
        shards[0].unlink()
    edit(project.content / "case-studies" / "buses.md", "title: Better buses", "title: Faster buses")
    build_twice_and_compare(project, tmp_path)


def test_an_edit_rewrites_the_shards_of_its_entries_only(site_folder):
    for n in range(40):
        site_folder.add(f"case-{n}", title=f"Case {n}")
    build(Project.at(site_folder.content), site_folder.output)
    folder = site_folder.root / CACHE_DIR / FILES_DIR
    before = {path.name for path in folder.iterdir()}
    edit(site_folder.content / "case-studies" / "case-7.md", "title: Case 7", "title: Case Seven")
    build(Project.at(site_folder.content), site_folder.output)
    after = {path.name for path in folder.iterdir()}
    assert len(before) > 10 and 1 <= len(after - before) <= 2 and len(before - after) == len(after - before)


def test_a_cache_from_another_build_setup_is_not_trusted(project, tmp_path):
    build(Project.at(project.content), project.output)
    build(Project.at(project.content), project.output, base_url="https://example.net/sub/")
    home = (project.output / "index.html").read_text()
    assert 'href="/sub/case-studies/' in home
    build(Project.at(project.content), project.output)
    assert 'href="/case-studies/' in (project.output / "index.html").read_text()


def test_problems_are_reported_from_the_cache_too(project):
    from levelup_site.errors import SiteError

    project.add("broken", themes=["transprot"])
    for _ in range(2):  # the second run reads the failed file's problems from the cache
        with pytest.raises(SiteError) as caught:
            build(Project.at(project.content), project.output)
        assert [p.message for p in caught.value.problems] == ["unknown theme 'transprot'"]


def test_long_lists_are_paginated_with_the_first_page_canonical(site_folder):
    settings = (site_folder.content / "site.yaml").read_text()
    (site_folder.content / "site.yaml").write_text(settings + "page_size: 2\n")
    for n in range(5):
        site_folder.add(f"case-{n}", title=f"Case {n}", published=f"2023-01-0{n + 1}")
    build(Project.at(site_folder.content), site_folder.output)
    first = (site_folder.output / "case-studies" / "index.html").read_text()
    third = (site_folder.output / "case-studies" / "page" / "3" / "index.html").read_text()
    assert "Page 1 of 3" in first and 'href="/case-studies/page/2/"' in first
    assert "Case 4" in first and "Case 0" not in first  # newest first
    assert "Case 0" in third and 'rel="prev" href="/case-studies/page/2/"' in third
    assert '<link rel="canonical" href="https://example.org/case-studies/page/3/">' in third
    assert not (site_folder.output / "case-studies" / "page" / "1").exists()


def test_parallel_loading_gives_the_same_site(site_folder, tmp_path, monkeypatch):
    from levelup_site import parallel

    for n in range(12):
        site_folder.add(f"case-{n}", title=f"Case {n}", themes=[["transport"], ["parks"], ["housing"]][n % 3])
    build(Project.at(site_folder.content), site_folder.output, use_cache=False)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 2)
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: loading never runs in parallel")
    build(Project.at(site_folder.content), tmp_path / "parallel", use_cache=False)
    assert tree(site_folder.output) == tree(tmp_path / "parallel")


def test_an_edit_keeping_size_and_time_is_still_seen(project, tmp_path):
    """The cache trusts file metadata only when it is older than the cache itself."""
    build(Project.at(project.content), project.output)
    path = project.content / "case-studies" / "buses.md"
    stat = path.stat()
    edit(path, "title: Better buses", "title: Faster buses")  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old modification time
    build_twice_and_compare(project, tmp_path)
    assert "Faster buses" in (project.output / "case-studies" / "buses" / "index.html").read_text()


def test_a_rebuild_with_nothing_changed_still_warns_and_repairs(project):
    project.add("empty", body="", title="Empty study")
    first = build(Project.at(project.content), project.output)
    assert [(w.path, w.field) for w in first.warnings] == [("content/case-studies/empty.md", "body")]
    page = project.output / "case-studies" / "homes" / "index.html"
    good = page.read_bytes()
    again = build(Project.at(project.content), project.output)
    assert again.warnings == first.warnings and again.written == 0
    page.unlink()  # the inputs are as they were, but the site is not
    repaired = build(Project.at(project.content), project.output)
    assert repaired.written == 1 and page.read_bytes() == good


def test_a_template_added_to_the_sites_own_folder_is_used(project):
    own = project.root / "own-templates"
    own.mkdir()
    build(Project.at(project.content, templates=own), project.output)  # every template from the theme
    theme = Project.at(project.content, templates=own).templates[1]
    page = (theme / "404.html").read_text(encoding="utf-8")
    (own / "404.html").write_text(page.replace("<h1>Page not found</h1>", "<h1>Lost?</h1>"), encoding="utf-8")
    result = build(Project.at(project.content, templates=own), project.output)
    assert result.written == 1
    assert "<h1>Lost?</h1>" in (project.output / "404.html").read_text(encoding="utf-8")


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_without_the_cache_nothing_is_kept(project, tmp_path, monkeypatch):
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    build(Project.at(project.content), project.output, use_cache=False)
    assert not (project.root / CACHE_DIR).exists()
    assert not home.exists(), "no signing key is made for a build that keeps no cache"
    build(Project.at(project.content), tmp_path / "cached")
    assert (project.root / CACHE_DIR / CACHE_FILE).is_file() and (home / "levelup" / KEY_FILE).is_file()
    assert tree(project.output) == tree(tmp_path / "cached")


def test_the_cache_and_its_key_can_be_moved(project, tmp_path, monkeypatch):
    moved = tmp_path / "elsewhere"
    monkeypatch.setenv(CACHE_ENV, str(moved))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    build(Project.at(project.content), project.output)
    assert not (project.root / CACHE_DIR).exists() and not (tmp_path / "user-cache").exists()
    kept = files_under(moved)
    assert KEY_FILE in kept and any(name.endswith("/" + CACHE_FILE) for name in kept)
    edit(project.content / "case-studies" / "buses.md", "title: Better buses", "title: Faster buses")
    build_twice_and_compare(project, tmp_path)


def test_an_edit_stores_one_body_and_rewrites_no_other(project):
    build(Project.at(project.content), project.output)
    bodies = project.root / CACHE_DIR / BODIES_DIR
    [pack] = bodies.iterdir()  # the three bodies loaded together are kept together
    before = (pack.name, pack.stat().st_ino, pack.stat().st_size)
    edit(project.content / "case-studies" / "parks.md", "Some **text**.", "Some **other** text.")
    build(Project.at(project.content), project.output)
    kept = bodies / before[0]
    assert (kept.stat().st_ino, kept.stat().st_size) == before[1:]  # still holds the other two
    [new] = [p for p in bodies.iterdir() if p.name != before[0]]
    assert new.stat().st_size < before[2] / 2


@pytest.mark.parametrize("damage", ["remove", "forge"])
def test_a_damaged_body_is_never_shown(project, tmp_path, damage):
    build(Project.at(project.content), project.output)
    bodies = project.root / CACHE_DIR / BODIES_DIR
    for body in bodies.iterdir():
        if damage == "remove":
            body.unlink()
        else:
            body.write_bytes(body.read_bytes().replace(b"text", b"<script>alert(1)</script>"))
    (project.root / "templates" / "base.html").write_text(
        (project.root / "templates" / "base.html").read_text() + "<!-- edited -->\n")  # every page again
    build_twice_and_compare(project, tmp_path)
    assert b"<script>alert" not in (project.output / "case-studies" / "parks" / "index.html").read_bytes()


def test_an_edited_body_is_checked_while_other_pages_are_kept(project, tmp_path):
    from levelup_site.errors import SiteError

    build(Project.at(project.content), project.output)
    buses = project.content / "case-studies" / "buses.md"
    edit(buses, "Some **text**.", "See [the parks](/case-studies/parcs/).")
    with pytest.raises(SiteError) as caught:
        build(Project.at(project.content), project.output)
    assert [(p.path, p.field) for p in caught.value.problems] == [("content/case-studies/buses.md", "body")]
    edit(buses, "/case-studies/parcs/", "/case-studies/parks/")
    home = project.output / "index.html"
    home.write_bytes(b"changed behind the build's back")
    result = build_twice_and_compare(project, tmp_path)
    assert result.written == 2  # the edited page, and the home page put right


def test_a_check_keeps_what_it_loaded_so_the_next_check_reads_no_file_again(site_folder, monkeypatch):
    for slug in ("buses", "parks", "homes"):
        site_folder.add(slug, title=slug.title())
    check(Project.at(site_folder.content))
    rendered = []
    real = MarkdownRenderer.render_with_notes
    monkeypatch.setattr(MarkdownRenderer, "render_with_notes",
                        lambda self, text: rendered.append(text) or real(self, text))
    check(Project.at(site_folder.content))
    assert rendered == [], "an unchanged case study was rendered again"


# --- listing the output: only the folders that changed ------------------------------------------

@pytest.fixture
def settled(project, monkeypatch):
    """A site built, then built again once its folders were old enough to vouch for
    (with no timestamp tick to wait for), so that the cache keeps every folder's stamp."""
    monkeypatch.setattr(cache, "TIMESTAMP_TICK_NS", 0)
    build(Project.at(project.content), project.output)
    build(Project.at(project.content), project.output)
    return project


def listings_of(folder: Path, monkeypatch) -> list[str]:
    """The folders in `folder` listed from now on (to be read after the build)."""
    listed: list[str] = []
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).is_relative_to(folder):
            listed.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return listed


def test_a_rebuild_with_nothing_changed_lists_no_output_folder(settled, monkeypatch):
    listed = listings_of(settled.output, monkeypatch)
    result = build(Project.at(settled.content), settled.output)
    assert result.written == 0
    assert listed == []


@pytest.mark.parametrize("change", ["file added", "folder added", "file removed", "folder removed", "file edited"])
def test_a_change_behind_the_builds_back_is_put_right(settled, tmp_path, change):
    case = settled.output / "case-studies" / "parks"
    if change == "file added":
        (case / "notes.txt").write_text("not part of the site")
    elif change == "folder added":
        (case / "extra").mkdir()
        (case / "extra" / "index.html").write_text("not part of the site")
    elif change == "file removed":
        (case / "index.html").unlink()
    elif change == "folder removed":
        shutil.rmtree(case)
    else:
        (case / "index.html").write_text("tampered")
    build(Project.at(settled.content), settled.output)
    clean = tmp_path / "clean"
    build(Project.at(settled.content), clean, use_cache=False)
    assert tree(settled.output) == tree(clean)


@pytest.mark.parametrize("change", ["file added", "folder moved and linked back"])
def test_a_listing_from_stamps_is_the_same_as_a_full_one(settled, tmp_path, change):
    case = settled.output / "case-studies" / "buses"
    if change == "file added":
        (case / "notes.txt").write_text("added")
    else:  # the same folder, stamp and all, seen through a link: the link is what the site holds
        case.rename(tmp_path / "moved")
        case.symlink_to(tmp_path / "moved", target_is_directory=True)
    opened = cache.BuildCache.open(settled.root, cache.code_salt())
    [previous] = opened.outputs.values()
    assert previous.folders and None not in previous.folders.values()
    assert write.current_files(settled.output, previous) == write.current_files(settled.output)
    opened.close()
