"""Write the site: into a staging folder beside the output, swapped in only on success.

A build that fails, is interrupted or crashes part-way leaves the previous site
exactly as it was. Nothing is ever written or deleted outside the output folder,
and an output folder is only replaced if levelup made it.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import libc, parallel, urls
from .cache import OutputState, digest, folder_stamp, site_folders
from .errors import Problem, display_path

MARKER = ".levelup-site"
UNMANAGED = ("pagefind",)  # top-level folders another step writes (the search index)
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


def asset_version(static: list[OutputJob]) -> str:
    """A short hash of every static file, so browsers fetch changed CSS and JS."""
    return digest(*(f"{job.path}\0{job.fingerprint}" for job in static))[:10]


def _static_files(static_dirs: Sequence[Path]) -> dict[str, Path]:
    """Each static file's path below static/, with the file it is read from. The first
    folder holding a path wins, so a site's own file replaces the theme's of that name."""
    found: dict[str, Path] = {}
    for folder in static_dirs:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if path.is_file() and not path.is_symlink() and not any(part.startswith(".") for part in relative.parts):
                found.setdefault(relative.as_posix(), path)
    return dict(sorted(found.items()))


def static_jobs(static_dirs: Sequence[Path]) -> list[OutputJob]:
    jobs = []
    for name, source in _static_files(static_dirs).items():
        data = source.read_bytes()
        jobs.append(OutputJob(urls.STATIC + name, digest("static", data), _returning(data)))
    return jobs


def _returning(data: bytes) -> Callable[[], bytes]:
    return lambda: data


@dataclass(frozen=True)
class OutputJob:
    path: str  # relative to the output folder
    fingerprint: str  # a digest of everything the file's bytes depend on
    produce: Callable[[], bytes]
    # Whether `produce` pickles small (a page job), so that a worker process can run it;
    # the others (static files, data made from the whole site) are produced here.
    portable: bool = False


@dataclass(frozen=True)
class WriteResult:
    written: int  # files whose bytes changed (or that are new)
    kept: int  # files left exactly as they were
    removed: int
    state: OutputState


def write_site(output: Path, jobs: Iterable[OutputJob], previous: OutputState,
               progress: Callable[[int, int], None] | None = None,
               workers: parallel.Workers | None = None,
               current: dict[str, tuple[int, int]] | None = None,
               before_commit: Callable[[list[str]], None] | None = None) -> WriteResult:
    """Bring the output folder to exactly `jobs`, touching only files whose bytes change.

    `jobs` may be planned as they are asked for: each is rendered as soon as it comes,
    while the rest are planned. Every new or changed file is first written to a staging
    folder beside the output; nothing in the output is touched until all of them
    rendered and `before_commit`, given every path planned (repeats kept), has not
    objected (by raising). A rebuild is then committed by renaming each changed file
    into place (each rename is atomic, so no reader ever meets half a file) and removing
    the files the site no longer has. A first build, or one where a file must become a folder, links the
    unchanged files into the staging folder and swaps the two folders. Either way a
    failure or an interruption before the commit leaves the previous site exactly as it
    was, and a build that changes nothing writes nothing.
    `current` is what `current_files` gave, if the caller has just looked.
    """
    output = output.absolute()
    if output.parent.is_dir():
        _clear_leftovers(output)
    if current is None:
        current = _current_files(output)
    # Files to be renamed into place wait side by side, under names made from their
    # paths: no folder to make for each, nor to delete afterwards.
    flat = bool(current)
    planned: dict[str, str] = {}  # path -> fingerprint, in the order planned
    claimed: list[str] = []  # every path planned, repeats kept: two outputs may claim one
    staging: Path | None = None
    rendering: parallel.Rendering | None = None
    try:
        for job in jobs:
            if job.path not in previous.fingerprints and not urls.is_safe(job.path):  # the others were checked then
                raise ValueError(f"refusing to write outside the output folder: {job.path!r}")
            planned[job.path] = job.fingerprint
            claimed.append(job.path)
            if (previous.fingerprints.get(job.path) == job.fingerprint
                    and current.get(job.path) is not None and current[job.path] == previous.stats.get(job.path)):
                continue  # as the last build left it
            if rendering is None:
                staging = _new_staging(output)
                rendering = parallel.Rendering(output, staging, set(current), workers, flat)
            rendering.add(job)
        paths = list(planned)
        if before_commit is not None:
            before_commit(claimed)
        removed = sorted(set(current) - planned.keys())
        if rendering is None and current and not removed:
            return WriteResult(0, len(planned), 0, previous)
        if staging is None:
            staging = _new_staging(output)
        changed_set = rendering.finish(progress) if rendering is not None else set()
        changed = [path for path in paths if path in changed_set]
        if flat and renames_will_do(current, paths):
            _commit_in_place(staging, output, changed, removed, current)
        else:
            if flat:
                _unflatten(staging, changed)
            _commit_by_swap(staging, output, current, changed_set, paths)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    state = OutputState(fingerprints=planned, search_key=previous.search_key)
    for path in paths:
        if path in changed_set or path not in current:
            stat = (output / path).stat()
            state.stats[path] = (stat.st_size, stat.st_mtime_ns)
        else:
            state.stats[path] = current[path]
    return WriteResult(len(changed), len(paths) - len(changed), len(removed), state)


def _new_staging(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))


def _unflatten(staging: Path, changed: list[str]) -> None:
    """Put files staged side by side at their own paths, for a commit by swapping folders."""
    for path in changed:
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / _flat_name(path), staging / path)


def renames_will_do(current: dict[str, tuple[int, int]], paths: list[str]) -> bool:
    """Whether renaming the changed files into an existing site can bring it to `paths`:
    not for a first build, nor where a file must become a folder or a folder a file."""
    if not current:
        return False
    return ({folder[:-1] for folder in site_folders(paths)}.isdisjoint(current)
            and {folder[:-1] for folder in site_folders(current)}.isdisjoint(paths))


def current_files(output: Path, previous: OutputState | None = None) -> dict[str, tuple[int, int]]:
    """The files of the site now in `output` with their (size, mtime_ns); {} if there is none.
    `previous`, what the last build left there, spares listing the folders it vouches for."""
    return _current_files(output.absolute(), previous)


def unchanged(output: Path, previous: OutputState, apart_from: set[str] | frozenset[str] = frozenset(),
              current: dict[str, tuple[int, int]] | None = None) -> bool:
    """Whether `output` holds exactly the files the last build left there, as it left
    them (sizes and modification times), `apart_from` some: then a build from the same
    plan has nothing to do for the others."""
    if not previous.stats:
        return False
    current = current_files(output, previous) if current is None else current
    if not apart_from:
        return current == previous.stats
    return ({path: stat for path, stat in current.items() if path not in apart_from}
            == {path: stat for path, stat in previous.stats.items() if path not in apart_from})


def _clear_leftovers(output: Path) -> None:
    """Remove staging and retired folders that an interrupted build left beside the output."""
    for prefix in (f".{output.name}.building-", f".{output.name}.previous-"):
        for folder in output.parent.glob(glob.escape(prefix) + "*"):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _commit_in_place(staging: Path, output: Path, changed: list[str], removed: list[str],
                     current: dict[str, tuple[int, int]]) -> None:
    # The only moment the site is partly old and partly new: renames, a second or two for
    # ten thousand files (most of it the file system freeing the files replaced). A
    # whole-site swap would close even that gap, but it also makes and deletes a folder
    # per page, which costs file systems such as ext4 as much again.
    existing = site_folders(current)
    for added in sorted(site_folders(changed) - existing):  # parents first
        os.makedirs(output / added, exist_ok=True)
    base, staged = str(output), str(staging)
    for path in changed:
        os.replace(f"{staged}/{_flat_name(path)}", f"{base}/{path}")
    for path in removed:
        (output / path).unlink(missing_ok=True)
        folder = (output / path).parent
        while folder != output and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _commit_by_swap(staging: Path, output: Path, current: dict, changed: set[str], paths: list[str]) -> None:
    made_dirs: set[Path] = {staging}
    for path in paths:
        if path in changed:
            continue
        target = staging / path
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        _link_or_copy(output / path, target)
    if current:
        _link_or_copy(output / MARKER, staging / MARKER)
        for name in UNMANAGED:
            if (output / name).is_dir() and not (output / name).is_symlink():
                shutil.copytree(output / name, staging / name, copy_function=_link_or_copy)
    else:
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    staging.chmod(0o755)
    retired = _swap(staging, output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def _current_files(output: Path, previous: OutputState | None = None) -> dict[str, tuple[int, int]]:
    """The files of the site now in `output` with their (size, mtime_ns); {} if there is none.

    A folder whose stamp is the one `previous` kept (and whose parent is, or was listed)
    holds the names it held then: a name added, removed or renamed would have changed
    the stamp. So its files are looked up by name from `previous`, and only the other
    folders are listed, with any folder new since then.
    """
    if not (output / MARKER).is_file():
        return {}
    base = str(output)
    stamps = previous.folders if previous is not None else {}
    found: dict[str, tuple[int, int]] = {}
    vouched: set[str] = set()
    listed_folders: set[str] = {""}  # folders a listing showed (not links to folders)
    new_folders: list[str] = [] if stamps else [""]
    for folder, stamp in stamps.items():  # each folder after its parent
        if folder and folder[:folder.rfind("/", 0, -1) + 1] not in vouched and folder not in listed_folders:
            continue  # gone, or no longer a folder: its parent's listing shows what is there instead
        if stamp is not None and folder_stamp(_folder_path(base, folder)) == stamp:
            vouched.add(folder)
            continue
        for subfolder in _list_folder(base, folder, found):
            (listed_folders.add if subfolder in stamps else new_folders.append)(subfolder)
    while new_folders:
        new_folders += _list_folder(base, new_folders.pop(), found)
    for path in previous.stats if vouched and previous is not None else ():
        if path[:path.rfind("/") + 1] in vouched:
            try:
                stat = os.lstat(f"{base}/{path}")
            except OSError:
                continue  # gone since the stamp was taken: missing, as a listing would find it
            found[path] = (stat.st_size, stat.st_mtime_ns)
    found.pop(MARKER, None)
    return found


def _folder_path(base: str, folder: str) -> str:
    # No trailing slash: a folder replaced by a link is seen as the link, not followed.
    return f"{base}/{folder[:-1]}" if folder else base


def _list_folder(base: str, prefix: str, found: dict[str, tuple[int, int]]) -> list[str]:
    """Add the files in one folder of the site to `found`; return its folders."""
    folders = []
    try:
        entries = list(os.scandir(_folder_path(base, prefix)))
    except (FileNotFoundError, NotADirectoryError):
        return []  # removed while the output was looked at
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not prefix and entry.name in UNMANAGED:
                continue  # written by its own step, after the pages
            folders.append(f"{prefix}{entry.name}/")
        else:
            stat = entry.stat(follow_symlinks=False)
            found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns)
    return folders


def staged_path(staging: Path, path: str, flat: bool) -> Path:
    """Where a rendered file waits for the commit: at its own path in a staging folder that
    is swapped in whole, or, `flat`, under a name made from its path, to be renamed into place."""
    return staging / _flat_name(path) if flat else staging / path


def _flat_name(path: str) -> str:
    return digest(path)[:32]


def write_if_changed(job: OutputJob, output: Path, staging: Path, exists: bool, flat: bool = False) -> bool:
    """Render one file into the staging folder unless the output already holds its bytes."""
    data = job.produce()
    if exists and _same_bytes(output / job.path, data):
        return False
    target = staged_path(staging, job.path, flat)
    if not flat:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, output: Path) -> Path | None:
    """Put the staging folder in the output's place; return where the old site went."""
    if not output.exists():
        os.replace(staging, output)
        return None
    if exchange_folders(staging, output):
        return staging  # now holding the previous site
    # Without an atomic exchange: two renames, undone if the second fails.
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.previous-", dir=output.parent))
    os.replace(output, retired / "site")
    try:
        os.replace(staging, output)
    except BaseException:
        os.replace(retired / "site", output)  # put the last good site back
        shutil.rmtree(retired, ignore_errors=True)
        raise
    return retired


def exchange_folders(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 with RENAME_EXCHANGE), so
    there is never a moment without a site; False where the system cannot, and the
    caller falls back to two renames."""
    renameat2 = libc.linux_function("renameat2")
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(second))
