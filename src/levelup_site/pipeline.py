"""The build, top to bottom: load, validate, index, plan, render, write.

`check` runs the same stages as `build` up to rendering and writes nothing. What is
planned, and how little of it a rebuild plans again, is `planning`'s; rendering runs
in `parallel`'s workers, and `write` puts the files in place.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path, PurePosixPath

from . import libc, search_index, urls
from .cache import BodyStore, BuildCache, CacheDamaged, code_salt, digest
from .config import RESERVED_PATHS, SETTINGS_FILE, TAXONOMIES_FILE, load_schema, load_settings
from .content import CASE_STUDY_DIR, PAGES_DIR, LoadSetup, Page, case_study_names, load_case_studies, load_pages
from .errors import Problem, SiteError, display_path
from .models import Site
from .parallel import Workers
from .planning import address_problems, case_page, complete_plan, link_problems, plan, plan_keys, replan
from .progress import Progress
from .review import stray_files
from .scaffold import PLACEHOLDERS
from .taxonomy import Index, build_index
from .write import current_files, output_problem, unchanged, write_site

DEFAULT_CONTENT = "content"
PACKAGE = Path(__file__).resolve().parent


def theme_folder(name: str) -> Path:
    """The default theme's "templates" or "static" folder. An installed wheel carries it
    in the package (pyproject.toml maps it there); a checkout, plain or installed with
    `pip install -e .`, has it at the top of the repository."""
    bundled = PACKAGE / "theme" / name
    return bundled if bundled.is_dir() else PACKAGE.parents[1] / name


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
    bodies: BodyStore  # the case studies' rendered bodies
    body_at: Mapping[str, str]  # a case study's key -> where in `bodies` its body is
    problems: tuple[Problem, ...] = ()

    @cached_property
    def index(self) -> Index:
        """The terms' lists and related case studies: made when first asked for, as a
        build that finds nothing changed never needs them."""
        return build_index(self.site)

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
         cache: BuildCache | None = None, workers: Workers | None = None) -> Loaded:
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
    cache = cache or BuildCache.none()
    problems: list[Problem] = []
    settings, found = load_settings(project.content, base_url)
    problems += found
    settings_failed = any(not problem.warning for problem in found)
    schema, found = load_schema(project.content)
    if found:  # case studies cannot be checked against a schema that cannot be read
        raise SiteError([*problems, *found])
    taxonomies = schema.taxonomies
    setup = LoadSetup(schema, PLACEHOLDERS, cache.bodies, settings.embeds if settings else ())
    if workers is None:
        with Workers() as own:
            case_studies = load_case_studies(project.content, setup, drafts, cache, own, build_date())
    else:
        case_studies = load_case_studies(project.content, setup, drafts, cache, workers, build_date())
    problems += case_studies.problems
    from .markdown import MarkdownRenderer  # here: a build that finds nothing changed reads no Markdown else

    pages, found = load_pages(project.content, MarkdownRenderer(setup.embed_hosts), RESERVED_PATHS | {t.id for t in taxonomies})
    problems += found
    problems += stray_files(project.content, {CASE_STUDY_DIR: "case studies", PAGES_DIR: "plain pages"},
                            {SETTINGS_FILE, TAXONOMIES_FILE})
    if settings is None or settings_failed:
        raise SiteError(problems)  # the site cannot be planned without its settings
    site = Site(settings=settings, taxonomies=taxonomies, case_studies=case_studies.studies,
                fields=schema.fields)
    libc.return_free_memory()  # the buffers thousands of results from the workers came in
    return Loaded(site=site, pages=pages, bodies=cache.bodies, body_at=case_studies.body_at, problems=tuple(problems))


@dataclass(frozen=True)
class Checked:
    loaded: Loaded
    warnings: tuple[Problem, ...]


def check(project: Project, drafts: bool = True, strict: bool = False) -> Checked:
    """Everything `build` checks (content, vocabularies, templates, links); writes no site.
    Raises SiteError with every problem in every file if any is an error. What loading
    found is kept in the build cache, as a build keeps it, so the next check or build of
    unchanged files is quick and no rendered body is left there unindexed."""
    cache = BuildCache.open(project.root, code_salt())
    loaded = load(project, drafts=drafts, cache=cache)
    cache.save()
    jobs = plan(project, loaded)
    paths = [job.path for job in jobs]
    warnings = settle([*loaded.problems, *link_problems(loaded, paths), *address_problems(loaded, paths)], strict)
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
    with Workers() as workers:
        # A large site's workers start first, as copies of this process while it is small
        # (before the cache is read): forked later, each would count the whole site again.
        # Starting two and finding nothing for them to do costs a few milliseconds.
        if workers.worth_it(len(case_study_names(project.content))):
            workers.start()
        own_cache = cache is None
        if cache is None:
            cache = BuildCache.open(project.root if use_cache else None, code_salt())
        try:
            return _build_with(project, output, base_url, drafts, progress, search, cache, strict, workers, started)
        except CacheDamaged:
            # A body the cache vouched for is gone or forged: build again as if there were no cache.
            cache.forget()
            return _build_with(project, output, base_url, drafts, progress, search, cache, strict, workers, started)
        finally:
            if own_cache:
                cache.close()


def _build_with(project: Project, output: Path, base_url: str | None, drafts: bool, progress: bool | None,
                search: bool, cache: BuildCache, strict: bool, workers: Workers, started: float) -> BuildResult:
    loaded = load(project, base_url, drafts, cache, workers)
    links = urls.Urls.of(loaded.site.settings)
    variant = digest(loaded.site.settings.base_url, str(drafts))
    previous = cache.output(output, variant)
    keys = plan_keys(project, loaded, variant)
    plan_again = replan(project, loaded, keys, previous)
    warnings: tuple[Problem, ...] = ()

    def before_commit(paths: list[str]) -> None:
        nonlocal warnings
        warnings = settle([*loaded.problems, *plan_again.check_paths(paths)], strict)
        libc.return_free_memory()  # what planning made and dropped

    try:
        warnings = settle([*loaded.problems, *plan_again.problems], strict)
        current = current_files(output, previous)
        if not plan_again.complete and not unchanged(output, previous, plan_again.paths, current):
            # Files the last build wrote are gone or changed: plan them all, to put them right.
            plan_again = complete_plan(project, loaded)
        if plan_again.jobs is not None:
            with Progress(len(previous.fingerprints), "Writing", enabled=progress) as bar:
                result = write_site(output, plan_again.jobs, previous, bar.update, workers, current, before_commit)
    except SiteError:
        cache.save()  # files that loaded cleanly stay cached while another is being fixed
        raise
    if plan_again.jobs is None:
        state, files, written = previous, len(previous.fingerprints), 0
    else:
        state = replace(result.state, plan_key=keys.full, shape_key=keys.shape,
                        link_problems=tuple(plan_again.link_problems),
                        address_problems=tuple(plan_again.address_problems),
                        page_bodies={case_page(links, study): study.key for study in loaded.site.case_studies})
        files, written = len(result.state.fingerprints), result.written
    workers.close()  # idle from here on
    search_seconds = None
    if search and search_index.available():
        # The index is made from the case pages, so their fingerprints say when it is stale.
        case_pages = {case_page(links, study) for study in loaded.site.case_studies}
        search_key = digest(*(fingerprint for path, fingerprint in state.fingerprints.items() if path in case_pages))
        if search_key != state.search_key or not (output / search_index.BUNDLE).is_dir():
            search_seconds = search_index.update(output, loaded.site.settings.language,
                                                 urls.case_pages_glob(loaded.site.settings.permalink))
            state = replace(state, search_key=search_key)
    cache.remember_output(output, variant, state)
    cache.save()
    return BuildResult(files=files, written=written, case_studies=len(loaded.site.case_studies),
                       seconds=time.perf_counter() - started, search_seconds=search_seconds, warnings=warnings)
