"""Public pages: the home page, a plan's (or node's) progress, the open data and its downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rtis.config import clock
from rtis.lib.numbers import ascii_int
from rtis.orgs.access import is_internal, is_planner
from rtis.orgs.models import Role
from rtis.portal import actions
from rtis.portal.access import (
    get_portal_node,
    get_portal_plan,
    hidden_node_ids,
    portal_plans,
    withheld_ids,
)
from rtis.portal.bundle import read, rebuild_if_stale
from rtis.portal.datasets import DATASETS
from rtis.portal.summaries import portfolio, progress
from rtis.portal.tabular import TabularError, links, respond
from rtis.tracking.models import ExecutionStatus

PAGE_SIZE = 100
MAX_PAGE = 100000


def _bad(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/bad_request.html", {"message": message}, status=400)


def _my_work(user: Any, plan_ids: list[int]) -> dict[str, int] | None:
    """Count an officer's unfinished entries (returned, drafts, submitted) on the nodes their
    departments own, down the tree (the rule of tracking.queries.editable_node_ids), in two
    queries."""
    if getattr(user, "role", None) != Role.OFFICER or not is_internal(user):
        return None
    from django.db.models import Count, Exists, OuterRef

    from rtis.orgs.models import User
    from rtis.plans.models import Node, NodeDepartment
    from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone

    mine = User.departments.through.objects.filter(user_id=user.pk).values("department_id")
    owns = NodeDepartment.objects.filter(node_id=OuterRef("pk"), role="owner",
                                         department_id__in=mine)
    rows = list(Node.objects.filter(plan_id__in=plan_ids).annotate(owned=Exists(owns))
                .order_by().values_list("id", "parent_id", "owned"))
    children: dict[int | None, list[int]] = {}
    for node_id, parent_id, _owned in rows:
        children.setdefault(parent_id, []).append(node_id)
    reachable: set[int] = set()
    stack = [node_id for node_id, _parent, owned in rows if owned]
    while stack:
        current = stack.pop()
        if current not in reachable:
            reachable.add(current)
            stack.extend(children.get(current, []))
    statuses = (ExecutionStatus.RETURNED, ExecutionStatus.DRAFT, ExecutionStatus.SUBMITTED)
    counts: dict[str, int] = {str(status): 0 for status in statuses}
    nodes = sorted(reachable)
    if nodes:
        parts = [model.objects.filter(**{f"{path}__in": nodes}, status__in=statuses).order_by()
                 .values("status").annotate(n=Count("pk")).values_list("status", "n")
                 for model, path in ((ExecutionRecord, "node_id"),
                                     (IndicatorReport, "indicator__node_id"),
                                     (Milestone, "node_id"))]
        for status, n in parts[0].union(parts[1], parts[2], all=True):
            counts[status] += n
    return counts


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The portfolio at a glance; signed-in staff also see their own work."""
    user = request.user
    plans = portal_plans(user)
    ids = [p.pk for p in plans]
    today = clock.today()
    my_work = _my_work(user, ids) if user.is_authenticated else None
    summary = portfolio(plans, hidden_node_ids(user, ids), today)
    return render(request, "portal/home.html", {
        "portfolio": summary, "today": today,
        "money_chart": summary.money_chart(), "achievement_chart": summary.achievement_chart(),
        "internal": is_internal(user), "planner": is_planner(user), "my_work": my_work,
    })


def _progress_page(request: HttpRequest, slug: str, code: str | None) -> HttpResponse:
    user = request.user
    plan = get_portal_plan(user, slug)
    hidden = hidden_node_ids(user, [plan.pk])
    node = get_portal_node(user, plan, code, hidden) if code is not None else None
    withheld = withheld_ids([plan.pk]) if is_internal(user) else set()
    view = progress(plan, node, hidden, withheld, clock.today())
    ancestors: list[Any] = []
    if node is not None:  # a shown node's ancestors are shown: the tree's nodes have them
        by_id = {item.pk: item for item in view.nodes}
        current = by_id.get(node.parent_id) if node.parent_id else None
        while current is not None:
            ancestors.insert(0, current)
            current = by_id.get(current.parent_id) if current.parent_id else None
    return render(request, "portal/progress.html", {
        "plan": plan, "node": node, "ancestors": ancestors, "progress": view,
        "money_chart": view.money_chart(), "achievement_chart": view.achievement_chart(),
        "planner": is_planner(user), "is_withheld": node is not None and node.pk in withheld,
        "publication": getattr(plan, "publication", None),
    })


@require_GET
def plan_progress(request: HttpRequest, slug: str) -> HttpResponse:
    return _progress_page(request, slug, None)


@require_GET
def node_progress(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    return _progress_page(request, slug, code)


@require_GET
def data_index(request: HttpRequest) -> HttpResponse:
    """The open data: every dataset, its filters and downloads, and the bulk download."""
    return render(request, "portal/data_index.html", {"datasets": DATASETS.values()})


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    number = ascii_int(raw)
    if number is None or not 1 <= number <= MAX_PAGE:
        raise TabularError(f"page={raw[:20]!r}: 1 이상의 쪽 번호여야 합니다 / page must be a "
                           "positive number")
    return number


@require_GET
def dataset(request: HttpRequest, name: str) -> HttpResponse:
    """A dataset as a page (paged, filtered, chosen columns) or as CSV/XLSX (?format=)."""
    found = DATASETS[name]  # the route names it
    try:
        table = found.build(request.user, request.GET)
        download = respond(request, table)
        if download is not None:
            return download
        page = _page_number(request)
        from rtis.portal.tabular import choice, matrix

        chosen = choice(request.GET, table)
    except TabularError as exc:
        return _bad(request, str(exc))
    rows = matrix(table, chosen.columns)
    body = rows[1:]
    pages = max(1, -(-len(body) // PAGE_SIZE))
    page = min(page, pages)
    return render(request, "portal/dataset.html", {
        "dataset": found, "table": table, "header": rows[0],
        "rows": body[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "count": len(body),
        "page": page, "pages": pages, "downloads": links(request, table),
        "filters": [(f, request.GET.get(f, "")) for f in found.filters],
    })


@require_GET
def bundle(request: HttpRequest, kind: str) -> FileResponse:
    """The bulk download of all public data: ZIP of CSVs with a dictionary, or a SQLite file."""
    built = rebuild_if_stale()
    name = built.zip_path.name if kind == "zip" else built.sqlite_path.name
    content_type = "application/zip" if kind == "zip" else "application/vnd.sqlite3"
    return FileResponse(read(built, kind), as_attachment=True, filename=name,
                        content_type=content_type)


@require_POST
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a plan with a date, or withdraw it (planners)."""
    if not is_planner(request.user):
        raise PermissionDenied("기획 담당자만 할 수 있습니다 / only planners may do this")
    plan = get_portal_plan(request.user, slug)
    raw = request.POST.get("published_on", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return HttpResponseBadRequest(f"공개일(published_on) '{raw[:20]}'은(는) 날짜가 아닙니다 / "
                                      "published_on is not a date")
    try:
        actions.do_publish_plan(request.user, plan, request.POST.get("published") == "1", day)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, _("공개 설정을 저장했습니다."))
    return redirect("portal:progress", slug=plan.slug)


@require_GET
def public_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A published report as HTML, PDF, XLSX or HWPX, for anyone (unpublished ones are 404)."""
    from django.http import Http404

    from rtis.portal.access import get_public_report
    from rtis.reports.actions import snapshot_report
    from rtis.reports.render import FORMATS, renderer
    from rtis.web.csp import allow_inline_styles

    if fmt not in FORMATS:
        raise Http404(f"형식 '{fmt[:10]}'은(는) 없습니다 (html, pdf, xlsx, hwpx) / no format "
                      f"'{fmt[:10]}'")
    snapshot = get_public_report(pk)
    content_type, extension = FORMATS[fmt]
    data = renderer(fmt)(snapshot_report(snapshot))
    response = HttpResponse(data, content_type=content_type)
    name = f"{snapshot.kind}-{snapshot.plan.slug}-{snapshot.as_of}"
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{extension}"'
    if fmt == "html":  # the standalone report's print CSS, allowed by hash
        allow_inline_styles(response, data.decode("utf-8"))
    return response


@require_POST
def report_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a generated report with a date, or withdraw it (planners)."""
    from django.shortcuts import get_object_or_404

    from rtis.reports.models import ReportSnapshot

    if not is_planner(request.user):
        raise PermissionDenied("기획 담당자만 할 수 있습니다 / only planners may do this")
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    raw = request.POST.get("published_on", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return HttpResponseBadRequest(f"공개일(published_on) '{raw[:20]}'은(는) 날짜가 아닙니다 / "
                                      "published_on is not a date")
    try:
        if request.POST.get("published") == "1":
            actions.do_publish_report(request.user, snapshot, day)
        else:
            actions.do_withdraw_report(request.user, snapshot)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, _("공개 설정을 저장했습니다."))
    return redirect("reports:index")


@require_POST
def withhold(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Withhold a node from the public, or show it again (planners)."""
    if not is_planner(request.user):
        raise PermissionDenied("기획 담당자만 할 수 있습니다 / only planners may do this")
    plan = get_portal_plan(request.user, slug)
    node = get_portal_node(request.user, plan, code, set())
    try:
        if request.POST.get("withhold") == "1":
            actions.do_withhold_node(request.user, node, request.POST.get("reason", ""))
        else:
            actions.do_release_node(request.user, node)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    messages.success(request, _("공개 범위를 저장했습니다."))
    return redirect("portal:node_progress", slug=plan.slug, code=node.code)
