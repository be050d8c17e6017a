"""Take the README's screenshots of the bundled site.

    python scripts/screenshots.py [--output docs/screenshots]

Builds the bundled content into a temporary folder, serves it on 127.0.0.1 under
/levelup/, and saves full-page PNGs at 375 px and 1280 px wide of the home page, a
filtered list of case studies (on a phone: with its filters open, as a reader ticking
them sees it), a case study page and a page of search results:

    home-375.png  home-1280.png  filtered-375.png  filtered-1280.png  case-375.png  case-1280.png
    search-375.png  search-1280.png

Needs the test extra (`pip install -e '.[test]'`, for Playwright) and Debian's Chromium
at /usr/bin/chromium (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/levelup/"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDTHS = (375, 1280)
SHOTS = {
    "home": ("", None),
    "filtered": ("case-studies/?theme=parks-and-green-spaces&outcome=health-wellbeing",
                 # until the script has filtered the list: the chosen filters are shown
                 """() => {
                     const chosen = document.querySelector('#chosen-filters');
                     const toggle = document.querySelector('.filters__toggle');
                     if (!chosen || chosen.hidden) return false;
                     // On a phone, open the panel, as a reader ticking filters has it.
                     if (toggle && toggle.offsetParent && toggle.getAttribute('aria-expanded') === 'false') toggle.click();
                     return true;
                 }"""),
    "case": ("case-studies/milton-keynes-buses/", None),
    "search": ("search/?q=council", "() => document.querySelectorAll('#search-results li').length > 0"),
}


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm"}

    def send_head(self):
        if not self.path.startswith(PREFIX):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(PREFIX) - 1:])

    def log_message(self, format: str, *args) -> None:
        pass


def build(output: Path, base_url: str) -> None:
    from levelup_site.cli import main

    status = main(["build", "--content", str(REPO / "content"), "--output", str(output), "--base-url", base_url,
                   "--no-cache", "--no-progress"])
    if status:
        sys.exit(status)


def take(base_url: str, output: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion="reduce")
                # Nothing but this site: any request to another host is refused.
                context.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
                page = context.new_page()
                for name, (path, ready) in SHOTS.items():
                    page.goto(base_url + path, wait_until="load")
                    if ready:
                        page.wait_for_function(ready, timeout=15_000)
                    page.wait_for_load_state("networkidle")
                    target = output / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True, animations="disabled")
                    saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=str(REPO / "docs" / "screenshots"), metavar="DIR",
                        help="folder for the PNG files (default: docs/screenshots)")
    args = parser.parse_args(argv)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="levelup-screenshots-") as folder:
        site = Path(folder) / "site"
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        base_url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
        build(site, base_url)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            saved = take(base_url, output)
        finally:
            server.shutdown()
            server.server_close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
