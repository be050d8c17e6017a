"""Lists of case studies, split into pages: every case study, and the shared paginator
that term and matrix pages use too."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from ..models import CaseStudy
from .inputs import Inputs, PageJob
from .views import Facet, FacetTerm, FinderLinks, Intro, ListView, Pagination, facet_param

# Where the list's script reads every case study's card and terms (see finder_index).
FINDER_INDEX = "data/finder.json"
# A facet with more terms than this shows only its most used ones; the rest are found
# through a box (with JavaScript) or the taxonomy's page, not hundreds of checkboxes.
FACET_SHOWN = 12


def plan_case_study_list(inputs: Inputs) -> Iterator[PageJob]:
    studies, settings = inputs.site.case_studies, inputs.site.settings
    finder = FinderLinks(index_url=inputs.urls.href(FINDER_INDEX), list_url=inputs.urls.href(urls.CASE_STUDIES),
                         page_size=settings.page_size)
    yield from paginate(inputs, urls.CASE_STUDIES, f"All {settings.words.case_studies}",
                        f"All {len(studies)} {settings.words.case_studies} on {settings.title}.", [], None,
                        studies, filters=facets(inputs), finder=finder)


def facets(inputs: Inputs) -> tuple[Facet, ...]:
    """The filters of a list of case studies: links to term pages, which JavaScript
    turns into checkboxes. Only terms that have a page are offered (unless the site
    asks for pages of empty terms, those that have case studies). Their counts depend
    on `membership`."""
    found = []
    for t in inputs.site.taxonomies:
        used = [FacetTerm(id=term.id, name=term.name, url=inputs.term_links[(t.id, term.id)].url, count=count)
                for term in t.terms if inputs.has_page(t.id, term.id)
                for count in (len(inputs.index.entry(t.id, term.id).case_studies),)]
        if len(used) > FACET_SHOWN:
            most = set(sorted(range(len(used)), key=lambda number: -used[number].count)[:FACET_SHOWN])
            shown = tuple(term for number, term in enumerate(used) if number in most)
            more = tuple(term for number, term in enumerate(used) if number not in most)
        else:
            shown, more = tuple(used), ()
        found.append(Facet(param=facet_param(t), field=t.field, label=t.singular, plural=t.name,
                           url=inputs.urls.href(urls.taxonomy(t.id)), tagged=t.card_tags,
                           terms=shown, more=more))
    return tuple(found)


def paginate(inputs: Inputs, site_path: str, title: str, description: str, crumbs: list[tuple[str, str]],
             intro: Intro | None, studies: tuple[CaseStudy, ...],
             filters: tuple[Facet, ...] | None = None, finder: FinderLinks | None = None) -> Iterator[PageJob]:
    """A list of case-study cards split into pages of `page_size`; the first page keeps the plain URL.

    Each page depends on the cards it shows and, through its count and its filters,
    on which case studies exist and their terms."""
    size = inputs.site.settings.page_size
    count = max(1, -(-len(studies) // size))

    def path_of(number: int) -> str:
        return site_path if number == 1 else urls.list_page(site_path, number)

    for number in range(1, count + 1):
        path = path_of(number)
        shown = studies[(number - 1) * size: number * size]
        pagination = Pagination(
            number, count,
            inputs.urls.href(path_of(number - 1)) if number > 1 else None,
            inputs.urls.href(path_of(number + 1)) if number < count else None,
        )
        page = inputs.page(path, title if number == 1 else f"{title} (page {number} of {count})",
                           description, crumbs)
        view = ListView(page=page, intro=intro, total=len(studies), cards=inputs.cards_of(shown),
                        pagination=pagination, filters=filters, finder=finder)
        yield inputs.job(path, "list.html", view, inputs.keys.membership, *(study.meta_key for study in shown))
