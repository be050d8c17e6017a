"""The content model: frozen values, each complete when it is created."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    # Roles: which parts of the site this vocabulary drives (all off unless declared).
    navigation: bool = False  # linked from every page's menu
    card_tags: bool = False  # its terms are the tags on every card
    matrix: str | None = None  # "rows" or "columns" of the home page's matrix
    related: int | None = None  # ranks related case studies: 1 counts first, then 2, ...
    places: bool = False  # groups the places page

    def term(self, term_id: str) -> Term:
        return next(term for term in self.terms if term.id == term_id)

    @property
    def term_ids(self) -> tuple[str, ...]:
        return tuple(term.id for term in self.terms)


@dataclass(frozen=True)
class Field:
    """One front-matter field: built in (with the defaults in `schema.py`, which a
    site may relax) or declared by the site in site.yaml's `fields:`."""

    name: str
    kind: str  # text | date | bool | slug | sources | image | paths | url | number | list
    required: bool
    help: str
    example: str
    label: str = ""  # how the case page's key facts name it
    limit: int | None = None  # the most characters a text may have
    facts: bool = False  # shown among the key facts on the case page
    declared: bool = False  # declared by the site, not built in: kept in `CaseStudy.extra`


def _word(default: str, meaning: str) -> Any:
    return field(default=default, metadata={"help": meaning})


@dataclass(frozen=True)
class Words:
    """The words that name the site's domain, from site.yaml's `words:`. The defaults
    are neutral; a site sets its own. Each field's help is its entry in the README's
    configuration reference."""

    case_study: str = _word("case study", "What one entry of the site is called, in the middle of a sentence.")
    case_studies: str = _word("case studies", "The plural, in the middle of a sentence; the menu and headings "
                                              "capitalise its first letter.")
    intro: str = _word("", "A paragraph on the home page under the site's description; empty: none.")
    matrix_heading: str = _word("", "The home page matrix's heading; empty: made from the two vocabularies' names "
                                    "(\"Topics and authors\").")
    matrix_description: str = _word("", "The sentence under the matrix's heading; empty: made from the "
                                        "vocabularies' names.")
    places: str = _word("Places", "The name of the places page, in the menu and as its heading.")
    places_description: str = _word("Case studies by place and by the organisation that led the work.",
                                    "The places page's opening sentence and description for search engines.")
    place: str = _word("Place", "The key fact naming a case study's `place`.")
    authority: str = _word("Organisation", "The key fact naming a case study's `authority`.")
    by_authority: str = _word("By organisation", "The places page's heading over the list by `authority`.")
    authority_type: str = _word("Organization", "The schema.org type of the `authority` in the page's JSON-LD "
                                                "(e.g. GovernmentOrganization).")

    @property
    def case_studies_title(self) -> str:
        """"Case studies": the plural at the start of a heading or menu entry."""
        return self.case_studies[:1].upper() + self.case_studies[1:]


@dataclass(frozen=True)
class Settings:
    title: str
    description: str
    base_url: str  # always ends in "/"
    language: str
    publisher: str
    latest_count: int
    page_size: int = 50
    words: Words = Words()
    # Where case studies live, a pattern checked by urls.permalink_problem.
    permalink: str = "/case-studies/{slug}/"
    feed_size: int = 50  # how many of the newest case studies the feed carries
    contact: str | None = None  # an email address or web address for readers of the site
    empty_term_pages: bool = False  # whether terms without case studies get pages
    embeds: tuple[str, ...] = ()  # hosts whose https frames a body may embed, lower case


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class CaseStudy:
    slug: str
    source_path: str  # as shown in messages, e.g. content/case-studies/x.md
    title: str
    place: str | None
    authority: str | None
    summary: str | None
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
    extra: Mapping[str, Any] = field(default_factory=lambda: TermMap({}))  # the site's own fields
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
        raise TypeError("a case study's fields cannot be changed")

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
    fields: tuple[Field, ...] = ()  # the front-matter schema; empty: the built-in fields only

    def taxonomy(self, taxonomy_id: str) -> Taxonomy:
        return next(t for t in self.taxonomies if t.id == taxonomy_id)

    @property
    def declared_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.declared)

    @property
    def matrix_axes(self) -> tuple[Taxonomy, Taxonomy] | None:
        """The home page matrix's (rows, columns), or None when the site has no matrix."""
        rows = [t for t in self.taxonomies if t.matrix == "rows"]
        columns = [t for t in self.taxonomies if t.matrix == "columns"]
        return (rows[0], columns[0]) if rows and columns else None

    @property
    def ranking(self) -> tuple[Taxonomy, ...]:
        """The taxonomies that rank related case studies, the first counting most."""
        return tuple(sorted((t for t in self.taxonomies if t.related), key=lambda t: t.related or 0))

    @property
    def places_taxonomy(self) -> Taxonomy | None:
        return next((t for t in self.taxonomies if t.places), None)
