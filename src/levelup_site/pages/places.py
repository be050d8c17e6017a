"""Places: the regions and the authorities that led the work, each with a count and
a link to its own list. The case studies themselves are on those lists, so the page
stays small however many there are (it listed every case study twice: 706 KB at
2,000)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import AuthorityGroup, AuthorityView, PlacesView, Region

REGION_FIELD = "region"


def plan_places(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`): its region and authority are counted."""
    index = inputs.index
    regions = next((t for t in inputs.site.taxonomies if t.field == REGION_FIELD), None)
    authorities = [AuthorityView(name=a.name, url=inputs.urls.href(urls.authority(a.anchor)), places=a.places,
                                 count=len(a.case_studies))
                   for a in index.authorities]
    view = PlacesView(
        page=inputs.page(urls.PLACES, "Places", "Case studies by region of England and by council.", []),
        regions=() if regions is None else tuple(
            Region(name=term.name,
                   url=inputs.term_links[(regions.id, term.id)].url if inputs.has_page(regions.id, term.id) else None,
                   count=len(index.entry(regions.id, term.id).case_studies))
            for term in regions.terms),
        authorities=tuple(AuthorityGroup(letter=letter, anchor=f"authorities-{ord(letter):x}", authorities=tuple(group))
                          for letter, group in _by_initial(authorities).items()),
    )
    yield inputs.job(urls.PLACES, "places.html", view, inputs.keys.studies)


def _by_initial(authorities: list[AuthorityView]) -> dict[str, list[AuthorityView]]:
    """Authorities by the letter they are listed under ("#" for names that start otherwise)."""
    groups: dict[str, list[AuthorityView]] = {}
    for authority in authorities:
        first = authority.name[:1].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(authority)
    return groups
