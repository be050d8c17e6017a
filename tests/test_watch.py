"""The preview server's watcher: an edit, a new file, a new folder are each noticed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from levelup_site import watch


def noticed(folders: list[Path], *changes, timeout: float = 5.0) -> list[list]:
    """What the watcher of `folders` reports to the rebuild after each of `changes`, made
    one after the other in one session."""
    reports: list = []
    found: list[list] = []

    async def run() -> None:
        watcher = watch.ChangeWatcher()
        for folder in folders:
            watcher.watch(str(folder), lambda changed=None: reports.append(changed))
        watcher.start(watcher.examine)
        await asyncio.sleep(0.05)
        reports.clear()  # what a start reports is not a change
        for change in changes:
            await asyncio.sleep(0.02)  # livereload's polling compares modification times
            change()
            deadline = time.monotonic() + timeout
            while not reports and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            found.append(list(reports))
            reports.clear()

    asyncio.run(run())
    return found


@pytest.fixture(params=["inotify", "polling"])
def mode(request, monkeypatch):
    if request.param == "inotify" and watch.Inotify.open() is None:
        pytest.skip("this system has no inotify")
    if request.param == "polling":
        monkeypatch.setattr(watch.Inotify, "open", classmethod(lambda cls: None))
    return request.param


def test_an_edit_is_noticed(tmp_path, mode):
    content = tmp_path / "content"
    (content / "case-studies").mkdir(parents=True)
    case = content / "case-studies" / "one.md"
    case.write_text("first\n")
    [reports] = noticed([content], lambda: case.write_text("second, longer\n"))
    assert reports, "the edit was not noticed"
    if mode == "inotify":
        assert reports == [[str(case)]]


def test_files_in_a_new_folder_are_noticed(tmp_path, mode):
    content = tmp_path / "content"
    content.mkdir()
    about = content / "pages" / "about.md"

    def add() -> None:
        about.parent.mkdir()
        about.write_text("about\n")

    added, edited = noticed([content], add, lambda: about.write_text("about us, at length\n"))
    assert added, "the new folder was not noticed"
    assert edited, "an edit in the new folder was not noticed"


def test_a_watched_folder_made_after_the_start_is_noticed(tmp_path, mode):
    templates = tmp_path / "templates"
    content = tmp_path / "content"
    content.mkdir()

    def add() -> None:
        templates.mkdir()
        (templates / "base.html").write_text("<html></html>")

    [reports] = noticed([content, templates], add, timeout=watch.MISSING_POLL_SECONDS + 5)
    assert reports
