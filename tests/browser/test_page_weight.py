"""A case page stays light (HTML, CSS and JavaScript within 50 KB, the search index aside),
and no page asks any other host for anything: no fonts, analytics or CDNs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .support import PAGES

BUDGET = 50_000  # bytes: 50 KB
COUNTED = {"document", "stylesheet", "script"}


def test_case_page_html_css_and_js_within_50kb(page, open_page):
    responses = []
    page.on("response", lambda response: responses.append(response))
    open_page(page, "case-study")
    page.wait_for_load_state("networkidle")
    sizes = {}
    for response in responses:
        path = urlsplit(response.url).path
        if response.request.resource_type in COUNTED and "/pagefind/" not in path:
            sizes[path] = len(response.body())
    assert any(urlsplit(page.url).path == path for path in sizes), "the page itself was measured"
    assert any(path.endswith(".css") for path in sizes), "its stylesheet was measured"
    total = sum(sizes.values())
    breakdown = "\n".join(f"  {size:>7} {path}" for path, size in sorted(sizes.items()))
    assert total <= BUDGET, f"{total} bytes of HTML, CSS and JavaScript (budget {BUDGET}):\n{breakdown}"


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_this_machine(page, open_page, name):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_page(page, name)
    page.wait_for_load_state("networkidle")
    assert requested
    elsewhere = [url for url in requested
                 if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"]
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
