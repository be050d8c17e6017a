"""Internal links written by authors: every one must lead to a page of the site.

A link to an alias (an earlier address that now redirects) leads to a page too: the
redirect is an output like any other. Two outputs at one address are refused.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections import Counter
from itertools import zip_longest
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from . import urls
from .errors import Problem
from .models import CaseStudy

# Bodies reach here through the sanitiser, which writes every attribute quoted with
# double quotes, so a regular expression reads them reliably (and 20x faster than
# an HTML parser, which matters at 10,000 case studies).
_LINK = re.compile(r'<(?:a|img)\s[^>]*?\b(?:href|src)="([^"]*)"')


def hrefs(html_text: str) -> tuple[str, ...]:
    """The addresses of links and images in sanitised HTML, as written (entities decoded)."""
    return tuple(html.unescape(found) for found in _LINK.findall(html_text))


class NearestPages:
    """"Did you mean" for a broken link, without comparing it with every page.

    Comparing each broken link with all output files took a third of a second per link
    on a 3,000-page site. Instead, the pages are indexed once by the three-letter runs
    (trigrams) of their paths; a broken link is compared in full only with the few pages
    that share the most trigrams with it, and each distinct address is looked up once.
    """

    SHORTLIST = 20

    def __init__(self, outputs: set[str]):
        self._pages = sorted(outputs)
        self._postings: dict[str, list[int]] = {}
        for number, page in enumerate(self._pages):
            for gram in self._grams(page):
                self._postings.setdefault(gram, []).append(number)
        self._answers: dict[str, str | None] = {}

    @staticmethod
    def _grams(path: str) -> set[str]:
        text = f"  {path.removesuffix('index.html').lower()} "
        return {text[i:i + 3] for i in range(len(text) - 2)}

    def nearest(self, path: str) -> str | None:
        if path not in self._answers:
            shared: dict[int, int] = {}
            for gram in self._grams(path):
                for number in self._postings.get(gram, ()):
                    shared[number] = shared.get(number, 0) + 1
            shortlist = sorted(shared, key=lambda number: (-shared[number], number))[: self.SHORTLIST]
            close = difflib.get_close_matches(path, [self._pages[n] for n in shortlist], n=1, cutoff=0.7)
            self._answers[path] = close[0] if close else None
        return self._answers[path]


def broken_links(studies: tuple[CaseStudy, ...], outputs: set[str], links: urls.Urls) -> list[Problem]:
    """Problems for links in case-study bodies that lead to no file of the site.

    `outputs` are the site's output files ("case-studies/x/index.html", "static/css/site.css").
    """
    problems: list[Problem] = []
    nearest: NearestPages | None = None  # built only when a link is broken
    base = urlsplit(links.base_url)
    origin = f"{base.scheme}://{base.netloc}/"
    addresses = {study.slug: links.case_study(study) for study in studies}
    for study in studies:
        page_url = links.absolute(links.case_study(study))
        for href, line in zip_longest(study.links, study.link_lines):
            # Most links lead to other websites, or to a note on the same page: no parsing needed.
            if href.startswith("#") or (href.startswith(("https://", "http://", "mailto:"))
                                        and not href.startswith(origin)):
                continue
            target = urlsplit(urljoin(page_url, href))
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                continue  # another website
            inside = target.path.startswith(base.path)
            path = posixpath.normpath("/" + target.path[len(base.path):]).lstrip("/") if inside else ""
            if inside and (path in outputs or urls.output_file(path.rstrip("/") + "/") in outputs or path == ""):
                continue
            nearest = nearest or NearestPages(outputs)
            # A case study's old address (before a permalink change) names its slug.
            moved = addresses.get(PurePosixPath(path).stem)
            close = urls.output_file(moved) if moved else nearest.nearest(urls.output_file(path + "/"))
            hint = (f"did you mean '{links.href(close.removesuffix('index.html'))}'?" if close
                    else "check the address of the page")
            problems.append(Problem(study.source_path, line, "body",
                                    f"the link '{href}' leads to no page of this site", hint))
        image = study.image
        if image and not image.startswith("https://") and urls.STATIC + image.lstrip("/") not in outputs:
            problems.append(Problem(study.source_path, study.line_of("image"), "image",
                                    f"there is no file static/{image.lstrip('/')}", _image_hint(image, outputs)))
    return problems


def address_problems(studies: tuple[CaseStudy, ...], paths: list[str], links: urls.Urls) -> list[Problem]:
    """Aliases that are not plain site paths, and case pages or aliases whose output file
    another output has too (`paths`: every output file, repeats kept)."""
    problems: list[Problem] = []
    claimed = {path for path, count in Counter(paths).items() if count > 1}
    aliased = {urls.output_file(urls.alias(old)) for study in studies for old in study.aliases}
    # Two case studies with one slug are reported where the slugs are loaded.
    case_pages = Counter(urls.output_file(links.case_study(study)) for study in studies)
    for study in studies:
        line = study.line_of("aliases")
        for old in study.aliases:
            wrong = urls.alias_problem(old)
            if wrong:
                problems.append(Problem(study.source_path, line, "aliases", wrong,
                                        "write the old address as a path from the site's root, e.g. /news/old-title/"))
            elif urls.output_file(urls.alias(old)) in claimed:
                problems.append(Problem(study.source_path, line, "aliases",
                                        f"'{old}' is also the address of another page, so it cannot redirect here",
                                        "remove it: that page is what a visitor to the address should see"))
        own = links.case_study(study)
        if urls.output_file(own) in claimed - aliased and case_pages[urls.output_file(own)] == 1:
            problems.append(Problem(study.source_path, study.line_of("slug") or study.line_of("title"), "slug",
                                    f"its address /{own} is also the address of another page of the site",
                                    "give it a `slug:` of its own (or change site.yaml's permalink)"))
    return problems


def _image_hint(image: str, outputs: set[str]) -> str:
    within_static = image.lstrip("/").removeprefix(urls.STATIC)
    if within_static != image.lstrip("/") and urls.STATIC + within_static in outputs:
        return f"the path is read from inside static/: write `image: {within_static}`"
    return "put the picture in static/images/ and write its path from there, e.g. `image: images/photo.jpg`"


def lines_of(text: str, needles: tuple[str, ...]) -> tuple[int | None, ...]:
    """The line of `text` where each of `needles` first appears (None if nowhere). Found
    while the file's text is at hand, so a message needs no file, wherever it is."""
    found = []
    for needle in needles:
        at = text.find(needle)
        found.append(None if at < 0 else text.count("\n", 0, at) + 1)
    return tuple(found)
