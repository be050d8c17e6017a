"""The persistent build cache in .levelup-cache/ beside the content folder.

It remembers, for each case-study file, what loading it gave (clean values and
rendered HTML, or problems), keyed by a hash of its path and bytes; and, for each
output folder, a fingerprint of every page's inputs with the file it produced.
Everything is salted with the versions of levelup and its renderers and with the
vocabularies, so a change to any of them misses the cache. A cache that cannot be
read for any reason is discarded: the cache can make a build faster, never different.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_DIR = ".levelup-cache"
CACHE_FILE = "build.pickle"
FORMAT = 1
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
    for name in ("markdown", "nh3", "jinja2", "pyyaml", "python-frontmatter"):
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    for module in sorted(source.glob("*.py")):
        parts.append(module.read_bytes())
    return digest(*parts)


@dataclass
class OutputState:
    """What the last build wrote to one output folder."""

    fingerprints: dict[str, str] = field(default_factory=dict)  # output path -> inputs fingerprint
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # output path -> (size, mtime_ns)


@dataclass
class BuildCache:
    path: Path | None
    salt: str
    files: dict[str, Any] = field(default_factory=dict)  # file key -> LoadedFile
    outputs: dict[str, OutputState] = field(default_factory=dict)
    used_files: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, project_root: Path | None, salt: str) -> "BuildCache":
        if project_root is None:
            return cls(None, salt)
        path = project_root / CACHE_DIR / CACHE_FILE
        try:
            with path.open("rb") as file:
                stored = pickle.load(file)
            if stored["format"] != FORMAT or stored["salt"] != salt:
                raise ValueError("stale")
            return cls(path, salt, files=stored["files"], outputs=stored["outputs"])
        except Exception:  # missing, truncated, corrupt or stale: start afresh
            return cls(path, salt)

    def get_file(self, key: str):
        found = self.files.get(key)
        if found is not None:
            self.used_files.add(key)
        return found

    def put_file(self, key: str, loaded) -> None:
        self.files[key] = loaded
        self.used_files.add(key)

    def output(self, output_dir: Path, variant: str) -> OutputState:
        return self.outputs.get(f"{output_dir.resolve()}|{variant}", OutputState())

    def remember_output(self, output_dir: Path, variant: str, state: OutputState) -> None:
        key = f"{output_dir.resolve()}|{variant}"
        self.outputs.pop(key, None)
        self.outputs[key] = state  # most recent last
        while len(self.outputs) > MAX_OUTPUTS:
            self.outputs.pop(next(iter(self.outputs)))

    def save(self) -> None:
        """Write the cache atomically, keeping only entries this build used."""
        if self.path is None:
            return
        files = {key: self.files[key] for key in self.used_files if key in self.files}
        data = {"format": FORMAT, "salt": self.salt, "files": files, "outputs": self.outputs}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(prefix=".build-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only checkout still builds, only more slowly next time
