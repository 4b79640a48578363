"""Organisation pages: departments as they were named on any date, and their history."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rtis.config import clock
from rtis.orgs.models import Department
from rtis.plans.models import NodeDepartment


def chosen_day(request: HttpRequest) -> tuple[dt.date, str]:
    """Return the date asked for (?on=YYYY-MM-DD) or today, and an error to show if malformed."""
    raw = request.GET.get("on", "")
    if raw:
        try:
            return dt.date.fromisoformat(raw), ""
        except ValueError:
            return clock.today(), f"'{raw}'은(는) 날짜(YYYY-MM-DD)가 아닙니다 / not a date"
    return clock.today(), ""


@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    day, error = chosen_day(request)
    departments = list(Department.objects.prefetch_related("names").order_by("kind", "name"))
    by_id = {d.pk: d for d in departments}  # parents come from here, with their names prefetched
    rows = []
    for d in departments:
        existed = (d.established_on is None or d.established_on <= day) and (
            d.abolished_on is None or day < d.abolished_on)
        rows.append({"department": d, "name": d.name_on(day), "existed": existed,
                     "parent": by_id[d.parent_id].name_on(day) if d.parent_id else ""})
    return render(request, "orgs/department_list.html",
                  {"rows": rows, "day": day, "error": error}, status=400 if error else 200)


@require_GET
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = (Department.objects.select_related("parent").prefetch_related("names__reorganisation")
                  .filter(pk=pk).first())
    if department is None:
        raise Http404(f"부서 {pk}이(가) 없습니다 / no department {pk}")
    day, error = chosen_day(request)
    roles = (NodeDepartment.objects.filter(department=department)
             .select_related("node__plan").order_by("node__plan__slug", "node__position"))
    if not request.user.is_authenticated:
        roles = roles.filter(node__plan__published=True)
    return render(request, "orgs/department_detail.html",
                  {"department": department, "day": day, "name_on_day": department.name_on(day),
                   "roles": roles, "error": error}, status=400 if error else 200)
