"""Jinja environment and page contexts: from the indexed site to rendered files.

Templates receive plain views (dicts of display-ready values) built here, not the
models, so they need nothing beyond loops and conditionals.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import opendata, urls
from .content import Page
from .models import CaseStudy, Site, Taxonomy
from .taxonomy import Index, authority_anchor


@dataclass(frozen=True)
class PageJob:
    """One output file to render: which template, with what view."""

    path: str  # output path relative to the site root, e.g. "themes/index.html"
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    previous_url: str | None
    next_url: str | None


def environment(templates: Sequence[Path]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(list(templates)),  # the first folder holding a template wins
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["jsonld"] = jsonld
    return env


def jsonld(value: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block: no text in it can end the
    script or open a comment, whatever the case study says."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def facet_param(taxonomy: Taxonomy) -> str:
    """The query-string name of a taxonomy's filter: "theme" for the themes field."""
    field = taxonomy.field
    return field[:-1] if taxonomy.multiple and field.endswith("s") else field


class StudyView:
    """A case study as a template sees it, built on first use.

    Its repr is the case study's content key: a page's fingerprint covers the case
    studies it shows without building their views, which is what keeps a no-change
    rebuild of a large site cheap. Everything else a view shows (term names, the base
    URL) is in the renderer's fingerprint salt.
    """

    __slots__ = ("_make", "_values", "key")

    def __init__(self, key: str, make):
        self.key = key
        self._make = make
        self._values = None

    def __getattr__(self, name: str):
        if self._values is None:
            self._values = self._make()
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<{self.key}>"


class Renderer:
    def __init__(self, site: Site, index: Index, pages: tuple[Page, ...], templates: Sequence[Path],
                 asset_version: str):
        self.site = site
        self.index = index
        self.pages = pages
        self.urls = links = urls.Urls(site.settings.base_url)
        self.env = environment(templates)
        self.env.globals.update(
            site=site.settings,
            home_url=links.href(urls.HOME),
            feed_url=links.href(urls.FEED),
            stylesheet_url=links.href(f"{urls.STATIC}css/site.css?v={asset_version}"),
            favicon_url=links.href(f"{urls.STATIC}favicon.svg"),
            navigation=self._navigation(),
            search_url=links.href(urls.SEARCH),
            data_urls={"json": links.href(opendata.JSON_PATH), "csv": links.href(opendata.CSV_PATH)},
            script_url=lambda name: links.href(f"{urls.STATIC}js/{name}?v={asset_version}"),
        )
        self._term_links = {(t.id, term.id): self.link(term.name, urls.term(t.id, term.id))
                            for t in site.taxonomies for term in t.terms}

    # --- views -------------------------------------------------------------
    def link(self, name: str, site_path: str) -> dict[str, str]:
        return {"name": name, "url": self.urls.href(site_path)}

    def _navigation(self) -> list[dict[str, str]]:
        items = [self.link("Case studies", urls.CASE_STUDIES)]
        items += [self.link(t.name, urls.taxonomy(t.id)) for t in self.site.taxonomies if t.id in ("themes", "outcomes")]
        items.append(self.link("Places", urls.PLACES))
        items += [self.link(p.title, urls.page(p.slug)) for p in self.pages]
        return items

    def term_links(self, study: CaseStudy, taxonomy_id: str) -> list[dict[str, str]]:
        return [self._term_links[(taxonomy_id, term_id)] for term_id in study.terms.get(taxonomy_id, ())]

    def card(self, study: CaseStudy) -> dict[str, Any]:
        return {
            "title": study.title,
            "url": self.urls.href(urls.case_study(study.slug)),
            "summary": study.summary,
            "place": study.place,
            "authority": study.authority,
            "published": study.published,
            "draft": study.draft,
            "tags": [tag for t in self.site.taxonomies if t.id in ("themes", "outcomes")
                     for tag in self.term_links(study, t.id)],
            "facets": {facet_param(t): " ".join(study.terms.get(t.id, ())) for t in self.site.taxonomies},
        }

    def facts(self, study: CaseStudy) -> list[dict[str, Any]]:
        places = urls.PLACES + "#" + authority_anchor(study.authority)
        facts = [
            {"label": "Place", "links": [self.link(study.place, places)]},
            {"label": "Authority", "links": [self.link(study.authority, places)]},
        ]
        for taxonomy in self.site.taxonomies:
            param = facet_param(taxonomy)
            links = [link | {"filter": f"{param}:{term_id}"}
                     for link, term_id in zip(self.term_links(study, taxonomy.id), study.terms.get(taxonomy.id, ()))]
            if links:
                label = taxonomy.name if len(links) > 1 else taxonomy.singular
                facts.append({"label": label, "links": links})
        return facts

    def page(self, site_path: str, title: str, description: str, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
        return {
            "title": title,
            "description": description,
            "url": self.urls.href(site_path),
            "canonical": self.urls.absolute(site_path),
            "breadcrumbs": [self.link("Home", urls.HOME)] + [self.link(n, p) for n, p in crumbs],
            "type": "website",
            "image": None,
            "image_alt": None,
        }

    # --- pages -------------------------------------------------------------
    def jobs(self) -> Iterator[PageJob]:
        """Every output file with its view; nothing is rendered yet."""
        settings = self.site.settings
        studies = self.site.case_studies
        index = self.index
        # A card shows no body, so its key leaves the body out: editing a case study's
        # text re-renders its own page, not every list it appears in.
        cards = {study.slug: StudyView(study.meta_key, lambda study=study: self.card(study)) for study in studies}

        yield self._job(urls.HOME, "home.html", page=self.page(urls.HOME, settings.title, settings.description, []) | {"breadcrumbs": []},
                         latest=[cards[s.slug] for s in studies[: settings.latest_count]],
                         matrix=self._matrix_view(), total=len(studies),
                         browse=[self.link(t.name, urls.taxonomy(t.id)) | {"description": t.description}
                                 for t in self.site.taxonomies])

        yield from self._list(urls.CASE_STUDIES, "All case studies",
                              f"All {len(studies)} case studies on {settings.title}.", [], None,
                              [cards[s.slug] for s in studies], filters=self._filters())

        for study in studies:
            path = urls.case_study(study.slug)
            image = self._image_url(study.image, absolute=True)
            yield self._job(path, "case_study.html",
                             page=self.page(path, study.title, study.summary,
                                            [("Case studies", urls.CASE_STUDIES)])
                             | {"type": "article", "image": image, "image_alt": study.image_alt},
                             study=StudyView("full:" + study.key, lambda study=study: self.card(study) | {
                                 "body_html": Markup(study.body_html),
                                 "facts": self.facts(study),
                                 "updated": study.updated,
                                 "image_url": self._image_url(study.image),
                                 "image_alt": study.image_alt,
                                 "contact": study.contact,
                                 "sources": [{"title": s.title, "url": s.url} for s in study.sources],
                                 "structured_data": self._structured_data(study),
                             }),
                             related=[cards[r.slug] for r in index.related[study.slug]])

        for taxonomy in self.site.taxonomies:
            path = urls.taxonomy(taxonomy.id)
            terms = [self.link(term.name, urls.term(taxonomy.id, term.id))
                     | {"description": term.description, "count": len(index.entry(taxonomy.id, term.id).case_studies)}
                     for term in taxonomy.terms]
            yield self._job(path, "taxonomy.html", page=self.page(path, taxonomy.name, taxonomy.description, []),
                             taxonomy={"name": taxonomy.name, "description": taxonomy.description}, terms=terms)
            for term in taxonomy.terms:
                term_path = urls.term(taxonomy.id, term.id)
                entry = index.entry(taxonomy.id, term.id)
                yield from self._list(term_path, term.name, f"{taxonomy.singular}: {term.name}. {term.description}",
                                      [(taxonomy.name, path)],
                                      {"kicker": taxonomy.singular, "description": term.description,
                                       "publisher": term.publisher, "url": term.url},
                                      [cards[s.slug] for s in entry.case_studies])

        if index.matrix:
            rows, columns = index.matrix.rows, index.matrix.columns
            for row in index.matrix.cells:
                for cell in row:
                    if not cell.case_studies:
                        continue
                    path = urls.matrix_cell(rows.id, cell.row.id, cell.column.id)
                    title = f"{cell.row.name}: {cell.column.name}"
                    yield from self._list(
                        path, title,
                        f"Case studies on {cell.row.name.lower()} with {cell.column.name.lower()} outcomes.",
                        [(rows.name, urls.taxonomy(rows.id)), (cell.row.name, urls.term(rows.id, cell.row.id))],
                        {"kicker": f"{rows.singular} and {columns.singular.lower()}",
                         "description": f"Case studies about {cell.row.name.lower()} that "
                                        f"address {cell.column.name.lower()}.",
                         "publisher": None, "url": None},
                        [cards[s.slug] for s in cell.case_studies])

        yield self._job(urls.PLACES, "places.html",
                         page=self.page(urls.PLACES, "Places",
                                        "Case studies by region of England and by council.", []),
                         regions=self._regions(cards),
                         authorities=[{"name": a.name, "anchor": a.anchor, "places": a.places,
                                       "cards": [cards[s.slug] for s in a.case_studies]}
                                      for a in index.authorities])

        yield self._job(urls.SEARCH, "search.html",
                         page=self.page(urls.SEARCH, "Search case studies",
                                        "Search the text of every case study.", []),
                         filters=self._filters(), bundle_url=self.urls.href(urls.SEARCH_INDEX),
                         base_path=self.urls.base_path,
                         browse=[self.link("all case studies", urls.CASE_STUDIES)]
                         + [self.link(t.name.lower(), urls.taxonomy(t.id)) for t in self.site.taxonomies
                            if t.id in ("themes", "outcomes")]
                         + [self.link("places", urls.PLACES)])

        for extra in self.pages:
            path = urls.page(extra.slug)
            yield self._job(path, "page.html", page=self.page(path, extra.title, extra.summary, []),
                             body_html=Markup(extra.body_html))

        yield self._job(urls.NOT_FOUND, "404.html",
                         page=self.page(urls.NOT_FOUND, "Page not found", "There is no page at this address.", []))
        yield self._job(urls.FEED, "feed.xml", entries=self._feed(studies), updated=self._updated(studies),
                         feed_url=self.urls.absolute(urls.FEED), home=self.urls.absolute(urls.HOME))
        yield self._job(urls.SITEMAP, "sitemap.xml", entries=self._sitemap(studies))
        yield self._job(urls.ROBOTS, "robots.txt", sitemap=self.urls.absolute(urls.SITEMAP))

    def _job(self, site_path: str, template: str, **context: Any) -> PageJob:
        return PageJob(urls.output_file(site_path), template, context)

    def render(self, job: PageJob) -> bytes:
        return self.env.get_template(job.template).render(**job.context).encode("utf-8")

    def fingerprint_salt(self) -> str:
        """What every page depends on besides its own view: templates and site-wide values."""
        # Through the loader: the templates a build uses, whichever folder each comes from.
        loader = self.env.loader
        assert loader is not None
        parts = [name + "\0" + loader.get_source(self.env, name)[0] for name in loader.list_templates()]
        return repr((parts, self.site.taxonomies, self.site.settings,
                     sorted((k, repr(v)) for k, v in self.env.globals.items()
                            if k in ("site", "home_url", "feed_url", "stylesheet_url", "favicon_url", "navigation",
                                     "search_url", "data_urls"))))

    def _filters(self) -> list[dict[str, Any]]:
        """The facets of the case-study list: links to term pages, which JavaScript
        turns into checkboxes."""
        return [{"param": facet_param(t), "field": t.field, "label": t.singular,
                 "terms": [self._term_links[(t.id, term.id)]
                           | {"id": term.id, "count": len(self.index.entry(t.id, term.id).case_studies)}
                           for term in t.terms]}
                for t in self.site.taxonomies]

    def _list(self, site_path: str, title: str, description: str, crumbs: list[tuple[str, str]],
              intro: dict[str, Any] | None, cards: list[dict[str, Any]],
              filters: list[dict[str, Any]] | None = None) -> Iterator[PageJob]:
        """A list of cards, split into pages of `page_size`; the first page keeps the plain URL."""
        size = self.site.settings.page_size
        count = max(1, -(-len(cards) // size))

        def path_of(number: int) -> str:
            return site_path if number == 1 else urls.list_page(site_path, number)

        for number in range(1, count + 1):
            path = path_of(number)
            shown = title if number == 1 else f"{title} (page {number} of {count})"
            pagination = Pagination(
                number, count,
                self.urls.href(path_of(number - 1)) if number > 1 else None,
                self.urls.href(path_of(number + 1)) if number < count else None,
            )
            yield self._job(path, "list.html", page=self.page(path, shown, description, crumbs),
                             intro=intro, total=len(cards), cards=cards[(number - 1) * size: number * size],
                             pagination=pagination, filters=filters)

    def _image_url(self, image: str | None, absolute: bool = False) -> str | None:
        if not image:
            return None
        if image.startswith("https://"):
            return image
        path = urls.STATIC + image.lstrip("/")
        return self.urls.absolute(path) if absolute else self.urls.href(path)

    def _structured_data(self, study: CaseStudy) -> dict[str, Any]:
        """schema.org Article data for search engines and other readers of the page."""
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": study.title,
            "description": study.summary,
            "url": self.urls.absolute(urls.case_study(study.slug)),
            "datePublished": study.published.isoformat(),
            "dateModified": study.last_changed.isoformat(),
            "inLanguage": self.site.settings.language,
            "author": {"@type": "GovernmentOrganization", "name": study.authority},
            "publisher": {"@type": "Organization", "name": self.site.settings.publisher},
            "spatialCoverage": {"@type": "Place", "name": study.place},
            "keywords": [self._term_links[(t.id, term_id)]["name"]
                         for t in self.site.taxonomies for term_id in study.terms.get(t.id, ())],
            "isBasedOn": [source.url for source in study.sources],
        }
        image = self._image_url(study.image, absolute=True)
        if image:
            data["image"] = image
        return data

    def _matrix_view(self) -> dict[str, Any] | None:
        matrix = self.index.matrix
        if matrix is None:
            return None
        return {
            "rows_name": matrix.rows.singular,
            "columns": [self.link(term.name, urls.term(matrix.columns.id, term.id)) for term in matrix.columns.terms],
            "rows": [
                {
                    "heading": self.link(row[0].row.name, urls.term(matrix.rows.id, row[0].row.id)),
                    "cells": [
                        {"count": len(cell.case_studies), "column": cell.column.name,
                         "url": self.urls.href(urls.matrix_cell(matrix.rows.id, cell.row.id, cell.column.id))
                         if cell.case_studies else None}
                        for cell in row
                    ],
                }
                for row in matrix.cells
            ],
        }

    def _regions(self, cards: dict[str, dict]) -> list[dict[str, Any]]:
        regions = next((t for t in self.site.taxonomies if t.field == "region"), None)
        if regions is None:
            return []
        return [self.link(term.name, urls.term(regions.id, term.id))
                | {"cards": [cards[s.slug] for s in self.index.entry(regions.id, term.id).case_studies]}
                for term in regions.terms]

    @staticmethod
    def _updated(studies: tuple[CaseStudy, ...]) -> dt.date:
        # The newest content date, not the clock, so two builds of one input are identical.
        return max((s.last_changed for s in studies), default=dt.date(2000, 1, 1))

    def _feed(self, studies: tuple[CaseStudy, ...]) -> list[StudyView]:
        return [StudyView(s.meta_key, lambda s=s: {
                    "title": s.title, "url": self.urls.absolute(urls.case_study(s.slug)), "summary": s.summary,
                    "published": s.published, "updated": s.last_changed, "authority": s.authority})
                for s in studies]

    def _sitemap(self, studies: tuple[CaseStudy, ...]) -> list[Any]:
        paths = [urls.HOME, urls.CASE_STUDIES, urls.PLACES]
        paths += [urls.page(p.slug) for p in self.pages]
        for taxonomy in self.site.taxonomies:
            paths.append(urls.taxonomy(taxonomy.id))
            paths += [urls.term(taxonomy.id, term.id) for term in taxonomy.terms]
        entries = [{"url": self.urls.absolute(p), "lastmod": None} for p in paths]
        entries += [StudyView(s.meta_key, lambda s=s: {"url": self.urls.absolute(urls.case_study(s.slug)),
                                                      "lastmod": s.last_changed})
                    for s in studies]
        return entries
