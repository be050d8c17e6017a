"""`levelup init`: start a new site folder from the starter site shipped in the package.

The starter (levelup_site/starter/) is a complete small site: settings, an example
vocabulary, one case study, an about page, a .gitignore and GitHub workflows that
check pull requests and publish to GitHub Pages. It has no templates or static
files of its own, so it is built with the default theme until the author adds a
file to override.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import Problem, SiteError, display_path

STARTER = Path(__file__).resolve().parent / "starter"


def init_site(folder: Path) -> list[str]:
    """Write the starter site into `folder`, which must be new or empty; return the
    paths written, relative to it. Refuses anything else and then writes nothing."""
    shown = display_path(folder)
    if folder.exists() and not folder.is_dir():
        raise SiteError([Problem(shown, None, None, "is a file, not a folder",
                                 "choose a new folder name, such as mysite")])
    if folder.is_dir() and any(folder.iterdir()):
        raise SiteError([Problem(shown, None, None, "already exists and is not empty",
                                 "choose a new folder name, such as mysite, or empty this one first")])
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Copied beside the target, then renamed into place: an interrupted init leaves no half-made site.
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=folder.parent))
    try:
        shutil.copytree(STARTER, staging, dirs_exist_ok=True)
        staging.chmod(0o755)
        if folder.is_dir():
            folder.rmdir()  # empty, checked above
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
