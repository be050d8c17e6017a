"""Write the site: into a staging folder beside the output, swapped in only on success.

A build that fails, is interrupted or crashes part-way leaves the previous site
exactly as it was. Nothing is ever written or deleted outside the output folder,
and an output folder is only replaced if levelup made it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from . import urls
from .errors import Problem, display_path
from .render import RenderedFile

MARKER = ".levelup-site"
MARKER_TEXT = "This folder is a site built by levelup; a rebuild replaces everything in it.\n"


def output_problem(output: Path, project_root: Path, protected: Iterable[Path]) -> Problem | None:
    """Why `output` must not be used as the output folder, or None if it is fine."""
    shown = display_path(output)
    target = output.resolve()
    refuse = {
        Path("/").resolve(): "it is the root of the file system",
        Path.home().resolve(): "it is your home folder",
        project_root.resolve(): "it is the project folder itself",
    }
    if target in refuse:
        return Problem(shown, None, "--output", f"cannot be the output folder: {refuse[target]}",
                       "use a folder of its own, such as _site")
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target.is_relative_to(folder) or folder.is_relative_to(target):
            return Problem(shown, None, "--output",
                           f"cannot be the output folder: it overlaps {display_path(folder)}, "
                           "which holds the site's sources",
                           "use a folder of its own, such as _site")
    if target.exists() and not target.is_dir():
        return Problem(shown, None, "--output", "is a file, not a folder", "choose a folder name")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        return Problem(shown, None, "--output",
                       "already holds files that levelup did not write, so it will not be replaced",
                       "choose an empty or new folder, or empty this one yourself if it is safe to")
    return None


def asset_version(static_dir: Path) -> str:
    """A short hash of every static file, so browsers fetch changed CSS and JS."""
    digest = hashlib.sha256()
    for path in _static_files(static_dir):
        digest.update(path.relative_to(static_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _static_files(static_dir: Path) -> list[Path]:
    if not static_dir.is_dir():
        return []
    return sorted(p for p in static_dir.rglob("*") if p.is_file() and not p.is_symlink()
                  and not any(part.startswith(".") for part in p.relative_to(static_dir).parts))


def static_names(static_dir: Path) -> list[str]:
    """The static files as site paths below static/, e.g. "css/site.css"."""
    return [p.relative_to(static_dir).as_posix() for p in _static_files(static_dir)]


def write_site(output: Path, files: Iterable[RenderedFile], static_dir: Path) -> int:
    """Write every file and the static assets; return how many files were written."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        count = 0
        for rendered in files:
            if not urls.is_safe(rendered.path):
                raise ValueError(f"refusing to write outside the output folder: {rendered.path!r}")
            target = staging / rendered.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rendered.data)
            count += 1
        for source in _static_files(static_dir):
            target = staging / urls.STATIC / source.relative_to(static_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            count += 1
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        staging.chmod(0o755)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.previous-", dir=output.parent))
    os.replace(output, retired / "site")
    try:
        os.replace(staging, output)
    except BaseException:
        os.replace(retired / "site", output)  # put the last good site back
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)
