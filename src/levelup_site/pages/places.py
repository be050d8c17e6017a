"""Places: every case study by region and by the authority that led it."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import AuthorityView, PlacesView, Region

REGION_FIELD = "region"


def plan_places(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`): each one is listed twice."""
    index = inputs.index
    regions = next((t for t in inputs.site.taxonomies if t.field == REGION_FIELD), None)
    view = PlacesView(
        page=inputs.page(urls.PLACES, "Places", "Case studies by region of England and by council.", []),
        regions=() if regions is None else tuple(
            Region(name=term.name, url=inputs.term_links[(regions.id, term.id)].url,
                   cards=inputs.cards_of(index.entry(regions.id, term.id).case_studies))
            for term in regions.terms),
        authorities=tuple(AuthorityView(name=a.name, anchor=a.anchor, places=a.places,
                                        cards=inputs.cards_of(a.case_studies))
                          for a in index.authorities),
    )
    yield inputs.job(urls.PLACES, "places.html", view, inputs.keys.studies)
