"""Spread the two expensive stages of a large build across processes.

Rendering Markdown (loading) and rendering pages with Jinja (writing) dominate a
cold build of a large site. Starting worker processes costs more than it saves for
a few hundred files, so below a threshold everything runs in this process.

How workers start is decided in one place, `start_method`: by fork only on Linux,
where it is the platform's own default and safe; elsewhere by the platform's default
(spawn), which loading supports (its initializer, work function and arguments are
module-level or picklable) and rendering does not yet (its jobs hold closures), so
there rendering stays in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from . import libc
from .markdown import MarkdownRenderer
from .schema import Schema

PARALLEL_THRESHOLD = 200  # files; below this, one process is faster
CHUNK = 64
PR_SET_PDEATHSIG = 1

# Per-process state of a worker: what it was started with. Page jobs hold closures
# over the renderer, which cannot be pickled, so forked workers inherit them instead.
_worker: tuple[Schema, MarkdownRenderer] | None = None
_forked_jobs: tuple | None = None


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def start_method() -> str | None:
    """"fork" where it is the platform's own safe default (Linux): workers start in
    milliseconds and inherit page jobs, which cannot be pickled. Elsewhere None: the
    platform's default (spawn on Windows and macOS, where fork is unsafe), which only
    loading can use; rendering then runs in this process."""
    if sys.platform.startswith("linux") and "fork" in get_all_start_methods():
        return "fork"
    return None


def load_files(items: list[tuple[bytes, str, str, str]], schema: Schema) -> list:
    """`items` are (raw bytes, display path, file stem, cache key); returns LoadedFile values in order."""
    from .content import load_file

    workers = _workers()
    if len(items) < PARALLEL_THRESHOLD or workers < 2:
        renderer = MarkdownRenderer()
        return [load_file(*item, schema, renderer) for item in items]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(start_method()),
                             initializer=_start_worker, initargs=(os.getpid(), schema)) as pool:
        return list(pool.map(_load_in_worker, items, chunksize=CHUNK))


def _die_with_parent(parent: int) -> None:
    """End this worker if the build is killed, so no orphan outlives it: Linux does it
    when asked (prctl); elsewhere a thread waits for the parent to end. Also turn the
    cycle collector back on: the build turned it off in the parent, but a worker
    renders thousands of documents and must not keep their garbage."""
    gc.enable()
    prctl = libc.linux_function("prctl")
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_exit_when_parent_ends, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _exit_when_parent_ends() -> None:
    # The pool's own shutdown needs a living parent; an idle worker would wait forever.
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _start_worker(parent: int, schema: Schema) -> None:
    global _worker
    _die_with_parent(parent)
    _worker = (schema, MarkdownRenderer())


def _load_in_worker(item: tuple[bytes, str, str, str]):
    from .content import load_file

    schema, renderer = _worker
    return load_file(*item, schema, renderer)


def render_files(jobs: list, output: Path, staging: Path, existing: set[str],
                 progress: Callable[[int], None] | None) -> list[str]:
    """Render `jobs` into `staging`, skipping files whose bytes `output` already has;
    return the paths written, in job order."""
    from .write import write_if_changed

    global _forked_jobs
    workers = _workers()
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2 or start_method() != "fork":
        changed = []
        for done, job in enumerate(jobs, 1):
            if write_if_changed(job, output, staging, job.path in existing):
                changed.append(job.path)
            if progress:
                progress(done)
        return changed
    _forked_jobs = (jobs, output, staging, existing)
    try:
        chunks = [range(start, min(start + CHUNK, len(jobs))) for start in range(0, len(jobs), CHUNK)]
        changed = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            for chunk, written in zip(chunks, pool.map(_render_chunk, chunks)):
                changed += written
                if progress:
                    progress(chunk.stop)
        return changed
    finally:
        _forked_jobs = None


def _render_chunk(indexes: range) -> list[str]:
    from .write import write_if_changed

    jobs, output, staging, existing = _forked_jobs
    return [jobs[i].path for i in indexes if write_if_changed(jobs[i], output, staging, jobs[i].path in existing)]
