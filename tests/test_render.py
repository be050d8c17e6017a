"""A planned job is plain data: pickled and rendered elsewhere, in a process started
by any method, it gives the same bytes as in the process that planned it."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

import pytest

from levelup_site import urls
from levelup_site.pipeline import Project, load, plan


@pytest.fixture
def jobs(site_folder):
    site_folder.add("buses", title="Better buses", themes=["transport"], outcomes=["economy"])
    site_folder.add("parks", title="Greener parks", themes=["parks"], outcomes=["health"], region="london",
                    image="https://images.example.org/park.jpg", image_alt="A park")
    project = Project.at(site_folder.content)
    # Static files are copied, not rendered; every other output is a planned job.
    return [job for job in plan(project, load(project)) if not job.path.startswith(urls.STATIC)]


def produce(job) -> bytes:
    return job.produce()


def test_every_job_renders_the_same_after_a_pickle_round_trip(jobs):
    for job in jobs:
        copy = pickle.loads(pickle.dumps(job))
        assert (copy.path, copy.fingerprint) == (job.path, job.fingerprint)
        assert copy.produce() == job.produce(), job.path


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_jobs_render_in_a_worker_started_by(method, jobs):
    if method not in get_all_start_methods():
        pytest.skip(f"this system cannot {method} processes")
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context(method)) as pool:
        rendered = list(pool.map(produce, jobs))
    assert rendered == [job.produce() for job in jobs]
