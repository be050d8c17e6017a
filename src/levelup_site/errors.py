"""Problems an author can fix, and the error that carries them.

Every stage reports what is wrong with the input as `Problem` values instead of
raising at the first one, so a contributor sees every mistake in one run. Only
when a stage has collected all it can does the pipeline raise `SiteError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str
    line: int | None
    field: str | None
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.field or "", self.message)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """`path:line: field: message` and, on the next line, what to do."""
        parts = [self.location()]
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + ": " + self.message
        if self.hint:
            text += f"\n    {self.hint}"
        return text

    def github_annotation(self) -> str:
        """A GitHub Actions workflow command that marks the line on a pull request."""
        props = [f"file={_escape_property(self.path)}"]
        if self.line:
            props.append(f"line={self.line}")
        props.append(f"title={_escape_property(self.field or 'content')}")
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::error {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class SiteError(Exception):
    """The input has problems; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        files = len({p.path for p in self.problems})
        lines = [p.format() for p in self.problems]
        noun = "problem" if count == 1 else "problems"
        where = "file" if files == 1 else "files"
        lines.append(f"Found {count} {noun} in {files} {where}; nothing was written.")
        return "\n".join(lines)


def display_path(path: PurePath, root: PurePath | None = None) -> str:
    """A path as an author would type it, with forward slashes on every system:
    relative to `root` when it is inside it, else to the working folder, else absolute."""
    for base in (root, Path.cwd()):
        relative = None if base is None else _relative(path, base)
        if relative is not None:
            return relative.as_posix()
    return path.as_posix()


def project_path(path: Path, content_dir: Path) -> str:
    """How messages and cache keys name a source file: relative to the project (the
    folder holding the content folder), e.g. content/case-studies/x.md, whatever the
    working folder, so a message reads the same and the cache holds on any machine."""
    return display_path(path, content_dir.absolute().parent)


def _relative(path: PurePath, base: PurePath) -> PurePath | None:
    pairs = [(path, base)]
    if isinstance(path, Path) and isinstance(base, Path):  # a real path: also as written from /, then with links resolved
        pairs += [(path.absolute(), base.absolute()), (path.resolve(), base.resolve())]
    for candidate, folder in pairs:
        try:
            return candidate.relative_to(folder)
        except ValueError:
            continue
    return None
