"""Windows and macOS builds: every Linux-only call's fallback, forced here on Linux.

Each platform call sits behind one small function (`libc.linux_function` for renameat2
and prctl, `parallel.start_method` for fork, `cache.ctime_is_change_time` for what
st_ctime means, `errors.project_path` for the paths in messages and cache keys). These
tests take the other branch and check what a contributor on that system would see.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path, PureWindowsPath
from types import SimpleNamespace

import pytest

from levelup_site import cache, content, libc, parallel, write
from levelup_site.errors import SiteError, display_path
from levelup_site.pipeline import Project, build

REPO = Path(__file__).resolve().parents[1]
MARKER = ".levelup-site"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def rename_site(site_folder, title: str) -> None:
    settings = site_folder.content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Test Site", title), encoding="utf-8")


def add_studies(site_folder, count: int) -> None:
    themes = ["transport", "parks", "housing"]
    for number in range(count):
        site_folder.add(f"case-{number:03d}", title=f"Case study number {number}",
                        published=(dt.date(2020, 1, 1) + dt.timedelta(days=number)).isoformat(),
                        themes=[themes[number % 3]], body=f"Case **{number}** in [a link](https://example.com/{number}).\n")


@pytest.fixture
def no_linux_calls(monkeypatch):
    """A system without Linux's C library calls: no renameat2, no prctl."""
    monkeypatch.setattr(libc, "linux_function", lambda name: None)


@pytest.fixture
def swap_always(monkeypatch):
    """Commit every build by swapping folders, however small the change."""
    monkeypatch.setattr(write, "renames_will_do", lambda current, paths: False)


# --- atomic swap: renameat2 -> two renames with rollback ------------------------------------------------

def test_without_renameat2_a_rebuild_replaces_the_site(site_folder, no_linux_calls, swap_always):
    add_studies(site_folder, 3)
    build(Project.at(site_folder.content), site_folder.output)
    assert write.exchange_folders(site_folder.output, site_folder.output) is False
    rename_site(site_folder, "Renamed Site")
    build(Project.at(site_folder.content), site_folder.output)
    pages = list(site_folder.output.rglob("*.html"))
    assert pages and all("Renamed Site" in p.read_text(encoding="utf-8") for p in pages)
    assert (site_folder.output / MARKER).is_file()
    assert leftovers(site_folder.output) == []


def test_without_renameat2_a_failure_mid_swap_leaves_the_previous_site(site_folder, no_linux_calls, swap_always,
                                                                        monkeypatch):
    add_studies(site_folder, 3)
    output = site_folder.output
    build(Project.at(site_folder.content), output)
    before = tree(output)
    real_replace = os.replace

    def replace(source, target):
        # The second of the two renames fails: the previous site is already moved aside.
        if Path(source).name.startswith(f".{output.name}.building-") and Path(target) == output:
            raise PermissionError(13, "the folder is in use", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    rename_site(site_folder, "Renamed Site")
    with pytest.raises(PermissionError):
        build(Project.at(site_folder.content), output)
    assert tree(output) == before
    assert leftovers(output) == []


# --- ctypes.CDLL(None) raising TypeError, as it does on Windows ------------------------------------------

def test_builds_work_where_loading_the_c_library_raises_type_error(site_folder, swap_always, monkeypatch, tmp_path):
    def no_c_library(name, *args, **kwargs):
        raise TypeError("LoadLibrary() argument 1 must be str, not None")

    monkeypatch.setattr(ctypes, "CDLL", no_c_library)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 2)  # the workers ask for prctl too
    monkeypatch.setattr(parallel, "_workers", lambda: 2)
    add_studies(site_folder, 6)
    build(Project.at(site_folder.content), site_folder.output)
    rename_site(site_folder, "Renamed Site")  # the second build after an edit swaps folders
    build(Project.at(site_folder.content), site_folder.output)
    clean = tmp_path / "clean"
    build(Project.at(site_folder.content), clean, use_cache=False)
    assert tree(site_folder.output) == tree(clean)
    assert "Renamed Site" in (site_folder.output / "index.html").read_text(encoding="utf-8")


def test_off_linux_the_c_library_is_not_even_asked(monkeypatch):
    asked = []
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: asked.append(args))
    for platform in ("win32", "darwin", "cygwin"):
        monkeypatch.setattr(sys, "platform", platform)
        assert libc.linux_function("renameat2") is None
    assert asked == []


# --- start method: fork on Linux only ---------------------------------------------------------------

@pytest.mark.parametrize(("platform", "method"), [("linux", "fork"), ("darwin", None), ("win32", None)])
def test_workers_fork_only_on_linux(monkeypatch, platform, method):
    monkeypatch.setattr(sys, "platform", platform)
    assert parallel.start_method() == method


def test_without_fork_a_large_site_loads_by_spawn_and_renders_the_same(site_folder, tmp_path, monkeypatch):
    add_studies(site_folder, 250)  # above PARALLEL_THRESHOLD
    monkeypatch.setattr(parallel, "_workers", lambda: 2)
    forked = tmp_path / "forked"
    build(Project.at(site_folder.content), forked, use_cache=False)

    pools = []
    real_pool = parallel.ProcessPoolExecutor

    def recording_pool(*args, **kwargs):
        pools.append(kwargs["mp_context"].get_start_method())
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")  # what Windows and macOS use
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", recording_pool)
    build(Project.at(site_folder.content), site_folder.output, use_cache=False)
    assert pools == ["spawn"], "one pool of spawned workers loads and renders"
    assert tree(site_folder.output) == tree(forked)


WORKER_SCRIPT = """\
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import active_children, get_context
from levelup_site import libc, parallel


def start(parent):
    libc.linux_function = lambda name: None  # no prctl in this worker
    parallel._start_worker(parent)


if __name__ == "__main__":
    pool = ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn"),
                               initializer=start, initargs=(os.getpid(),))
    pool.submit(int).result()
    print(" ".join(str(child.pid) for child in active_children()), flush=True)
    time.sleep(120)
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not yet noticed


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches processes through /proc")
def test_without_prctl_workers_end_when_the_build_is_killed(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(WORKER_SCRIPT, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=environment)
    try:
        workers = [int(pid) for pid in process.stdout.readline().split()]
        assert workers and all(running(pid) for pid in workers)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(running(pid) for pid in workers), "a worker outlived the killed build"
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


# --- file-change detection: st_ctime as Windows means it --------------------------------------------

@pytest.fixture
def windows_ctime(monkeypatch):
    """st_ctime as Windows gives it: when the file was created, untouched by edits."""
    created_ns = time.time_ns() - 3600 * 10**9
    real_file_info = content.file_info

    def file_info(*args, **kwargs):
        info, problem = real_file_info(*args, **kwargs)
        if info is None:
            return info, problem
        return SimpleNamespace(st_mode=info.st_mode, st_ino=info.st_ino, st_size=info.st_size,
                               st_mtime_ns=info.st_mtime_ns, st_ctime_ns=created_ns), None

    monkeypatch.setattr(cache, "ctime_is_change_time", lambda: False)
    monkeypatch.setattr(content, "file_info", file_info)


def test_with_windows_ctime_an_edit_in_the_same_tick_is_seen(site_folder, windows_ctime):
    path = site_folder.add("buses", title="Better buses")
    build(Project.at(site_folder.content), site_folder.output)
    written = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Better buses", "Faster buses"), encoding="utf-8")
    os.utime(path, ns=(written.st_atime_ns, written.st_mtime_ns))  # the same timestamp tick
    build(Project.at(site_folder.content), site_folder.output)
    page = (site_folder.output / "case-studies" / "buses" / "index.html").read_text(encoding="utf-8")
    assert "Faster buses" in page and "Better buses" not in page


def test_with_windows_ctime_files_unchanged_for_a_while_are_not_read_again(site_folder, windows_ctime, monkeypatch):
    path = site_folder.add("buses", title="Better buses")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(an_hour_ago, an_hour_ago))
    build(Project.at(site_folder.content), site_folder.output)
    read = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real_read_bytes(self))
    build(Project.at(site_folder.content), site_folder.output)
    assert "buses.md" not in read


# --- paths in messages and cache keys ---------------------------------------------------------------

def test_messages_name_files_from_the_project_whatever_the_working_folder(site_folder, tmp_path, monkeypatch):
    site_folder.add("broken", themes=["transprot"])
    (site_folder.content / "pages").mkdir()
    (site_folder.content / "pages" / "about.md").write_text("---\ntitle: About\n---\nText.\n", encoding="utf-8")
    settings = site_folder.content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for folder in (elsewhere, site_folder.content / "case-studies", REPO):
        monkeypatch.chdir(folder)
        with pytest.raises(SiteError) as caught:
            build(Project.at(site_folder.content), site_folder.output)
        problems = caught.value.problems
        assert sorted({p.path for p in problems}) == ["content/case-studies/broken.md", "content/pages/about.md",
                                                     "content/site.yaml"]


def test_a_broken_link_is_located_whatever_the_working_folder(site_folder, tmp_path, monkeypatch):
    link = "See [the plan](/case-studies/no-such-page/)."
    path = site_folder.add("linked", body=f"Intro.\n\n{link}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    [problem] = caught.value.problems
    assert (problem.path, problem.field) == ("content/case-studies/linked.md", "body")
    assert problem.line == path.read_text(encoding="utf-8").splitlines().index(link) + 1


def test_a_windows_path_is_shown_with_forward_slashes_from_the_project():
    project = PureWindowsPath(r"C:\Users\officer\levelup")
    shown = display_path(project / "content" / "case-studies" / "x.md", project)
    assert shown == "content/case-studies/x.md"


def test_the_cache_holds_across_working_folders(site_folder, tmp_path, monkeypatch):
    add_studies(site_folder, 3)
    build(Project.at(site_folder.content), site_folder.output)
    loaded = []
    real_load_files = parallel.load_files
    monkeypatch.setattr(parallel, "load_files", lambda items, *setup: loaded.extend(items)
                        or real_load_files(items, *setup))
    monkeypatch.chdir(site_folder.content)
    build(Project.at("."), site_folder.output)  # the same project, named from inside it
    assert loaded == []


# --- CRLF checkouts ------------------------------------------------------------------------------

def to_crlf(folder: Path) -> int:
    converted = 0
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            crlf = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            if crlf != data:
                path.write_bytes(crlf)
                converted += 1
    return converted


def test_a_crlf_checkout_builds_the_same_site(tmp_path):
    projects = {}
    for name in ("lf", "crlf"):
        root = tmp_path / name
        for folder in ("content", "templates", "static"):
            shutil.copytree(REPO / folder, root / folder)
        projects[name] = root
    assert to_crlf(projects["crlf"] / "content") > 10 and to_crlf(projects["crlf"] / "templates") > 5
    for root in projects.values():
        build(Project.at(root / "content"), root / "_site", use_cache=False)
    lf, crlf = tree(projects["lf"] / "_site"), tree(projects["crlf"] / "_site")
    assert sorted(lf) == sorted(crlf)
    assert [path for path in lf if lf[path] != crlf[path]] == []


def test_a_crlf_case_study_reports_problems_on_the_right_line(site_folder):
    path = site_folder.add("broken", themes=["transprot"])
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(SiteError) as caught:
        build(Project.at(site_folder.content), site_folder.output)
    [problem] = caught.value.problems
    lines = path.read_bytes().split(b"\r\n")
    assert b"transprot" in lines[problem.line - 1]
    assert problem.path == "content/case-studies/broken.md"
