"""What the browser tests share: the bundled content read as plain data, the local web
server the built site is served from, and how Chromium is started."""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
PREFIX = "/levelup/"  # the site is served under a sub-path, as on GitHub Pages
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
FACETS = {"themes": "theme", "outcomes": "outcome", "regions": "region", "publications": "publication"}


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(reason: str) -> None:
    """Skip for lack of a tool on a developer's machine; fail under CI, which installs it."""
    if in_ci():
        pytest.fail(f"{reason}; CI is set and .ci/run installs it, so this must not be skipped")
    pytest.skip(reason)


@dataclass(frozen=True)
class CaseStudy:
    slug: str
    title: str
    place: str
    authority: str
    summary: str
    body: str
    terms: dict  # query-string name ("theme") -> set of term ids

    def matches_text(self, word: str) -> bool:
        word = word.casefold()
        return any(word in text.casefold() for text in (self.title, self.summary, self.place, self.authority))


def front_matter(path: Path) -> tuple[dict, str]:
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(head), body


@functools.cache
def taxonomies() -> dict:
    return yaml.safe_load((CONTENT / "taxonomies.yaml").read_text(encoding="utf-8"))


def term_name(taxonomy: str, term_id: str) -> str:
    return next(term["name"] for term in taxonomies()[taxonomy]["terms"] if term["id"] == term_id)


@functools.cache
def case_studies() -> tuple[CaseStudy, ...]:
    studies = []
    for path in sorted((CONTENT / "case-studies").glob("*.md")):
        fields, body = front_matter(path)
        if fields.get("draft"):
            continue
        terms = {}
        for taxonomy, name in FACETS.items():
            value = fields.get(taxonomies()[taxonomy]["field"]) or []
            terms[name] = set(value if isinstance(value, list) else [value])
        studies.append(CaseStudy(fields.get("slug", path.stem), fields["title"], fields["place"],
                                 fields["authority"], fields["summary"], body, terms))
    return tuple(studies)


def expected(**chosen: list[str]) -> set[str]:
    """Slugs the filters should show: OR within a facet, AND across facets."""
    text = chosen.pop("q", None)
    return {study.slug for study in case_studies()
            if all(not ids or study.terms[facet] & set(ids) for facet, ids in chosen.items())
            and (not text or study.matches_text(text))}


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built folder under PREFIX; every other path is 404."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                      ".css": "text/css", ".xml": "application/xml"}

    def send_head(self):
        if not urlsplit(self.path).path.startswith(PREFIX):
            self.send_error(404, "Not under " + PREFIX)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(PREFIX) - 1:])

    def log_message(self, format: str, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    # A page may open many connections at once (twenty search results fetch twenty
    # fragments, each on a connection of its own under HTTP/1.0): the default backlog
    # of five can overflow on a busy machine and fail a fetch the site never failed.
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that stopped reading
            super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, serving `root` under PREFIX."""

    def __init__(self, root: Path):
        self.root = root
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)
        self.content: Path | None = None  # the content folder the site was built from, when the tests need it

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


# Every kind of page, by a short name: its path under the site, and what shows once its
# scripts have run (None: nothing to wait for). "matrix-cell" is found from the home page.
PAGES = {
    "home": ("", None),
    "case-studies": ("case-studies/", "#filter-form"),
    "case-studies-filtered": ("case-studies/?theme=transport", "#filter-form input[value=transport]:checked"),
    "case-studies-chosen": ("case-studies/?theme=Parks-and-green-spaces&outcome=economy&q=council&sort=title",
                            "#chosen-filters:not([hidden])"),
    "case-study": ("case-studies/milton-keynes-buses/", None),
    "themes": ("themes/", None),
    "theme": ("themes/transport/", None),
    "matrix-cell": (None, None),
    "outcomes": ("outcomes/", None),
    "places": ("places/", None),
    "authority": ("places/milton-keynes-city-council/", None),
    "about": ("about/", None),
    "contribute": ("contribute/", None),
    "404": ("404.html", None),
    "search": ("search/", "#search-form"),
    "search-results": ("search/?q=council", "#search-results li a"),
}
CASE_PAGE = PAGES["case-study"][0]


def visit(page, url: str, ready: str | None = None):
    """Open a page and wait until it has loaded and, if `ready` is given, until its
    scripts have shown that element."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    if ready:
        try:
            page.locator(ready).first.wait_for(state="attached")
        except Exception as error:  # a Playwright TimeoutError: say what was being waited for
            raise AssertionError(f"{url}: {ready!r} never appeared (has its script run?)") from error
    return response


# --- the large site: 2,000 case studies and a vocabulary of over 1,000 terms ---------
LARGE_STUDIES = 2000
EXTRA_REGIONS = 1000  # added to the regions, so the vocabulary has over 1,000 terms
USED_EXTRA = 400  # how many of them case studies use: the other 600 have none
PAGE_SIZE = 50


def make_large_project(folder: Path) -> Path:
    """Generate the benchmark corpus, add EXTRA_REGIONS terms to the regions and move
    every third case study to one of the first USED_EXTRA of them; return the content folder."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    generate.generate(LARGE_STUDIES, folder, seed=0)
    content = folder / "content"
    vocabulary = yaml.safe_load((content / "taxonomies.yaml").read_text(encoding="utf-8"))
    vocabulary["regions"]["terms"] += [
        {"id": f"area-{number:04d}", "name": f"Area {number:04d}", "description": f"Test area {number}."}
        for number in range(1, EXTRA_REGIONS + 1)]
    (content / "taxonomies.yaml").write_text(yaml.safe_dump(vocabulary, sort_keys=False), encoding="utf-8")
    for number in range(3, LARGE_STUDIES + 1, 3):
        path = content / "case-studies" / f"case-{number:05d}.md"
        text = path.read_text(encoding="utf-8")
        area = f"area-{number % USED_EXTRA + 1:04d}"
        path.write_text(re.sub(r"(?m)^region: .*$", f"region: {area}", text, count=1), encoding="utf-8")
    return content


@dataclass(frozen=True)
class Generated:
    """A generated case study as the tests need it: its address, dates and terms."""

    slug: str
    title: str
    place: str
    published: str
    terms: dict  # query-string name -> set of term ids


@functools.cache
def generated_studies(content: Path) -> tuple[Generated, ...]:
    vocabulary = yaml.safe_load((content / "taxonomies.yaml").read_text(encoding="utf-8"))
    studies = []
    for path in sorted((content / "case-studies").glob("*.md")):
        fields, _ = front_matter(path)
        terms = {}
        for taxonomy, name in FACETS.items():
            value = fields.get(vocabulary[taxonomy]["field"]) or []
            terms[name] = set(value if isinstance(value, list) else [value])
        studies.append(Generated(path.stem, fields["title"], fields["place"], str(fields["published"]), terms))
    return tuple(studies)
