"""Load many case-study files across processes; small batches stay in this one.

Rendering Markdown dominates a cold build of a large site. Starting worker
processes costs more than it saves for a few dozen files, so below a threshold
everything runs here.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

from .markdown import MarkdownRenderer
from .models import Taxonomy

PARALLEL_THRESHOLD = 200  # files; below this, one process is faster
CHUNK = 64

_worker: tuple[tuple[Taxonomy, ...], MarkdownRenderer] | None = None


def load_files(items: list[tuple[bytes, str, str, str]], taxonomies: tuple[Taxonomy, ...]) -> list:
    """`items` are (raw bytes, display path, file stem, cache key); returns LoadedFile values in order."""
    from .content import load_file

    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_THRESHOLD or workers < 2:
        renderer = MarkdownRenderer()
        return [load_file(*item, taxonomies, renderer) for item in items]
    # fork starts workers in milliseconds and shares the loaded modules; elsewhere, the default.
    context = get_context("fork") if "fork" in get_all_start_methods() else get_context()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_start_worker, initargs=(taxonomies,)) as pool:
        return list(pool.map(_load_in_worker, items, chunksize=CHUNK))


def _start_worker(taxonomies: tuple[Taxonomy, ...]) -> None:
    global _worker
    _worker = (taxonomies, MarkdownRenderer())


def _load_in_worker(item: tuple[bytes, str, str, str]):
    from .content import load_file

    taxonomies, renderer = _worker
    return load_file(*item, taxonomies, renderer)
