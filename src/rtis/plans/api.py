"""Read endpoints for plans, nodes, budget lines, indicators and the plan JSON export."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from rtis.ingest.export import dumps, export_plan
from rtis.ingest.planfile import PlanDoc, number_to_json
from rtis.plans.access import get_node_for_user, get_plan_for_user, plans_for_user
from rtis.plans.models import BudgetLine, Plan
from rtis.plans.queries import (
    budget_by_area,
    budget_by_source,
    name_departments_on_plan_day,
    plan_indicators,
    plan_nodes,
)

router = Router()


class ErrorOut(Schema):
    detail: str


class FieldProblem(Schema):
    field: str
    message: str


class InvalidOut(Schema):
    detail: str
    errors: list[FieldProblem]


class PlanOut(Schema):
    slug: str
    title: str
    document_number: str | None
    policy_number: str | None = Field(default=None, description="방침번호 / policy number as printed")
    approved_on: dt.date | None
    period: list[int]
    department: str | None = Field(description="결재일 당시 부서명 / the name on the approval date")
    published: bool
    summary: str


class NodeOut(Schema):
    code: str
    title: str
    depth: int
    parent: str | None
    level_name: str
    kind: str | None
    departments: list[str]
    cooperating_departments: list[str]
    description: str
    provenance: dict[str, Any]


class BudgetLineOut(Schema):
    node: str
    year: int
    source: str
    amount_won: int
    note: str
    provenance: dict[str, Any]


class IndicatorOut(Schema):
    node: str
    name: str
    unit: str
    direction: str
    definition: str
    targets: dict[str, int | float]
    actuals: dict[str, int | float]


class MatrixOut(Schema):
    years: list[int]
    columns: list[str] = Field(description="재원 코드 또는 분야 번호 / source codes or area codes")
    labels: list[str]
    cells: list[list[int]] = Field(description="연도별 행, 열 순서대로 원 / per year, won")
    year_totals: list[int]
    column_totals: list[int]
    total: int


class BudgetSummaryOut(Schema):
    by_source: MatrixOut
    by_area: MatrixOut


class LineFilter(Schema):
    year: int | None = Field(default=None, ge=1990, le=2100)
    source: Literal["city", "national", "district", "sh", "private", "fund", "other"] | None = None
    node: str | None = Field(default=None, description="과제 번호; 하위 과제 포함 / node code")


def _plan_out(plan: Plan) -> dict[str, Any]:
    return {"slug": plan.slug, "title": plan.title,
            "document_number": plan.document_number or None,
            "policy_number": plan.policy_number or None, "approved_on": plan.approved_on,
            "period": [plan.period_start, plan.period_end],
            "department": plan.department.name_on(plan.org_day) if plan.department else None,
            "published": plan.published, "summary": plan.summary}


@router.get("", response=list[PlanOut], summary="계획 목록 / list plans")
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    plans = plans_for_user(request.user).select_related("department").prefetch_related(
        "department__names")
    return [_plan_out(p) for p in plans]


@router.get("/{slug}", response={200: PlanOut, 404: ErrorOut}, summary="계획 / one plan")
def get_plan(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _plan_out(get_plan_for_user(request.user, slug))


@router.get("/{slug}/nodes", response={200: list[NodeOut], 404: ErrorOut},
            summary="추진체계 / the node tree in document order")
def list_nodes(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    plan = get_plan_for_user(request.user, slug)
    nodes = plan_nodes(plan)
    name_departments_on_plan_day(plan, nodes)
    code_of = {n.pk: n.code for n in nodes}
    return [_node_out(n, code_of) for n in nodes]


def _node_out(n: Any, code_of: dict[int, str]) -> dict[str, Any]:
    roles = list(n.department_roles.all())
    return {"code": n.code, "title": n.title, "depth": n.depth,
            "parent": code_of.get(n.parent_id) if n.parent_id else None,
            "level_name": n.level_name, "kind": n.kind or None,
            "departments": [r.shown_name for r in roles if r.role == "owner"],
            "cooperating_departments": [r.shown_name for r in roles if r.role == "cooperating"],
            "description": n.description, "provenance": n.provenance}


@router.get("/{slug}/nodes/{code}", response={200: NodeOut, 404: ErrorOut},
            summary="과제 / one node")
def get_node(request: HttpRequest, slug: str, code: str) -> dict[str, Any]:
    plan = get_plan_for_user(request.user, slug)
    node = get_node_for_user(request.user, plan, code)
    nodes = plan_nodes(plan)
    chosen = next(n for n in nodes if n.pk == node.pk)
    name_departments_on_plan_day(plan, [chosen])
    code_of = {n.pk: n.code for n in nodes}
    return _node_out(chosen, code_of)


@router.get("/{slug}/budget-lines",
            response={200: list[BudgetLineOut], 404: ErrorOut, 422: InvalidOut},
            summary="소요예산 / planned budget lines (won)")
def list_budget_lines(request: HttpRequest, slug: str,
                      filters: Query[LineFilter]) -> list[dict[str, Any]]:
    plan = get_plan_for_user(request.user, slug)
    lines = BudgetLine.objects.filter(node__plan=plan).select_related("node")
    if filters.node:
        from rtis.plans.queries import descendant_ids

        root = get_node_for_user(request.user, plan, filters.node)
        lines = lines.filter(node_id__in=descendant_ids(plan_nodes(plan), root.pk))
    if filters.year is not None:
        lines = lines.filter(year=filters.year)
    if filters.source:
        lines = lines.filter(source_id=filters.source)
    return [{"node": line.node.code, "year": line.year, "source": line.source_id,
             "amount_won": line.amount_won, "note": line.note, "provenance": line.provenance}
            for line in lines.order_by("node__position", "year", "source__position")]


@router.get("/{slug}/budget-summary", response={200: BudgetSummaryOut, 404: ErrorOut},
            summary="소요예산 합계 / totals by year × source and year × area (computed)")
def budget_summary(request: HttpRequest, slug: str) -> dict[str, Any]:
    plan = get_plan_for_user(request.user, slug)
    nodes = plan_nodes(plan)
    area_code = {str(n.pk): n.code for n in nodes if n.parent_id is None}

    def out(matrix: Any, rename: dict[str, str] | None = None) -> dict[str, Any]:
        return {"years": matrix.years,
                "columns": [(rename or {}).get(k, k) for k, _ in matrix.columns],
                "labels": [label for _, label in matrix.columns],
                "cells": [[matrix.cell(y, k) for k, _ in matrix.columns] for y in matrix.years],
                "year_totals": [matrix.year_total(y) for y in matrix.years],
                "column_totals": matrix.totals(), "total": matrix.grand_total}

    return {"by_source": out(budget_by_source(plan, nodes)),
            "by_area": out(budget_by_area(plan, nodes), area_code)}


@router.get("/{slug}/indicators", response={200: list[IndicatorOut], 404: ErrorOut},
            summary="성과지표 / indicators with targets and actuals")
def list_indicators(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    plan = get_plan_for_user(request.user, slug)
    return [{"node": i.node.code, "name": i.name, "unit": i.unit, "direction": i.direction,
             "definition": i.definition,
             "targets": {str(t.year): number_to_json(t.value) for t in i.targets.all()},
             "actuals": {a.period: number_to_json(a.value) for a in i.actuals.all()}}
            for i in plan_indicators(plan)]


@router.get("/{slug}/export", response={200: PlanDoc, 404: ErrorOut}, url_name="plan_export",
            summary="계획 내보내기 (rtis-plan/1) / the plan as an importable JSON document")
def plan_export(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    response = HttpResponse(dumps(export_plan(plan)), content_type="application/json; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}.json"'
    return response
