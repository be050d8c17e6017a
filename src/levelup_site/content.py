"""Discover and load case studies and plain pages from the content folder."""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import parallel
from .cache import BuildCache, digest, file_signature
from .errors import Problem, project_path
from .frontmatter import Document, FrontMatterError, split
from .links import hrefs, lines_of
from .markdown import MarkdownRenderer
from .models import CaseStudy, Taxonomy, TermMap, frozen_terms
from .schema import SLUG_PATTERN, Schema, validate

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
    if not folder.is_dir():
        return []
    return [folder / name for name in sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".md"))]


def read_bytes(path: Path, content_root: Path, shown: str,
               folder_is_link: bool = False) -> tuple[bytes | None, Problem | None]:
    """A content file's bytes, unless it must not be read at all."""
    _, problem = file_info(path, content_root, shown, folder_is_link)
    return (None, problem) if problem else (path.read_bytes(), None)


def file_info(path: Path, content_root: Path, shown: str,
              folder_is_link: bool = False) -> tuple[os.stat_result | None, Problem | None]:
    """A content file's metadata, or why it must not be read at all.

    `content_root` is the resolved content folder. One lstat per file: resolving
    every path of a 10,000-file site would cost seconds, so only links are resolved.
    """
    try:
        info = path.lstat()
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link or folder_is_link:
            info = path.stat()  # follows the link; fails if it dangles or loops
            if not path.resolve(strict=True).is_relative_to(content_root):
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
    if problem:
        return None, problem
    return parse_document(raw, shown)


@dataclass(frozen=True)
class LoadedFile:
    """What one case-study file gave: a case study, or the problems found in it."""

    study: CaseStudy | None
    problems: tuple[Problem, ...]


def load_file(raw: bytes, shown: str, stem: str, key: str, schema: Schema,
              renderer: MarkdownRenderer) -> LoadedFile:
    """Everything that depends on one file alone: a pure function of its bytes and name."""
    document, problem = parse_document(raw, shown)
    if problem:
        return LoadedFile(None, (problem,))
    values, found = validate(document.data, document.lines, shown, stem, schema)
    if found:
        return LoadedFile(None, tuple(found))
    body_html, notes = rendered_body(document, shown, renderer)
    meta_key = digest(repr(sorted(values.items())))
    links = hrefs(body_html)
    study = CaseStudy(source_path=shown, body_html=body_html, links=links, key=key, meta_key=meta_key,
                      link_lines=lines_of(raw.decode("utf-8"), links), body_line=document.body_line,
                      field_lines=TermMap({k: v for k, v in document.lines.items() if "." not in k and "[" not in k}),
                      **{**values, "terms": frozen_terms(values["terms"]), "extra": TermMap(values["extra"])})
    return LoadedFile(study, notes)


def rendered_body(document: Document, shown: str, renderer: MarkdownRenderer) -> tuple[str, tuple[Problem, ...]]:
    """The body's safe HTML, and a warning on its line for each thing the sanitiser
    removed or changed: nothing an author wrote disappears without a word."""
    rendered = renderer.render_with_notes(document.body)
    return rendered.html, tuple(
        Problem(shown, note.line + document.body_line - 1 if note.line else None, "body", note.message,
                "the site shows only plain, safe HTML; see the README's Markdown section", warning=True)
        for note in rendered.notes)


def vocabulary_key(schema: Schema) -> str:
    """What validation depends on in the schema (not the vocabularies' descriptions)."""
    taxonomies: tuple[Taxonomy, ...] = schema.taxonomies
    return repr(([(t.id, t.field, t.singular, t.multiple, t.required, t.min_terms, t.term_ids) for t in taxonomies],
                 schema.fields))


def load_case_studies(
    content_dir: Path, schema: Schema, drafts: bool, cache: BuildCache
) -> tuple[tuple[CaseStudy, ...], list[Problem]]:
    problems: list[Problem] = []
    vocabulary = digest(vocabulary_key(schema))
    results: dict[Path, LoadedFile] = {}
    misses: list[tuple[Path, str, bytes, str]] = []
    content_root = content_dir.resolve()
    folder_shown = project_path(content_dir / CASE_STUDY_DIR, content_dir)
    folder_is_link = (content_dir / CASE_STUDY_DIR).is_symlink()
    seen_ns = time.time_ns()  # before any file's metadata is taken
    for path in case_study_files(content_dir):
        shown = f"{folder_shown}/{path.name}"
        info, problem = file_info(path, content_root, shown, folder_is_link)
        if problem:
            problems.append(problem)
            continue
        # A file whose metadata is as the cache last saw it is not even read again.
        signature = file_signature(info)
        key = cache.known_key(shown, signature, vocabulary)
        cached = cache.get_file(key) if key else None
        if cached is None:
            raw = path.read_bytes()
            key = digest(vocabulary, shown, raw)
            cached = cache.get_file(key)
            if cached is None:
                misses.append((path, shown, raw, key))
            if len(raw) != info.st_size:
                signature = None  # changed while we read it: do not vouch for it next time
        cache.remember_key(shown, signature, vocabulary, key, seen_ns)
        if cached is not None:
            results[path] = cached
    for (path, _, _, key), loaded in zip(misses, parallel.load_files(
            [(raw, shown, path.stem, key) for path, shown, raw, key in misses], schema)):
        cache.put_file(key, loaded)
        results[path] = loaded

    studies: list[CaseStudy] = []
    for path in sorted(results):
        loaded = results[path]
        problems.extend(loaded.problems)
        if loaded.study is not None and (drafts or not loaded.study.draft):
            studies.append(loaded.study)
    problems.extend(_slug_clashes(studies))
    studies.sort(key=lambda s: (-s.published.toordinal(), s.title.casefold(), s.slug))
    return tuple(studies), problems


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
        if problem:
            problems.append(problem)
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
