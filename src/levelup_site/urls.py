"""Where every page lives: site paths, links under the base URL, and output files.

A site path is relative to the site root and ends in "/" for a page
("case-studies/milton-keynes-buses/") or names a file ("feed.xml"). Links are
root-relative under the base URL's path, so the same build works at a domain root
and under a sub-path such as a GitHub Pages project site.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import urlsplit

HOME = ""
CASE_STUDIES = "case-studies/"
PLACES = "places/"
SEARCH = "search/"
SEARCH_INDEX = "pagefind/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
STATIC = "static/"


def case_study(slug: str) -> str:
    return f"{CASE_STUDIES}{slug}/"


def taxonomy(taxonomy_id: str) -> str:
    return f"{taxonomy_id}/"


def term(taxonomy_id: str, term_id: str) -> str:
    return f"{taxonomy_id}/{term_id}/"


def matrix_cell(row_taxonomy: str, row_term: str, column_term: str) -> str:
    return f"{row_taxonomy}/{row_term}/{column_term}/"


def list_page(site_path: str, number: int) -> str:
    """Page 2 onwards of a long list: case-studies/page/2/."""
    return f"{site_path}page/{number}/"


def page(slug: str) -> str:
    return f"{slug}/"


def output_file(site_path: str) -> str:
    """The file a site path is written to: pretty URLs end in index.html."""
    if site_path == HOME or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


def is_safe(site_path: str) -> bool:
    """True if writing this path cannot leave the output folder."""
    parts = PurePosixPath(output_file(site_path)).parts
    return bool(parts) and not site_path.startswith("/") and all(p not in ("", ".", "..") for p in parts) \
        and "\\" not in site_path


@dataclass(frozen=True)
class Urls:
    base_url: str  # absolute, ends in "/"

    @cached_property
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def href(self, site_path: str) -> str:
        return self.base_path + site_path

    def absolute(self, site_path: str) -> str:
        return self.base_url + site_path
