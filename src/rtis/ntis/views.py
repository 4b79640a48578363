"""NTIS pages: statistics (public: aggregates only), national project search and a project's
page (the city's own users: a project names its principal investigator)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rtis.lib.numbers import ascii_int
from rtis.ntis import queries, series, stats
from rtis.ntis.access import can_search_projects
from rtis.ntis.queries import share_table

DIMS = ("year", "ministry", "performer", "field", "stage")


def _int(value: str | None) -> int | None:
    return ascii_int(value) if value and len(value) == 4 else None


def _params(request: HttpRequest) -> tuple[str, int | None, int | None]:
    dim = request.GET.get("dim", "year")
    if dim not in DIMS:
        dim = "year"
    return dim, _int(request.GET.get("from")), _int(request.GET.get("to"))


@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    dim, year_from, year_to = _params(request)
    table = share_table(dim, year_from, year_to)
    by_year = share_table("year", year_from, year_to)
    chart = None
    if by_year is not None and by_year[1]:
        chart = {"categories": [str(r[0]) for r in by_year[1]],
                 "share": [float(r[4]) if r[4] is not None else None for r in by_year[1]],
                 "printed": _printed_share(by_year[1]),
                 "label_share": _("서울 비중(계산, %)"),
                 "label_printed": _("서울 비중(인쇄본, %)")}
    return render(request, "ntis/stats.html", {
        "dim": dim, "dims": [(d, stats.DIMENSIONS[d][1]) for d in DIMS],
        "year_from": year_from or "", "year_to": year_to or "", "table": table, "chart": chart,
        "printed": series.PRINTED, "comparison": _comparison(by_year),
        "can_search": can_search_projects(request.user)})


def _printed_share(rows: list[list[Any]]) -> list[float | None]:
    printed = {r[0]: float(r[2]) for r in series.BY_KEY["gov-rd-seoul"].rows}
    return [printed.get(r[0]) for r in rows]


def _comparison(by_year: tuple[list[str], list[list[Any]]] | None) -> list[dict[str, Any]]:
    """The printed 2011–2015 government R&D in Seoul beside the computed figures."""
    computed = {r[0]: r for r in (by_year[1] if by_year else [])}
    out = []
    for year, amount, share, nation in series.BY_KEY["gov-rd-seoul"].rows:
        mine = computed.get(year)
        out.append({"year": year, "printed_amount": amount, "printed_share": share,
                    "printed_nation": nation,
                    "computed_amount": mine[1] // 100_000_000 if mine else None,
                    "computed_share": mine[3] if mine else None,
                    "computed_nation": mine[2] // 100_000_000 if mine else None})
    return out


@require_GET
def stats_download(request: HttpRequest, ntis_fmt: str) -> HttpResponse:
    fmt = ntis_fmt
    dim, year_from, year_to = _params(request)
    key = request.GET.get("series", "")
    if key:
        printed = series.BY_KEY.get(key)
        if printed is None:
            raise Http404(key)
        header = list(printed.columns)
        rows = [list(r) for r in printed.rows]
        name = f"ntis-{key}"
        footer = [[_("출처"), printed.source], [_("근거"), printed.provenance]]
    else:
        table = share_table(dim, year_from, year_to)
        header, rows = table if table is not None else ([_("자료 없음")], [])
        name = f"ntis-seoul-share-{dim}"
        footer = [[_("근거"), _("국가R&D 과제 자료(NTIS 형식)에서 계산")]]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerows(footer)
        response = HttpResponse(out.getvalue().encode("utf-8-sig"),
                                content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "통계"
        sheet.append(header)
        for row in rows:
            sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
        for row in footer:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _require_search(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("로그인이 필요합니다 / sign in first"))
    if not can_search_projects(request.user):
        raise PermissionDenied(_("국가R&D 과제 검색은 시 직원만 쓸 수 있습니다 / staff only"))


@require_GET
def project_search(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _require_search(request)
    q = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("field", "").strip()[:2].upper()
    year = _int(request.GET.get("year"))
    page = Paginator(queries.search_projects(q, field, year), queries.PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "ntis/projects.html", {
        "page": page, "q": q, "field": field, "year": year or "",
        "fields": sorted(queries.names("science_class").items()),
        "regions": queries.names("region")})


@require_GET
def project_detail(request: HttpRequest, ntis_no: str, ntis_year: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    _require_search(request)
    found = queries.project_page(ntis_no, ntis_year)
    if found is None:
        raise Http404(ntis_no)
    return render(request, "ntis/project.html", {
        "p": found.project, "chain": found.chain, "outputs": found.outputs,
        "regions": queries.names("region"), "fields": queries.names("science_class"),
        "stages": queries.names("rnd_stage"), "performers": queries.names("performer")})
