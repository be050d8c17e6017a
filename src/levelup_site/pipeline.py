"""The build, top to bottom: load, validate, index, render, write.

`check` runs the same stages as `build` up to rendering and writes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import load_settings, load_taxonomies
from .content import Page, load_case_studies, load_pages
from .errors import Problem, SiteError
from .markdown import MarkdownRenderer
from .models import Site
from . import urls
from .links import broken_links
from .render import RenderedFile, Renderer
from .taxonomy import Index, build_index
from .write import asset_version, output_problem, static_names, write_site

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    """Where a site's sources live. Templates and static files default to the
    folders beside the content folder, then to the ones shipped with levelup."""

    content: Path
    templates: Path
    static: Path

    @classmethod
    def at(cls, content: Path | str, templates: Path | str | None = None, static: Path | str | None = None) -> "Project":
        content = Path(content)
        return cls(content, _beside(content, "templates", templates), _beside(content, "static", static))

    @property
    def root(self) -> Path:
        return self.content.resolve().parent


def _beside(content: Path, name: str, given: Path | str | None) -> Path:
    if given is not None:
        return Path(given)
    local = content.resolve().parent / name
    return local if local.is_dir() else PACKAGE_ROOT / name


@dataclass(frozen=True)
class Loaded:
    site: Site
    pages: tuple[Page, ...]
    index: Index


@dataclass(frozen=True)
class BuildResult:
    files: int
    case_studies: int
    seconds: float


def load(project: Project, base_url: str | None = None, drafts: bool = False) -> Loaded:
    """Load and validate everything; raise SiteError listing every problem found."""
    problems: list[Problem] = []
    if not project.content.is_dir():
        raise SiteError([Problem(str(project.content), None, "--content", "is not a folder",
                                 "point --content at the folder holding site.yaml and case-studies/")])
    settings, found = load_settings(project.content, base_url)
    problems += found
    taxonomies, found = load_taxonomies(project.content)
    problems += found
    renderer = MarkdownRenderer()
    studies, found = load_case_studies(project.content, taxonomies, renderer, drafts)
    problems += found
    pages, found = load_pages(project.content, renderer)
    problems += found
    if problems:
        raise SiteError(problems)
    site = Site(settings=settings, taxonomies=taxonomies, case_studies=studies)
    return Loaded(site=site, pages=pages, index=build_index(site))


def render(project: Project, loaded: Loaded, drafts: bool) -> list[RenderedFile]:
    """Render every page in memory and check the links authors wrote between them."""
    renderer = Renderer(loaded.site, loaded.index, loaded.pages, project.templates,
                        asset_version(project.static), drafts=drafts)
    files = list(renderer.render())
    outputs = {f.path for f in files} | {urls.STATIC + name for name in static_names(project.static)}
    problems = broken_links(loaded.site.case_studies, outputs, renderer.urls)
    if problems:
        raise SiteError(problems)
    return files


def check(project: Project, drafts: bool = True) -> Loaded:
    """Everything `build` checks (content, vocabularies, templates, links); writes nothing."""
    loaded = load(project, drafts=drafts)
    render(project, loaded, drafts)
    return loaded


def build(project: Project, output: Path, base_url: str | None = None, drafts: bool = False) -> BuildResult:
    started = time.perf_counter()
    problem = output_problem(output, project.root, [project.content, project.templates, project.static])
    if problem:
        raise SiteError([problem])
    loaded = load(project, base_url, drafts)
    files = render(project, loaded, drafts)
    count = write_site(output, files, project.static)
    return BuildResult(files=count, case_studies=len(loaded.site.case_studies),
                       seconds=time.perf_counter() - started)
