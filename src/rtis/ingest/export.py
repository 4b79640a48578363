"""Export a plan as `rtis-plan/1` JSON (also the open-data and import format)."""

from __future__ import annotations

import json
from typing import Any

from rtis.ingest.planfile import FORMAT, number_to_json
from rtis.orgs.models import Department
from rtis.plans.models import BudgetLine, Indicator, NodeDepartment, Plan
from rtis.plans.queries import plan_nodes


class _Names:
    """Department names as the plan's own document used them: in force on its approval date."""

    def __init__(self, plan: Plan) -> None:
        self.day = plan.approved_on
        # Two queries for every department and its name history; the organisation is small.
        self.by_id = {d.pk: d for d in Department.objects.prefetch_related("names")}

    def name(self, department_id: int) -> str:
        department = self.by_id[department_id]
        return department.name_on(self.day) if self.day else department.name

    def listing(self, used: list[int]) -> list[dict[str, Any]]:
        """List the used departments with their ancestors, parents first."""
        ordered: list[int] = []

        def add(department_id: int) -> None:
            if department_id in ordered:
                return
            parent_id = self.by_id[department_id].parent_id
            if parent_id is not None:
                add(parent_id)
            ordered.append(department_id)

        for department_id in used:
            add(department_id)
        listing = []
        for i in ordered:
            parent_id = self.by_id[i].parent_id
            listing.append({"name": self.name(i),
                            "parent": self.name(parent_id) if parent_id is not None else None,
                            "kind": self.by_id[i].kind})
        return listing


def export_plan(plan: Plan) -> dict[str, Any]:
    """Return the plan as a JSON-ready dict in document order."""
    nodes = plan_nodes(plan)
    names = _Names(plan)
    code_of = {n.pk: n.code for n in nodes}
    used: list[int] = [plan.department_id] if plan.department_id else []
    node_docs = []
    for n in nodes:
        roles: list[NodeDepartment] = list(n.department_roles.all())
        owners = [r.department_id for r in roles if r.role == "owner"]
        cooperating = [r.department_id for r in roles if r.role == "cooperating"]
        used.extend(owners + cooperating)
        node_docs.append({
            "code": n.code, "title": n.title, "depth": n.depth,
            "parent": code_of.get(n.parent_id) if n.parent_id else None,
            "level_name": n.level_name, "kind": n.kind or None,
            "departments": [names.name(i) for i in owners],
            "cooperating_departments": [names.name(i) for i in cooperating],
            "description": n.description, "provenance": n.provenance,
        })
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
            "department": names.name(plan.department_id) if plan.department_id else None,
            "summary": plan.summary, "source_document": plan.source_document or None,
            "published": plan.published,
        },
        "departments": names.listing(used),
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
             "provenance": f.provenance, "claims": f.claims}
            for f in plan.stated_figures.order_by("position")
        ],
        "stated_tables": [
            {"key": t.key, "title": t.title, "unit_as_printed": t.unit_as_printed or None,
             "as_of": t.as_of.isoformat() if t.as_of else None, "columns": t.columns,
             "rows": t.rows, "note": t.note, "provenance": t.provenance, "claims": t.claims}
            for t in plan.stated_tables.order_by("position")
        ],
    }


def dumps(doc: dict[str, Any]) -> str:
    """Serialise an export deterministically (UTF-8 Korean, stable indentation)."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
