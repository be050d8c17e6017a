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
    # One pass over the case studies fills every term and every matrix cell.
    members: dict[tuple[str, str], list[CaseStudy]] = {
        (taxonomy.id, term.id): [] for taxonomy in site.taxonomies for term in taxonomy.terms}
    cells: dict[tuple[str, str], list[CaseStudy]] = {}
    with_matrix = {MATRIX_ROWS, MATRIX_COLUMNS} <= {taxonomy.id for taxonomy in site.taxonomies}
    for study in site.case_studies:
        for taxonomy_id, term_ids in study.terms.items():
            for term_id in term_ids:
                members[(taxonomy_id, term_id)].append(study)
        if with_matrix:
            for row in study.terms[MATRIX_ROWS]:
                for column in study.terms[MATRIX_COLUMNS]:
                    cells.setdefault((row, column), []).append(study)
    terms = {
        (taxonomy.id, term.id): TermEntry(taxonomy, term, tuple(members[(taxonomy.id, term.id)]))
        for taxonomy in site.taxonomies
        for term in taxonomy.terms
    }
    return Index(
        terms=terms,
        matrix=_matrix(site, cells) if with_matrix else None,
        authorities=_authorities(site.case_studies),
        related=related_all(site.case_studies),
    )


def _matrix(site: Site, cells: dict[tuple[str, str], list[CaseStudy]]) -> Matrix:
    rows, columns = site.taxonomy(MATRIX_ROWS), site.taxonomy(MATRIX_COLUMNS)
    return Matrix(rows, columns, tuple(
        tuple(MatrixCell(row, column, tuple(cells.get((row.id, column.id), ()))) for column in columns.terms)
        for row in rows.terms
    ))


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

    Only the sets of themes and outcomes matter, so case studies are grouped by them,
    and for each group the others are visited in tiers of (shared themes, shared
    outcomes), best tier first, stopping once enough are found. Comparing every pair
    of case studies instead would be 100 million comparisons at 10,000.
    """
    groups: dict[tuple[frozenset, frozenset], list[int]] = {}
    for index, study in enumerate(studies):  # newest first, so each group is too
        groups.setdefault(_signature(study), []).append(index)
    theme_sets = {themes for themes, _ in groups}
    outcome_sets = {outcomes for _, outcomes in groups}
    by_shared_themes = _by_overlap(theme_sets)
    by_shared_outcomes = _by_overlap(outcome_sets)

    best: dict[tuple[frozenset, frozenset], list[int]] = {}
    for signature in groups:
        themes, outcomes = signature
        found: list[int] = []
        wanted = limit + 1  # one spare: each case study drops itself below
        for shared_themes in range(len(themes), -1, -1):
            for shared_outcomes in range(len(outcomes), -1, -1):
                if not (shared_themes or shared_outcomes) or len(found) >= wanted:
                    continue
                tier = [index
                        for other_themes in by_shared_themes[themes].get(shared_themes, ())
                        for other_outcomes in by_shared_outcomes[outcomes].get(shared_outcomes, ())
                        for index in groups.get((other_themes, other_outcomes), ())[:wanted]]
                found += sorted(tier)[: wanted - len(found)]
        best[signature] = found
    return {study.slug: tuple(studies[i] for i in best[_signature(study)] if i != index)[:limit]
            for index, study in enumerate(studies)}


def _by_overlap(sets: set[frozenset]) -> dict[frozenset, dict[int, list[frozenset]]]:
    """For each set, the sets by how many members they share with it."""
    result: dict[frozenset, dict[int, list[frozenset]]] = {}
    for one in sets:
        tiers: dict[int, list[frozenset]] = {}
        for other in sets:
            tiers.setdefault(len(one & other), []).append(other)
        result[one] = tiers
    return result


def _signature(study: CaseStudy) -> tuple[frozenset, frozenset]:
    return frozenset(study.terms.get(MATRIX_ROWS, ())), frozenset(study.terms.get(MATRIX_COLUMNS, ()))
