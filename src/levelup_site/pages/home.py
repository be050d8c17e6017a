"""The home page: the latest case studies, the matrix of two vocabularies, ways to browse."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .matrix import matrix_view
from .views import BrowseItem, HomeView


def plan_home(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: `membership` (the total and the matrix's counts) and the latest case studies'."""
    settings, studies = inputs.site.settings, inputs.site.case_studies
    latest = studies[: settings.latest_count]
    view = HomeView(
        page=inputs.page(urls.HOME, settings.title, settings.description, [], home_crumb=False),
        latest=inputs.cards_of(latest),
        matrix=matrix_view(inputs),
        total=len(studies),
        browse=tuple(BrowseItem(t.name, inputs.urls.href(urls.taxonomy(t.id)), t.description)
                     for t in inputs.site.taxonomies),
    )
    yield inputs.job(urls.HOME, "home.html", view, inputs.keys.membership, *(s.meta_key for s in latest))
