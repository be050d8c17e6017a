"""The persistent build cache in .levelup-cache/ beside the content folder.

It remembers, for each case-study file, what loading it gave (clean values and
rendered HTML, or problems), keyed by a hash of its path and bytes; and, for each
output folder, a fingerprint of every page's inputs with the file it produced.
Everything is salted with the versions of levelup and its renderers, so a change
to any of them misses the cache. A cache that cannot be read for any reason is
discarded: the cache can make a build faster, never different.

The cache is a pickle, and unpickling runs code, while the cache folder sits in a
checkout that pull requests can write to. So every cache file is signed with a key
kept outside the checkout (in the user's cache folder), and one whose signature does
not match is never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_DIR = ".levelup-cache"
CACHE_FILE = "build.pickle"
FORMAT = 5
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


def signing_key() -> bytes | None:
    """This user's cache-signing key, made on first use; None if it cannot be kept."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "levelup" / "cache-key"
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


@dataclass(frozen=True)
class FileSignature:
    """A content file's metadata: while it is unchanged, the file need not be read."""

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


@dataclass(frozen=True)
class KnownFile:
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


@dataclass
class BuildCache:
    path: Path | None
    salt: str
    files: dict[str, Any] = field(default_factory=dict)  # file key -> LoadedFile
    outputs: dict[str, OutputState] = field(default_factory=dict)
    used_files: set[str] = field(default_factory=set)
    key: bytes | None = None
    dirty: bool = False
    # shown path -> what was last seen of it: lets an unchanged file go unread.
    signatures: dict[str, KnownFile] = field(default_factory=dict)
    new_signatures: dict[str, KnownFile] = field(default_factory=dict)

    @classmethod
    def open(cls, project_root: Path | None, salt: str) -> BuildCache:
        key = signing_key() if project_root is not None else None
        if key is None:
            return cls(None, salt)
        path = project_root / CACHE_DIR / CACHE_FILE
        cache = cls(path, salt, key=key)
        try:
            blob = path.read_bytes()
            signature, data = blob[:64], blob[64:]
            if not hmac.compare_digest(signature, _sign(key, data)):
                raise ValueError("not signed by this user")
            stored = pickle.loads(data)
            if stored["format"] != FORMAT or stored["salt"] != salt:
                raise ValueError("stale")
            cache.files, cache.outputs = stored["files"], stored["outputs"]
            cache.signatures = stored["signatures"]
        except Exception:  # noqa: BLE001 - missing, truncated, corrupt, forged or stale: start afresh
            cache.dirty = True
        return cache

    def known_key(self, shown: str, signature: FileSignature, vocabulary: str) -> str | None:
        entry = self.signatures.get(shown)
        return entry.key if entry and entry.vouches_for(signature, vocabulary) else None

    def remember_key(self, shown: str, signature: FileSignature | None, vocabulary: str, key: str,
                     seen_ns: int) -> None:
        if signature is not None:
            self.new_signatures[shown] = KnownFile(signature, vocabulary, key, seen_ns)

    def get_file(self, key: str):
        found = self.files.get(key)
        if found is not None:
            self.used_files.add(key)
        return found

    def put_file(self, key: str, loaded) -> None:
        self.files[key] = loaded
        self.used_files.add(key)
        self.dirty = True

    def output(self, output_dir: Path, variant: str) -> OutputState:
        return self.outputs.get(f"{output_dir.resolve()}|{variant}", OutputState())

    def remember_output(self, output_dir: Path, variant: str, state: OutputState) -> None:
        key = f"{output_dir.resolve()}|{variant}"
        if list(self.outputs)[-1:] == [key] and self.outputs[key] == state:
            return
        self.dirty = True
        self.outputs.pop(key, None)
        self.outputs[key] = state  # most recent last
        while len(self.outputs) > MAX_OUTPUTS:
            self.outputs.pop(next(iter(self.outputs)))

    def save(self) -> None:
        """Write the cache atomically, keeping only entries this build used; then get
        ready for the next build (a preview server keeps one cache for many)."""
        if self.path is None or self.key is None:
            return
        files = {key: self.files[key] for key in self.used_files if key in self.files}
        changed = self.dirty or len(files) != len(self.files) or self.new_signatures != self.signatures
        self.files, self.used_files, self.dirty = files, set(), False
        self.signatures, self.new_signatures = self.new_signatures, {}
        if not changed:
            return
        data = pickle.dumps({"format": FORMAT, "salt": self.salt, "files": files, "outputs": self.outputs,
                             "signatures": self.signatures},
                            protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(prefix=".build-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as file:
                file.write(_sign(self.key, data) + data)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only checkout still builds, only more slowly next time
