"""Indexes built from the loaded case studies: terms, the matrix, places, related.

Pure functions of the `Site`; terms point at case studies, they do not copy them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from .models import CaseStudy, Site, Taxonomy, Term

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


class Index:
    """The terms' lists, the theme × outcome matrix, the authorities and the related case
    studies of a site, each made when first asked for: a rebuild that plans one case page
    again needs its related list and little else."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @cached_property
    def terms(self) -> dict[tuple[str, str], TermEntry]:  # (taxonomy id, term id) -> entry
        members: dict[tuple[str, str], list[CaseStudy]] = {
            (taxonomy.id, term.id): [] for taxonomy in self.site.taxonomies for term in taxonomy.terms}
        for study in self.site.case_studies:
            for taxonomy_id, term_ids in study.terms.items():
                for term_id in term_ids:
                    members[(taxonomy_id, term_id)].append(study)
        return {(taxonomy.id, term.id): TermEntry(taxonomy, term, tuple(members[(taxonomy.id, term.id)]))
                for taxonomy in self.site.taxonomies for term in taxonomy.terms}

    @cached_property
    def matrix(self) -> Matrix | None:
        axes = self.site.matrix_axes  # the home page's matrix: for each row term, which column terms
        if not axes:
            return None
        cells: dict[tuple[str, str], list[CaseStudy]] = {}
        for study in self.site.case_studies:
            for row in study.terms.get(axes[0].id, ()):
                for column in study.terms.get(axes[1].id, ()):
                    cells.setdefault((row, column), []).append(study)
        return _matrix(*axes, cells)

    @cached_property
    def authorities(self) -> tuple[Authority, ...]:
        return _authorities(self.site.case_studies)

    @cached_property
    def related(self) -> Mapping[str, tuple[CaseStudy, ...]]:  # slug -> related case studies
        return related_all(self.site.case_studies, tuple(t.id for t in self.site.ranking))

    def entry(self, taxonomy_id: str, term_id: str) -> TermEntry:
        return self.terms[(taxonomy_id, term_id)]


def build_index(site: Site) -> Index:
    return Index(site)


def _matrix(rows: Taxonomy, columns: Taxonomy, cells: dict[tuple[str, str], list[CaseStudy]]) -> Matrix:
    return Matrix(rows, columns, tuple(
        tuple(MatrixCell(row, column, tuple(cells.get((row.id, column.id), ()))) for column in columns.terms)
        for row in rows.terms
    ))


def _authorities(studies: tuple[CaseStudy, ...]) -> tuple[Authority, ...]:
    # Names that differ only in case or punctuation ("St Helens Council", "St. Helens
    # Council") are one authority with one anchor, shown under its commonest spelling.
    grouped: dict[str, list[CaseStudy]] = {}
    for study in studies:
        if study.authority is None:  # a site may make `authority` optional
            continue
        grouped.setdefault(authority_anchor(study.authority), []).append(study)
    authorities = []
    for anchor, group in grouped.items():
        spellings = Counter(study.authority for study in group if study.authority is not None)
        name = min(spellings, key=lambda spelling: (-spellings[spelling], spelling))
        authorities.append(Authority(name=name, anchor=anchor, places=tuple(sorted({s.place for s in group if s.place})),
                                     case_studies=tuple(group)))
    return tuple(sorted(authorities, key=lambda authority: (authority.name.casefold(), authority.anchor)))


def authority_anchor(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "authority-" + (re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unnamed")


def related_all(studies: tuple[CaseStudy, ...], ranking: tuple[str, ...],
                limit: int = RELATED_LIMIT) -> Mapping[str, tuple[CaseStudy, ...]]:
    """Related case studies for every case study, by slug: see RelatedLists."""
    return RelatedLists(studies, ranking, limit)


class RelatedLists(Mapping[str, tuple[CaseStudy, ...]]):
    """Related case studies for each case study, ranked by the terms they share in each
    taxonomy of `ranking` (the site's `related:` roles), the first counting most; the
    newest first among equals.

    Only the sets of terms matter, so case studies are grouped by them, and for each
    group the others are visited in tiers of (shared terms in the first taxonomy, in
    the second, ...), best tier first, stopping once enough are found. Comparing every
    pair of case studies instead would be 100 million comparisons at 10,000. Each
    group's list is found when first asked for: a rebuild that plans one case page
    again needs one.
    """

    def __init__(self, studies: tuple[CaseStudy, ...], ranking: tuple[str, ...], limit: int = RELATED_LIMIT) -> None:
        self.studies, self.ranking, self.limit = studies, ranking, limit
        self.position = {study.slug: index for index, study in enumerate(studies)}
        self.groups: dict[tuple[frozenset, ...], list[int]] = {}
        for index, study in enumerate(studies):  # newest first, so each group is too
            self.groups.setdefault(_signature(study, ranking), []).append(index)
        self.axes = [{signature[axis] for signature in self.groups} for axis in range(len(ranking))]
        self.by_shared: list[dict[frozenset, dict[int, list[frozenset]]]] = [{} for _ in ranking]
        self.best: dict[tuple[frozenset, ...], list[int]] = {}

    def __getitem__(self, slug: str) -> tuple[CaseStudy, ...]:
        index = self.position[slug]
        if not self.ranking:
            return ()
        found = self._best(_signature(self.studies[index], self.ranking))
        return tuple(self.studies[i] for i in found if i != index)[:self.limit]

    def __iter__(self) -> Iterator[str]:
        return iter(self.position)

    def __len__(self) -> int:
        return len(self.position)

    def _best(self, signature: tuple[frozenset, ...]) -> list[int]:
        if signature in self.best:
            return self.best[signature]
        found: list[int] = []
        wanted = self.limit + 1  # one spare: each case study drops itself
        for shared in itertools.product(*(range(len(terms), -1, -1) for terms in signature)):
            if not any(shared) or len(found) >= wanted:
                continue
            tier = [index
                    for others in itertools.product(*(self._shared(axis, signature[axis]).get(count, ())
                                                      for axis, count in enumerate(shared)))
                    for index in self.groups.get(others, ())[:wanted]]
            found += sorted(tier)[: wanted - len(found)]
        self.best[signature] = found
        return found

    def _shared(self, axis: int, terms: frozenset) -> dict[int, list[frozenset]]:
        """The term sets of this axis by how many members they share with `terms`."""
        tiers = self.by_shared[axis].get(terms)
        if tiers is None:
            tiers = {}
            for other in self.axes[axis]:
                tiers.setdefault(len(terms & other), []).append(other)
            self.by_shared[axis][terms] = tiers
        return tiers


def _signature(study: CaseStudy, ranking: tuple[str, ...]) -> tuple[frozenset, ...]:
    return tuple(frozenset(study.terms.get(taxonomy_id, ())) for taxonomy_id in ranking)
