"""National R&D statistics by API: Seoul's share grouped by chosen dimensions, and the printed
series of seed 001 with their provenance. Public: aggregates only, no person's data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rtis.ntis import series, stats

router = Router()


class ErrorOut(Schema):
    detail: str


_DIM = "(year|ministry|performer|field|stage)"


class ShareQuery(Schema):
    dims: str = Field("year", pattern=f"^{_DIM}(,{_DIM})*$",
                      description="쉼표로 구분한 묶음 기준 / comma-separated grouping dimensions")
    year_from: int | None = None
    year_to: int | None = None


class ShareRowOut(Schema):
    keys: dict[str, Any]
    seoul_funds: int
    nation_funds: int
    share_percent: Decimal | None
    seoul_projects: int
    nation_projects: int


class ShareOut(Schema):
    dims: list[str]
    unit: str
    rows: list[ShareRowOut]


class SeriesOut(Schema):
    key: str
    title: str
    unit: str
    source: str
    provenance: str
    note: str
    columns: list[str]
    rows: list[list[Any]]


@router.get("/share", response={200: ShareOut, 400: ErrorOut, 422: ErrorOut},
            summary="서울 비중 / Seoul's share of national government R&D funds")
def share(request: HttpRequest, params: Query[ShareQuery]) -> Any:
    # A dimension named twice groups once (the first place it was named).
    dims = list(dict.fromkeys(d.strip() for d in params.dims.split(",") if d.strip()))
    try:
        rows = stats.seoul_share(dims, year_from=params.year_from, year_to=params.year_to)
    except stats.BadQuery as exc:
        return Status(400, {"detail": f"dims는 {', '.join(stats.DIMENSIONS)} 중에서 / {exc}"})
    return Status(200, {"dims": dims, "unit": "원 / won", "rows": [
        {"keys": dict(zip(dims, r.keys, strict=True)), "seoul_funds": r.seoul_funds,
         "nation_funds": r.nation_funds, "share_percent": r.share,
         "seoul_projects": r.seoul_projects, "nation_projects": r.nation_projects}
        for r in rows or []]})


def _series(s: series.Series) -> dict[str, Any]:
    return {"key": s.key, "title": s.title, "unit": s.unit, "source": s.source,
            "provenance": s.provenance, "note": s.note, "columns": list(s.columns),
            "rows": [[str(v) if isinstance(v, Decimal) else v for v in row] for row in s.rows]}


@router.get("/series", response=list[SeriesOut],
            summary="인쇄된 통계 (시드 001) / the printed statistic series of seed 001")
def series_list(request: HttpRequest) -> Any:
    return [_series(s) for s in series.PRINTED]


@router.get("/series/{series_key}", response={200: SeriesOut, 404: ErrorOut},
            summary="인쇄된 통계 하나 / one printed series")
def series_one(request: HttpRequest, series_key: str) -> Any:
    found = series.BY_KEY.get(series_key)
    if found is None:
        return Status(404, {"detail": f"없는 통계 / no such series: {series_key}"})
    return Status(200, _series(found))
