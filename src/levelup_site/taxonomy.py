"""Indexes built from the loaded case studies: terms, the matrix, places, related.

Pure functions of the `Site`; terms point at case studies, they do not copy them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .models import CaseStudy, Site, Taxonomy, Term

# The home page's matrix: for each theme, which outcomes its case studies address.
MATRIX_ROWS = "themes"
MATRIX_COLUMNS = "outcomes"
RELATED_LIMIT = 3


@dataclass(frozen=True)
class TermEntry:
    taxonomy: Taxonomy
    term: Term
    case_studies: tuple[CaseStudy, ...]


@dataclass(frozen=True)
class MatrixCell:
    row: Term
    column: Term
    case_studies: tuple[CaseStudy, ...]


@dataclass(frozen=True)
class Matrix:
    rows: Taxonomy
    columns: Taxonomy
    cells: tuple[tuple[MatrixCell, ...], ...]  # one tuple per row, one cell per column


@dataclass(frozen=True)
class Authority:
    name: str
    anchor: str
    places: tuple[str, ...]
    case_studies: tuple[CaseStudy, ...]


@dataclass(frozen=True)
class Index:
    terms: dict[tuple[str, str], TermEntry]  # (taxonomy id, term id) -> entry
    matrix: Matrix | None
    authorities: tuple[Authority, ...]
    related: dict[str, tuple[CaseStudy, ...]]  # slug -> related case studies

    def entry(self, taxonomy_id: str, term_id: str) -> TermEntry:
        return self.terms[(taxonomy_id, term_id)]


def build_index(site: Site) -> Index:
    terms = {
        (taxonomy.id, term.id): TermEntry(taxonomy, term, tuple(
            study for study in site.case_studies if term.id in study.terms.get(taxonomy.id, ())))
        for taxonomy in site.taxonomies
        for term in taxonomy.terms
    }
    return Index(
        terms=terms,
        matrix=_matrix(site),
        authorities=_authorities(site.case_studies),
        related=related_all(site.case_studies),
    )


def _matrix(site: Site) -> Matrix | None:
    ids = {taxonomy.id for taxonomy in site.taxonomies}
    if not {MATRIX_ROWS, MATRIX_COLUMNS} <= ids:
        return None
    rows, columns = site.taxonomy(MATRIX_ROWS), site.taxonomy(MATRIX_COLUMNS)
    cells = tuple(
        tuple(
            MatrixCell(row, column, tuple(
                study for study in site.case_studies
                if row.id in study.terms[rows.id] and column.id in study.terms[columns.id]))
            for column in columns.terms
        )
        for row in rows.terms
    )
    return Matrix(rows, columns, cells)


def _authorities(studies: tuple[CaseStudy, ...]) -> tuple[Authority, ...]:
    # Names that differ only in case or punctuation ("St Helens Council", "St. Helens
    # Council") are one authority with one anchor, shown under its commonest spelling.
    grouped: dict[str, list[CaseStudy]] = {}
    for study in studies:
        grouped.setdefault(authority_anchor(study.authority), []).append(study)
    authorities = []
    for anchor, group in grouped.items():
        spellings = Counter(study.authority for study in group)
        name = min(spellings, key=lambda spelling: (-spellings[spelling], spelling))
        authorities.append(Authority(name=name, anchor=anchor, places=tuple(sorted({s.place for s in group})),
                                     case_studies=tuple(group)))
    return tuple(sorted(authorities, key=lambda authority: (authority.name.casefold(), authority.anchor)))


def authority_anchor(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "authority-" + (re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unnamed")


def related_all(studies: tuple[CaseStudy, ...], limit: int = RELATED_LIMIT) -> dict[str, tuple[CaseStudy, ...]]:
    """Related case studies for every case study.

    Only the sets of themes and outcomes matter, and a library has far fewer distinct
    sets than case studies, so candidates are ranked once per pair of sets rather than
    once per pair of case studies (which would be 100 million pairs at 10,000).
    """
    groups: dict[tuple[frozenset, frozenset], list[int]] = {}
    for index, study in enumerate(studies):
        groups.setdefault(_signature(study), []).append(index)
    ranked_groups = {}
    for signature in groups:
        scores = {}
        for other in groups:
            score = (len(signature[0] & other[0]), len(signature[1] & other[1]))
            if any(score):
                scores.setdefault(score, []).append(other)
        ranked_groups[signature] = [scores[score] for score in sorted(scores, reverse=True)]
    result = {}
    for index, study in enumerate(studies):
        chosen: list[int] = []
        for tier in ranked_groups[_signature(study)]:
            # Within a tier, newest first: `studies` is sorted newest first, so lowest index.
            candidates = sorted(i for other in tier for i in groups[other][: limit + 1] if i != index)
            chosen += candidates[: limit - len(chosen)]
            if len(chosen) >= limit:
                break
        result[study.slug] = tuple(studies[i] for i in chosen)
    return result


def related(study: CaseStudy, studies: tuple[CaseStudy, ...], limit: int = RELATED_LIMIT) -> tuple[CaseStudy, ...]:
    """Other case studies that share a theme or an outcome, most shared themes first,
    then most shared outcomes: 'also about buses' beats 'also about the economy'."""
    return related_all(studies, limit)[study.slug]


def _signature(study: CaseStudy) -> tuple[frozenset, frozenset]:
    return frozenset(study.terms.get(MATRIX_ROWS, ())), frozenset(study.terms.get(MATRIX_COLUMNS, ()))
