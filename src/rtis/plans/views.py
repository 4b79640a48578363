"""Plan pages: thin views that authorize, validate, call actions and render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.audit.log import history_for_node
from rtis.audit.present import present
from rtis.lib.conflict import EditConflict
from rtis.lib.money import MoneyError, to_won
from rtis.lib.numbers import ascii_int
from rtis.orgs.access import is_internal
from rtis.plans import actions, sources
from rtis.plans.access import (
    can_edit_node,
    get_budget_line_for_user,
    get_node_for_user,
    get_plan_for_user,
    plans_for_user,
    require_node_editor,
)
from rtis.plans.forms import DISPLAY_UNITS, BudgetLineForm, NodeForm
from rtis.plans.models import BudgetLine, FundingSource, Node, Plan
from rtis.plans.queries import (
    budget_by_source,
    budget_summary,
    descendant_ids,
    name_departments_on_plan_day,
    plan_indicators,
    plan_list_with_totals,
    plan_nodes,
    subtree_ids_sql,
    subtree_totals,
)
from rtis.web.language import add_errors, in_language

DEFAULT_UNIT = "백만원"


def chosen_unit(request: HttpRequest) -> str:
    """Return the display unit the reader asked for (default 백만원, as the documents print)."""
    unit = request.GET.get("unit", DEFAULT_UNIT)
    return unit if unit in DISPLAY_UNITS else DEFAULT_UNIT


TREE_FULL_MAX = 400  # a larger tree shows its areas; each area's subtree opens on demand
TABLES_PER_PAGE = 50
AREAS_PER_PAGE = 50  # a folded tree and a long by-area table show this many areas a page
AREA_COLUMNS_MAX = 12  # more areas than this: the by-area table has an area a row, not a column


def _page_number(raw: str) -> int:
    number = ascii_int(raw)
    return number if number is not None and 0 < number < 100_000 else 1


def _budget_context(request: HttpRequest, plan: Plan, unit: str) -> dict[str, Any]:
    """The budget matrices (one query); with many areas, the by-area rows of one page."""
    by_source, by_area, _ = budget_summary(plan)  # one query for both
    count = len(by_area.columns)
    number = min(_page_number(request.GET.get("areas", "")),
                 max(1, (count + AREAS_PER_PAGE - 1) // AREAS_PER_PAGE))
    start = (number - 1) * AREAS_PER_PAGE
    shown = by_area.columns[start:start + AREAS_PER_PAGE]
    areas_page = {"number": number, "count": count, "first": start + 1,
                  "last": start + len(shown), "previous": number - 1 if number > 1 else None,
                  "next": number + 1 if start + AREAS_PER_PAGE < count else None}
    area_rows = None
    if count > AREA_COLUMNS_MAX:  # an area a row (years across), a page at a time
        area_rows = [{"label": label, "cells": [by_area.cell(y, key) for y in by_area.years],
                      "total": by_area.column_total(key)} for key, label in shown]
    return {"plan": plan, "unit": unit, "units": DISPLAY_UNITS, "by_source": by_source,
            "by_area": by_area, "area_rows": area_rows, "areas_page": areas_page,
            "area_ids_shown": [int(key) for key, _ in shown]}


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = plan_list_with_totals(plans_for_user(request.user))
    return render(request, "plans/plan_list.html", {"plans": plans, "unit": chosen_unit(request)})


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    unit = chosen_unit(request)
    budget = _budget_context(request, plan, unit)
    node_count = plan.nodes.count()
    folded = node_count > TREE_FULL_MAX
    if folded:  # the areas of this page; their totals are the by-area table's
        nodes = plan_nodes(plan, ids=budget["area_ids_shown"])
        by_area = budget["by_area"]
        totals = {n.pk: by_area.column_total(str(n.pk)) for n in nodes}
    else:
        nodes = plan_nodes(plan)
        totals = subtree_totals(plan)
    for node in nodes:
        node.total_won = totals.get(node.pk, 0)  # type: ignore[attr-defined]
    org = name_departments_on_plan_day(plan, nodes)
    tables_page = _tables_page(plan, request.GET.get("tables", ""))
    context = {
        **budget,
        "nodes": nodes,
        "tree_folded": folded,
        "node_count": node_count,
        "org_day": org.day,
        "department_chain": org.chain(plan.department_id) if plan.department_id else [],
        "indicators": plan_indicators(plan),
        "stated_tables": sources.tell_apart(tables_page["tables"]),
        "tables_page": tables_page,
        "default_unit": DEFAULT_UNIT,
        "stated_figures": list(plan.stated_figures.order_by("position")),
    }
    return render(request, "plans/plan_detail.html", context)


def _tables_page(plan: Plan, raw: str) -> dict[str, Any]:
    """One page of the printed tables (no count query: one more row tells if a page follows)."""
    number = _page_number(raw)
    start = (number - 1) * TABLES_PER_PAGE
    tables = list(plan.stated_tables.order_by("position")[start:start + TABLES_PER_PAGE + 1])
    more = len(tables) > TABLES_PER_PAGE
    return {"tables": tables[:TABLES_PER_PAGE], "number": number,
            "previous": number - 1 if number > 1 else None, "next": number + 1 if more else None}


@require_GET
def plan_subtree(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The rows below one node of the plan page's tree (htmx: the 'show' button of an area)."""
    plan = get_plan_for_user(request.user, slug)
    root = get_node_for_user(request.user, plan, code)
    below = RawSQL(subtree_ids_sql(), [root.pk])
    nodes = plan_nodes(plan, ids=below)
    nodes = [n for n in nodes if n.pk != root.pk]
    totals = subtree_totals(plan, root=root)
    for node in nodes:
        node.total_won = totals.get(node.pk, 0)  # type: ignore[attr-defined]
    name_departments_on_plan_day(plan, nodes)
    context = {"plan": plan, "nodes": nodes, "unit": chosen_unit(request),
               "default_unit": DEFAULT_UNIT, "tree_folded": False}
    return render(request, "plans/_subtree_rows.html", context)


@require_GET
def plan_budget(request: HttpRequest, slug: str) -> HttpResponse:
    """Render the budget matrices alone (the htmx unit switch)."""
    plan = get_plan_for_user(request.user, slug)
    context = _budget_context(request, plan, chosen_unit(request))
    return render(request, "plans/_budget.html", context)


def _node_context(request: HttpRequest, plan: Plan, node: Node) -> dict[str, object]:
    nodes = plan_nodes(plan)
    node = next(n for n in nodes if n.pk == node.pk)
    org = name_departments_on_plan_day(plan, [node])
    by_id = {n.pk: n for n in nodes}
    ancestors: list[Node] = []
    current = by_id.get(node.parent_id) if node.parent_id else None
    while current is not None:
        ancestors.insert(0, current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    subtree = descendant_ids(nodes, node.pk)
    lines = list(BudgetLine.objects.filter(node_id__in=subtree).select_related("node", "source")
                 .order_by("node__position", "year", "source__position"))
    return {
        "plan": plan, "node": node, "ancestors": ancestors, "unit": chosen_unit(request),
        "org_day": org.day,
        "units": DISPLAY_UNITS,
        "children": [n for n in nodes if n.parent_id == node.pk],
        "matrix": budget_by_source(plan, nodes, root=node),
        "lines": lines,
        "indicators": plan_indicators(plan, subtree),
        "history": present(history_for_node(node.pk)) if is_internal(request.user) else [],
        "references": list(node.references.all()),
        "can_edit": can_edit_node(request.user, node),
        "line_form": _line_form_for(request, node, lines),
        "line_conflict": None,
    }


def _line_form_for(request: HttpRequest, node: Node, lines: list[BudgetLine]) -> BudgetLineForm:
    """Return the budget form, filled with the node's line chosen by ?edit=<id> (and its version)."""
    chosen = ascii_int(request.GET.get("edit", ""))
    line = next((x for x in lines if x.pk == chosen and x.node_id == node.pk), None)
    if line is None:
        return BudgetLineForm(sources=_sources(), initial={"unit": "원"})
    return BudgetLineForm(sources=_sources(), initial={
        "year": line.year, "source": line.source_id, "amount": line.amount_won, "unit": "원",
        "note": line.note, "version": line.version})


def _sources() -> list[tuple[str, str]]:
    return [(s.code, s.display_label) for s in FundingSource.objects.all()]


@require_GET
def node_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    return render(request, "plans/node_detail.html", _node_context(request, plan, node))


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    require_node_editor(request.user, node)
    conflict = None
    if request.method == "POST":
        form = NodeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_update_node(request.user, node, data["version"], title=data["title"],
                                       kind=data["kind"], description=data["description"])
            except EditConflict as exc:
                conflict = exc
                # Keep the editor's text, but let the next save target the version now stored.
                form = NodeForm({**request.POST.dict(), "version": exc.current_version})
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("저장했습니다."))
                return redirect("plans:node", slug=plan.slug, code=node.code)
        status = 409 if conflict else 400
        return render(request, "plans/node_edit.html",
                      {"plan": plan, "node": node, "form": form, "conflict": conflict},
                      status=status)
    form = NodeForm(initial={"title": node.title, "kind": node.kind,
                             "description": node.description, "version": node.version})
    return render(request, "plans/node_edit.html", {"plan": plan, "node": node, "form": form})


@login_required
@require_POST
def budget_line_save(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    require_node_editor(request.user, node)
    form = BudgetLineForm(request.POST, sources=_sources())
    conflict: EditConflict | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            amount_won = to_won(Decimal(data["amount"]), data["unit"])
            actions.do_set_budget_line(request.user, node, year=data["year"],
                                       source_code=data["source"], amount_won=amount_won,
                                       note=data["note"] or None,
                                       expected_version=data["version"])
        except MoneyError as exc:
            form.add_error("amount", in_language(exc))
        except ValidationError as exc:
            add_errors(form, exc, {"amount_won": "amount"})
        except EditConflict as exc:
            conflict = exc
            # Keep the editor's figures; the next save targets the version stored now.
            form = BudgetLineForm({**request.POST.dict(), "version": exc.current_version},
                                  sources=_sources())
        else:
            messages.success(request, _("소요예산을 저장했습니다."))
            return redirect("plans:node", slug=plan.slug, code=node.code)
    context = _node_context(request, plan, node)
    context["line_form"] = form
    context["line_conflict"] = conflict
    return render(request, "plans/node_detail.html", context, status=409 if conflict else 400)


@login_required
@require_POST
def budget_line_delete(request: HttpRequest, slug: str, code: str, line_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    subtree = descendant_ids(plan_nodes(plan), node.pk)
    line = get_budget_line_for_user(request.user, node, line_id, subtree)
    actions.do_delete_budget_line(request.user, line)
    messages.success(request, _("소요예산 항목을 삭제했습니다."))
    return redirect("plans:node", slug=plan.slug, code=node.code)


@login_required
@require_POST
def plan_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a plan to the public, or withdraw it (planners)."""
    plan = get_plan_for_user(request.user, slug)
    publish = request.POST.get("published") == "1"
    actions.do_set_plan_published(request.user, plan, publish)
    messages.success(request, _("공개했습니다.") if publish else _("비공개로 바꾸었습니다."))
    return redirect("plans:detail", slug=plan.slug)
