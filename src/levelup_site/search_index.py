"""Full-text search: a Pagefind index of the case-study pages, made by `levelup build`.

Pagefind (a Rust indexer, run through its Python API) reads the written case pages
and writes a static bundle to /pagefind/ that the search page queries in the
browser. The bundle is built beside the site and swapped in whole; it is rebuilt
only when a case page changed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from . import urls
from .write import exchange_folders

BUNDLE = urls.SEARCH_INDEX.rstrip("/")


def available() -> bool:
    try:
        import pagefind.index  # noqa: F401
    except ImportError:
        return False
    return True


def update(output: Path, language: str, pages: str) -> float:
    """Index the case pages in `output` (`pages`: a glob of their output files, wherever
    the site's permalink puts them) into output/pagefind; return the seconds taken.
    Only pages marked data-pagefind-body (the case pages) are kept, whatever else the
    glob matches."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor  # here: a build that indexes nothing needs neither

    from pagefind.index import IndexConfig, PagefindIndex

    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.search-", dir=output.parent))
    try:
        bundle = staging / BUNDLE
        config = IndexConfig(output_path=str(bundle), force_language=language.split("-")[0].lower())

        async def index() -> None:
            async with PagefindIndex(config=config) as pagefind:
                await pagefind.add_directory(str(output), glob=pages)

        # Pagefind's API is asynchronous; a thread of its own gives it an event loop even
        # when the caller already runs one (the preview server does).
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, index()).result()
        target = output / BUNDLE
        # Swapped in one step where the system can, so readers never meet a half-written index.
        if not (target.exists() and exchange_folders(bundle, target)):
            shutil.rmtree(target, ignore_errors=True)
            os.replace(bundle, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return time.perf_counter() - started
