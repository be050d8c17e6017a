"""Places: the terms of the vocabulary that groups places (its `places:` role) and the
organisations that led the work, each with a count and a link to its own list. The
case studies themselves are on those lists, so the page stays small however many
there are (it listed every case study twice: 706 KB at 2,000)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import AuthorityGroup, AuthorityView, PlaceGroup, PlacesView


def plan_places(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`): its place group and authority are counted."""
    index = inputs.index
    grouping = inputs.site.places_taxonomy
    words = inputs.site.settings.words
    authorities = [AuthorityView(name=a.name, url=inputs.urls.href(urls.authority(a.anchor)), places=a.places,
                                 count=len(a.case_studies))
                   for a in index.authorities]
    view = PlacesView(
        page=inputs.page(urls.PLACES, words.places, words.places_description, []),
        groups_heading="" if grouping is None else f"By {grouping.singular.lower()}",
        groups=() if grouping is None else tuple(
            PlaceGroup(name=term.name,
                       url=inputs.term_links[(grouping.id, term.id)].url if inputs.has_page(grouping.id, term.id)
                       else None,
                       count=len(index.entry(grouping.id, term.id).case_studies))
            for term in grouping.terms),
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
