"""Spread the two expensive stages of a large build across processes.

Rendering Markdown (loading) and rendering pages with Jinja (writing) dominate a
cold build of a large site. Starting worker processes costs more than it saves for
a few hundred files, so below a threshold everything runs in this process.

One pool serves a whole build: started the first time a stage has enough work for
it, used for loading and then for rendering, and shut down when the build ends.
Workers are sent plain values only: chunks of file bytes to load, and planned page
jobs to render (module-level functions with picklable arguments, no closures). So
they work the same however they were started, and how that is is decided in one
place, `start_method`: by fork on Linux, where it is the platform's own default and
safe; elsewhere by the platform's default (spawn).

A rendered body never travels through this process: a worker that loads a file
writes its body to the body store (`cache.BodyStore`), and the worker that renders
its page reads it from there.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from . import libc

if TYPE_CHECKING:
    from .content import LoadedFile, LoadSetup
    from .markdown import MarkdownRenderer
    from .write import OutputJob

PARALLEL_THRESHOLD = 200  # files; below this, one process is faster
CHUNK = 64
PR_SET_PDEATHSIG = 1
_DONE: Future[list[str]] = Future()  # in place of a result collected, so it can be freed

Item = TypeVar("Item")

# A worker's Markdown renderer, made on its first file and kept for the rest.
_renderer: MarkdownRenderer | None = None


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def start_method() -> str | None:
    """"fork" where it is the platform's own safe default (Linux): workers start in
    milliseconds. Elsewhere None: the platform's default (spawn on Windows and macOS,
    where fork is unsafe), which works as well, since workers are sent only values."""
    if sys.platform.startswith("linux") and "fork" in get_all_start_methods():
        return "fork"
    return None


def chunks(items: Iterable[Item], size: int = CHUNK) -> Iterator[list[Item]]:
    """`items` in lists of `size`, each made when asked for."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Workers:
    """The worker processes of one build: none until a stage has work enough for them,
    then one pool for the rest of the build. Use as a context manager."""

    def __init__(self) -> None:
        self.count = _workers()
        self._pool: ProcessPoolExecutor | None = None

    def worth_it(self, items: int) -> bool:
        return items >= PARALLEL_THRESHOLD and self.count >= 2

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.count, mp_context=get_context(start_method()),
                                             initializer=_start_worker, initargs=(os.getpid(),))
        return self._pool

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Start the workers now, while this process is small: a forked worker starts as
        a copy of it, and the build is about to read and plan thousands of files."""
        if self._pool is None:
            self.pool().submit(int)  # a forking pool starts all its workers at its first task

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def load_files(items: Iterable[tuple[bytes, str, str, str]], count: int, setup: LoadSetup,
               workers: Workers) -> list[LoadedFile]:
    """`items` are (raw bytes, display path, file stem, cache key), `count` of them at most,
    and may be read as they are asked for: the workers start on the first chunk while the
    rest are read. Returns LoadedFile values in order."""
    if not workers.worth_it(count):
        return [loaded for chunk in chunks(items) for loaded in _load_chunk(setup, chunk)]
    pool = workers.pool()
    return [loaded for done in pool.map(_load_chunk, repeat(setup), chunks(items)) for loaded in done]


def _load_chunk(setup: LoadSetup, items: Sequence[tuple[bytes, str, str, str]]) -> list[LoadedFile]:
    from .content import load_files
    from .markdown import MarkdownRenderer

    global _renderer
    if _renderer is None or _renderer.embed_hosts != setup.embed_hosts:
        _renderer = MarkdownRenderer(setup.embed_hosts)
    return load_files(list(items), setup, _renderer)


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


def _start_worker(parent: int) -> None:
    _die_with_parent(parent)


class Rendering:
    """Output files rendered into a staging folder while the rest are still being planned.

    Page jobs go to the workers a chunk at a time as soon as a chunk is full, so that
    rendering starts while planning goes on; a few chunks at most are in flight, so the
    planned pages do not pile up in this process waiting their turn. Jobs that must be
    produced here (static files, the open data), and every job when the build has no
    workers, are rendered at the end. See write.staged_path for `flat`."""

    def __init__(self, output: Path, staging: Path, existing: set[str], workers: Workers | None, flat: bool) -> None:
        self.output, self.staging, self.existing, self.flat = output, staging, existing, flat
        self.pool = workers.pool() if workers is not None and workers.started else None
        self.in_flight = 4 * (workers.count if workers is not None else 1)
        self.chunk: list[OutputJob] = []
        self.local: list[OutputJob] = []
        self.pending: list[tuple[int, Future[list[str]]]] = []
        self.collected = 0  # of `pending`
        self.written: set[str] = set()
        self.done = 0
        self.total = 0

    def add(self, job: OutputJob) -> None:
        self.total += 1
        if self.pool is None or not job.portable:
            self.local.append(job)
            return
        self.chunk.append(job)
        if len(self.chunk) == CHUNK:
            self._submit()

    def finish(self, progress: Callable[[int, int], None] | None = None) -> set[str]:
        """Render what is left here, wait for the workers, and return the paths written."""
        if self.chunk and not self.pending:
            self.local += self.chunk  # less than a chunk in all: not worth a trip to a worker
        elif self.chunk:
            self._submit()
        self.written.update(_render_here(self.local, self.output, self.staging, self.existing, self.flat))
        self.done += len(self.local)
        while self.collected < len(self.pending):
            self._collect(progress)
        return self.written

    def _submit(self) -> None:
        assert self.pool is not None
        chunk, self.chunk = self.chunk, []
        self.pending.append((len(chunk), self.pool.submit(
            _render_chunk, chunk, self.output, self.staging,
            {job.path for job in chunk if job.path in self.existing}, self.flat)))
        if len(self.pending) - self.collected > self.in_flight:
            self._collect(None)

    def _collect(self, progress: Callable[[int, int], None] | None) -> None:
        size, future = self.pending[self.collected]
        self.pending[self.collected] = (size, _DONE)
        self.collected += 1
        self.written.update(future.result())
        self.done += size
        if progress:
            progress(self.done, self.total)


def _render_here(jobs: Iterable[OutputJob], output: Path, staging: Path, existing: set[str], flat: bool) -> list[str]:
    from .write import write_if_changed

    return [job.path for job in jobs if write_if_changed(job, output, staging, job.path in existing, flat)]


def _render_chunk(jobs: Sequence[OutputJob], output: Path, staging: Path, existing: set[str],
                  flat: bool) -> list[str]:
    return _render_here(jobs, output, staging, existing, flat)
