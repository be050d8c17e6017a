"""Warnings: content that builds, but is probably not what its author meant.

Each function here looks at loaded values (never at the output) and returns warning
`Problem`s, located like errors so that they can be fixed the same way. They do not
stop a build unless it is strict (`--strict`, as the check workflow runs it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from .cache import digest
from .errors import Problem, project_path
from .models import CaseStudy

# A body this long that is word for word another's is a copy, not a coincidence.
COPY_MIN_WORDS = 50
# What a Markdown file can be called by someone who meant it to be read.
MARKDOWN_ENDINGS = (".md", ".markdown", ".mdown", ".mkd", ".md.txt")


def stray_files(content_dir: Path, read_folders: dict[str, str], read_files: Iterable[str]) -> list[Problem]:
    """Markdown files the build does not read: in the wrong folder, a sub-folder, or
    with the wrong ending. `read_folders` maps each folder the build reads .md files
    from (relative to the content folder) to what it holds, e.g. {"case-studies":
    "case studies"}; `read_files` are the other files it reads (site.yaml, ...)."""
    problems = []
    known = set(read_files)
    for folder, names, files in os.walk(content_dir):
        names[:] = sorted(name for name in names if not name.startswith("."))
        relative = Path(folder).relative_to(content_dir).as_posix()
        for name in sorted(files):
            inside = f"{relative}/{name}" if relative != "." else name
            if inside in known or name.startswith(".") or not name.lower().endswith(MARKDOWN_ENDINGS):
                continue
            if relative in read_folders and name.endswith(".md"):
                continue  # read
            hint = _where_it_belongs(relative, name, read_folders)
            problems.append(Problem(project_path(Path(folder) / name, content_dir), None, None,
                                    "is not read by the build, so it does not appear on the site", hint,
                                    warning=True))
    return problems


def _where_it_belongs(relative: str, name: str, read_folders: dict[str, str]) -> str:
    stem = name
    for ending in sorted(MARKDOWN_ENDINGS, key=len, reverse=True):
        if name.lower().endswith(ending):
            stem = name[: -len(ending)]
            break
    if relative in read_folders:
        return f"only files ending in .md are read: rename it to {stem}.md"
    top = relative.split("/", 1)[0]
    if top in read_folders:
        return f"sub-folders are not read: move it to content/{top}/{stem}.md"
    places = "; ".join(f"{what} go in content/{folder}/" for folder, what in read_folders.items())
    return f"{places}: move it into one of those folders"


def body_warnings(study: CaseStudy, body_html: str, placeholders: Iterable[str]) -> list[Problem]:
    """An empty body, and text left from `levelup new`: what one file shows alone, so
    it is found where the file is loaded and remembered with it."""
    def warn(field: str, message: str, hint: str) -> Problem:
        return Problem(study.source_path, study.line_of(field), field, message, hint, warning=True)

    if not body_html.strip():
        return [warn("body", "is empty: the page will show only the key facts",
                     "write the case study below the closing '---'")]
    left = [placeholder for placeholder in placeholders if placeholder in body_html]
    if left:
        return [warn("body", f"still has the template's text: '{left[0]}'",
                     "replace the template's guidance with the case study itself")]
    return []


def copy_key(body_html: str) -> str | None:
    """What two bodies share when one is a copy of the other; None for a body too short
    to tell a copy from a coincidence."""
    text = body_html.strip()
    return digest(text) if len(text.split()) >= COPY_MIN_WORDS else None


def study_warnings(studies: Iterable[CaseStudy], today: dt.date, copy_keys: Mapping[str, str | None]) -> list[Problem]:
    """A publication date still to come, and a body that is a copy of another case
    study's (`copy_keys` maps each case study's file to its body's `copy_key`)."""
    problems = []
    first_with_body: dict[str, CaseStudy] = {}
    for study in sorted(studies, key=lambda s: s.source_path):
        def warn(field: str, message: str, hint: str, study: CaseStudy = study) -> None:
            problems.append(Problem(study.source_path, study.line_of(field), field, message, hint, warning=True))

        if study.published > today:
            warn("published", f"is {study.published.isoformat()}, which is still to come",
                 "give the date it was (or will be) published; the page shows this date now")
        key = copy_keys.get(study.source_path)
        if key is None:
            continue
        if key in first_with_body:
            warn("body", f"is the same text as {first_with_body[key].source_path}",
                 "a copied file needs its own text; or delete one of them")
        else:
            first_with_body[key] = study
    return problems
