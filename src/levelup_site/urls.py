"""Where every page lives: site paths, links under the base URL, and output files.

A site path is relative to the site root and ends in "/" for a page
("case-studies/milton-keynes-buses/") or names a file ("feed.xml"). Links are
root-relative under the base URL's path, so the same build works at a domain root
and under a sub-path such as a GitHub Pages project site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .models import CaseStudy, Settings

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
AUTHORITY_PREFIX = "authority-"  # an authority's anchor on pages that list several

# Where case studies live: a site path with placeholders, as written in site.yaml.
DEFAULT_PERMALINK = "/case-studies/{slug}/"
PERMALINK_PARTS = ("slug", "year", "month", "day")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PATH_TEXT = re.compile(r"[a-z0-9._~-]*")  # what a permalink may hold between its placeholders
_ALIAS = re.compile(r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+/)*[A-Za-z0-9._~!$&'()*+,;=:@%-]*")


def permalink_problem(pattern: str) -> tuple[str, str] | None:
    """What is wrong with a permalink pattern (a message and a hint), or None."""
    example = "e.g. /case-studies/{slug}/ or /{year}/{month}/{slug}/"
    if not pattern.startswith("/") or not pattern.endswith("/"):
        return f"'{pattern}' must start and end with '/'", f"a case study's page is a folder: {example}"
    names = _PLACEHOLDER.findall(pattern)
    unknown = [name for name in names if name not in PERMALINK_PARTS]
    if unknown:
        return (f"'{{{unknown[0]}}}' is not a part of a case study's address",
                "use {" + "}, {".join(PERMALINK_PARTS) + "}")
    if names.count("slug") != 1:
        return (f"'{pattern}' must contain {{slug}} once",
                f"each case study needs an address of its own: {example}")
    literal = _PLACEHOLDER.sub("x", pattern)
    segments = literal.strip("/").split("/")
    if "{" in literal or "}" in literal or not all(_PATH_TEXT.fullmatch(s) for s in segments) \
            or any(s in ("", ".", "..") for s in segments):
        return (f"'{pattern}' may hold only lowercase letters, digits, '-', '.' and the placeholders, "
                "between single '/'", example)
    return None


def case_pages_glob(pattern: str) -> str:
    """A glob of the output files a permalink pattern gives: "case-studies/*/index.html".
    It may match other pages too (a pattern starting with a placeholder matches every
    top-level page); the search index keeps only pages marked data-pagefind-body."""
    return _PLACEHOLDER.sub("*", pattern).strip("/") + "/index.html"


def permalink_root(pattern: str) -> str | None:
    """The fixed top-level folder of a permalink ("case-studies"), or None if it starts with a placeholder."""
    first = pattern.strip("/").split("/")[0]
    return None if _PLACEHOLDER.search(first) else first


def alias(old_address: str) -> str:
    """The site path an alias is written at: "/old/page/" -> "old/page/"."""
    return old_address.lstrip("/")


def alias_problem(old_address: str) -> str | None:
    """Why an alias (an earlier address of a page, such as "/2019/old-name/") cannot be used, or None."""
    if not old_address.startswith("/"):
        return f"'{old_address}' must be a path on this site, starting with '/'"
    if not _ALIAS.fullmatch(old_address) or not is_safe(alias(old_address)):
        return f"'{old_address}' is not a plain path: no '..', '//', spaces, '?' or '#'"
    return None


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


def authority(anchor: str) -> str:
    """An authority's own page under places/: "authority-camden-council" -> places/camden-council/."""
    return f"{PLACES}{anchor.removeprefix(AUTHORITY_PREFIX)}/"


def output_file(site_path: str) -> str:
    """The file a site path is written to: pretty URLs end in index.html."""
    if site_path == HOME or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


def is_safe(site_path: str) -> bool:
    """True if writing this path cannot leave the output folder."""
    parts = output_file(site_path).split("/")
    return not site_path.startswith("/") and all(p not in ("", ".", "..") for p in parts) and "\\" not in site_path


@dataclass(frozen=True)
class Urls:
    base_url: str  # absolute, ends in "/"
    permalink: str = DEFAULT_PERMALINK  # checked by permalink_problem

    @classmethod
    def of(cls, settings: Settings) -> Urls:
        return cls(settings.base_url, settings.permalink)

    def case_study(self, study: CaseStudy) -> str:
        """A case study's site path, from the permalink: case-studies/milton-keynes-buses/."""
        return self.case_study_at(study.slug, study.published.isoformat())

    def case_study_at(self, slug: str, published: str) -> str:
        return _case_study_at(self.permalink, slug, published)

    def contact(self, contact: str | None, absolute: bool = False) -> str | None:
        """A link for the site's contact setting: an email address, a web address or a site path."""
        if contact is None or contact.startswith(("https://", "http://")):
            return contact
        if "@" in contact:
            return "mailto:" + contact
        path = contact.lstrip("/")
        return self.absolute(path) if absolute else self.href(path)

    @property
    def dated(self) -> bool:
        """Whether a case study's address depends on its publication date."""
        return any(name != "slug" for name in _PLACEHOLDER.findall(self.permalink))

    @cached_property
    def base_path(self) -> str:
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def href(self, site_path: str) -> str:
        return self.base_path + site_path

    def absolute(self, site_path: str) -> str:
        return self.base_url + site_path


@lru_cache(maxsize=1 << 16)
def _case_study_at(permalink: str, slug: str, published: str) -> str:
    # Every list, card, feed and link check asks for the same few addresses again.
    year, month, day = (published.split("-") + ["", "", ""])[:3]
    parts = {"slug": slug, "year": year, "month": month, "day": day}
    return _PLACEHOLDER.sub(lambda found: parts[found.group(1)], permalink).lstrip("/")
