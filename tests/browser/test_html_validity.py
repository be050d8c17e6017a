"""Every generated HTML page is valid HTML, as the Nu HTML Checker (vnu.jar, the W3C's
validator, from the npm package vnu-jar) sees it: the bundled site, and a small site whose
case study has everything Markdown can put in a page (an image, a table, a footnote, a
code block)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

from .conftest import build_site
from .support import REPO, missing

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The smallest PNG: one transparent pixel.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
RICH_BODY = """\
## Riders by year

| Year | Riders | Note |
|:-----|-------:|:----:|
| 2021 | 1,200 | *before* |
| 2022 | 1,800 | **after** |

Ridership rose by half in a year.[^report] The timetable was rebuilt from the data.[^data]

```python
def riders(year):
    return {2021: 1200, 2022: 1800}[year]
```

A map of the new routes:

![Map of the new bus routes across Testford](https://images.example.net/routes.png)

> Buses every ten minutes on the main routes.

1. Plan the routes
2. Consult riders

[^report]: Testford Council's transport report, 2023.
[^data]: Ticket machine data for both years.
"""


def validate(*folders: Path) -> list[str]:
    """vnu's errors for every HTML file under the folders, as "file:line: message"."""
    java = shutil.which("java")
    if java is None:
        missing("java is not installed (apt-get install default-jre-headless)")
    if not VNU.exists():
        missing(f"{VNU.relative_to(REPO)} is missing: run `npm ci --ignore-scripts`")
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                             *map(str, folders)], capture_output=True, text=True, encoding="utf-8", timeout=300,
                            check=False)
    try:
        messages = json.loads(result.stderr)["messages"]
    except ValueError as error:
        raise AssertionError(f"vnu did not report in JSON (exit {result.returncode}):\n{result.stderr}") from error
    errors = []
    for message in messages:
        where = message.get("url", "").removeprefix("file:")
        for folder in folders:
            where = where.replace(str(folder.resolve()) + "/", f"{folder.name}/")
        errors.append(f"{where}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}"
                      + (f"\n    {message['extract'].strip()}" if message.get("extract") else ""))
    assert (result.returncode == 0) == (not errors), f"vnu exited {result.returncode}:\n{result.stderr}"
    return errors


def test_every_page_of_the_bundled_site_is_valid_html(site):
    pages = list(site.root.rglob("*.html"))
    assert len(pages) > 50
    errors = validate(site.root)
    assert not errors, f"{len(errors)} HTML error(s) in the bundled site:\n" + "\n".join(errors)


def test_markdown_features_make_valid_html(site_folder):
    images = site_folder.root / "static" / "images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "buses.png").write_bytes(PIXEL)
    site_folder.add("rich", body=RICH_BODY, title="Every kind of content", image="images/buses.png",
                    image_alt="A bus at a stop in Testford", updated="2023-02-03", contact="transport@example.org",
                    aliases=["/news/2019/rich/", "/old/rich.html"])
    site_folder.add("plain", title="Greener parks", themes=["parks"], outcomes=["health", "climate"],
                    region="london")
    build_site(site_folder.content, site_folder.output, "https://example.org/sub/")
    page = (site_folder.output / "case-studies" / "rich" / "index.html").read_text(encoding="utf-8")
    for made in ("<img", "<table", 'class="footnote', "<pre><code"):
        assert made in page, f"the test case study should produce {made}"
    errors = validate(site_folder.output)
    assert not errors, f"{len(errors)} HTML error(s) in the test site:\n" + "\n".join(errors)


def test_the_list_and_search_pages_of_a_large_vocabulary_are_valid_html(large_site, tmp_path):
    """Long facets: the most used terms, a link to all of them, and a box of names."""
    pages = tmp_path / "large"
    for path in ("case-studies/index.html", "case-studies/page/2/index.html", "search/index.html"):
        target = pages / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(large_site.root / path, target)
    assert "<datalist" in (pages / "search" / "index.html").read_text(encoding="utf-8")
    errors = validate(pages)
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
