"""Internal links written by authors: every one must lead to a page of the site."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from itertools import zip_longest
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


def broken_links(studies: tuple[CaseStudy, ...], outputs: set[str], links: urls.Urls) -> list[Problem]:
    """Problems for links in case-study bodies that lead to no file of the site.

    `outputs` are the site's output files ("case-studies/x/index.html", "static/css/site.css").
    """
    problems: list[Problem] = []
    base = urlsplit(links.base_url)
    origin = f"{base.scheme}://{base.netloc}/"
    for study in studies:
        page_url = links.absolute(urls.case_study(study.slug))
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
            close = difflib.get_close_matches(urls.output_file(path + "/"), sorted(outputs), n=1, cutoff=0.7)
            hint = (f"did you mean '{links.href(close[0].removesuffix('index.html'))}'?" if close
                    else "check the address of the page")
            problems.append(Problem(study.source_path, line, "body",
                                    f"the link '{href}' leads to no page of this site", hint))
        local_image = study.image and not study.image.startswith("https://")
        if local_image and urls.STATIC + study.image.lstrip("/") not in outputs:
            problems.append(Problem(study.source_path, study.image_line, "image",
                                    f"there is no file static/{study.image.lstrip('/')}",
                                    "add the picture to static/images/ or correct the name"))
    return problems


def lines_of(text: str, needles: tuple[str, ...]) -> tuple[int | None, ...]:
    """The line of `text` where each of `needles` first appears (None if nowhere). Found
    while the file's text is at hand, so a message needs no file, wherever it is."""
    found = []
    for needle in needles:
        at = text.find(needle)
        found.append(None if at < 0 else text.count("\n", 0, at) + 1)
    return tuple(found)
