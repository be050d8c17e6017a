"""Browser fixtures: the bundled site built once under a sub-path and served on 127.0.0.1,
and one headless Chromium (Debian's /usr/bin/chromium) for the whole browser suite.

Without /usr/bin/chromium the browser tests are skipped on a developer's machine; under
CI (the CI variable set) they fail instead, because .ci/run installs Chromium."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from levelup_site.cli import main as levelup

from .support import CHROMIUM, CHROMIUM_ARGS, CONTENT, PAGES, PREFIX, LocalServer, missing

TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 900}
# What the browser reported during the current test (errors, warnings, failed requests),
# printed with a failure: on CI it is all there is to go on.
BROWSER_LOG: list[str] = []


@pytest.fixture(autouse=True)
def _browser_log() -> Iterator[None]:
    BROWSER_LOG.clear()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if report.failed and BROWSER_LOG:
        report.sections.append(("browser log", "\n".join(BROWSER_LOG)))


def record_browser_log(context) -> None:
    def console(message) -> None:
        if message.type in ("error", "warning"):
            BROWSER_LOG.append(f"console.{message.type} on {message.page.url if message.page else '?'}: {message.text}")

    context.on("console", console)
    context.on("weberror", lambda error: BROWSER_LOG.append(f"uncaught on {error.page.url if error.page else '?'}: {error.error}"))
    context.on("requestfailed", lambda request: BROWSER_LOG.append(f"request failed: {request.url} ({request.failure})"))


def build_site(content: Path, output: Path, base_url: str) -> None:
    """Build exactly as `levelup build` does (search index included).

    The build runs in a thread of its own: Playwright's sync API keeps an asyncio event
    loop in this one, and the search indexer runs its own loop."""
    def run() -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = levelup(["build", "--content", str(content), "--output", str(output),
                              "--base-url", base_url, "--no-cache", "--no-progress"])
        return status, out.getvalue()

    with ThreadPoolExecutor(max_workers=1) as pool:
        status, printed = pool.submit(run).result()
    assert status == 0, f"levelup build failed:\n{printed}"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[LocalServer]:
    """The bundled content, built for http://127.0.0.1:<port>/levelup/ and served there."""
    root = tmp_path_factory.mktemp("bundled") / "site"
    with LocalServer(root) as server:
        build_site(CONTENT, root, server.base_url)
        yield server


# Package scope: Playwright's event loop is stopped before the rest of the suite runs.
@pytest.fixture(scope="package")
def playwright_instance():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: install it with `apt-get install chromium`")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def local_only(context, base_url: str) -> None:
    """Abort any request that would leave this machine (tests talk only to 127.0.0.1)."""
    origin = base_url.split("/levelup/")[0] + "/"
    context.route(lambda url: not url.startswith(origin) and not url.startswith(("data:", "blob:")),
                  lambda route: route.abort())


@contextlib.contextmanager
def context_factory(browser, server: LocalServer):
    """Make fresh browser contexts (own cookies, storage and cache) for one served site;
    close them on leaving."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", VIEWPORT)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        local_only(context, server.base_url)
        record_browser_log(context)
        contexts.append(context)
        return context

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_context(browser, site):
    """A factory for fresh browser contexts on the bundled site, closed after the test."""
    with context_factory(browser, site) as make:
        yield make


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def js_disabled_page(new_context):
    return new_context(java_script_enabled=False).new_page()


@pytest.fixture(scope="package")
def page_url(site, browser):
    """The address of each kind of page in PAGES, by name."""
    context = browser.new_context()
    local_only(context, site.base_url)
    try:
        home = context.new_page()
        home.goto(site.url(), wait_until="domcontentloaded")
        cell = home.locator("main table td a").first.get_attribute("href", timeout=TIMEOUT_MS)
    finally:
        context.close()
    assert cell and cell.startswith(PREFIX), f"the matrix cell link {cell!r} is not under {PREFIX}"
    paths = {name: path for name, (path, _) in PAGES.items()} | {"matrix-cell": cell[len(PREFIX):]}
    return {name: site.url(path) for name, path in paths.items()}


@pytest.fixture
def open_page(page_url):
    """Open a kind of page (a name in PAGES) in the given browser page, ready to test."""
    from .support import visit

    def open_(page, name: str):
        return visit(page, page_url[name], PAGES[name][1])

    return open_


@pytest.fixture(scope="session")
def large_site(tmp_path_factory) -> Iterator[LocalServer]:
    """2,000 generated case studies (benchmarks/generate.py, seed 0) with a vocabulary of
    over 1,000 terms, built for and served under /levelup/ like the bundled site."""
    from .support import make_large_project

    folder = tmp_path_factory.mktemp("large")
    content = make_large_project(folder / "project")
    root = folder / "site"
    with LocalServer(root) as server:
        build_site(content, root, server.base_url)
        server.content = content
        yield server


@pytest.fixture
def large_context(browser, large_site):
    """A factory for fresh browser contexts on the large site, closed after the test."""
    with context_factory(browser, large_site) as make:
        yield make
