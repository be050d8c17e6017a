"""What every planner reads, made once per build, and the job a planner returns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from .. import opendata, urls
from ..content import Page
from ..models import CaseStudy, Site
from ..taxonomy import Index
from .fingerprint import SiteKeys, site_keys
from .views import Card, DataUrls, Layout, Link, PageMeta, View, facet_param, link


@dataclass(frozen=True)
class PageJob:
    """One output file to render: which template, with what view, made from which inputs.

    Plain values only, so a job can be pickled and rendered in another process."""

    path: str  # output path relative to the site root, e.g. "topics/index.html"
    template: str
    view: View
    keys: tuple[str, ...]  # the keys of every input the view (and the layout) is made from
    # Where the rendered body the page shows is kept: read from the body store where
    # the page is rendered, never carried in the view (see `cache.BodyStore`).
    body: str | None = None


@dataclass(frozen=True)
class Inputs:
    site: Site
    index: Index
    pages: tuple[Page, ...]
    urls: urls.Urls
    layout: Layout
    keys: SiteKeys
    term_links: Mapping[tuple[str, str], Link]  # (taxonomy id, term id) -> link to the term page
    fact_links: Mapping[tuple[str, str], Link]  # the same, with the search filter it stands for
    cards: Mapping[str, Card]  # slug -> card, made once and shared by every list
    body_at: Mapping[str, str]  # a case study's key -> where its rendered body is kept (see PageJob.body)

    def job(self, site_path: str, template: str, view: View, *keys: str, body: str | None = None) -> PageJob:
        """A job for the page at `site_path`; every job reads the layout, so its keys are added here."""
        return PageJob(urls.output_file(site_path), template, view, self.keys.layout + keys, body)

    def link(self, name: str, site_path: str) -> Link:
        return link(self.urls, name, site_path)

    def page(self, site_path: str, title: str, description: str, crumbs: list[tuple[str, str]],
             home_crumb: bool = True, kind: str = "website", image: str | None = None,
             image_alt: str | None = None) -> PageMeta:
        breadcrumbs = [self.link("Home", urls.HOME)] if home_crumb else []
        return PageMeta(title=title, description=description, url=self.urls.href(site_path),
                        canonical=self.urls.absolute(site_path),
                        breadcrumbs=tuple(breadcrumbs + [self.link(n, p) for n, p in crumbs]),
                        type=kind, image=image, image_alt=image_alt)

    def has_page(self, taxonomy_id: str, term_id: str) -> bool:
        """Whether a term has a page: one with case studies does; one without only when
        the `empty_term_pages` setting asks (a large vocabulary has hundreds of them)."""
        return self.site.settings.empty_term_pages or bool(self.index.entry(taxonomy_id, term_id).case_studies)

    def term_links_of(self, study: CaseStudy, taxonomy_id: str) -> tuple[Link, ...]:
        term_links = self.term_links
        return tuple([term_links[(taxonomy_id, term_id)] for term_id in study.terms.get(taxonomy_id, ())])

    def cards_of(self, studies: tuple[CaseStudy, ...]) -> tuple[Card, ...]:
        return tuple(self.cards[study.slug] for study in studies)

    def image_url(self, image: str | None, absolute: bool = False) -> str | None:
        if not image:
            return None
        if image.startswith("https://"):
            return image
        path = urls.STATIC + image.lstrip("/")
        return self.urls.absolute(path) if absolute else self.urls.href(path)


def make_inputs(site: Site, index: Index, pages: tuple[Page, ...], asset_version: str,
                body_at: Mapping[str, str]) -> Inputs:
    links = urls.Urls.of(site.settings)
    term_links = {(t.id, term.id): link(links, term.name, urls.term(t.id, term.id))
                  for t in site.taxonomies for term in t.terms}
    fact_links = {(t.id, term.id): Link(term.name, links.href(urls.term(t.id, term.id)), f"{facet_param(t)}:{term.id}")
                  for t in site.taxonomies for term in t.terms}
    inputs = Inputs(site=site, index=index, pages=pages, urls=links,
                    layout=_layout(site, pages, links, asset_version), keys=site_keys(site, pages, asset_version),
                    term_links=term_links, fact_links=fact_links, cards={}, body_at=body_at)
    return replace(inputs, cards=Cards(inputs, {study.slug: study for study in site.case_studies}))


class Cards(Mapping[str, Card]):
    """Every case study's card by slug, each made when first asked for and then kept:
    a build that plans one case page again needs a handful, not 10,000."""

    def __init__(self, inputs: Inputs, studies: dict[str, CaseStudy]):
        self.inputs = inputs
        self.studies = studies
        self.made: dict[str, Card] = {}

    def __getitem__(self, slug: str) -> Card:
        card = self.made.get(slug)
        if card is None:
            card = self.made[slug] = _card(self.inputs, self.studies[slug])
        return card

    def __iter__(self) -> Iterator[str]:
        return iter(self.studies)

    def __len__(self) -> int:
        return len(self.studies)


def _layout(site: Site, pages: tuple[Page, ...], links: urls.Urls, asset_version: str) -> Layout:
    words = site.settings.words
    navigation = [link(links, words.case_studies_title, urls.CASE_STUDIES)]
    navigation += [link(links, t.name, urls.taxonomy(t.id)) for t in site.taxonomies if t.navigation]
    navigation.append(link(links, words.places, urls.PLACES))
    navigation += [link(links, p.title, urls.page(p.slug)) for p in pages]
    return Layout(
        site=site.settings,
        home_url=links.href(urls.HOME),
        feed_url=links.href(urls.FEED),
        search_url=links.href(urls.SEARCH),
        stylesheet_url=links.href(f"{urls.STATIC}css/site.css?v={asset_version}"),
        favicon_url=links.href(f"{urls.STATIC}favicon.svg"),
        scripts_url=links.href(f"{urls.STATIC}js/"),
        asset_version=asset_version,
        navigation=tuple(navigation),
        tags_label=_tags_label(site),
        data_urls=DataUrls(json=links.href(opendata.JSON_PATH), csv=links.href(opendata.CSV_PATH)),
        contact_url=links.contact(site.settings.contact),
    )


def _tags_label(site: Site) -> str:
    """"Topics and authors": the names of the vocabularies whose terms cards show as tags."""
    names = [t.name for t in site.taxonomies if t.card_tags]
    if not names:
        return "Tags"
    words = [names[0]] + [name.lower() for name in names[1:]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _card(inputs: Inputs, study: CaseStudy) -> Card:
    taxonomies = inputs.site.taxonomies
    return Card(
        title=study.title,
        url=inputs.urls.href(inputs.urls.case_study(study)),
        summary=study.summary,
        place=study.place,
        authority=study.authority,
        published=study.published,
        draft=study.draft,
        tags=tuple(tag for t in taxonomies if t.card_tags for tag in inputs.term_links_of(study, t.id)),
        facets=tuple((facet_param(t), " ".join(study.terms.get(t.id, ()))) for t in taxonomies),
    )
