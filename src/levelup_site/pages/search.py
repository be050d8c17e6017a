"""The search page: a form over the Pagefind index, with links to browse without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .lists import facets
from .views import SearchView


def plan_search(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: `membership`, for the filters' counts."""
    taxonomies = inputs.site.taxonomies
    words = inputs.site.settings.words
    view = SearchView(
        page=inputs.page(urls.SEARCH, f"Search {words.case_studies}", f"Search the text of every {words.case_study}.", []),
        filters=facets(inputs),
        bundle_url=inputs.urls.href(urls.SEARCH_INDEX),
        base_path=inputs.urls.base_path,
        list_url=inputs.urls.href(urls.CASE_STUDIES),
        browse=(inputs.link(f"all {words.case_studies}", urls.CASE_STUDIES),
                *(inputs.link(t.name.lower(), urls.taxonomy(t.id)) for t in taxonomies if t.navigation),
                inputs.link(words.places.lower(), urls.PLACES)),
    )
    yield inputs.job(urls.SEARCH, "search.html", view, inputs.keys.membership)
