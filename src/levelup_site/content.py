"""Discover and load case studies and plain pages from the content folder."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel
from .cache import BodyStore, BuildCache, FileSignature, digest, file_signature
from .errors import Problem, project_path
from .frontmatter import Document, FrontMatterError, split
from .links import hrefs, lines_of
from .models import CaseStudy, Taxonomy, TermMap, frozen_terms
from .review import body_warnings, copy_key, study_warnings
from .schema import SLUG_PATTERN, Schema, validate

if TYPE_CHECKING:
    from .markdown import MarkdownRenderer

CASE_STUDY_DIR = "case-studies"
PAGES_DIR = "pages"
MAX_FILE_BYTES = 1_000_000  # a case study is a few kilobytes; anything near this is a mistake


@dataclass(frozen=True)
class Page:
    """A plain page such as About, from content/pages/<slug>.md."""

    slug: str
    title: str
    summary: str
    body_html: str


def case_study_files(content_dir: Path) -> list[Path]:
    folder = content_dir / CASE_STUDY_DIR
    return [folder / name for name in case_study_names(content_dir)]


def case_study_names(content_dir: Path) -> list[str]:
    """The case-study files' names, sorted: names, not Paths, which at 10,000 files cost."""
    folder = content_dir / CASE_STUDY_DIR
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".md"))


def read_bytes(path: Path, content_root: Path, shown: str,
               folder_is_link: bool = False) -> tuple[bytes | None, Problem | None]:
    """A content file's bytes, unless it must not be read at all."""
    _, problem = file_info(path, content_root, shown, folder_is_link)
    return (None, problem) if problem else (path.read_bytes(), None)


def file_info(path: Path | str, content_root: Path, shown: str,
              folder_is_link: bool = False) -> tuple[os.stat_result | None, Problem | None]:
    """A content file's metadata, or why it must not be read at all.

    `content_root` is the resolved content folder. One lstat per file: resolving
    every path of a 10,000-file site would cost seconds, so only links are resolved
    (and a plain path string is enough for the rest).
    """
    try:
        info = os.lstat(path)
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link or folder_is_link:
            info = os.stat(path)  # follows the link; fails if it dangles or loops
            if not Path(path).resolve(strict=True).is_relative_to(content_root):
                raise ValueError("outside")
    except (OSError, RuntimeError, ValueError):
        return None, Problem(shown, None, None, "is a link to a file outside the content folder",
                             "copy the file into the content folder instead of linking to it")
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(shown, None, None, "is not a file",
                             "case-study files end in .md; rename the folder or link that ends in .md")
    if info.st_size > MAX_FILE_BYTES:
        return None, Problem(shown, None, None, f"is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                             "a case study should be a few pages of text; put large files elsewhere")
    return info, None


def parse_document(raw: bytes, shown: str) -> tuple[Document | None, Problem | None]:
    """Decode and split one Markdown file into front matter and body."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, Problem(shown, line, None, "is not UTF-8 text",
                             "save the file with UTF-8 encoding (most editors offer it under 'Save as')")
    if "\x00" in text:
        return None, Problem(shown, None, None, "contains a null character; it looks like a binary file")
    try:
        return split(text), None
    except FrontMatterError as error:
        return None, Problem(shown, error.line, None, error.message, error.hint)


def read_document(path: Path, content_dir: Path) -> tuple[Document | None, Problem | None]:
    shown = project_path(path, content_dir)
    raw, problem = read_bytes(path, content_dir.resolve(), shown, path.parent.is_symlink())
    if problem or raw is None:
        return None, problem
    return parse_document(raw, shown)


@dataclass(frozen=True)
class LoadedFile:
    """What one case-study file gave: a case study, or the problems found in it.

    The study's rendered body is not in it: it went to the body store, and `body` says
    where; it is read from there only to render its page."""

    study: CaseStudy | None
    problems: tuple[Problem, ...]
    body: str | None = None  # the body's location in the store (BodyStore.read)
    copy_key: str | None = None  # see review.copy_key
    # Warnings about the body that count only if the case study is built (not a draft left out).
    body_warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class LoadSetup:
    """What loading any one file needs besides its bytes, the same for the whole build."""

    schema: Schema
    placeholders: tuple[str, ...]  # the text `levelup new` leaves for the author to replace
    bodies: BodyStore
    embed_hosts: tuple[str, ...] = ()  # site.yaml's `embeds`: they change how a body renders


def load_files(items: list[tuple[bytes, str, str, str]], setup: LoadSetup,
               renderer: MarkdownRenderer) -> list[LoadedFile]:
    """Load a batch of files, `items` being (raw bytes, display path, file stem, key),
    and keep their bodies in one pack of the body store."""
    loaded = [load_file(*item, setup, renderer) for item in items]
    bodies = [(file.study.key, body) for file, body in loaded if file.study is not None and body is not None]
    if not bodies:
        return [file for file, _ in loaded]
    locations = setup.bodies.write(bodies)
    return [replace(file, body=locations[file.study.key]) if file.study is not None else file
            for file, _ in loaded]


def load_file(raw: bytes, shown: str, stem: str, key: str, setup: LoadSetup,
              renderer: MarkdownRenderer) -> tuple[LoadedFile, str | None]:
    """Everything that depends on one file alone: a pure function of its bytes and name.
    The rendered body comes apart, for the body store."""
    document, problem = parse_document(raw, shown)
    if problem or document is None:
        return LoadedFile(None, (problem,) if problem else ()), None
    values, found = validate(document.data, document.lines, shown, stem, setup.schema)
    if found:
        return LoadedFile(None, tuple(found)), None
    body_html, notes = rendered_body(document, shown, renderer)
    meta_key = digest(repr(sorted(values.items())))
    links = hrefs(body_html)
    study = CaseStudy(source_path=shown, body_html="", links=links, key=key, meta_key=meta_key,
                      link_lines=lines_of(raw.decode("utf-8"), links), body_line=document.body_line,
                      field_lines=TermMap({k: v for k, v in document.lines.items() if "." not in k and "[" not in k}),
                      **{**values, "terms": frozen_terms(values["terms"]), "extra": TermMap(values["extra"])})
    warnings = tuple(body_warnings(study, body_html, setup.placeholders))
    return LoadedFile(study, notes, copy_key=copy_key(body_html), body_warnings=warnings), body_html


def rendered_body(document: Document, shown: str, renderer: MarkdownRenderer) -> tuple[str, tuple[Problem, ...]]:
    """The body's safe HTML, and a warning on its line for each thing the sanitiser
    removed or changed: nothing an author wrote disappears without a word."""
    rendered = renderer.render_with_notes(document.body)
    return rendered.html, tuple(
        Problem(shown, note.line + document.body_line - 1 if note.line else None, "body", note.message,
                note.hint or "the site shows only plain, safe HTML; see the README's Markdown section", warning=True)
        for note in rendered.notes)


def vocabulary_key(schema: Schema) -> str:
    """What validation depends on in the schema (not the vocabularies' descriptions)."""
    taxonomies: tuple[Taxonomy, ...] = schema.taxonomies
    return repr(([(t.id, t.field, t.singular, t.multiple, t.required, t.min_terms, t.term_ids) for t in taxonomies],
                 schema.fields))


def load_case_studies(
    content_dir: Path, setup: LoadSetup, drafts: bool, cache: BuildCache, workers: parallel.Workers, today: dt.date
) -> CaseStudies:
    """Every case study that loads cleanly (drafts only if asked for), and every problem
    found, warnings included; a file unchanged since the cache last saw it is not read."""
    problems: list[Problem] = []
    # Also what rendering depends on besides the file: a body's iframes are kept or not by it.
    vocabulary = digest(vocabulary_key(setup.schema), repr(setup.embed_hosts))
    results: dict[str, LoadedFile] = {}  # by file name
    misses: list[tuple[str, str]] = []  # (file name, key) of the files loaded
    content_root = content_dir.resolve()
    folder = content_dir / CASE_STUDY_DIR
    folder_shown = project_path(folder, content_dir)
    folder_is_link = folder.is_symlink()
    seen_ns = time.time_ns()  # before any file's metadata is taken
    unread: list[tuple[str, str, str, os.stat_result, FileSignature]] = []
    # Names and plain path strings: 10,000 Path objects would cost more than the look-ups.
    for name in case_study_names(content_dir):
        path = os.path.join(folder, name)
        shown = f"{folder_shown}/{name}"
        info, problem = file_info(path, content_root, shown, folder_is_link)
        if problem or info is None:
            problems += [problem] if problem else []
            continue
        # A file whose metadata is as the cache last saw it is not even read again.
        signature = file_signature(info)
        cached = cache.recall(shown, signature, vocabulary)
        if cached is None:
            unread.append((name, path, shown, info, signature))
        else:
            results[name] = cached
    if workers.worth_it(len(unread)):
        workers.start()  # before the files are read, so that no worker is forked holding their bytes

    def read() -> Iterator[tuple[bytes, str, str, str]]:
        """The files to load, read as the workers ask for them; the others found by key."""
        for name, path, shown, info, signature in unread:
            raw = Path(path).read_bytes()
            key = digest(vocabulary, shown, raw)
            # A file that changed while it was read is not vouched for next time.
            cache.remember_key(shown, signature if len(raw) == info.st_size else None, vocabulary, key, seen_ns)
            cached = cache.get_file(key)
            if cached is not None:
                results[name] = cached
                continue
            misses.append((name, key))
            yield raw, shown, name.removesuffix(".md"), key

    loaded_files = parallel.load_files(read(), len(unread), setup, workers)
    for (name, key), loaded in zip(misses, loaded_files, strict=True):
        cache.put_file(key, loaded)
        results[name] = loaded

    studies: list[CaseStudy] = []
    copy_keys: dict[str, str | None] = {}
    body_at: dict[str, str] = {}
    for name in sorted(results):
        loaded = results[name]
        problems.extend(loaded.problems)
        if loaded.study is not None and (drafts or not loaded.study.draft):
            studies.append(loaded.study)
            problems.extend(loaded.body_warnings)
            copy_keys[loaded.study.source_path] = loaded.copy_key
            if loaded.body is not None:
                body_at[loaded.study.key] = loaded.body
    problems.extend(_slug_clashes(studies))
    problems.extend(study_warnings(studies, today, copy_keys))
    studies.sort(key=lambda s: (-s.published.toordinal(), s.title.casefold(), s.slug))
    return CaseStudies(tuple(studies), problems, body_at)


@dataclass(frozen=True)
class CaseStudies:
    """What loading the case-study folder gave."""

    studies: tuple[CaseStudy, ...]  # newest first
    problems: list[Problem]
    body_at: dict[str, str]  # a case study's key -> where its rendered body is kept


def _slug_clashes(studies: list[CaseStudy]) -> list[Problem]:
    """One problem on each file that shares its address with another, naming the others,
    on the `slug:` line where there is one (else the address comes from the file name)."""
    by_address: dict[str, list[CaseStudy]] = {}
    for study in studies:
        by_address.setdefault(unicodedata.normalize("NFKC", study.slug).casefold(), []).append(study)
    problems = []
    for clashing in by_address.values():
        for study in clashing if len(clashing) > 1 else ():
            others = " and ".join(other.source_path for other in clashing if other is not study)
            origin = "its `slug:`" if study.line_of("slug") else "its file name"
            problems.append(Problem(study.source_path, study.line_of("slug"), "slug",
                                    f"the address '/{CASE_STUDY_DIR}/{study.slug}/' (from {origin}) is also "
                                    f"the address of {others}",
                                    "give one of them a different `slug:` or file name"))
    return problems


def load_pages(content_dir: Path, renderer: MarkdownRenderer,
               reserved: set[str]) -> tuple[tuple[Page, ...], list[Problem]]:
    """Plain pages; `reserved` are the top-level paths the site's own pages use."""
    folder = content_dir / PAGES_DIR
    pages: list[Page] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        shown = project_path(path, content_dir)
        if not SLUG_PATTERN.fullmatch(path.stem) or path.stem in reserved:
            problems.append(Problem(shown, None, None, f"'{path.stem}' cannot be the address of a page",
                                    "name the file in lowercase words joined by hyphens, and not after "
                                    f"another page of the site ({', '.join(sorted(reserved))})"))
            continue
        document, problem = read_document(path, content_dir)
        if problem or document is None:
            problems += [problem] if problem else []
            continue
        fields, found = {}, []
        for key in ("title", "summary"):
            value = document.data.get(key)
            if not isinstance(value, str) or not value.strip():
                found.append(Problem(shown, document.lines.get(key, 1), key,
                                     "is missing" if value is None else "expected text"))
            fields[key] = " ".join(str(value or "").split())
        problems += found
        if not found:
            body_html, notes = rendered_body(document, shown, renderer)
            problems += notes
            pages.append(Page(slug=path.stem, body_html=body_html, **fields))
    return tuple(pages), problems
