"""The home page's matrix of two vocabularies (their `matrix: rows` and `matrix: columns`
roles): its table on the home page, and one list per non-empty cell."""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from .inputs import Inputs, PageJob
from .lists import paginate
from .views import Intro, MatrixCount, MatrixRow, MatrixView


def plan_matrix_cells(inputs: Inputs) -> Iterator[PageJob]:
    """Keys: each cell's pages are lists (see `paginate`)."""
    matrix = inputs.index.matrix
    if matrix is None:
        return
    rows, columns = matrix.rows, matrix.columns
    studies = inputs.site.settings.words.case_studies_title
    for row in matrix.cells:
        for cell in row:
            if not cell.case_studies:
                continue
            yield from paginate(
                inputs, urls.matrix_cell(rows.id, cell.row.id, cell.column.id), f"{cell.row.name}: {cell.column.name}",
                f"{studies} on {cell.row.name.lower()} that address {cell.column.name.lower()}.",
                [(rows.name, urls.taxonomy(rows.id)), (cell.row.name, urls.term(rows.id, cell.row.id))],
                Intro(kicker=f"{rows.singular} and {columns.singular.lower()}",
                      description=f"{studies} about {cell.row.name.lower()} that "
                                  f"address {cell.column.name.lower()}.",
                      publisher=None, url=None),
                cell.case_studies)


def matrix_view(inputs: Inputs) -> MatrixView | None:
    """The home page's table: counts per cell, which depend on `membership`."""
    matrix = inputs.index.matrix
    if matrix is None:
        return None
    words = inputs.site.settings.words
    rows, columns = matrix.rows, matrix.columns
    return MatrixView(
        heading=words.matrix_heading or f"{rows.name} and {columns.name.lower()}",
        description=words.matrix_description or (
            f"For each {rows.singular.lower()}, how many {words.case_studies} address each "
            f"{columns.singular.lower()}. Select a number to see those {words.case_studies}."),
        rows_name=rows.singular,
        columns_name=columns.singular,
        columns=tuple(inputs.term_links[(matrix.columns.id, term.id)] for term in matrix.columns.terms),
        rows=tuple(
            MatrixRow(
                heading=inputs.term_links[(matrix.rows.id, row[0].row.id)],
                cells=tuple(
                    MatrixCount(count=len(cell.case_studies), column=cell.column.name,
                                url=inputs.urls.href(urls.matrix_cell(matrix.rows.id, cell.row.id, cell.column.id))
                                if cell.case_studies else None)
                    for cell in row),
            )
            for row in matrix.cells),
    )
