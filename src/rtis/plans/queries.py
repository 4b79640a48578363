"""Read helpers: the node tree and money roll-ups, computed from lines, never stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum

from rtis.orgs.queries import Hierarchy, hierarchy_on
from rtis.plans.models import BudgetLine, FundingSource, Indicator, Node, NodeDepartment, Plan


def plan_nodes(plan: Plan) -> list[Node]:
    """Return the plan's nodes in document order with their departments, in two queries."""
    roles = NodeDepartment.objects.select_related("department").order_by("role", "position")
    return list(plan.nodes.order_by("position").prefetch_related(
        Prefetch("department_roles", queryset=roles)
    ))


def top_ancestor_ids(nodes: Iterable[Node]) -> dict[int, int]:
    """Map each node id to the id of its depth-1 ancestor (an area maps to itself)."""
    parent_of = {n.pk: n.parent_id for n in nodes}
    top: dict[int, int] = {}
    for node_id in parent_of:
        current = node_id
        while parent_of.get(current) is not None:
            current = parent_of[current]  # type: ignore[assignment]
        top[node_id] = current
    return top


def descendant_ids(nodes: Iterable[Node], root_id: int) -> set[int]:
    """Return the ids of a node and everything below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n.pk)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, []))
    return found


@dataclass
class Matrix:
    """A year × column table of won with totals both ways."""

    years: list[int]
    columns: list[tuple[str, str]]  # (key, label)
    cells: dict[tuple[int, str], int] = field(default_factory=dict)

    def cell(self, year: int, key: str) -> int:
        return self.cells.get((year, key), 0)

    def year_total(self, year: int) -> int:
        return sum(self.cell(year, key) for key, _ in self.columns)

    def column_total(self, key: str) -> int:
        return sum(self.cell(year, key) for year in self.years)

    @property
    def grand_total(self) -> int:
        return sum(self.cells.values())

    def rows(self) -> list[dict[str, object]]:
        """Return rows ready for a template: year, cells in column order, total."""
        return [
            {"year": y, "cells": [self.cell(y, k) for k, _ in self.columns],
             "total": self.year_total(y)}
            for y in self.years
        ]

    def totals(self) -> list[int]:
        return [self.column_total(k) for k, _ in self.columns]


def _line_sums(plan: Plan, node_ids: set[int] | None = None) -> list[dict[str, object]]:
    lines = BudgetLine.objects.filter(node__plan=plan)
    if node_ids is not None:
        lines = lines.filter(node_id__in=node_ids)
    rows = lines.values("node_id", "year", "source_id").annotate(total=Sum("amount_won"))
    return [dict(row) for row in rows]


def _years(plan: Plan, sums: list[dict[str, object]]) -> list[int]:
    years = set(plan.years) | {int(s["year"]) for s in sums}  # type: ignore[call-overload]
    return sorted(years)


def budget_by_source(plan: Plan, nodes: list[Node] | None = None,
                     root: Node | None = None) -> Matrix:
    """Return planned money by year × funding source (for the whole plan or a subtree)."""
    node_ids = None
    if root is not None:
        node_ids = descendant_ids(nodes if nodes is not None else plan_nodes(plan), root.pk)
    sums = _line_sums(plan, node_ids)
    used = {s["source_id"] for s in sums}
    columns = [(s.code, s.display_label) for s in FundingSource.objects.all() if s.code in used]
    matrix = Matrix(years=_years(plan, sums), columns=columns)
    for s in sums:
        key = (int(s["year"]), str(s["source_id"]))  # type: ignore[call-overload]
        matrix.cells[key] = matrix.cells.get(key, 0) + int(s["total"])  # type: ignore[call-overload]
    return matrix


def budget_by_area(plan: Plan, nodes: list[Node] | None = None) -> Matrix:
    """Return planned money by year × top-level area of the plan."""
    nodes = nodes if nodes is not None else plan_nodes(plan)
    top = top_ancestor_ids(nodes)
    areas = [n for n in nodes if n.parent_id is None]
    matrix = Matrix(years=[], columns=[(str(a.pk), f"{a.code} {a.title}") for a in areas])
    sums = _line_sums(plan)
    matrix.years = _years(plan, sums)
    for s in sums:
        key = (int(s["year"]), str(top[int(s["node_id"])]))  # type: ignore[call-overload]
        matrix.cells[key] = matrix.cells.get(key, 0) + int(s["total"])  # type: ignore[call-overload]
    return matrix


def plan_list_with_totals(plans: Iterable[Plan]) -> list[Plan]:
    """Attach planned total (won) and node count to each plan, in two queries."""
    plans = list(plans)
    ids = [p.pk for p in plans]
    totals = dict(
        BudgetLine.objects.filter(node__plan_id__in=ids)
        .values_list("node__plan_id").annotate(total=Sum("amount_won"))
    )
    counts = dict(
        Node.objects.filter(plan_id__in=ids).values_list("plan_id").annotate(n=Count("id"))
    )
    for plan in plans:
        plan.total_won = int(totals.get(plan.pk) or 0)  # type: ignore[attr-defined]
        plan.node_count = int(counts.get(plan.pk) or 0)  # type: ignore[attr-defined]
    return plans


def plan_indicators(plan: Plan, node_ids: set[int] | None = None) -> list[Indicator]:
    """Return the plan's indicators with targets and actuals prefetched."""
    indicators = Indicator.objects.filter(node__plan=plan).select_related("node")
    if node_ids is not None:
        indicators = indicators.filter(node_id__in=node_ids)
    return list(indicators.prefetch_related("targets", "actuals").order_by("node__position",
                                                                             "position", "id"))


def subtree_totals(plan: Plan, nodes: list[Node]) -> dict[int, int]:
    """Map each node id to the planned won of itself and everything below it (one query)."""
    own = (BudgetLine.objects.filter(node__plan=plan).values_list("node_id")
           .annotate(total=Sum("amount_won")))
    parent_of = {n.pk: n.parent_id for n in nodes}
    totals: dict[int, int] = defaultdict(int)
    for node_id, amount in own:
        current: int | None = node_id
        while current is not None:
            totals[current] += int(amount)
            current = parent_of.get(current)
    return dict(totals)


def name_departments_on_plan_day(plan: Plan, nodes: Iterable[Node]) -> Hierarchy:
    """Give the nodes' department roles the names and chains in force on the plan's day.

    Each role gets `shown_name` and `shown_path` ('경제진흥본부 → 경제기획관 → 경제정책과'): a
    plan shows its departments as they stood on its approval date (one query for them all).
    """
    org = hierarchy_on(plan.org_day)
    for node in nodes:
        for role in node.department_roles.all():
            role.shown_name = org.name(role.department_id)  # type: ignore[attr-defined]
            role.shown_path = org.path(role.department_id)  # type: ignore[attr-defined]
    return org
