"""The plan's data as the claims checker sees it: budget sums, node counts, indicator targets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rtis.lib.claims import fold
from rtis.lib.consistency import Table
from rtis.lib.money import UNITS
from rtis.plans.models import BudgetLine, IndicatorTarget, Node, Plan, StatedTable


@dataclass(frozen=True)
class _Line:
    node: str
    lineage: frozenset[str]  # the node's code and all its ancestors' codes
    area: str
    year: int
    source: str
    won: int
    unit: int  # the unit the line was printed in, in won (1 for amounts entered in won)


def as_table(stated: StatedTable) -> Table:
    """Turn a stored stated table into the checker's plain Table."""
    return Table(plan=stated.plan.slug, key=stated.key, title=stated.title,
                 unit=stated.unit_as_printed, columns=list(stated.columns),
                 rows=[(r["label"], r["values"]) for r in stated.rows],
                 provenance=stated.provenance)


class PlanData:
    """Loads a plan's lines, nodes, targets and tables once (a handful of queries)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        nodes = list(Node.objects.filter(plan=plan).order_by("position"))
        by_id = {n.pk: n for n in nodes}
        self.nodes = nodes
        self.lineage: dict[int, frozenset[str]] = {}
        for n in nodes:
            codes: list[str] = []
            current: Node | None = n
            while current is not None:
                codes.append(current.code)
                current = by_id.get(current.parent_id) if current.parent_id else None
            self.lineage[n.pk] = frozenset(codes)
        depth_of = {n.code: n.depth for n in nodes}
        self.area_of = {n.pk: next(c for c in self.lineage[n.pk] if depth_of[c] == 1)
                        for n in nodes}
        self.lines = [
            _Line(node=by_id[line.node_id].code, lineage=self.lineage[line.node_id],
                  area=self.area_of[line.node_id], year=line.year, source=line.source_id,
                  won=line.amount_won, unit=UNITS.get(str(line.provenance.get("unit", "")), 1))
            for line in BudgetLine.objects.filter(node__plan=plan)
        ]
        self.targets = [
            (self.lineage[t.indicator.node_id], by_id[t.indicator.node_id].code,
             t.indicator.name, t.year, t.value)
            for t in IndicatorTarget.objects.filter(indicator__node__plan=plan)
            .select_related("indicator")
        ]
        self.tables = {t.key: as_table(t) for t in plan.stated_tables.select_related("plan")}
        self.areas = [(n.code, n.title) for n in nodes if n.depth == 1]

    def budget(self, filters: dict[str, Any]) -> tuple[int, int]:
        chosen = [line for line in self.lines if _line_matches(line, filters)]
        finest = min((line.unit for line in chosen), default=1)
        return sum(line.won for line in chosen), finest

    def node_count(self, filters: dict[str, Any]) -> int:
        scope = filters.get("scope")
        return sum(
            1 for n in self.nodes
            if ("depth" not in filters or n.depth == filters["depth"])
            and ("node_kind" not in filters or n.kind == filters["node_kind"])
            and (scope is None or (scope in self.lineage[n.pk] and n.code != scope))
        )

    def indicator_target(self, filters: dict[str, Any]) -> Decimal | None:
        name = filters.get("indicator")
        node = filters.get("node")
        if isinstance(name, str) and "|" in name:
            node, name = name.split("|", 1)
        chosen = [value for lineage, code, ind_name, year, value in self.targets
                  if (name is None or ind_name == name)
                  and (node is None or code == node)
                  and (filters.get("scope") is None or filters["scope"] in lineage)
                  and (filters.get("year") is None or year == filters["year"])]
        return sum(chosen, Decimal(0)) if chosen else None

    def area_code(self, label: str) -> str | None:
        folded = fold(label)
        found = [code for code, title in self.areas
                 if fold(title).startswith(folded) or folded.startswith(fold(title))]
        return found[0] if len(found) == 1 else None

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def audit_items(self, filters: dict[str, Any]) -> int:
        from rtis.oversight.models import AuditItem

        items = AuditItem.objects.filter(session__plan=self.plan)
        for key, field in (("session", "session__key"), ("category", "category"),
                           ("status", "status")):
            if filters.get(key) is not None:
                items = items.filter(**{field: filters[key]})
        return items.count()


def _line_matches(line: _Line, filters: dict[str, Any]) -> bool:
    checks = {
        "year": lambda v: line.year == int(v),
        "source": lambda v: line.source == v,
        "area": lambda v: line.area == str(v),
        "node": lambda v: str(v) in line.lineage,
        "scope": lambda v: str(v) in line.lineage,
    }
    return all(checks[key](value) for key, value in filters.items() if key in checks)
