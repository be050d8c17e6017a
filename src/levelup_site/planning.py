"""Planning: every output file of the site as a job with its fingerprint, and as
little of it again as a rebuild needs.

`plan` asks every planner in `pages/` for its jobs. A rebuild first compares digests
of what the plan is made from with what the last build kept (`PlanKeys`): the same
inputs and output files mean there is nothing to plan; only bodies edited mean only
their case pages are planned again (`replan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import urls
from .cache import OutputState, digest
from .errors import Problem
from .models import CaseStudy, Site
from .write import OutputJob, asset_version, static_jobs

if TYPE_CHECKING:
    from .pages import Inputs, PageJob
    from .pipeline import Loaded, Project

DATA_SALT = "open data"  # opendata.py is in the build cache's code salt


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
    return list(plan_as_written(project, loaded))


def plan_as_written(project: Project, loaded: Loaded) -> Iterator[OutputJob]:
    """`plan`, one output file at a time: a build renders each while planning the rest."""
    from .pages import plan_pages

    static = static_jobs(project.static)  # read once: their digests also version the asset URLs
    inputs, output_job = _planning(project, loaded, static)
    for job in plan_pages(inputs):
        yield output_job(job)
    yield from data_jobs(loaded.site, inputs)
    yield from static


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
    rows = Records(site, inputs.urls)
    return [OutputJob(opendata.JSON_PATH, fingerprint(DATA_SALT, "json", keys), partial(rows.written, opendata.as_json)),
            OutputJob(opendata.CSV_PATH, fingerprint(DATA_SALT, "csv", keys), partial(rows.written, opendata.as_csv))]


@dataclass
class Records:
    """The open data's records, made once for whichever of its files is written first."""

    site: Site
    links: urls.Urls
    made: list[dict[str, Any]] | None = None

    def written(self, write: Callable[[Site, urls.Urls, list[dict[str, Any]]], bytes]) -> bytes:
        from . import opendata

        if self.made is None:
            self.made = opendata.records(self.site, self.links)
        return write(self.site, self.links, self.made)


@dataclass(frozen=True)
class Replan:
    """What a build must plan: `jobs` None when nothing, else every output file. Unless
    `complete`, only those in `paths` were planned again, and the others keep the last
    build's fingerprints, which holds only while their files are as it left them.

    A complete plan is made as its files are written (`jobs` is then an iterator), so
    its links are checked once every path is known: `check_paths`."""

    jobs: Iterable[OutputJob] | None
    link_problems: list[Problem]  # broken links in bodies, kept by the cache
    address_problems: list[Problem]  # addresses two outputs claim
    paths: frozenset[str] = frozenset()
    complete: bool = False
    loaded: Loaded | None = None  # for check_paths: set on a complete plan

    @property
    def problems(self) -> list[Problem]:
        return [*self.link_problems, *self.address_problems]

    def check_paths(self, paths: list[str]) -> list[Problem]:
        """The problems found once every output path is planned: links to no file of
        the site, and addresses two outputs claim."""
        if self.loaded is not None:
            self.link_problems[:] = link_problems(self.loaded, paths)
            self.address_problems[:] = address_problems(self.loaded, paths)
        return self.problems


def complete_plan(project: Project, loaded: Loaded) -> Replan:
    return Replan(plan_as_written(project, loaded), [], [], complete=True, loaded=loaded)


def replan(project: Project, loaded: Loaded, keys: PlanKeys, previous: OutputState) -> Replan:
    """As little planning as the inputs' keys allow, given what the last build planned."""
    if any(not problem.warning for problem in loaded.problems):
        return Replan(None, [], [])  # the build stops at its errors; links are checked once they are fixed
    # While the shape holds, the files and every case study's metadata (slugs, aliases)
    # are as they were, and so are the addresses they claim.
    addresses = list(previous.address_problems)
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
    return complete_plan(project, loaded)


def _planned_before() -> bytes:
    # write_site renders only the files whose fingerprint or bytes changed; a file kept
    # from the last plan is rendered only if it changed behind the build's back, and
    # the build plans everything again before it can come to that.
    raise RuntimeError("a file kept from the last plan was to be rendered again")
