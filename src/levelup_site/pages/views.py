"""What templates see: frozen, display-ready values, one view type per template.

A template reads the fields of its view (and the layout's, for the parts every page
shares) and nothing else, so it needs no logic beyond loops and conditionals. Views
hold plain values only, no models and no callables, so a job can be pickled and
rendered in any process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from .. import urls
from ..models import Settings, Taxonomy


def facet_param(taxonomy: Taxonomy) -> str:
    """The query-string name of a taxonomy's filter: "topic" for a list in the topics field."""
    field = taxonomy.field
    return field[:-1] if taxonomy.multiple and field.endswith("s") else field


# --- shared pieces ---------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    name: str
    url: str
    filter: str | None = None  # a search filter, "topic:transport", on a case page's facts
    # An empty url: a value shown as text, as a key fact of a field the site declared.


@dataclass(frozen=True)
class DataUrls:
    json: str
    csv: str


@dataclass(frozen=True)
class Layout:
    """What every page shares: the site's settings, navigation and asset addresses.
    Its fields are the templates' globals."""

    site: Settings
    home_url: str
    feed_url: str
    search_url: str
    stylesheet_url: str
    favicon_url: str
    scripts_url: str  # the folder of scripts; script_url() adds a name and the asset version
    asset_version: str
    navigation: tuple[Link, ...]
    data_urls: DataUrls
    tags_label: str = "Tags"  # what a card's tags are, for screen readers: "Topics and authors"
    contact_url: str | None = None  # the site's contact setting as a link (mailto: for an email address)

    def script_url(self, name: str) -> str:
        return f"{self.scripts_url}{name}?v={self.asset_version}"


@dataclass(frozen=True)
class PageMeta:
    """A page's title, description and addresses, for the layout's <head> and breadcrumbs."""

    title: str
    description: str
    url: str
    canonical: str
    breadcrumbs: tuple[Link, ...]
    type: str = "website"
    image: str | None = None
    image_alt: str | None = None


@dataclass(frozen=True)
class Card:
    """A case study in a list: no body."""

    title: str
    url: str
    summary: str | None  # a site may make summary, place and authority optional
    place: str | None
    authority: str | None
    published: dt.date
    draft: bool
    tags: tuple[Link, ...]
    facets: tuple[tuple[str, str], ...]  # (filter name, space-separated term ids), as data- attributes

    def __hash__(self) -> int:
        # Equal cards have one address; hashing it alone spares hashing every tag each
        # time a list looks a card up among those already rendered (render.Once).
        return hash(self.url)


@dataclass(frozen=True)
class FacetTerm:
    id: str
    name: str
    url: str
    count: int


@dataclass(frozen=True)
class Facet:
    """One filter of a list: the terms that have case studies. A long vocabulary shows
    only its most used terms; `more` holds the rest, reached through a box or a link."""

    param: str
    field: str
    label: str  # the taxonomy's singular name, "Theme"
    plural: str  # its name, plural of `label`
    url: str  # the taxonomy's page, listing every term
    tagged: bool  # shown as tags on cards
    terms: tuple[FacetTerm, ...]
    more: tuple[FacetTerm, ...] = ()

    @property
    def total(self) -> int:
        return len(self.terms) + len(self.more)


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Intro:
    kicker: str
    description: str
    publisher: str | None
    url: str | None


# --- one view per template -----------------------------------------------------
@dataclass(frozen=True)
class ListView:  # list.html
    page: PageMeta
    intro: Intro | None
    total: int
    cards: tuple[Card, ...]
    pagination: Pagination
    filters: tuple[Facet, ...] | None
    finder: FinderLinks | None = None


@dataclass(frozen=True)
class FinderLinks:
    """Where the list's script finds its index, and the list's first page."""

    index_url: str
    list_url: str
    page_size: int


@dataclass(frozen=True)
class Fact:
    label: str
    links: tuple[Link, ...]
    # The Pagefind metadata key a search result reads it by: "place" and "authority"
    # whatever the site's words call them; a vocabulary's or field's label in lowercase.
    meta: str


@dataclass(frozen=True)
class SourceView:
    title: str
    url: str


@dataclass(frozen=True)
class StudyDetail:
    title: str
    summary: str | None
    draft: bool
    published: dt.date
    updated: dt.date | None
    image_url: str | None
    image_alt: str | None
    contact: str | None
    facts: tuple[Fact, ...]
    body_html: Markup
    sources: tuple[SourceView, ...]
    structured_data: dict[str, Any]  # schema.org JSON-LD, serialised by the jsonld filter


@dataclass(frozen=True)
class CaseStudyView:  # case_study.html
    page: PageMeta
    study: StudyDetail
    related: tuple[Card, ...]

    def with_body(self, body_html: Markup) -> CaseStudyView:
        return replace(self, study=replace(self.study, body_html=body_html))


@dataclass(frozen=True)
class MatrixCount:
    count: int
    column: str
    url: str | None  # None when no case study is in the cell


@dataclass(frozen=True)
class MatrixRow:
    heading: Link
    cells: tuple[MatrixCount, ...]


@dataclass(frozen=True)
class MatrixView:
    heading: str
    description: str
    rows_name: str
    columns_name: str  # the columns' singular, for the table's caption
    columns: tuple[Link, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class BrowseItem:
    name: str
    url: str
    description: str


@dataclass(frozen=True)
class HomeView:  # home.html
    page: PageMeta
    latest: tuple[Card, ...]
    matrix: MatrixView | None
    total: int
    browse: tuple[BrowseItem, ...]


@dataclass(frozen=True)
class TermSummary:
    name: str
    url: str
    description: str
    count: int


@dataclass(frozen=True)
class TaxonomyIntro:
    name: str
    description: str


@dataclass(frozen=True)
class TaxonomyView:  # taxonomy.html
    page: PageMeta
    taxonomy: TaxonomyIntro
    terms: tuple[TermSummary, ...]
    pagination: Pagination
    unlisted: int = 0  # terms with no case studies, and so no page


@dataclass(frozen=True)
class PlaceGroup:
    name: str
    url: str | None  # None for a term with no case studies (and so no page)
    count: int


@dataclass(frozen=True)
class AuthorityView:
    name: str
    url: str  # its own page, listing its case studies
    places: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class AuthorityGroup:
    """Authorities whose names start with one letter, so a long index stays scannable."""

    letter: str
    anchor: str
    authorities: tuple[AuthorityView, ...]


@dataclass(frozen=True)
class PlacesView:  # places.html
    page: PageMeta
    groups_heading: str  # "By <singular>" of the vocabulary that groups places; empty when none does
    groups: tuple[PlaceGroup, ...]
    authorities: tuple[AuthorityGroup, ...]


@dataclass(frozen=True)
class SearchView:  # search.html
    page: PageMeta
    filters: tuple[Facet, ...]
    bundle_url: str
    base_path: str
    browse: tuple[Link, ...]
    list_url: str  # the list of case studies, with filters: the way in without JavaScript


@dataclass(frozen=True)
class FinderIndexView:  # finder.json
    """What the list's filters read in the browser: per case study only what a card
    shows and what is filtered and searched on, terms as numbers into `facets`."""

    page_size: int
    facets: tuple[dict[str, Any], ...]
    studies: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class PlainView:  # page.html
    page: PageMeta
    body_html: Markup


@dataclass(frozen=True)
class NotFoundView:  # 404.html
    page: PageMeta


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    summary: str
    published: dt.date
    updated: dt.date
    authority: str


@dataclass(frozen=True)
class FeedView:  # feed.xml
    entries: tuple[FeedEntry, ...]  # the newest `feed_size`
    updated: dt.date
    feed_url: str
    home: str
    author_uri: str | None  # the site's contact, as Atom's author uri or email
    author_email: str | None


@dataclass(frozen=True)
class RedirectView:  # redirect.html
    title: str  # of the page redirected to
    url: str
    canonical: str


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.date | None


@dataclass(frozen=True)
class SitemapView:  # sitemap.xml
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class RobotsView:  # robots.txt
    sitemap: str


View = (ListView | CaseStudyView | HomeView | TaxonomyView | PlacesView | SearchView | PlainView
        | NotFoundView | FeedView | SitemapView | RobotsView | RedirectView | FinderIndexView)


def link(links: urls.Urls, name: str, site_path: str) -> Link:
    return Link(name, links.href(site_path))
