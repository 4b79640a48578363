"""Shared pieces of report builders: money in a unit, rounding once, at the edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rtis.lib.money import from_won
from rtis.lib.report_model import Row, TableBlock
from rtis.plans.queries import Matrix


def in_unit(won: int, unit: str, decimals: int = 0) -> Decimal:
    """Express won in a printed unit, rounded half up to the printed decimals (the only rounding)."""
    return from_won(won, unit).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def matrix_table(matrix: Matrix, *, key: str, caption: str, unit: str, first: str = "연도",
                 decimals: int = 0) -> TableBlock:
    """A year × column money matrix with totals both ways, in a unit."""
    rows = [Row(["계", in_unit(matrix.grand_total, unit, decimals),
                 *[in_unit(t, unit, decimals) for t in matrix.totals()]], "total")]
    for year in matrix.years:
        rows.append(Row([str(year), in_unit(matrix.year_total(year), unit, decimals),
                         *[in_unit(matrix.cell(year, k), unit, decimals)
                           for k, _ in matrix.columns]]))
    return TableBlock(key=key, caption=caption, unit=unit,
                      columns=[first, "계", *[label for _, label in matrix.columns]],
                      decimals=[None, *[decimals] * (len(matrix.columns) + 1)], rows=rows)
