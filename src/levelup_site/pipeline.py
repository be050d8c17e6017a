"""The build, top to bottom: load, validate, index, render, write.

`check` runs the same stages as `build` up to rendering and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import search_index, urls
from .cache import BodyStore, BuildCache, CacheDamaged, OutputState, code_salt, digest
from .config import RESERVED_PATHS, SETTINGS_FILE, TAXONOMIES_FILE, load_schema, load_settings
from .content import CASE_STUDY_DIR, PAGES_DIR, LoadSetup, Page, case_study_files, load_case_studies, load_pages
from .errors import Problem, SiteError, display_path
from .models import CaseStudy, Site
from .parallel import Workers
from .progress import Progress
from .review import stray_files
from .scaffold import PLACEHOLDERS
from .taxonomy import Index, build_index

if TYPE_CHECKING:
    from .pages import Inputs, PageJob
from .write import OutputJob, asset_version, current_files, output_problem, static_jobs, unchanged, write_site

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
    setup = LoadSetup(schema, PLACEHOLDERS, cache.bodies)
    if workers is None:
        with Workers() as own:
            case_studies = load_case_studies(project.content, setup, drafts, cache, own, build_date())
    else:
        case_studies = load_case_studies(project.content, setup, drafts, cache, workers, build_date())
    problems += case_studies.problems
    from .markdown import MarkdownRenderer  # here: a build that finds nothing changed reads no Markdown else

    pages, found = load_pages(project.content, MarkdownRenderer(), RESERVED_PATHS | {t.id for t in taxonomies})
    problems += found
    problems += stray_files(project.content, {CASE_STUDY_DIR: "case studies", PAGES_DIR: "plain pages"},
                            {SETTINGS_FILE, TAXONOMIES_FILE})
    if settings is None or settings_failed:
        raise SiteError(problems)  # the site cannot be planned without its settings
    site = Site(settings=settings, taxonomies=taxonomies, case_studies=case_studies.studies,
                fields=schema.fields)
    return Loaded(site=site, pages=pages, bodies=cache.bodies, body_at=case_studies.body_at, problems=tuple(problems))


@dataclass(frozen=True)
class PlanKeys:
    """Digests of everything `plan` and `link_problems` read: every input's key, the
    template and static files' bytes, the build's variant (base URL, drafts) and the
    addresses of case studies left out for their errors. Cheap next to planning.

    `full` covers it all: a build whose key and output files are as the last build
    left them is done. `shape` leaves out the case studies' bodies: while it holds,
    an edited body changes its own case page and nothing else (lists, cards, feeds
    and data show metadata only), so only that page is planned again."""

    shape: str
    full: str


def plan_keys(project: Project, loaded: Loaded, variant: str) -> PlanKeys:
    site = loaded.site
    shape = digest(variant, repr(site.settings), repr(site.taxonomies), repr(site.fields),
                   *(repr(page) for page in loaded.pages),
                   asset_version(static_jobs(project.static)), templates_digest(project.templates),
                   *(f"{study.slug}\0{study.source_path}\0{study.meta_key}" for study in site.case_studies),
                   *sorted(loaded.failed_addresses))
    return PlanKeys(shape, digest(shape, *(study.key for study in site.case_studies)))


def case_page(links: urls.Urls, study: CaseStudy) -> str:
    return urls.output_file(links.case_study(study))


def templates_digest(folders: tuple[Path, ...]) -> str:
    """Every file in the template folders, in search order: any template edited, added
    or removed changes it."""
    parts: list[str | bytes] = []
    for number, folder in enumerate(folders):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts.append(f"{number}\0{path.relative_to(folder).as_posix()}")
                    parts.append(path.read_bytes())
    return digest(*parts)


def plan(project: Project, loaded: Loaded) -> list[OutputJob]:
    """Every output file, with the fingerprint of its inputs."""
    from .pages import plan_pages

    static = static_jobs(project.static)  # read once: their digests also version the asset URLs
    inputs, output_job = _planning(project, loaded, static)
    jobs = [output_job(job) for job in plan_pages(inputs)]
    jobs += data_jobs(loaded.site, inputs)
    jobs += static
    return jobs


def plan_case_pages(project: Project, loaded: Loaded, studies: tuple[CaseStudy, ...]) -> list[OutputJob]:
    """The case pages of `studies` alone, planned from the whole site (their related
    case studies, the layout) as `plan` would."""
    from .pages.case_study import plan_case_studies

    inputs, output_job = _planning(project, loaded, static_jobs(project.static))
    only = replace(inputs, site=replace(inputs.site, case_studies=studies))
    return [output_job(job) for job in plan_case_studies(only)]


def _planning(project: Project, loaded: Loaded,
              static: list[OutputJob]) -> tuple[Inputs, Callable[[PageJob], OutputJob]]:
    """What planners read, and how a planned page becomes an output job with its fingerprint."""
    # Planning and rendering need Jinja and every planner; a build that plans nothing imports neither.
    from . import render
    from .pages import make_inputs
    from .pages.fingerprint import TemplateSalts, fingerprint, templates_key

    inputs = make_inputs(loaded.site, loaded.index, loaded.pages, asset_version(static), loaded.body_at)
    salts = TemplateSalts(render.environment(project.templates))
    state = render.RenderState(project.templates, inputs.layout, templates_key(salts.env), loaded.bodies)

    def output_job(job: PageJob) -> OutputJob:
        return OutputJob(job.path, fingerprint(salts(job.template), job.template, job.keys),
                         partial(render.render_job, state, job), portable=True)

    return inputs, output_job


def link_problems(loaded: Loaded, paths: Iterable[str], studies: tuple[CaseStudy, ...] | None = None) -> list[Problem]:
    """Links in the bodies of `studies` (by default, every case study) that lead to no
    file of the site, whose output files are `paths`."""
    from .links import broken_links

    outputs = set(paths) | loaded.failed_addresses
    return broken_links(loaded.site.case_studies if studies is None else studies, outputs,
                        urls.Urls.of(loaded.site.settings))


def address_problems(loaded: Loaded, paths: list[str]) -> list[Problem]:
    """Case pages and aliases whose address another output has too (`paths`: every
    output file, repeats kept), and aliases that are not plain site paths."""
    from .links import address_problems

    return address_problems(loaded.site.case_studies, paths, urls.Urls.of(loaded.site.settings))


def data_jobs(site: Site, inputs: Inputs) -> list[OutputJob]:
    """The open data files. Their keys are the case studies' metadata, so a no-change
    build does not serialise them; the vocabularies name their columns."""
    from . import opendata
    from .pages.fingerprint import fingerprint

    keys = (inputs.keys.settings, inputs.keys.vocabulary, inputs.keys.studies)
    return [OutputJob(opendata.JSON_PATH, fingerprint(DATA_SALT, "json", keys),
                      partial(opendata.as_json, site, inputs.urls)),
            OutputJob(opendata.CSV_PATH, fingerprint(DATA_SALT, "csv", keys),
                      partial(opendata.as_csv, site, inputs.urls))]


@dataclass(frozen=True)
class Replan:
    """What a build must plan: `jobs` None when nothing, else every output file. Unless
    `complete`, only those in `paths` were planned again, and the others keep the last
    build's fingerprints, which holds only while their files are as it left them."""

    jobs: list[OutputJob] | None
    link_problems: list[Problem]  # broken links in bodies, kept by the cache
    address_problems: list[Problem]  # addresses two outputs claim (cheap: found every time)
    paths: frozenset[str] = frozenset()
    complete: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [*self.link_problems, *self.address_problems]


def _replanning(project: Project, loaded: Loaded, keys: PlanKeys, previous: OutputState) -> Replan:
    """As little planning as the inputs' keys allow, given what the last build planned."""
    if any(not problem.warning for problem in loaded.problems):
        return Replan(None, [], [])  # the build stops at its errors; links are checked once they are fixed
    addresses = address_problems(loaded, list(previous.fingerprints))  # the same files as last time, if:
    if keys.full == previous.plan_key:
        return Replan(None, list(previous.link_problems), addresses)  # the same fingerprints and links too
    if keys.shape == previous.shape_key:
        links = urls.Urls.of(loaded.site.settings)
        studies = tuple(s for s in loaded.site.case_studies
                        if previous.page_bodies.get(case_page(links, s)) != s.key)
        planned = {job.path: job for job in plan_case_pages(project, loaded, studies)}
        jobs = [planned.get(path) or OutputJob(path, fingerprint, _planned_before)
                for path, fingerprint in previous.fingerprints.items()]
        edited = {study.source_path for study in studies}
        found = [problem for problem in previous.link_problems if problem.path not in edited]
        found += link_problems(loaded, previous.fingerprints, studies)
        return Replan(jobs, found, addresses, frozenset(planned))
    jobs = plan(project, loaded)
    paths = [job.path for job in jobs]
    return Replan(jobs, link_problems(loaded, paths), address_problems(loaded, paths), complete=True)


def _planned_before() -> bytes:
    # write_site renders only the files whose fingerprint or bytes changed; a file kept
    # from the last plan is rendered only if it changed behind the build's back, and
    # the build plans everything again before it can come to that.
    raise RuntimeError("a file kept from the last plan was to be rendered again")


@dataclass(frozen=True)
class Checked:
    loaded: Loaded
    warnings: tuple[Problem, ...]


def check(project: Project, drafts: bool = True, strict: bool = False) -> Checked:
    """Everything `build` checks (content, vocabularies, templates, links); writes nothing.
    Raises SiteError with every problem in every file if any is an error."""
    loaded = load(project, drafts=drafts, cache=BuildCache.open(project.root, code_salt()))
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
        if workers.worth_it(len(case_study_files(project.content))):
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
    plan_again = _replanning(project, loaded, keys, previous)
    try:
        warnings = settle([*loaded.problems, *plan_again.problems], strict)
    except SiteError:
        cache.save()  # files that loaded cleanly stay cached while another is being fixed
        raise
    current = current_files(output)
    if not plan_again.complete and not unchanged(output, previous, plan_again.paths, current):
        # Files the last build wrote are gone or changed: plan them all, to put them right.
        plan_again = replace(plan_again, jobs=plan(project, loaded), complete=True)
    if plan_again.jobs is None:
        state, files, written = previous, len(previous.fingerprints), 0
    else:
        jobs = plan_again.jobs
        with Progress(len(jobs), "Writing", enabled=progress) as bar:
            result = write_site(output, jobs, previous, bar.update, workers, current)
        state = replace(result.state, plan_key=keys.full, shape_key=keys.shape,
                        link_problems=tuple(plan_again.link_problems),
                        page_bodies={case_page(links, study): study.key for study in loaded.site.case_studies})
        files, written = len(jobs), result.written
    workers.close()  # idle from here on
    search_seconds = None
    if search and search_index.available():
        # The index is made from the case pages, so their fingerprints say when it is stale.
        case_pages = {case_page(links, study) for study in loaded.site.case_studies}
        search_key = digest(*(fingerprint for path, fingerprint in state.fingerprints.items() if path in case_pages))
        if search_key != state.search_key or not (output / search_index.BUNDLE).is_dir():
            search_seconds = search_index.update(output, loaded.site.settings.language)
            state = replace(state, search_key=search_key)
    cache.remember_output(output, variant, state)
    cache.save()
    return BuildResult(files=files, written=written, case_studies=len(loaded.site.case_studies),
                       seconds=time.perf_counter() - started, search_seconds=search_seconds, warnings=warnings)
