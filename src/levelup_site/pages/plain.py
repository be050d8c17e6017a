"""Plain pages from content/pages/, and the 404 page."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from .. import urls
from .fingerprint import page_key
from .inputs import Inputs, PageJob
from .views import NotFoundView, PlainView


def plan_plain_pages(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: the page's own."""
    for page in inputs.pages:
        path = urls.page(page.slug)
        view = PlainView(page=inputs.page(path, page.title, page.summary, []), body_html=Markup(page.body_html))
        yield inputs.job(path, "page.html", view, page_key(page))


def plan_not_found(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: the layout's alone."""
    page = inputs.page(urls.NOT_FOUND, "Page not found", "There is no page at this address.", [])
    yield inputs.job(urls.NOT_FOUND, "404.html", NotFoundView(page=page))
