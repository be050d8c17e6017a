"""Each taxonomy's index of terms, and one list of case studies per term.

A term with no case studies gets no page (and no link) unless the `empty_term_pages`
setting asks for one: a large vocabulary (a thousand authors) has hundreds of them,
and a page that says "no case studies" helps nobody find one."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from ..models import Taxonomy
from .inputs import Inputs, PageJob
from .lists import paginate
from .views import Intro, Pagination, TaxonomyIntro, TaxonomyView, TermSummary

TERMS_PER_PAGE = 100


def plan_taxonomies(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: an index counts each term's case studies and lists those that have pages
    (`membership`); a term's pages are lists (see `paginate`)."""
    index = inputs.index
    for taxonomy in inputs.site.taxonomies:
        path = urls.taxonomy(taxonomy.id)
        listed = tuple(term for term in taxonomy.terms if inputs.has_page(taxonomy.id, term.id))
        terms = tuple(TermSummary(name=term.name, url=inputs.term_links[(taxonomy.id, term.id)].url,
                                  description=term.description,
                                  count=len(index.entry(taxonomy.id, term.id).case_studies))
                      for term in listed)
        yield from _index_pages(inputs, taxonomy, path, terms, unlisted=len(taxonomy.terms) - len(listed))
        for term in listed:
            yield from paginate(inputs, urls.term(taxonomy.id, term.id), term.name,
                                f"{taxonomy.singular}: {term.name}. {term.description}", [(taxonomy.name, path)],
                                Intro(kicker=taxonomy.singular, description=term.description,
                                      publisher=term.publisher, url=term.url),
                                index.entry(taxonomy.id, term.id).case_studies)


def _index_pages(inputs: Inputs, taxonomy: Taxonomy, path: str, terms: tuple[TermSummary, ...],
                 unlisted: int) -> Iterator[PageJob]:
    """A taxonomy's index, TERMS_PER_PAGE terms a page: a thousand authors on one page is
    150 KB before a reader finds the one they want."""
    count = max(1, -(-len(terms) // TERMS_PER_PAGE))

    def path_of(number: int) -> str:
        return path if number == 1 else urls.list_page(path, number)

    for number in range(1, count + 1):
        title = taxonomy.name if number == 1 else f"{taxonomy.name} (page {number} of {count})"
        pagination = Pagination(number, count,
                                inputs.urls.href(path_of(number - 1)) if number > 1 else None,
                                inputs.urls.href(path_of(number + 1)) if number < count else None)
        view = TaxonomyView(page=inputs.page(path_of(number), title, taxonomy.description,
                                             [] if number == 1 else [(taxonomy.name, path)]),
                            taxonomy=TaxonomyIntro(taxonomy.name, taxonomy.description),
                            terms=terms[(number - 1) * TERMS_PER_PAGE: number * TERMS_PER_PAGE],
                            unlisted=unlisted, pagination=pagination)
        yield inputs.job(path_of(number), "taxonomy.html", view, inputs.keys.membership)
