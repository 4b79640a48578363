"""Export a plan as `rtis-plan/1` JSON (also the open-data and import format)."""

from __future__ import annotations

import json
from typing import Any

from rtis.ingest.planfile import FORMAT, number_to_json
from rtis.orgs.models import DepartmentAlias, DepartmentName, DepartmentParent, Reorganisation
from rtis.orgs.queries import hierarchy_on
from rtis.plans.models import BudgetLine, Indicator, NodeDepartment, Plan
from rtis.plans.queries import plan_nodes


def _span(obj: DepartmentName | DepartmentParent) -> dict[str, Any]:
    return {"valid_from": obj.valid_from.isoformat() if obj.valid_from else None,
            "valid_to": obj.valid_to.isoformat() if obj.valid_to else None}


def _span_key(obj: DepartmentName | DepartmentParent) -> tuple[bool, str, int]:
    return (obj.valid_from is not None, obj.valid_from.isoformat() if obj.valid_from else "",
            obj.pk)


class _Names:
    """Departments as the plan's own document knew them: names and parents on its approval date.

    The listing also carries each department's dated history (names, parents, printed variants)
    so that an import elsewhere rebuilds the hierarchy of every day, not only of this one.
    """

    def __init__(self, plan: Plan) -> None:
        self.org = hierarchy_on(plan.org_day)  # one query for the organisation on that day

    def name(self, department_id: int) -> str:
        return self.org.name(department_id)

    def listing(self, used: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """List the used departments with their ancestors (then and in their history), parents
        first, and the reorganisations their history refers to."""
        names: dict[int, list[DepartmentName]] = {}
        links: dict[int, list[DepartmentParent]] = {}
        aliases: dict[int, list[DepartmentAlias]] = {}
        # Three queries for the whole organisation's history; it is small.
        for n in DepartmentName.objects.select_related("reorganisation"):
            names.setdefault(n.department_id, []).append(n)
        for link in DepartmentParent.objects.select_related("reorganisation"):
            links.setdefault(link.department_id, []).append(link)
        for a in DepartmentAlias.objects.all():
            aliases.setdefault(a.department_id, []).append(a)
        ordered: list[int] = []

        def add(department_id: int) -> None:
            if department_id in ordered:
                return
            ordered.append(department_id)  # placed early: a cycle in the history cannot loop
            parents = [self.org.parent_id(department_id),
                       *(link.parent_id for link in links.get(department_id, []))]
            for parent_id in parents:
                if parent_id is not None:
                    add(parent_id)
            ordered.remove(department_id)
            ordered.append(department_id)

        for department_id in used:
            add(department_id)
        reorganisations: dict[int, Reorganisation] = {}
        for i in ordered:
            spans: list[DepartmentName | DepartmentParent] = [*names.get(i, []),
                                                              *links.get(i, [])]
            for span in spans:
                if span.reorganisation is not None:
                    reorganisations[span.reorganisation.pk] = span.reorganisation
        keys = _reorganisation_keys(list(reorganisations.values()))
        listing = []
        for i in ordered:
            parent_id = self.org.parent_id(i)
            entry: dict[str, Any] = {
                "name": self.name(i),
                "parent": self.name(parent_id) if parent_id is not None else None,
                "kind": self.org.units[i].kind}
            own_names = sorted(names.get(i, []), key=_span_key)
            if len(own_names) > 1 or any(n.valid_from or n.valid_to or n.provenance
                                         for n in own_names):
                entry["names"] = [{"name": n.name, **_span(n),
                                   "reorganisation": keys.get(n.reorganisation_id or 0),
                                   "provenance": n.provenance} for n in own_names]
            if links.get(i):
                entry["parents"] = [
                    {"parent": self.name(link.parent_id) if link.parent_id else None,
                     **_span(link), "reorganisation": keys.get(link.reorganisation_id or 0),
                     "provenance": link.provenance}
                    for link in sorted(links[i], key=_span_key)]
            if aliases.get(i):
                entry["aliases"] = [{"name": a.name, "note": a.note, "provenance": a.provenance}
                                    for a in sorted(aliases[i], key=lambda a: a.name)]
            listing.append(entry)
        reorganisation_docs = [
            {"key": keys[r.pk], "effective_on": r.effective_on.isoformat(), "title": r.title,
             "note": r.note, "provenance": r.provenance}
            for r in sorted(reorganisations.values(), key=lambda r: (r.effective_on, r.title))]
        return listing, reorganisation_docs


def _reorganisation_keys(reorganisations: list[Reorganisation]) -> dict[int, str]:
    """Label reorganisations within one file by date: reorg-2019-01-01, reorg-2019-01-01-2."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for r in sorted(reorganisations, key=lambda r: (r.effective_on, r.title)):
        key, n = f"reorg-{r.effective_on.isoformat()}", 1
        while key in taken:
            n += 1
            key = f"reorg-{r.effective_on.isoformat()}-{n}"
        taken.add(key)
        keys[r.pk] = key
    return keys


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
    departments, reorganisations = names.listing(used)
    indicators = (Indicator.objects.filter(node__plan=plan).select_related("node")
                  .prefetch_related("targets", "actuals").order_by("node__position", "position", "id"))
    return {
        "format": FORMAT,
        "plan": {
            "slug": plan.slug, "title": plan.title,
            "document_number": plan.document_number or None,
            "policy_number": plan.policy_number or None,
            "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
            "period": [plan.period_start, plan.period_end],
            "department": names.name(plan.department_id) if plan.department_id else None,
            "summary": plan.summary, "source_document": plan.source_document or None,
            "published": plan.published,
        },
        "reorganisations": reorganisations,
        "departments": departments,
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
