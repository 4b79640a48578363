"""Export a plan as `rtis-plan/1` JSON (also the open-data and import format)."""

from __future__ import annotations

import json
from typing import Any

from rtis.ingest.planfile import FORMAT, number_to_json
from rtis.orgs.models import Department
from rtis.plans.models import BudgetLine, Indicator, NodeDepartment, Plan
from rtis.plans.queries import plan_nodes


def _name(department: Department, plan: Plan) -> str:
    # The name the plan's own document used: the one in force on its approval date.
    return department.name_on(plan.approved_on) if plan.approved_on else department.name


def _departments(plan: Plan, used: list[Department]) -> list[dict[str, Any]]:
    ordered: list[Department] = []
    seen: set[int] = set()

    def add(d: Department) -> None:
        if d.pk in seen:
            return
        if d.parent is not None:
            add(d.parent)
        seen.add(d.pk)
        ordered.append(d)

    for d in used:
        add(d)
    return [
        {"name": _name(d, plan), "parent": _name(d.parent, plan) if d.parent else None,
         "kind": d.kind}
        for d in ordered
    ]


def export_plan(plan: Plan) -> dict[str, Any]:
    """Return the plan as a JSON-ready dict in document order."""
    nodes = plan_nodes(plan)
    code_of = {n.pk: n.code for n in nodes}
    used: list[Department] = []
    if plan.department is not None:
        used.append(plan.department)
    node_docs = []
    for n in nodes:
        roles: list[NodeDepartment] = list(n.department_roles.all())
        owners = [r.department for r in roles if r.role == "owner"]
        cooperating = [r.department for r in roles if r.role == "cooperating"]
        used.extend(owners + cooperating)
        node_docs.append({
            "code": n.code, "title": n.title, "depth": n.depth,
            "parent": code_of.get(n.parent_id) if n.parent_id else None,
            "level_name": n.level_name, "kind": n.kind or None,
            "departments": [_name(d, plan) for d in owners],
            "cooperating_departments": [_name(d, plan) for d in cooperating],
            "description": n.description, "provenance": n.provenance,
        })
    for d in list(used):
        d.names.all()  # prefetched below via name_on; kept simple: few departments per plan
    lines = (BudgetLine.objects.filter(node__plan=plan).select_related("node", "source")
             .order_by("node__position", "year", "source__position"))
    indicators = (Indicator.objects.filter(node__plan=plan).select_related("node")
                  .prefetch_related("targets", "actuals").order_by("node__position", "position", "id"))
    return {
        "format": FORMAT,
        "plan": {
            "slug": plan.slug, "title": plan.title,
            "document_number": plan.document_number or None,
            "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
            "period": [plan.period_start, plan.period_end],
            "department": _name(plan.department, plan) if plan.department else None,
            "summary": plan.summary, "source_document": plan.source_document or None,
            "published": plan.published,
        },
        "departments": _departments(plan, used),
        "nodes": node_docs,
        "budget_lines": [
            {"node": line.node.code, "year": line.year, "source": line.source_id,
             "amount_won": line.amount_won, "note": line.note, "provenance": line.provenance}
            for line in lines
        ],
        "indicators": [
            {"node": ind.node.code, "name": ind.name, "unit": ind.unit,
             "direction": ind.direction, "definition": ind.definition,
             "targets": {str(t.year): number_to_json(t.value) for t in ind.targets.all()},
             "actuals": {a.period: number_to_json(a.value) for a in ind.actuals.all()},
             "provenance": ind.provenance}
            for ind in indicators
        ],
        "stated_figures": [
            {"key": f.key, "label": f.label, "value": number_to_json(f.value),
             "unit_as_printed": f.unit_as_printed, "printed": f.printed,
             "provenance": f.provenance}
            for f in plan.stated_figures.order_by("position")
        ],
        "stated_tables": [
            {"key": t.key, "title": t.title, "unit_as_printed": t.unit_as_printed or None,
             "as_of": t.as_of.isoformat() if t.as_of else None, "columns": t.columns,
             "rows": t.rows, "note": t.note, "provenance": t.provenance}
            for t in plan.stated_tables.order_by("position")
        ],
    }


def dumps(doc: dict[str, Any]) -> str:
    """Serialise an export deterministically (UTF-8 Korean, stable indentation)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
