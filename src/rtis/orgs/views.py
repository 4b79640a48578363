"""Organisation pages: departments as they were named on any date, and their history."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rtis.config import clock
from rtis.orgs.access import is_internal
from rtis.orgs.models import Department, DepartmentKind
from rtis.orgs.queries import aliases_of, hierarchy_on, parent_history
from rtis.oversight.models import AuditItem
from rtis.oversight.queries import sessions_for_user
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
    org = hierarchy_on(day)  # names and parents in force that day, in one query
    units = sorted(org.units.values(), key=lambda u: (u.kind, u.name))
    rows = [{"unit": u, "name": u.name, "existed": u.existed,
             "kind_label": DepartmentKind(u.kind).label,
             "parent": " → ".join(p.name for p in org.chain(u.id)[:-1])} for u in units]
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
    if not is_internal(request.user):
        roles = roles.filter(node__plan__published=True)
    org = hierarchy_on(day)
    # Council items reach the department under any name they printed it by (aliases).
    items = (AuditItem.objects.filter(departments=department,
                                      session__in=sessions_for_user(request.user))
             .select_related("session").order_by("session__key", "category", "number"))
    return render(request, "orgs/department_detail.html",
                  {"department": department, "day": day, "name_on_day": org.name(department.pk),
                   "chain": org.chain(department.pk), "parents": parent_history(department, day),
                   "aliases": aliases_of(department), "roles": roles, "items": items,
                   "error": error},
                  status=400 if error else 200)
