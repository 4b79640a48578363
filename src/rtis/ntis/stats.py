"""Seoul's share of national R&D, computed over the columnar copy (DuckDB over Parquet).

Money is integer won; a share is Seoul's government funds over the nation's, in percent,
rounded half up to two decimals (Decimal, computed from the exact integer sums).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from rtis.ntis import columnar

SEOUL = "11"
# Dimension name → (column in the columnar copy, label, reference list for names)
DIMENSIONS: dict[str, tuple[str, Any, str]] = {
    "year": ("year", _("기준년도"), ""),
    "ministry": ("ministry_code", _("부처"), "ministry"),
    "performer": ("performer_code", _("연구수행주체"), "performer"),
    "field": ("science_large", _("과학기술표준분류"), "science_class"),
    "stage": ("stage_code", _("연구개발단계"), "rnd_stage"),
}


@dataclass(frozen=True)
class ShareRow:
    keys: tuple[Any, ...]
    seoul_funds: int
    nation_funds: int
    seoul_projects: int
    nation_projects: int

    @property
    def share(self) -> Decimal | None:
        if not self.nation_funds:
            return None
        return (Decimal(self.seoul_funds) * 100 / Decimal(self.nation_funds)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)


class BadQuery(ValueError):
    pass


def seoul_share(dims: list[str], *, year_from: int | None = None, year_to: int | None = None,
                filters: dict[str, str] | None = None) -> list[ShareRow] | None:
    """Seoul's and the nation's government R&D funds grouped by `dims`; None without data."""
    if not dims or any(d not in DIMENSIONS for d in dims) or len(set(dims)) != len(dims):
        raise BadQuery(f"dims must be among {', '.join(DIMENSIONS)}")
    columns = [DIMENSIONS[d][0] for d in dims]
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if year_from is not None:
        where.append("year >= ?")
        params.append(year_from)
    if year_to is not None:
        where.append("year <= ?")
        params.append(year_to)
    for dim, value in (filters or {}).items():
        if dim not in DIMENSIONS:
            raise BadQuery(f"unknown filter {dim}")
        where.append(f"{DIMENSIONS[dim][0]} = ?")
        params.append(value)
    group = ", ".join(columns)
    sql = (f"SELECT {group}, "
           f"COALESCE(SUM(seoul_gov), 0)::BIGINT, COALESCE(SUM(gov_funds), 0)::BIGINT, "
           f"SUM(seoul_n)::BIGINT, SUM(n)::BIGINT "
           f"FROM cube WHERE {' AND '.join(where)} GROUP BY {group} ORDER BY {group}")
    rows = columnar.query(sql, params)
    if rows is None:
        return None
    width = len(columns)
    return [ShareRow(tuple(r[:width]), int(r[width]), int(r[width + 1]), int(r[width + 2]),
                     int(r[width + 3])) for r in rows]


def years_available() -> list[int]:
    rows = columnar.query("SELECT DISTINCT year FROM projects ORDER BY year")
    return [int(r[0]) for r in rows or []]
