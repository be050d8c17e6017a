"""Places: every case study by the vocabulary that groups places (its `places:` role)
and by the organisation that led it."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import AuthorityView, PlaceGroup, PlacesView


def plan_places(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`): each one is listed twice."""
    index = inputs.index
    grouping = inputs.site.places_taxonomy
    words = inputs.site.settings.words
    view = PlacesView(
        page=inputs.page(urls.PLACES, words.places, words.places_description, []),
        groups_heading="" if grouping is None else f"By {grouping.singular.lower()}",
        groups=() if grouping is None else tuple(
            PlaceGroup(name=term.name, url=inputs.term_links[(grouping.id, term.id)].url,
                       cards=inputs.cards_of(index.entry(grouping.id, term.id).case_studies))
            for term in grouping.terms),
        authorities=tuple(AuthorityView(name=a.name, anchor=a.anchor, places=a.places,
                                        cards=inputs.cards_of(a.case_studies))
                          for a in index.authorities),
    )
    yield inputs.job(urls.PLACES, "places.html", view, inputs.keys.studies)
