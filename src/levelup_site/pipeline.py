"""The build, top to bottom: load, validate, index, render, write.

`check` runs the same stages as `build` up to rendering and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath

from . import opendata, render, search_index, urls
from .cache import BuildCache, code_salt, digest
from .config import RESERVED_PATHS, SETTINGS_FILE, TAXONOMIES_FILE, load_schema, load_settings
from .content import CASE_STUDY_DIR, PAGES_DIR, Page, load_case_studies, load_pages
from .errors import Problem, SiteError, display_path
from .links import address_problems, broken_links
from .markdown import MarkdownRenderer
from .models import Site
from .pages import Inputs, make_inputs, plan_pages
from .pages.fingerprint import TemplateSalts, fingerprint, templates_key
from .progress import Progress
from .review import stray_files, study_warnings
from .scaffold import PLACEHOLDERS
from .taxonomy import Index, build_index
from .write import OutputJob, asset_version, output_problem, static_jobs, write_site

DEFAULT_CONTENT = "content"
PACKAGE = Path(__file__).resolve().parent


def theme_folder(name: str) -> Path:
    """The default theme's "templates" or "static" folder. An installed wheel carries it
    in the package (pyproject.toml maps it there); a checkout, plain or installed with
    `pip install -e .`, has it at the top of the repository."""
    bundled = PACKAGE / "theme" / name
    return bundled if bundled.is_dir() else PACKAGE.parents[1] / name
DATA_SALT = "open data"  # opendata.py is in the build cache's code salt


@dataclass(frozen=True)
class Project:
    """Where a site's sources live. Templates and static files are looked up file by
    file: first in the site's own folders beside the content folder, then in the
    default theme, so a site keeps only the files it changes."""

    content: Path
    templates: tuple[Path, ...]  # searched in order: the site's own folder, then the theme's
    static: tuple[Path, ...]  # the same; the first folder holding a file wins

    @classmethod
    def at(cls, content: Path | str, templates: Path | str | None = None, static: Path | str | None = None) -> Project:
        content = Path(content)
        return cls(content, _search_path(content, "templates", templates), _search_path(content, "static", static))

    @property
    def root(self) -> Path:
        return self.content.resolve().parent

    @property
    def own_folders(self) -> tuple[Path, Path]:
        """The site's own templates and static folders, whether or not they exist yet."""
        return self.templates[0], self.static[0]


def _search_path(content: Path, name: str, given: Path | str | None) -> tuple[Path, ...]:
    own = Path(given) if given is not None else content.resolve().parent / name
    theme = theme_folder(name)
    # In this repository the site's folders are the theme's: search them once.
    return (own,) if own.resolve() == theme.resolve() else (own, theme)


@dataclass(frozen=True)
class Loaded:
    """The site as far as it could be loaded. `problems` are every error and warning
    found so far; the case studies with errors are left out of `site`."""

    site: Site
    pages: tuple[Page, ...]
    index: Index
    problems: tuple[Problem, ...] = ()

    @property
    def failed_addresses(self) -> set[str]:
        """The output files the case studies left out for their errors would have had,
        so that a link to one of them is not reported as broken as well."""
        links = urls.Urls.of(self.site.settings)
        if links.dated:
            return set()  # the date such an address needs may be what was wrong
        return {urls.output_file(links.case_study_at(PurePosixPath(problem.path).stem, ""))
                for problem in self.problems if not problem.warning
                and PurePosixPath(problem.path).parent.name == CASE_STUDY_DIR}


@dataclass(frozen=True)
class BuildResult:
    files: int  # files in the site
    written: int  # files whose bytes changed
    case_studies: int
    seconds: float  # the whole build, search index included
    search_seconds: float | None = None  # None when the index was up to date or not built
    warnings: tuple[Problem, ...] = ()


def build_date() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH names: a reproducible build judges dates
    (a publication date still to come) the same way whenever it runs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def settle(problems: list[Problem], strict: bool) -> tuple[Problem, ...]:
    """Raise SiteError with every problem if any is an error (or, when `strict`, a
    warning); otherwise return the warnings, for the caller to show."""
    if any(strict or not problem.warning for problem in problems):
        raise SiteError(problems)
    return tuple(problems)


def load(project: Project, base_url: str | None = None, drafts: bool = False,
         cache: BuildCache | None = None) -> Loaded:
    """Load and validate everything, collecting every problem in every file.

    Raises SiteError when the vocabularies cannot be read (case studies cannot be
    checked without them) or, after checking every file, when the settings cannot
    (the site cannot be planned without them). A case study with errors is left out,
    so that links and templates are still checked for the rest."""
    if not project.content.is_dir():
        raise SiteError([Problem(display_path(project.content), None, "--content",
                                 "there is no content folder here" if project.content == Path(DEFAULT_CONTENT)
                                 else "is not a folder",
                                 "run levelup in the folder that holds content/ (with site.yaml and "
                                 "case-studies/ in it), or pass --content PATH/TO/content")])
    cache = cache or BuildCache(None, "")
    problems: list[Problem] = []
    settings, found = load_settings(project.content, base_url)
    problems += found
    settings_failed = any(not problem.warning for problem in found)
    schema, found = load_schema(project.content)
    if found:  # case studies cannot be checked against a schema that cannot be read
        raise SiteError([*problems, *found])
    taxonomies = schema.taxonomies
    studies, found = load_case_studies(project.content, schema, drafts, cache)
    problems += found
    pages, found = load_pages(project.content, MarkdownRenderer(), RESERVED_PATHS | {t.id for t in taxonomies})
    problems += found
    problems += stray_files(project.content, {CASE_STUDY_DIR: "case studies", PAGES_DIR: "plain pages"},
                            {SETTINGS_FILE, TAXONOMIES_FILE})
    problems += study_warnings(studies, build_date(), PLACEHOLDERS)
    if settings is None or settings_failed:
        raise SiteError(problems)  # the site cannot be planned without its settings
    site = Site(settings=settings, taxonomies=taxonomies, case_studies=studies, fields=schema.fields)
    return Loaded(site=site, pages=pages, index=build_index(site), problems=tuple(problems))


def plan(project: Project, loaded: Loaded) -> list[OutputJob]:
    """Every output file, with the fingerprint of its inputs; links between pages checked."""
    static = static_jobs(project.static)  # read once: their digests also version the asset URLs
    inputs = make_inputs(loaded.site, loaded.index, loaded.pages, asset_version(static))
    salts = TemplateSalts(render.environment(project.templates))
    state = render.RenderState(project.templates, inputs.layout, templates_key(salts.env))
    jobs = [OutputJob(job.path, fingerprint(salts(job.template), job.template, job.keys),
                      partial(render.render_job, state, job))
            for job in plan_pages(inputs)]
    jobs += data_jobs(loaded.site, inputs)
    jobs += static
    return jobs


def link_problems(loaded: Loaded, jobs: list[OutputJob]) -> list[Problem]:
    """Links in case-study bodies that lead to no page of the site, and addresses
    (case pages, aliases) that two outputs claim."""
    outputs = {job.path for job in jobs} | loaded.failed_addresses
    links = urls.Urls.of(loaded.site.settings)
    return [*broken_links(loaded.site.case_studies, outputs, links),
            *address_problems(loaded.site.case_studies, [job.path for job in jobs], links)]


def data_jobs(site: Site, inputs: Inputs) -> list[OutputJob]:
    """The open data files. Their keys are the case studies' metadata, so a no-change
    build does not serialise them; the vocabularies name their columns."""
    keys = (inputs.keys.settings, inputs.keys.vocabulary, inputs.keys.studies)
    return [OutputJob(opendata.JSON_PATH, fingerprint(DATA_SALT, "json", keys),
                      partial(opendata.as_json, site, inputs.urls)),
            OutputJob(opendata.CSV_PATH, fingerprint(DATA_SALT, "csv", keys),
                      partial(opendata.as_csv, site, inputs.urls))]


@dataclass(frozen=True)
class Checked:
    loaded: Loaded
    warnings: tuple[Problem, ...]


def check(project: Project, drafts: bool = True, strict: bool = False) -> Checked:
    """Everything `build` checks (content, vocabularies, templates, links); writes nothing.
    Raises SiteError with every problem in every file if any is an error."""
    loaded = load(project, drafts=drafts, cache=BuildCache.open(project.root, code_salt()))
    jobs = plan(project, loaded)
    warnings = settle([*loaded.problems, *link_problems(loaded, jobs)], strict)
    for job in jobs:
        job.produce()  # a template mistake is found here, not at publication
    return Checked(loaded, warnings)


def build(project: Project, output: Path, base_url: str | None = None, drafts: bool = False,
          use_cache: bool = True, progress: bool | None = None, search: bool = True,
          cache: BuildCache | None = None, strict: bool = False) -> BuildResult:
    """Build the site into `output`. A long-running caller (the preview server) may pass
    the same `cache` to every build, saving the trip through the disk each time."""
    # A build makes hundreds of thousands of long-lived objects and no garbage cycles
    # worth collecting; Python's cycle collector would walk them again and again (a
    # third of a no-change rebuild at 10,000 case studies). It is back on afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(project, output, base_url, drafts, use_cache, progress, search, cache, strict)
    finally:
        if collecting:
            gc.enable()


def _build(project: Project, output: Path, base_url: str | None, drafts: bool, use_cache: bool,
           progress: bool | None, search: bool, cache: BuildCache | None, strict: bool) -> BuildResult:
    started = time.perf_counter()
    problem = output_problem(output, project.root, [project.content, *project.templates, *project.static])
    if problem:
        raise SiteError([problem])
    if cache is None:
        cache = BuildCache.open(project.root if use_cache else None, code_salt())
    loaded = load(project, base_url, drafts, cache)
    jobs = plan(project, loaded)
    try:
        warnings = settle([*loaded.problems, *link_problems(loaded, jobs)], strict)
    except SiteError:
        cache.save()  # files that loaded cleanly stay cached while another is being fixed
        raise
    variant = digest(loaded.site.settings.base_url, str(drafts))
    with Progress(len(jobs), "Writing", enabled=progress) as bar:
        result = write_site(output, jobs, cache.output(output, variant), bar.update)
    state = result.state
    search_seconds = None
    if search and search_index.available():
        # The index is made from the case pages, so their fingerprints say when it is stale.
        links = urls.Urls.of(loaded.site.settings)
        case_pages = {urls.output_file(links.case_study(study)) for study in loaded.site.case_studies}
        key = digest(*(job.fingerprint for job in jobs if job.path in case_pages))
        if key != state.search_key or not (output / search_index.BUNDLE).is_dir():
            search_seconds = search_index.update(output, loaded.site.settings.language)
            state = replace(state, search_key=key)
    cache.remember_output(output, variant, state)
    cache.save()
    return BuildResult(files=len(jobs), written=result.written, case_studies=len(loaded.site.case_studies),
                       seconds=time.perf_counter() - started, search_seconds=search_seconds, warnings=warnings)
