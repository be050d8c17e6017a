"""The persistent build cache in .levelup-cache/ beside the content folder.

It remembers, for each case-study file, what loading it gave (clean values, or
problems), keyed by a hash of its path and bytes; and, for each output folder, a
fingerprint of every page's inputs with the file it produced. That is the index,
read by every build. What the files gave is kept in shards (`files/`, a few dozen
files, each holding the entries whose key starts alike), so that a one-file edit
rewrites the index and two shards, not every entry of the site. Rendered bodies are
kept apart, in packs in `bodies/` (see `BodyStore`), and read only to render a case
page again: a one-file edit writes one body, not every body of the site.
Everything is salted with the versions of levelup and its renderers, so a change
to any of them misses the cache. A cache that cannot be read for any reason is
discarded: the cache can make a build faster, never different.

The index is a pickle, and unpickling runs code, while the cache folder sits in a
checkout that pull requests can write to. So every cache file is signed with a key
kept outside the checkout (in the user's cache folder), and one whose signature does
not match is never unpickled (nor, for a body, copied into a page).

LEVELUP_CACHE_DIR moves both, the cache and the key, into a folder of the user's
choosing (a CI cache, a folder outside a read-only checkout).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import shutil
import stat
import sys
import tempfile
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

CACHE_DIR = ".levelup-cache"
CACHE_FILE = "index.pickle"
BODIES_DIR = "bodies"
FILES_DIR = "files"  # the index's shards
SHARDS = 32  # shards of the loaded files' entries, by the first byte of their key
KEY_FILE = "cache-key"
CACHE_ENV = "LEVELUP_CACHE_DIR"  # moves the cache and its signing key
FORMAT = 7
SIGNATURE_BYTES = 64  # blake2b
KEY_BYTES = 32
MAX_OUTPUTS = 4  # output folders remembered (site, preview, ...)
# The coarsest timestamp a contributor's disk is likely to keep: FAT's two seconds.
TIMESTAMP_TICK_NS = 2 * 10**9


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


def code_salt() -> str:
    """Changes whenever levelup's code or a library that shapes the output changes."""
    source = Path(__file__).resolve().parent
    parts: list[bytes | str] = [str(FORMAT), sys.version]
    for name in ("cmarkgfm", "nh3", "jinja2", "pyyaml", "python-frontmatter"):
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    for module in sorted(source.rglob("*.py")):  # the pages/ planners too
        parts.append(module.read_bytes())
    return digest(*parts)


def cache_folder(project_root: Path) -> Path:
    """Where a project's cache lives: .levelup-cache/ beside the content folder, or a
    folder of its own (named for the project's path) inside LEVELUP_CACHE_DIR."""
    moved = os.environ.get(CACHE_ENV)
    if moved:
        return Path(moved) / "sites" / digest(str(project_root.resolve()))[:16]
    return project_root / CACHE_DIR


def key_file() -> Path:
    """The signing key: in the user's cache folder (XDG_CACHE_HOME, else ~/.cache), out
    of reach of the checkout; or in LEVELUP_CACHE_DIR when that is set."""
    moved = os.environ.get(CACHE_ENV)
    if moved:
        return Path(moved) / KEY_FILE
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "levelup" / KEY_FILE


def signing_key() -> bytes | None:
    """This user's cache-signing key, made on first use; None if it cannot be kept."""
    path = key_file()
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(secrets.token_bytes(KEY_BYTES))
        os.replace(temporary, path)
        return path.read_bytes()
    except OSError:
        return None


def _sign(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.blake2b).digest()


def ctime_is_change_time() -> bool:
    """Whether st_ctime is when a file last changed, as on Linux and macOS. On Windows
    it is when the file was created, which an edit leaves alone."""
    return os.name == "posix"


class FileSignature(NamedTuple):
    """A content file's metadata: while it is unchanged, the file need not be read.
    (Named tuples, these and `KnownFile`: 10,000 of each are made, compared and read
    from the index by every build, and a tuple costs a fraction of a dataclass.)"""

    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int
    changed_ns: int  # when the file last changed, as far as its metadata can tell


def file_signature(info: os.stat_result) -> FileSignature:
    changed_ns = info.st_mtime_ns
    if ctime_is_change_time():  # also catches an edit that put back an old modification time
        changed_ns = max(changed_ns, info.st_ctime_ns)
    return FileSignature(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, changed_ns)


class KnownFile(NamedTuple):
    """What the cache last saw of one content file."""

    signature: FileSignature
    vocabulary: str  # digest of the vocabularies it was validated against
    key: str  # the file key its bytes gave
    seen_ns: int  # the clock just before the signature was taken

    def vouches_for(self, signature: FileSignature, vocabulary: str) -> bool:
        """Whether `signature` proves the file is as it was then. Not when it last changed
        within a timestamp tick of being seen: an edit in that same tick would leave the
        metadata as it was (git's "racy" rule)."""
        return (signature == self.signature and vocabulary == self.vocabulary
                and signature.changed_ns < self.seen_ns - TIMESTAMP_TICK_NS)


@dataclass
class OutputState:
    """What the last build wrote to one output folder."""

    fingerprints: dict[str, str] = field(default_factory=dict)  # output path -> inputs fingerprint
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # output path -> (size, mtime_ns)
    search_key: str = ""  # what the search index in this folder was built from
    # What the plan was made from (`pipeline.plan_key`) and the links it found broken:
    # while both the key and the files are as they were, the build need not plan again.
    plan_key: str = ""
    link_problems: tuple[Any, ...] = ()
    address_problems: tuple[Any, ...] = ()  # which depend on case studies' metadata and the files alone
    # The same without the case studies' bodies, and the body each case page was made
    # from: an edit to a body alone needs only that case page planned again.
    shape_key: str = ""
    page_bodies: dict[str, str] = field(default_factory=dict)  # output path -> case study key
    # Each folder of the site ("" the top, else "a/b/") with its stamp once the build was
    # done, or None where it changed too lately to vouch for: a folder whose stamp is the
    # same still holds the same names, so listing the output need not read it again.
    folders: dict[str, FolderStamp | None] = field(default_factory=dict)


FolderStamp = tuple[int, int, int]  # a folder's (inode, mtime_ns, ctime_ns)


def folder_stamp(path: str) -> FolderStamp | None:
    """What changes whenever a name is added to, removed from or renamed in the folder
    at `path` (its modification and change times; its inode, when it is replaced)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns) if stat.S_ISDIR(info.st_mode) else None


def site_folders(paths: Iterable[str]) -> set[str]:
    """The folders holding `paths` (files in an output folder) and their parents, each
    as "a/b/"; the top folder is ""."""
    folders = {""}
    for folder in {path[:path.rfind("/") + 1] for path in paths}:
        while folder not in folders:
            folders.add(folder)
            folder = folder[:folder.rfind("/", 0, -1) + 1]
    return folders


def folder_stamps(output: Path, stats: Mapping[str, Any], looked_ns: int,
                  kept: Mapping[str, FolderStamp | None] | None = None) -> dict[str, FolderStamp | None]:
    """Each folder's stamp, parents first, for the folders holding the files `stats`
    names; None where it cannot vouch for the folder's names. A stamp in `kept` (not
    None) is kept as it is.

    A stamp taken now shows every change up to now, but one more change in the same
    timestamp tick would leave it as it is (git's "racy" rule). A folder unchanged since a
    tick before `looked_ns`, when the build listed the output, holds what that listing
    showed. One changed since, by the build itself or by anything else, is listed again
    now: it is vouched for if it holds just the names the build left there and is a tick
    older than this listing."""
    from .write import MARKER, UNMANAGED

    folders = site_folders(stats)
    kept = kept or {}
    names: dict[str, set[str]] = {}  # each folder's files and folders, made when first needed
    stamps: dict[str, FolderStamp | None] = {}
    now = time.time_ns()
    for folder in sorted(folders):  # "a/" sorts before "a/b/"
        if kept.get(folder) is not None:
            stamps[folder] = kept[folder]
            continue
        if not names:
            names = _names_in(folders, stats)
        path = os.path.join(output, folder[:-1]) if folder else str(output)
        stamp = folder_stamp(path)
        if stamp is not None and max(stamp[1:]) >= looked_ns - TIMESTAMP_TICK_NS:
            ignored = {MARKER, *UNMANAGED} if not folder else set()
            if max(stamp[1:]) >= now - TIMESTAMP_TICK_NS or _names(path) - ignored != names[folder]:
                stamp = None
        stamps[folder] = stamp
    return stamps


def _names_in(folders: set[str], stats: Mapping[str, Any]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {folder: set() for folder in folders}
    for path in stats:
        cut = path.rfind("/") + 1
        names[path[:cut]].add(path[cut:])
    for folder in folders:
        if folder:
            cut = folder.rfind("/", 0, -1) + 1
            names[folder[:cut]].add(folder[cut:-1])
    return names


def _names(folder: str) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def shard_of(key: str) -> int:
    """The shard holding a loaded file's entry: keys are hex digests, spread evenly."""
    return int(key[:2], 16) % SHARDS


def _shard_name(key: bytes, data: bytes) -> str:
    return _sign(key, data).hex()[:32]


class CacheDamaged(Exception):
    """A body the index vouches for is missing or not signed by this user: the cache
    was changed behind the build's back, and the build starts again without it."""


class BodyStore:
    """Rendered case-study bodies, in signed packs: a few dozen bodies to a file.

    Bodies are written where files are loaded (a worker process, often), one pack per
    batch, and read where a page is rendered, so they never pass through the process
    that plans the build. A body is found by its location, "pack:offset:length", which
    the index keeps with the file it came from; every body is signed on its own. (One
    file per body cost more to create than the body cost to render.) A pack is removed
    once no body in it is used. A build without a cache keeps its packs in a private
    temporary folder, removed when the build is done. A store pickles as its folder and
    key, so a worker started by any method reads and writes the same files."""

    def __init__(self, folder: Path, key: bytes, temporary: bool = False):
        self.folder = folder
        self.key = key
        self._remove = weakref.finalize(self, shutil.rmtree, folder, True) if temporary else None

    @classmethod
    def temporary(cls) -> BodyStore:
        return cls(Path(tempfile.mkdtemp(prefix="levelup-bodies-")), secrets.token_bytes(KEY_BYTES), temporary=True)

    def __eq__(self, other: object) -> bool:  # a copy in a worker is the same store
        return isinstance(other, BodyStore) and (self.folder, self.key) == (other.folder, other.key)

    def __hash__(self) -> int:
        return hash((self.folder, self.key))

    def __getstate__(self) -> tuple[Path, bytes]:
        return self.folder, self.key  # a copy in a worker never removes the folder

    def __setstate__(self, state: tuple[Path, bytes]) -> None:
        self.folder, self.key = state
        self._remove = None

    def write(self, bodies: list[tuple[str, str]]) -> dict[str, str]:
        """Store (file key, body) pairs in one pack; return each key's location."""
        pack = digest(*(key for key, _ in bodies))
        locations, parts, offset = {}, [], 0
        for key, body in bodies:
            data = body.encode("utf-8")
            parts += [_sign(self.key, data), data]
            locations[key] = f"{pack}:{offset}:{SIGNATURE_BYTES + len(data)}"
            offset += SIGNATURE_BYTES + len(data)
        path = self.folder / pack
        temporary = path.with_name(f".{pack}.{os.getpid()}")
        temporary.write_bytes(b"".join(parts))
        os.replace(temporary, path)  # a reader never meets half a pack
        return locations

    def read(self, location: str) -> str:
        pack, offset, length = location.split(":")
        try:
            with open(self.folder / pack, "rb") as file:
                file.seek(int(offset))
                blob = file.read(int(length))
        except OSError as error:
            raise CacheDamaged(location) from error
        signature, data = blob[:SIGNATURE_BYTES], blob[SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, _sign(self.key, data)):
            raise CacheDamaged(location)
        return data.decode("utf-8")

    def packs(self) -> set[str]:
        try:
            return {entry.name for entry in os.scandir(self.folder) if not entry.name.startswith(".")}
        except OSError:
            return set()

    def keep_only(self, locations: Iterable[str]) -> None:
        """Remove the packs no location points into (and any a crash left half-written)."""
        _keep_only(self.folder, {location.split(":", 1)[0] for location in locations})

    def close(self) -> None:
        if self._remove is not None:
            self._remove()


def _keep_only(folder: Path, used: set[str]) -> None:
    """Remove every file in `folder` but those named in `used`."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name not in used:
                Path(entry.path).unlink(missing_ok=True)


@dataclass
class BuildCache:
    path: Path | None  # the index file; None for a build that keeps no cache
    salt: str
    bodies: BodyStore
    files: dict[str, Any] = field(default_factory=dict)  # file key -> LoadedFile (without its body)
    outputs: dict[str, OutputState] = field(default_factory=dict)
    used_files: set[str] = field(default_factory=set)
    key: bytes | None = None
    dirty: bool = False
    # shown path -> what was last seen of it: lets an unchanged file go unread.
    signatures: dict[str, KnownFile] = field(default_factory=dict)
    new_signatures: dict[str, KnownFile] = field(default_factory=dict)
    stored_packs: set[str] | None = None  # the body store's packs, listed on first use
    shards: dict[int, str] = field(default_factory=dict)  # shard number -> the file holding it
    changed_shards: set[int] = field(default_factory=set)  # shards with an entry added since they were written
    looked_ns: dict[str, int] = field(default_factory=dict)  # when each output was asked for
    # A preview server keeps the cache in memory and writes the index when it is idle
    # (`write_deferred`), not on the way to each edited page.
    defer_writing: bool = False
    unwritten: bool = False

    @classmethod
    def none(cls, salt: str = "") -> BuildCache:
        """No cache: nothing is read, and nothing is written outside a temporary folder."""
        return cls(None, salt, BodyStore.temporary())

    @classmethod
    def open(cls, project_root: Path | None, salt: str) -> BuildCache:
        key = signing_key() if project_root is not None else None
        if project_root is None or key is None:
            return cls.none(salt)
        folder = cache_folder(project_root)
        try:
            (folder / BODIES_DIR).mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
        except OSError:
            return cls.none(salt)  # a read-only checkout still builds, only more slowly
        index = folder / CACHE_FILE
        cache = cls(index, salt, BodyStore(folder / BODIES_DIR, key), key=key)
        try:
            blob = index.read_bytes()
            signature, data = blob[:SIGNATURE_BYTES], blob[SIGNATURE_BYTES:]
            if not hmac.compare_digest(signature, _sign(key, data)):
                raise ValueError("not signed by this user")
            stored = pickle.loads(data)
            if stored["format"] != FORMAT or stored["salt"] != salt:
                raise ValueError("stale")
            files = {}
            for name in stored["shards"].values():
                files.update(cache._read_shard(name))
            cache.files, cache.outputs, cache.shards = files, stored["outputs"], stored["shards"]
            cache.signatures = stored["signatures"]
        except Exception:  # noqa: BLE001 - missing, truncated, corrupt, forged or stale: start afresh
            cache.forget()
        return cache

    def _read_shard(self, name: str) -> dict[str, Any]:
        """One shard's entries. A shard is named for its signature, and the signed index
        names the shards it holds: one changed or swapped for another is never unpickled."""
        assert self.path is not None and self.key is not None
        data = (self.path.parent / FILES_DIR / name).read_bytes()
        if not hmac.compare_digest(name, _shard_name(self.key, data)):
            raise ValueError("not signed by this user")
        return pickle.loads(data)

    def _write_shard(self, entries: dict[str, Any]) -> str:
        assert self.path is not None and self.key is not None
        data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        name = _shard_name(self.key, data)
        handle, temporary = tempfile.mkstemp(prefix=".shard-", dir=self.path.parent / FILES_DIR)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, self.path.parent / FILES_DIR / name)
        return name

    def forget(self) -> None:
        """Drop everything remembered (a body went missing or was forged): the next
        build, or the rest of this one, starts as if there were no cache."""
        self.files, self.outputs, self.used_files = {}, {}, set()
        self.signatures, self.new_signatures, self.stored_packs = {}, {}, None
        self.shards, self.changed_shards = {}, set(range(SHARDS))
        self.dirty = True

    def recall(self, shown: str, signature: FileSignature, vocabulary: str) -> Any:
        """What loading the file at `shown` gave, if `signature` proves it unchanged since
        the cache saw it and what it gave is still kept; then the file need not be read."""
        known = self.signatures.get(shown)
        if known is None or not known.vouches_for(signature, vocabulary):
            return None
        found = self.get_file(known.key)
        if found is not None:
            self.new_signatures[shown] = known  # as good as new
        return found

    def remember_key(self, shown: str, signature: FileSignature | None, vocabulary: str, key: str,
                     seen_ns: int) -> None:
        if signature is None:
            return
        known = self.signatures.get(shown)
        if known is not None and known.key == key and known.vouches_for(signature, vocabulary):
            self.new_signatures[shown] = known  # as good as new, and the index need not be written again
        else:
            self.new_signatures[shown] = KnownFile(signature, vocabulary, key, seen_ns)

    def get_file(self, key: str) -> Any:
        """What loading the file with this key gave, if it is remembered and its body
        (if it has one) is still in the store."""
        found = self.files.get(key)
        if found is None:
            return None
        if found.body is not None:
            if self.stored_packs is None:
                self.stored_packs = self.bodies.packs()  # one listing, not a look-up per file
            if found.body.split(":", 1)[0] not in self.stored_packs:
                return None
        self.used_files.add(key)
        return found

    def put_file(self, key: str, loaded: Any) -> None:
        self.files[key] = loaded
        self.used_files.add(key)
        self.changed_shards.add(shard_of(key))
        self.dirty = True

    def output(self, output_dir: Path, variant: str) -> OutputState:
        """What the last build left in `output_dir`; asked for before the build looks
        at the folder, which is the time its folders' stamps are judged by."""
        key = f"{output_dir.resolve()}|{variant}"
        self.looked_ns[key] = time.time_ns()
        return self.outputs.get(key, OutputState())

    def remember_output(self, output_dir: Path, variant: str, state: OutputState) -> None:
        """Keep `state`, now in `output_dir`, with its folders' stamps: taken again
        after a build that wrote, or while any was too recent to vouch for."""
        key = f"{output_dir.resolve()}|{variant}"
        previous = self.outputs.get(key)
        if state is not previous or None in state.folders.values() or not state.folders:
            # A folder this build wrote nothing to keeps its stamp: if anything else changed
            # it, the stamp no longer matches and the next build lists it.
            kept = previous.folders if previous is not None else {}
            written = {path for path, stat in state.stats.items() if previous is None or previous.stats.get(path) != stat}
            written |= previous.stats.keys() - state.stats.keys() if previous is not None else set()
            touched = site_folders(written)
            stamps = folder_stamps(output_dir, state.stats, self.looked_ns.get(key, 0),
                                   {folder: stamp for folder, stamp in kept.items() if folder not in touched})
            state = replace(state, folders=stamps)
        if list(self.outputs)[-1:] == [key] and self.outputs[key] == state:
            return
        self.dirty = True
        self.outputs.pop(key, None)
        self.outputs[key] = state  # most recent last
        while len(self.outputs) > MAX_OUTPUTS:
            self.outputs.pop(next(iter(self.outputs)))

    def save(self) -> None:
        """Write the index atomically, keeping only entries this build used, and remove
        the bodies no entry needs; then get ready for the next build (a preview server
        keeps one cache for many). Only the shards whose entries changed are written."""
        if self.path is None or self.key is None:
            return
        files = {key: self.files[key] for key in self.used_files if key in self.files}
        changed = self.changed_shards | {shard_of(key) for key in self.files.keys() - files.keys()}
        write = self.dirty or bool(changed) or self.new_signatures != self.signatures
        self.files, self.used_files, self.dirty = files, set(), False
        self.signatures, self.new_signatures = self.new_signatures, {}
        self.stored_packs = None
        if not write:
            return
        self.changed_shards = changed  # until they are written
        if self.defer_writing:
            # The index on disk stays the last one written: it vouches only for output
            # files whose size and time it recorded, so the files rewritten since are
            # planned again if the server stops before it writes this one.
            self.unwritten = True
            return
        self._write()

    def write_deferred(self) -> None:
        """Write the index a deferred `save` left unwritten, if any."""
        if self.unwritten:
            self.unwritten = False
            self._write()

    def _write(self) -> None:
        if self.path is None or self.key is None:
            return
        files, changed = self.files, self.changed_shards
        try:
            (self.path.parent / FILES_DIR).mkdir(exist_ok=True)
            shards: dict[int, dict[str, Any]] = {number: {} for number in changed}
            for key, loaded in files.items():
                entries = shards.get(shard_of(key))
                if entries is not None:
                    entries[key] = loaded
            for number, entries in sorted(shards.items()):
                if entries:
                    self.shards[number] = self._write_shard(entries)
                else:
                    self.shards.pop(number, None)
            self.changed_shards = set()
            data = pickle.dumps({"format": FORMAT, "salt": self.salt, "shards": self.shards,
                                 "outputs": self.outputs, "signatures": self.signatures},
                                protocol=pickle.HIGHEST_PROTOCOL)
            handle, temporary = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as file:
                file.write(_sign(self.key, data) + data)
            os.replace(temporary, self.path)
            _keep_only(self.path.parent / FILES_DIR, set(self.shards.values()))
            self.bodies.keep_only(loaded.body for loaded in files.values() if loaded.body is not None)
        except OSError:
            self.dirty = True  # a read-only checkout still builds, only more slowly next time

    def close(self) -> None:
        self.bodies.close()
