"""Files for feed readers and crawlers: the Atom feed, the sitemap and robots.txt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import FeedEntry, FeedView, RobotsView, SitemapEntry, SitemapView

# A feed needs an <updated> date even with no case studies; a fixed one keeps builds identical.
EMPTY_FEED_UPDATED = dt.date(2000, 1, 1)


def plan_feed(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`): which are newest, and their entries.

    The feed carries the newest `feed_size` case studies: a reader polls it again and
    again, and at 2,000 case studies the whole collection would be over a megabyte."""
    settings, links = inputs.site.settings, inputs.urls
    studies = inputs.site.case_studies  # newest first
    contact = links.contact(settings.contact, absolute=True)
    email = contact.removeprefix("mailto:") if contact and contact.startswith("mailto:") else None
    view = FeedView(
        entries=tuple(FeedEntry(title=s.title, url=links.absolute(links.case_study(s)), summary=s.summary or s.title,
                                published=s.published, updated=s.last_changed,
                                authority=s.authority or settings.publisher)
                      for s in studies[: settings.feed_size]),
        # The newest content date, not the clock, so two builds of one input are identical.
        updated=max((s.last_changed for s in studies), default=EMPTY_FEED_UPDATED),
        feed_url=links.absolute(urls.FEED),
        home=links.absolute(urls.HOME),
        author_uri=None if email else contact,
        author_email=email,
    )
    yield inputs.job(urls.FEED, "feed.xml", view, inputs.keys.studies)


def plan_sitemap(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: every case study's metadata (`studies`: their terms and authorities say which
    term, matrix and authority pages exist); the pages and terms it lists are the
    layout's (`navigation`, `vocabulary`)."""
    links, index = inputs.urls, inputs.index
    paths = [urls.HOME, urls.CASE_STUDIES, urls.PLACES]
    paths += [urls.page(p.slug) for p in inputs.pages]
    for taxonomy in inputs.site.taxonomies:
        paths.append(urls.taxonomy(taxonomy.id))
        paths += [urls.term(taxonomy.id, term.id) for term in taxonomy.terms if inputs.has_page(taxonomy.id, term.id)]
    if index.matrix is not None:
        paths += [urls.matrix_cell(index.matrix.rows.id, cell.row.id, cell.column.id)
                  for row in index.matrix.cells for cell in row if cell.case_studies]
    paths += [urls.authority(authority.anchor) for authority in index.authorities]
    entries = [SitemapEntry(links.absolute(p), None) for p in paths]
    entries += [SitemapEntry(links.absolute(links.case_study(s)), s.last_changed)
                for s in inputs.site.case_studies]
    yield inputs.job(urls.SITEMAP, "sitemap.xml", SitemapView(tuple(entries)), inputs.keys.studies)


def plan_robots(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: the layout's alone (the sitemap's address comes from the base URL)."""
    yield inputs.job(urls.ROBOTS, "robots.txt", RobotsView(sitemap=inputs.urls.absolute(urls.SITEMAP)))
