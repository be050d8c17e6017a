"""Each taxonomy's index of terms, and one list of case studies per term.

A term with no case studies gets no page (and no link) unless the `empty_term_pages`
setting asks for one: a large vocabulary (a thousand authors) has hundreds of them,
and a page that says "no case studies" helps nobody find one."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .lists import paginate
from .views import Intro, TaxonomyIntro, TaxonomyView, TermSummary


def plan_taxonomies(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: an index counts each term's case studies (`membership`); a term's pages
    are lists (see `paginate`)."""
    index = inputs.index
    for taxonomy in inputs.site.taxonomies:
        path = urls.taxonomy(taxonomy.id)
        listed = tuple(term for term in taxonomy.terms if inputs.has_page(taxonomy.id, term.id))
        terms = tuple(TermSummary(name=term.name, url=inputs.term_links[(taxonomy.id, term.id)].url,
                                  description=term.description,
                                  count=len(index.entry(taxonomy.id, term.id).case_studies))
                      for term in listed)
        view = TaxonomyView(page=inputs.page(path, taxonomy.name, taxonomy.description, []),
                            taxonomy=TaxonomyIntro(taxonomy.name, taxonomy.description), terms=terms,
                            unlisted=len(taxonomy.terms) - len(listed))
        yield inputs.job(path, "taxonomy.html", view, inputs.keys.membership)
        for term in listed:
            yield from paginate(inputs, urls.term(taxonomy.id, term.id), term.name,
                                f"{taxonomy.singular}: {term.name}. {term.description}", [(taxonomy.name, path)],
                                Intro(kicker=taxonomy.singular, description=term.description,
                                      publisher=term.publisher, url=term.url),
                                index.entry(taxonomy.id, term.id).case_studies)
