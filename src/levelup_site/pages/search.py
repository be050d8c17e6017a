"""The search page: a form over the Pagefind index, with links to browse without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import TAGGED, Inputs, PageJob
from .lists import facets
from .views import SearchView


def plan_search(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: `membership`, for the filters' counts."""
    taxonomies = inputs.site.taxonomies
    view = SearchView(
        page=inputs.page(urls.SEARCH, "Search case studies", "Search the text of every case study.", []),
        filters=facets(inputs),
        bundle_url=inputs.urls.href(urls.SEARCH_INDEX),
        base_path=inputs.urls.base_path,
        list_url=inputs.urls.href(urls.CASE_STUDIES),
        browse=(inputs.link("all case studies", urls.CASE_STUDIES),
                *(inputs.link(t.name.lower(), urls.taxonomy(t.id)) for t in taxonomies if t.id in TAGGED),
                inputs.link("places", urls.PLACES)),
    )
    yield inputs.job(urls.SEARCH, "search.html", view, inputs.keys.membership)
