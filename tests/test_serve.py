"""`levelup serve`: a preview that follows edits and survives broken ones."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from levelup_site.cache import CACHE_DIR, CACHE_FILE
from levelup_site.pipeline import Project, build
from levelup_site.serve import Preview, PreviewApp

REPO = Path(__file__).resolve().parents[1]
PREVIEW = Path(CACHE_DIR) / "preview"  # where `levelup serve` builds by default


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(url: str, predicate, timeout: float = 20.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    last = (0, "")
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if predicate(*last):
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never matched; last answer: {last[0]} {last[1][:300]}")


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture
def server(project):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "levelup_site.cli", "serve", "--port", str(port)],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, lambda status, _: status == 200)
        yield base, process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.stdout.close()


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def clean_build(project: Path, base: str, into: Path) -> dict[str, bytes]:
    """What `levelup build` makes of the project now, with no cache, as the preview builds it."""
    build(Project.at(project / "content"), into, base_url=base, drafts=True, use_cache=False, search=False)
    return tree(into)


def assert_same_site(served: Path, clean: dict[str, bytes]) -> None:
    found = tree(served)
    assert sorted(found) == sorted(clean), "the preview holds other files than a clean build"
    differing = [path for path in clean if found[path] != clean[path]]
    assert not differing, f"these files differ from a clean build: {differing[:10]}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_shows_a_broken_edit_shows_its_error_and_a_fix_brings_the_site_back(project, server):
    base, process = server
    page = base + "case-studies/milton-keynes-buses/"
    case = project / "content" / "case-studies" / "milton-keynes-buses.md"

    edit(case, "title: Transforming the bus service in Milton Keynes", "title: Buses changed in the preview")
    wait_for(page, lambda status, body: status == 200 and "<h1" in body and "Buses changed in the preview" in body)

    edit(case, "themes: [transport]", "themes: [transprot]")
    status, body = wait_for(page, lambda status, _: status == 500)
    assert "content/case-studies/milton-keynes-buses.md:6: themes: unknown theme" in body
    assert "did you mean" in body
    assert process.poll() is None, "the server must keep running"

    edit(case, "themes: [transprot]", "themes: [transport]")
    wait_for(page, lambda status, body: status == 200 and "Buses changed in the preview" in body)
    assert "livereload.js" in body, "pages are served with the reload script"


def test_drafts_are_shown_and_marked(project, server):
    base, _ = server
    case = project / "content" / "case-studies" / "leeds-care-jobs.md"
    edit(case, "publication: people-and-place", "publication: people-and-place\ndraft: true")
    _, body = wait_for(base + "case-studies/leeds-care-jobs/", lambda status, body: "Draft" in body)
    assert 'class="tag tag--draft"' in body


def test_a_taken_port_gets_a_clear_message(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "levelup_site.cli", "serve", "--port", str(port)],
                                cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
                                  "/escape/secret.txt", "/escape-file"])
def test_the_preview_serves_nothing_outside_its_folder(tmp_path, path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><head></head><body>home</body></html>")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "escape").symlink_to(tmp_path)
    (root / "escape-file").symlink_to(tmp_path / "secret.txt")
    app = PreviewApp(root)
    answers = []
    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path}, lambda status, headers: answers.append(status)))
    assert answers[0].startswith("404") and b"secret" not in body


def test_the_preview_sends_content_types(tmp_path):
    root = tmp_path / "site"
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "site.css").write_text("body{}")
    (root / "data.json").write_text("{}")
    app = PreviewApp(root)
    for path, expected in (("/static/css/site.css", "text/css; charset=utf-8"), ("/data.json", "application/json")):
        headers = {}
        app({"REQUEST_METHOD": "GET", "PATH_INFO": path}, lambda status, pairs, headers=headers: headers.update(pairs))
        assert headers["Content-Type"].startswith(expected)


def test_an_open_page_reloads_by_itself_after_an_edit(project, server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it")
        pytest.skip("chromium is not installed")
    base, _ = server
    case = project / "content" / "case-studies" / "cornwall-climate-adaptation.md"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.goto(base + "case-studies/cornwall-climate-adaptation/")
            heading = page.locator("h1")
            sync_api.expect(heading).to_have_text("Adapting to climate change in Cornwall")
            page.wait_for_timeout(500)  # let livereload.js connect its socket
            edit(case, "title: Adapting to climate change in Cornwall", "title: Cornwall adapts, live")
            sync_api.expect(heading).to_have_text("Cornwall adapts, live", timeout=15000)
        finally:
            browser.close()


def test_every_rebuild_the_server_makes_is_a_clean_build_byte_for_byte(project, server, tmp_path):
    base, process = server
    cases = project / "content" / "case-studies"
    preview = project / PREVIEW
    changes = [
        # (what changes, the page that shows it, what the page then shows)
        (lambda: edit(cases / "milton-keynes-buses.md", "\n## ", "\nA sentence added in the preview.\n\n## "),
         "case-studies/milton-keynes-buses/", lambda status, body: "A sentence added in the preview." in body),
        (lambda: edit(cases / "leeds-care-jobs.md", "title: Helping to provide good jobs in the care sector in Leeds",
                      "title: Good care jobs in Leeds"),
         "", lambda status, body: "Good care jobs in Leeds" in body),
        (lambda: (cases / "leeds-care-jobs-again.md").write_text(
            (cases / "leeds-care-jobs.md").read_text(encoding="utf-8").replace(
                "title: Good care jobs in Leeds", "title: Leeds, once more"), encoding="utf-8"),
         "case-studies/leeds-care-jobs-again/", lambda status, body: status == 200 and "Leeds, once more" in body),
        (lambda: (cases / "birmingham-parks.md").unlink(),
         "case-studies/birmingham-parks/", lambda status, body: status == 404),
    ]
    for number, (change, page, shows) in enumerate(changes):
        change()
        wait_for(base + page, shows)
        clean = clean_build(project, base, tmp_path / f"clean-{number}")
        deadline = time.monotonic() + 10
        while tree(preview) != clean and time.monotonic() < deadline:
            time.sleep(0.1)  # the page shows before the rest of the rebuild is in place
        assert_same_site(preview, clean)
    assert process.poll() is None
    served = time.time()
    stop(process)
    index = project / CACHE_DIR / CACHE_FILE
    assert index.stat().st_mtime >= served, "a stopped server writes what it learnt to the build cache"


@pytest.mark.parametrize("change", [
    ("\n## ", "\nA sentence the server saw.\n\n## "),  # the body alone: one page planned again
    ("title: Transforming the bus service in Milton Keynes", "title: Buses, for a moment"),  # lists too
])
def test_a_server_stopped_before_writing_its_cache_misleads_no_later_build(project, tmp_path, change):
    """The server writes the cache's index only when idle. If it stops before that, the
    index on disk is older than the preview folder, and must not make a build keep a page
    that no longer matches its sources (here: the edit undone)."""
    base = "http://127.0.0.1:8000/"
    site = Project.at(project / "content")
    preview = Preview(site, project / PREVIEW, base, log=lambda text: None)
    assert preview.rebuild()
    preview.write_cache()
    case = project / "content" / "case-studies" / "milton-keynes-buses.md"
    original = case.read_text(encoding="utf-8")
    edit(case, *change)
    assert preview.rebuild()
    case.write_text(original, encoding="utf-8")  # and the server is gone without writing its index
    build(site, project / PREVIEW, base_url=base, drafts=True, search=False)
    assert_same_site(project / PREVIEW, clean_build(project, base, tmp_path / "clean"))
