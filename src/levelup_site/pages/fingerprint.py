"""When an output is stale: content keys, template salts and the one fingerprint function.

Two words, one meaning each:

- a **key** is a content hash of one input: a case study (`CaseStudy.key`, or
  `CaseStudy.meta_key` for everything but its body), the settings, the vocabularies,
  a plain page, the static files (the asset version), or a digest of such keys for
  a whole collection (every case study's terms, every case study's metadata);
- a **fingerprint** is a digest of everything one output file is made from: its
  template's salt, the template's name and the keys its job declares.

A planner declares, for each job, the keys of every input its view reads; the build
renders a file again only when its fingerprint changes. `tests/test_fingerprint.py`
changes each input of a small site in turn and fails if any output's bytes change
while its fingerprint does not, so a view that reads an undeclared input is caught.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cache import digest
from ..content import Page
from ..models import Site

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class SiteKeys:
    """The keys of site-wide inputs, each computed once per build."""

    settings: str
    vocabulary: str  # every taxonomy and term (names, descriptions, links, roles) and the field table
    navigation: str  # the plain pages' slugs and titles, shown in every page's menu
    assets: str  # the static files, which version the stylesheet and script addresses
    membership: str  # which case studies exist and their terms: what counts and pagination read
    studies: str  # every case study's metadata, for outputs that list them all

    @property
    def layout(self) -> tuple[str, ...]:
        """What the parts every page shares (header, menu, footer) are made from."""
        return (self.settings, self.vocabulary, self.navigation, self.assets)


def site_keys(site: Site, pages: tuple[Page, ...], asset_version: str) -> SiteKeys:
    studies = site.case_studies
    return SiteKeys(
        settings=digest("settings", repr(site.settings)),
        vocabulary=digest("vocabulary", repr(site.taxonomies), repr(site.fields)),
        navigation=digest("navigation", *(f"{page.slug}\0{page.title}" for page in pages)),
        assets=digest("assets", asset_version),
        membership=digest("membership", *(f"{s.slug}\0{sorted(s.terms.items())!r}" for s in studies)),
        studies=digest("studies", *(study.meta_key for study in studies)),
    )


def page_key(page: Page) -> str:
    return digest("page", repr(page))


def template_salt(env: Environment, name: str) -> str:
    """A digest of a template's source and of every template it extends, includes or
    imports, found through `env`'s loader (so a search path of folders is honoured)."""
    from jinja2 import meta  # only a build that plans needs Jinja

    loader = env.loader
    assert loader is not None
    seen: dict[str, str] = {}
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        source = loader.get_source(env, current)[0]
        seen[current] = source
        referenced = list(meta.find_referenced_templates(env.parse(source)))
        # A name computed at render time could be any template.
        waiting += env.list_templates() if None in referenced else [ref for ref in referenced if ref]
    return digest(*(f"{n}\0{seen[n]}" for n in sorted(seen)))


def templates_key(env: Environment) -> str:
    """A digest of every template `env` can load, as found through its search path."""
    loader = env.loader
    assert loader is not None
    return digest(*(f"{name}\0{loader.get_source(env, name)[0]}" for name in env.list_templates()))


class TemplateSalts:
    """Each template's salt, computed on first use and then remembered for the build."""

    def __init__(self, env: Environment):
        self.env = env
        self.salts: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.salts:
            self.salts[name] = template_salt(self.env, name)
        return self.salts[name]


def fingerprint(salt: str, name: str, keys: Iterable[str]) -> str:
    """The fingerprint of one output: what it is made with (`salt`, `name`: a template,
    or the format of a data file) and what from (`keys`)."""
    return digest(salt, name, *keys)
