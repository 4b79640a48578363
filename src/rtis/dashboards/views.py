"""Dashboard pages: authorize (internal users), read the filters, query, render or download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rtis.dashboards import queries, sheets
from rtis.dashboards.charts import bar_chart, in_millions, number
from rtis.dashboards.exports import Sheet, download
from rtis.dashboards.filters import Filters, parse_filters
from rtis.lib.kdate import KoreanDate
from rtis.orgs.access import is_internal
from rtis.tracking.models import ReportingPeriod

View = Callable[..., HttpResponse]
PAGE_SIZE = 50  # rows per records page; the downloads hold every row
FLAGGED_SHOWN = 20  # the projection page lists the lowest; the records page has them all


@dataclass
class Page:
    """One page of a records list, with links to its neighbours that keep the filters."""

    rows: list[Any]
    number: int
    count: int  # pages
    total: int  # rows on all pages
    first: int  # 1-based position of the first row shown
    previous: str
    next: str

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def paginate(rows: list[Any], filters: Filters) -> Page:
    """Cut a page of rows (a page past the end shows the last one)."""
    count = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(filters.page, count)
    start = (number - 1) * PAGE_SIZE
    return Page(rows[start:start + PAGE_SIZE], number, count, len(rows), start + 1,
                f"?{filters.query(page=number - 1)}" if number > 1 else "",
                f"?{filters.query(page=number + 1)}" if number < count else "")


def internal_required(view: View) -> View:
    """Send anonymous readers to the login page; refuse anyone who may not read internal data."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_internal(request.user):
            raise PermissionDenied("내부 사용자만 볼 수 있습니다 / internal users only")
        return view(request, *args, **kwargs)

    return wrapped


def _url(name: str, filters: Filters, **changes: Any) -> str:
    query = filters.query(**changes)
    return reverse(f"dashboards:{name}") + (f"?{query}" if query else "")


def _note(filters: Filters, period: ReportingPeriod | None = None) -> str:
    """Say which filters made a table (the export's second line)."""
    parts = [_("계획: %(plan)s") % {"plan": filters.scope.plan.title if filters.scope.plan
                                     else _("전체 계획")},
             _("기준일: %(day)s") % {"day": filters.scope.as_of.isoformat()}]
    if period is not None:
        parts.append(_("기준월: %(month)s") % {"month": period.label})
    if filters.year is not None:
        parts.append(_("연도: %(year)s") % {"year": filters.year})
    return " · ".join(parts)


def _respond(request: HttpRequest, filters: Filters, template: str,
             sheet: Callable[[], Sheet], name: str, context: dict[str, Any]) -> HttpResponse:
    """Download the sheet when asked and the filters are valid, else render the page."""
    if filters.format and not filters.errors:
        scope = filters.scope
        stem = f"{name}-{filters.plan_slug or 'all'}-{scope.as_of.isoformat()}"
        return download(sheet(), filters.format, stem)
    exports = {fmt: f"?{filters.query(format=fmt)}" for fmt in ("csv", "xlsx")}
    day = filters.scope.as_of
    return render(request, template, {
        "f": filters, "plans": filters.scope.plans, "errors": filters.errors,
        "exports": exports, "as_of_short": KoreanDate(day.year, day.month, day.day).short(),
        **context}, status=400 if filters.errors else 200)


def _department_choices(departments: list[Any]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for department in departments:
        seen.setdefault(queries.department_key(department), sheets.department_name(department))
    return sorted(seen.items(), key=lambda item: (item[0] == queries.UNOWNED, item[1]))


# --- pages -----------------------------------------------------------------------------------


@require_GET
@internal_required
def index(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    pages = [
        ("execution", _("부서별 예산 집행 현황"),
         _("예산현액·원인행위액·지출액과 집행률을 기준일의 승인된 월별 실적으로 집계합니다.")),
        ("projection", _("연말 집행 전망"),
         _("월별 집행 패턴으로 단위사업의 연말 집행률을 추정하고 기준 미달 사업을 표시합니다.")),
        ("indicators", _("성과지표 달성 현황"),
         _("분야·계획별 목표 대비 실적 달성률입니다.")),
        ("milestones", _("추진일정 지연 현황"),
         _("분기가 끝났는데 완료되지 않았거나 늦게 완료된 추진일정입니다.")),
    ]
    links = [(_url(name, filters), title, text) for name, title, text in pages]
    return render(request, "dashboards/index.html",
                  {"links": links, "f": filters, "errors": filters.errors},
                  status=400 if filters.errors else 200)


@require_GET
@internal_required
def execution(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    summary = queries.execution_summary(filters.scope)
    rows = summary.rows
    links = [_url("execution_records", filters,
                  department=queries.department_key(r.department)) for r in rows]
    chart = bar_chart(
        _("부서별 예산 집행"), [sheets.department_name(r.department) for r in rows],
        [(_("예산현액"), [in_millions(r.current_budget) for r in rows]),
         (_("원인행위액"), [in_millions(r.committed) for r in rows]),
         (_("지출액"), [in_millions(r.spent) for r in rows])], links, _("백만원"))
    note = _note(filters, summary.period)
    return _respond(request, filters, "dashboards/execution.html",
                    lambda: sheets.execution_sheet(summary, note), "execution", {
                        "summary": summary, "rows": list(zip(rows, links, strict=True)),
                        "total": summary.total, "chart": chart,
                        "all_records": _url("execution_records", filters, department=None)})


@require_GET
@internal_required
def execution_records(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    summary = queries.execution_summary(filters.scope)
    filters.department_error({queries.department_key(line.department)
                              for line in summary.lines})
    lines = [line for line in summary.lines if filters.department is None
             or queries.department_key(line.department) == filters.department]
    totals = {name: sum(getattr(line.record, name) for line in lines) for name in
              ("original_budget", "transfers", "carryover", "current_budget", "committed",
               "spent")}
    note = _note(filters, summary.period)
    return _respond(request, filters, "dashboards/execution_records.html",
                    lambda: sheets.execution_records_sheet(lines, note), "execution-records", {
                        "summary": summary, "page": paginate(lines, filters), "totals": totals,
                        "departments": _department_choices([x.department for x in summary.lines]),
                        "back": _url("execution", filters, department=None)})


@require_GET
@internal_required
def projection(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    period, units = queries.unit_projections(filters.scope)
    rows = queries.projection_by_department(units)
    links = [_url("projection_records", filters,
                  department=queries.department_key(r.department)) for r in rows]
    limits = sorted({u.threshold for u in units})
    mark = (float(limits[0]), _("경고 기준 %(n)s%%") % {"n": limits[0]}) if len(limits) == 1 \
        else None
    chart = bar_chart(
        _("부서별 연말 집행 전망"), [sheets.department_name(r.department) for r in rows],
        [(_("현재 지출 집행률"), [number(r.spent_rate) for r in rows]),
         (_("예상 연말 집행률"), [number(r.rate) for r in rows])], links, "%", mark=mark,
        maximum=100)
    flagged = sorted((u for u in units if u.flagged),
                     key=lambda u: (u.projection.rate or 0, u.node.plan.slug, u.node.position))
    flagged_count = len(flagged)
    total = queries.projection_total(rows)
    note = _note(filters, period)
    return _respond(request, filters, "dashboards/projection.html",
                    lambda: sheets.projection_sheet(rows, total, note), "projection", {
                        "period": period, "rows": list(zip(rows, links, strict=True)),
                        "total": total, "flagged": flagged[:FLAGGED_SHOWN],
                        "flagged_count": flagged_count, "chart": chart, "limits": limits,
                        "flagged_records": _url("projection_records", filters, department=None,
                                                flagged="1"),
                        "all_records": _url("projection_records", filters, department=None)})


@require_GET
@internal_required
def projection_records(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    period, units = queries.unit_projections(filters.scope)
    filters.department_error({queries.department_key(u.department) for u in units})
    shown = [u for u in units
             if (filters.department is None
                 or queries.department_key(u.department) == filters.department)
             and (not filters.flagged or u.flagged)]
    note = _note(filters, period)
    return _respond(request, filters, "dashboards/projection_records.html",
                    lambda: sheets.projection_records_sheet(shown, note), "projection-records", {
                        "period": period, "page": paginate(shown, filters),
                        "departments": _department_choices([u.department for u in units]),
                        "back": _url("projection", filters, department=None, flagged=None)})


def _indicator_year(filters: Filters) -> int:
    if filters.year is None:
        filters.year = queries.latest_indicator_year(filters.scope) or filters.scope.as_of.year
    return filters.year


@require_GET
@internal_required
def indicators(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    year = _indicator_year(filters)
    lines = queries.indicator_lines(filters.scope, year)
    by_area = queries.achievement_by_area(lines)
    by_plan = queries.achievement_by_plan(lines)
    links = [_url("indicator_records", filters, plan=g.plan.slug, area=g.area.pk if g.area else None)
             for g in by_area]
    plan_links = [_url("indicator_records", filters, plan=g.plan.slug, area=None)
                  for g in by_plan]
    labels = [f"{g.area.code}. {g.area.title}" if g.area else "" for g in by_area]
    chart = bar_chart(_("분야별 성과지표 달성률"), labels,
                      [(_("달성률"), [number(g.rate) for g in by_area])], links, "%", maximum=100,
                      names=[f"{g.plan.title} · {label}"
                             for g, label in zip(by_area, labels, strict=True)])
    return _respond(request, filters, "dashboards/indicators.html",
                    lambda: sheets.indicator_sheet(by_plan, by_area, _note(filters)), "indicators", {
                        "year": year, "areas": list(zip(by_area, links, strict=True)),
                        "by_plan": list(zip(by_plan, plan_links, strict=True)), "chart": chart,
                        "all_records": _url("indicator_records", filters, area=None)})


@require_GET
@internal_required
def indicator_records(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    year = _indicator_year(filters)
    lines = queries.indicator_lines(filters.scope, year)
    areas = {line.area.pk: line.area for line in lines}
    filters.area_error(set(areas))
    shown = [line for line in lines if filters.area is None or line.area.pk == filters.area]
    return _respond(request, filters, "dashboards/indicator_records.html",
                    lambda: sheets.indicator_records_sheet(shown, _note(filters)),
                    "indicator-records", {
                        "year": year, "page": paginate(shown, filters),
                        "area": areas.get(filters.area) if filters.area else None,
                        "area_choices": [(a.pk, f"{a.code}. {a.title}") for a in areas.values()],
                        "back": _url("indicators", filters, area=None)})


@require_GET
@internal_required
def milestones(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    items = queries.slipped_milestones(filters.scope)
    by_department = queries.slippage_by_department(items)
    by_plan = queries.slippage_by_plan(items)
    links = [_url("milestone_records", filters,
                  department=queries.department_key(g.department)) for g in by_department]
    plan_links = [_url("milestone_records", filters, plan=g.plan.slug if g.plan else "",
                       department=None) for g in by_plan]
    chart = bar_chart(
        _("부서별 추진일정 지연 일수"), [sheets.department_name(g.department) for g in by_department],
        [(_("평균 지연 일수"), [number(g.mean_days) for g in by_department]),
         (_("최대 지연 일수"), [float(g.max_days) for g in by_department])], links, _("일"))
    return _respond(request, filters, "dashboards/milestones.html",
                    lambda: sheets.slippage_sheet(by_department, by_plan, _note(filters)),
                    "milestones", {
                        "by_department": list(zip(by_department, links, strict=True)),
                        "by_plan": list(zip(by_plan, plan_links, strict=True)), "chart": chart,
                        "count": len(items),
                        "all_records": _url("milestone_records", filters, department=None)})


@require_GET
@internal_required
def milestone_records(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request)
    items = queries.slipped_milestones(filters.scope)
    filters.department_error({queries.department_key(i.department) for i in items})
    shown = [i for i in items if filters.department is None
             or queries.department_key(i.department) == filters.department]
    page = paginate(shown, filters)
    if not (filters.format and not filters.errors):
        page.rows = queries.milestone_details(page.rows)
    return _respond(request, filters, "dashboards/milestone_records.html",
                    lambda: sheets.slippage_records_sheet(queries.milestone_details(shown),
                                                          _note(filters)),
                    "milestone-records", {
                        "page": page,
                        "departments": _department_choices([i.department for i in items]),
                        "back": _url("milestones", filters, department=None)})
