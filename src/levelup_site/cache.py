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
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_DIR = ".levelup-cache"
CACHE_FILE = "build.pickle"
FORMAT = 4
KEY_BYTES = 32
MAX_OUTPUTS = 4  # output folders remembered (site, preview, ...)


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
    for module in sorted(source.glob("*.py")):
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
    # shown path -> (file signature, vocabulary digest, file key): lets an unchanged file
    # go unread. Only signatures older than a second before the cache was saved are
    # trusted, so an edit in the same instant as a build is never missed (git's "racy" rule).
    signatures: dict[str, tuple] = field(default_factory=dict)
    new_signatures: dict[str, tuple] = field(default_factory=dict)
    saved_ns: int = 0

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
            cache.signatures, cache.saved_ns = stored["signatures"], stored["saved_ns"]
        except Exception:  # noqa: BLE001 - missing, truncated, corrupt, forged or stale: start afresh
            cache.dirty = True
        return cache

    def known_key(self, shown: str, signature: tuple, vocabulary: str) -> str | None:
        entry = self.signatures.get(shown)
        if entry and entry[0] == signature and entry[1] == vocabulary and signature[2] < self.saved_ns - 10**9:
            return entry[2]
        return None

    def remember_key(self, shown: str, signature: tuple | None, vocabulary: str, key: str) -> None:
        if signature is not None:
            self.new_signatures[shown] = (signature, vocabulary, key)

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
        self.saved_ns = time.time_ns()
        data = pickle.dumps({"format": FORMAT, "salt": self.salt, "files": files, "outputs": self.outputs,
                             "signatures": self.signatures, "saved_ns": self.saved_ns},
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
