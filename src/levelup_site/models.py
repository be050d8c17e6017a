"""The content model: frozen values, each complete when it is created."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    description: str
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    """A controlled vocabulary, declared in content/taxonomies.yaml."""

    id: str  # also its URL path: /<id>/ and /<id>/<term>/
    name: str
    singular: str
    field: str  # the front-matter key holding term ids
    multiple: bool
    required: bool
    min_terms: int
    description: str
    terms: tuple[Term, ...]

    def term(self, term_id: str) -> Term:
        return next(term for term in self.terms if term.id == term_id)

    @property
    def term_ids(self) -> tuple[str, ...]:
        return tuple(term.id for term in self.terms)


@dataclass(frozen=True)
class Settings:
    title: str
    description: str
    base_url: str  # always ends in "/"
    language: str
    publisher: str
    latest_count: int
    page_size: int = 50
    # Where case studies live, a pattern checked by urls.permalink_problem.
    permalink: str = "/case-studies/{slug}/"
    feed_size: int = 50  # how many of the newest case studies the feed carries
    contact: str | None = None  # an email address or web address for readers of the site
    empty_term_pages: bool = False  # whether terms without case studies get pages


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class CaseStudy:
    slug: str
    source_path: str  # as shown in messages, e.g. content/case-studies/x.md
    title: str
    place: str
    authority: str
    summary: str
    published: dt.date
    sources: tuple[Source, ...]
    terms: Mapping[str, tuple[str, ...]]  # taxonomy id -> term ids, in the author's order
    body_html: str
    links: tuple[str, ...] = ()  # addresses linked from the body, for the link check
    link_lines: tuple[int | None, ...] = ()  # the file line of each of `links`, for messages
    key: str = ""  # a digest of the file's path and bytes (and the vocabulary ids)
    meta_key: str = ""  # a digest of everything but the body: what cards, lists and data show
    updated: dt.date | None = None
    image: str | None = None
    image_alt: str | None = None
    contact: str | None = None
    aliases: tuple[str, ...] = ()  # earlier site paths that redirect here ("/old/page/")
    draft: bool = False
    # Where each front-matter field and the body start in the file, for messages.
    field_lines: Mapping[str, int] = field(default_factory=lambda: TermMap({}))
    body_line: int | None = None

    def line_of(self, name: str) -> int | None:
        """The file line of a front-matter field, or of the body ("body"); None if not written."""
        return self.body_line if name == "body" else self.field_lines.get(name)

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.published


class TermMap(dict):
    """A read-only mapping (a case study's terms by taxonomy id, its fields' lines),
    picklable for the cache and for worker processes (a MappingProxyType is neither)."""

    def _read_only(self, *args, **kwargs):
        raise TypeError("a case study's terms cannot be changed")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return (TermMap, (dict(self),))

    def __hash__(self):  # frozen dataclasses hash their fields
        return hash(tuple(sorted(self.items())))


def frozen_terms(terms: dict[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return TermMap(terms)


@dataclass(frozen=True)
class Site:
    """Everything loaded and validated: the input to indexing and rendering."""

    settings: Settings
    taxonomies: tuple[Taxonomy, ...]
    case_studies: tuple[CaseStudy, ...]  # newest first, then by title

    def taxonomy(self, taxonomy_id: str) -> Taxonomy:
        return next(t for t in self.taxonomies if t.id == taxonomy_id)
