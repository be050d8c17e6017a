"""Redirects from a case study's earlier addresses (its `aliases`) to its page.

A library moving here keeps its old links working: each alias gets a small page that
sends browsers on at once, names the new address as canonical, and asks search
engines not to index it (as Hugo's aliases do; a static host cannot send a 301).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .views import RedirectView


def plan_redirects(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: the case study's metadata (its title, slug and date make the target)."""
    links = inputs.urls
    for study in inputs.site.case_studies:
        target = links.case_study(study)
        for old in study.aliases:
            if urls.alias_problem(old) is None:  # a bad one is reported by links.address_problems
                view = RedirectView(title=study.title, url=links.href(target), canonical=links.absolute(target))
                yield inputs.job(urls.alias(old), "redirect.html", view, study.meta_key)
