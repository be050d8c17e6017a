"""Time the case-study list and search in a browser, as a reader meets them.

    python benchmarks/finder_timings.py DIR [--runs 5]

DIR is a project `generate.py` wrote (e.g. `generate.py 2000 DIR --seed 0`). The
script builds it into DIR/_finder_site for a local address, serves that on
127.0.0.1, and with headless Chromium (/usr/bin/chromium) measures, from the page's
own Performance API:

- the list page's first render: first contentful paint and the load event of
  /case-studies/, and the bytes it fetched;
- a filter click: from ticking a theme until the count and cards show the result,
  the first time (which fetches /data/finder.json) and once the index is loaded;
- a search query: from submitting a word on /search/ until its results are listed.

Each figure is the median of --runs fresh browser contexts. Needs the test extra
(Playwright) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PREFIX = "/levelup/"
CLICK = """async (selector) => {
    const count = document.querySelector('#results-count');
    const before = count.textContent;
    const started = performance.now();
    document.querySelector(selector).click();
    await new Promise(resolve => {
        const check = () => count.textContent !== before ? resolve() : requestAnimationFrame(check);
        check();
    });
    return performance.now() - started;
}"""
# Bytes of every response body the page fetched (none is compressed by this server).
BYTES = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .reduce((sum, entry) => sum + entry.encodedBodySize, 0)"""
SEARCH = """async (word) => {
    const box = document.querySelector('#search-q');
    const status = document.querySelector('#search-count');
    const started = performance.now();
    box.value = word;
    document.querySelector('#search-form').requestSubmit();
    await new Promise(resolve => {
        const check = () => / results? for /.test(status.textContent)
            && document.querySelector('#search-results li') ? resolve() : requestAnimationFrame(check);
        check();
    });
    return performance.now() - started;
}"""


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm"}

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(PREFIX) - 1:] if path.startswith(PREFIX) else "/missing")

    def log_message(self, format: str, *args) -> None:
        pass


def measure(base_url: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base_url + "case-studies/", wait_until="load")
                page.wait_for_selector("#filter-form")
                page.wait_for_load_state("networkidle")
                paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
                loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                note("list: first contentful paint (ms)", paint)
                note("list: load event (ms)", loaded)
                note("list: bytes fetched on opening", page.evaluate(BYTES))
                note("filter click, first (fetches the index) (ms)",
                     page.evaluate(CLICK, "#filter-form input[name=theme][value=transport]"))
                page.wait_for_load_state("networkidle")
                note("list: bytes fetched once filtered", page.evaluate(BYTES))
                note("filter click, index loaded (ms)",
                     page.evaluate(CLICK, "#filter-form input[name=outcome][value=economy]"))
                page.goto(base_url + "search/", wait_until="load")
                page.wait_for_selector("#search-form:not([hidden])")
                page.wait_for_timeout(300)  # the Pagefind module has loaded
                note("search query 'council' (ms)", page.evaluate(SEARCH, "council"))
                note("search query 'harbour' (ms)", page.evaluate(SEARCH, "harbour"))
                context.close()
        finally:
            browser.close()
    return {name: statistics.median(values) for name, values in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, metavar="DIR", help="a project generate.py wrote")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from levelup_site.cli import main as levelup

    site = args.directory / "_finder_site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    status = levelup(["build", "--content", str(args.directory / "content"), "--output", str(site),
                      "--base-url", base_url, "--no-progress"])
    if status:
        return status
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        figures = measure(base_url, args.runs)
    finally:
        server.shutdown()
        server.server_close()
    for name, value in figures.items():
        print(f"| {name} | {value:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
