"""Problems an author can fix, and the error that carries them.

Every stage reports what is wrong with the input as `Problem` values instead of
raising at the first one, so a contributor sees every mistake in one run. Only
when a stage has collected all it can does the pipeline raise `SiteError`.

A problem is an error (the site cannot be built as it is) or a warning (it can, but
something is probably not what the author meant: a date in the future, text left
from the template). Warnings are printed and do not stop a build, unless the build
is strict (`--strict`), when they count as errors.
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
    warning: bool = False

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.field or "", self.message)

    @property
    def is_option(self) -> bool:
        """Whether this is about a command-line option (--content, --output) rather than a file."""
        return bool(self.field and self.field.startswith("--"))

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """`path:line: field: message` and, on the next line, what to do."""
        parts = [self.location()]
        if self.warning:
            parts.append("warning")
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
        kind = "warning" if self.warning else "error"
        return f"::{kind} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(problems: list[Problem]) -> str:
    """"2 errors and 1 warning in 3 files": what a list of problems amounts to."""
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    counts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    files = len({p.path for p in problems if not p.is_option})
    options = len({p.path for p in problems if p.is_option})
    places = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((files, "file"), (options, "option")) if n]
    return " and ".join(counts or ["no problems"]) + (" in " + " and ".join(places) if places else "")


def report(problems: list[Problem]) -> str:
    """Every problem, sorted by file and line, each with what to do."""
    return "\n".join(p.format() for p in sorted(set(problems), key=Problem.sort_key))


class SiteError(Exception):
    """The input has problems; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__(self.report())

    def report(self, outcome: str = "nothing was written") -> str:
        """The problems, then a line counting them and saying what happened (`outcome`)."""
        text = report(self.problems) + f"\nFound {summary(self.problems)}"
        return text + (f"; {outcome}." if outcome else ".")


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
