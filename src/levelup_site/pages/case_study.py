"""One page per case study: its full text, key facts and related case studies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from .. import formats, urls
from ..models import CaseStudy, Field
from ..taxonomy import authority_anchor
from .inputs import Inputs, PageJob
from .views import CaseStudyView, Fact, Link, SourceView, StudyDetail


def plan_case_studies(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: the case study's own (body included) and each related case study's metadata."""
    for study in inputs.site.case_studies:
        path = inputs.urls.case_study(study)
        page = inputs.page(path, study.title, study.summary or study.title,
                           [(inputs.site.settings.words.case_studies_title, urls.CASE_STUDIES)],
                           kind="article", image=inputs.image_url(study.image, absolute=True),
                           image_alt=study.image_alt)
        related = inputs.index.related[study.slug]
        view = CaseStudyView(page=page, study=detail(inputs, study), related=inputs.cards_of(related))
        yield inputs.job(path, "case_study.html", view, study.key, *(r.meta_key for r in related),
                         body=inputs.body_at[study.key])


def detail(inputs: Inputs, study: CaseStudy) -> StudyDetail:
    return StudyDetail(
        title=study.title,
        summary=study.summary,
        draft=study.draft,
        published=study.published,
        updated=study.updated,
        image_url=inputs.image_url(study.image),
        image_alt=study.image_alt,
        contact=study.contact,
        facts=facts(inputs, study),
        body_html=Markup(),  # filled in where the page is rendered, from the body store
        sources=tuple(SourceView(source.title, source.url) for source in study.sources),
        structured_data=structured_data(inputs, study),
    )


def facts(inputs: Inputs, study: CaseStudy) -> tuple[Fact, ...]:
    words = inputs.site.settings.words
    found = []
    if study.authority:
        places = urls.authority(authority_anchor(study.authority))  # the authority's own page
        if study.place:
            found.append(Fact(words.place, (inputs.link(study.place, places),), meta="place"))
        found.append(Fact(words.authority, (inputs.link(study.authority, places),), meta="authority"))
    elif study.place:
        found.append(Fact(words.place, (Link(study.place, ""),), meta="place"))
    for taxonomy in inputs.site.taxonomies:
        term_ids = study.terms.get(taxonomy.id)
        if term_ids:
            links = tuple([inputs.fact_links[(taxonomy.id, term_id)] for term_id in term_ids])
            label = taxonomy.name if len(links) > 1 else taxonomy.singular
            found.append(Fact(label, links, meta=label.lower()))
    for field in inputs.site.declared_fields:
        if field.facts and study.extra.get(field.name) is not None:
            found.append(Fact(field.label, fact_values(field, study.extra[field.name], inputs.site.settings.language),
                              meta=field.label.lower()))
    return tuple(found)


def fact_values(field: Field, value: Any, language: str) -> tuple[Link, ...]:
    """A declared field's value as the key facts show it: as text (written for the
    site's language), or as a link for an address."""
    if field.kind == "url":
        return (Link(value, value),)
    if field.kind == "date":
        return (Link(formats.long_date(value, language), ""),)
    if field.kind == "number":
        return (Link(formats.number(value, language), ""),)
    if field.kind == "list":
        return tuple(Link(item, "") for item in value)
    return (Link(str(value), ""),)


def structured_data(inputs: Inputs, study: CaseStudy) -> dict[str, Any]:
    """schema.org Article data for search engines and other readers of the page."""
    settings = inputs.site.settings
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": study.title,
        "description": study.summary or study.title,
        "url": inputs.urls.absolute(inputs.urls.case_study(study)),
        "datePublished": study.published.isoformat(),
        "dateModified": study.last_changed.isoformat(),
        "inLanguage": settings.language,
        "publisher": {"@type": "Organization", "name": settings.publisher},
        "keywords": [inputs.term_links[(t.id, term_id)].name
                     for t in inputs.site.taxonomies for term_id in study.terms.get(t.id, ())],
        "isBasedOn": [source.url for source in study.sources],
    }
    if study.authority:
        data["author"] = {"@type": settings.words.authority_type, "name": study.authority}
    if study.place:
        data["spatialCoverage"] = {"@type": "Place", "name": study.place}
    image = inputs.image_url(study.image, absolute=True)
    if image:
        data["image"] = image
    return data
