"""The home page: ways to find a case study first, then the matrix of two vocabularies
and the latest case studies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from .. import urls
from .inputs import Inputs, PageJob
from .matrix import matrix_view
from .views import BrowseItem, HomeView, Link, MatrixView


def plan_home(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: `membership` (the total, the matrix's counts, which terms have pages) and
    the latest case studies'."""
    settings, studies = inputs.site.settings, inputs.site.case_studies
    latest = studies[: settings.latest_count]
    href, words = inputs.urls.href, settings.words
    browse = (BrowseItem(f"All {len(studies)} {words.case_studies}", href(urls.CASE_STUDIES),
                         "newest first, with filters"),
              *(BrowseItem(t.name, href(urls.taxonomy(t.id)), t.description) for t in inputs.site.taxonomies),
              BrowseItem(words.places, href(urls.PLACES), words.places_description))
    view = HomeView(
        page=inputs.page(urls.HOME, settings.title, settings.description, [], home_crumb=False),
        latest=inputs.cards_of(latest),
        matrix=_linked_where_pages_are(inputs, matrix_view(inputs)),
        total=len(studies),
        browse=browse,
    )
    yield inputs.job(urls.HOME, "home.html", view, inputs.keys.membership, *(s.meta_key for s in latest))


def _linked_where_pages_are(inputs: Inputs, matrix: MatrixView | None) -> MatrixView | None:
    """The matrix with its headings unlinked for terms that have no page (no case studies)."""
    if matrix is None or inputs.site.settings.empty_term_pages:
        return matrix
    with_pages = {link.url for (taxonomy_id, term_id), link in inputs.term_links.items()
                  if inputs.has_page(taxonomy_id, term_id)}

    def heading(link: Link) -> Link:
        return link if link.url in with_pages else Link(link.name, "")

    return replace(matrix, columns=tuple(heading(c) for c in matrix.columns),
                   rows=tuple(replace(row, heading=heading(row.heading)) for row in matrix.rows))
