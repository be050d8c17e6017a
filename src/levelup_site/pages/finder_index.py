"""The finder index, /data/finder.json: what the case-study list's filters read in the
browser, so that filtering, sorting and paging need neither the open data (every field
of every case study) nor more than one page of cards in the document.

Per case study it holds only what a card shows and what the filters and the text box
match on; a case study's terms are positions in its facet's list of terms, which holds
only the terms that have case studies (those the list offers as filters).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import formats
from ..models import CaseStudy
from .inputs import Inputs, PageJob
from .lists import FINDER_INDEX, facets
from .views import Facet, FinderIndexView


def plan_finder_index(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (what cards show) and `membership` (terms)."""
    offered = facets(inputs)
    positions = [(taxonomy.id, {term.id: number for number, term in enumerate((*facet.terms, *facet.more))})
                 for facet, taxonomy in zip(offered, inputs.site.taxonomies, strict=True)]
    view = FinderIndexView(
        page_size=inputs.site.settings.page_size,
        facets=tuple(_facet(facet) for facet in offered),
        studies=tuple(_study(inputs, positions, study) for study in inputs.site.case_studies),
    )
    yield inputs.job(FINDER_INDEX, "finder.json", view, inputs.keys.studies, inputs.keys.membership)


def _facet(facet: Facet) -> dict:
    return {"param": facet.param, "label": facet.label, "plural": facet.plural, "tagged": facet.tagged,
            "terms": [[term.id, term.name, term.url] for term in (*facet.terms, *facet.more)]}


def _study(inputs: Inputs, positions: list[tuple[str, dict[str, int]]], study: CaseStudy) -> tuple:
    """[url, title, summary, place, authority, published, draft, [[term positions] per facet], date in words]

    The date in words is written here, in the site's language as the server's cards
    write it, so that a card the browser builds reads the same in any locale."""
    card = inputs.cards[study.slug]
    terms = [[where[term_id] for term_id in study.terms.get(taxonomy_id, ())] for taxonomy_id, where in positions]
    return (card.url, card.title, card.summary, card.place, card.authority, card.published.isoformat(),
            1 if card.draft else 0, terms, formats.long_date(card.published, inputs.site.settings.language))
