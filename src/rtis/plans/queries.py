"""Read helpers: the node tree and money roll-ups, computed from lines, never stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Sum
from django.db.models.expressions import RawSQL

from rtis.orgs.queries import Hierarchy, hierarchy_on
from rtis.plans.models import BudgetLine, FundingSource, Indicator, Node, NodeDepartment, Plan


def plan_nodes(plan: Plan, areas_only: bool = False, ids: Any = None) -> list[Node]:
    """Return the plan's nodes in document order with their departments, in two queries.

    `areas_only`: the top level only; `ids`: only these ids (a list or a subquery).
    """
    roles = NodeDepartment.objects.select_related("department").order_by("role", "position")
    nodes = plan.nodes.order_by("position")
    if areas_only:
        nodes = nodes.filter(parent__isnull=True)
    if ids is not None:
        nodes = nodes.filter(id__in=ids)
    return list(nodes.prefetch_related(Prefetch("department_roles", queryset=roles)))


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

    def year_totals(self) -> list[int]:
        return [self.year_total(y) for y in self.years]


def _years(plan: Plan, years_found: Iterable[int]) -> list[int]:
    return sorted(set(plan.years) | set(years_found))


def subtree_ids_sql() -> str:
    """SQL for the ids of a node (parameter) and all its descendants: a recursive CTE."""
    table = Node._meta.db_table
    return (f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id = %s "
            f"UNION ALL SELECT child.id FROM {table} child "
            f"JOIN subtree ON child.parent_id = subtree.id) SELECT id FROM subtree")


def _fetch(sql: str, params: list[int]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def year_source_sums(plan: Plan, root: Node | None = None) -> list[tuple[int, str, int]]:
    """(year, source code, won) of the plan's lines (of root's subtree): one GROUP BY query."""
    if root is not None:
        lines = BudgetLine.objects.filter(node_id__in=RawSQL(subtree_ids_sql(), [root.pk]))
    else:
        lines = BudgetLine.objects.filter(node__plan=plan)
    rows = lines.order_by().values_list("year", "source_id").annotate(total=Sum("amount_won"))
    return [(int(year), str(source), int(total or 0)) for year, source, total in rows]


def year_area_sums(plan: Plan) -> list[tuple[int, int, int]]:
    """(year, area id, won) of the plan's lines rolled up to their top-level area.

    One query: a recursive CTE gives every node its area, the database groups the lines.
    """
    nodes, lines = Node._meta.db_table, BudgetLine._meta.db_table
    sql = (f"WITH RECURSIVE tree(id, area_id) AS ("
           f"SELECT id, id FROM {nodes} WHERE plan_id = %s AND parent_id IS NULL "
           f"UNION ALL SELECT child.id, tree.area_id FROM {nodes} child "
           f"JOIN tree ON child.parent_id = tree.id) "
           f"SELECT line.year, tree.area_id, SUM(line.amount_won) FROM {lines} line "
           f"JOIN tree ON line.node_id = tree.id GROUP BY line.year, tree.area_id")
    return [(int(y), int(a), int(t or 0)) for y, a, t in _fetch(sql, [plan.pk])]  # type: ignore[call-overload]


def budget_by_source(plan: Plan, nodes: list[Node] | None = None,
                     root: Node | None = None) -> Matrix:
    """Return planned money by year × funding source (for the whole plan or a subtree).

    Summed by the database (`nodes` is accepted for the callers that have them; not needed).
    """
    sums = year_source_sums(plan, root)
    used = {source for _, source, _ in sums}
    columns = [(s.code, s.display_label) for s in FundingSource.objects.all() if s.code in used]
    matrix = Matrix(years=_years(plan, (y for y, _, _ in sums)), columns=columns)
    for year, source, total in sums:
        matrix.cells[(year, source)] = total
    return matrix


def budget_by_area(plan: Plan, nodes: list[Node] | None = None) -> Matrix:
    """Return planned money by year × top-level area of the plan (summed by the database)."""
    if nodes is not None:
        areas = [(n.pk, n.code, n.title) for n in nodes if n.parent_id is None]
    else:
        areas = list(plan.nodes.filter(parent__isnull=True).order_by("position")
                     .values_list("id", "code", "title"))
    sums = year_area_sums(plan)
    matrix = Matrix(years=_years(plan, (y for y, _, _ in sums)),
                    columns=[(str(pk), f"{code} {title}") for pk, code, title in areas])
    for year, area, total in sums:
        matrix.cells[(year, str(area))] = total
    return matrix


def budget_summary(plan: Plan) -> tuple[Matrix, Matrix, dict[str, str]]:
    """By year × source and by year × area (with area id → code) from one query.

    The database reads the plan's lines once: a recursive CTE gives every node its area, the
    lines are grouped by (year, area, source) into a small set, and both matrices are summed
    from that set (at most years × (areas + sources) rows leave it). The same statement
    brings the plan's areas (columns even without lines) and the funding sources (labels,
    order).
    """
    nodes, lines = Node._meta.db_table, BudgetLine._meta.db_table
    sources = FundingSource._meta.db_table
    text = "VARCHAR(300)"
    sql = (f"WITH RECURSIVE tree(id, area_id) AS ("
           f"SELECT id, id FROM {nodes} WHERE plan_id = %s AND parent_id IS NULL "
           f"UNION ALL SELECT child.id, tree.area_id FROM {nodes} child "
           f"JOIN tree ON child.parent_id = tree.id), "
           f"grouped(year, area_id, source_id, won) AS ("
           f"SELECT line.year, tree.area_id, line.source_id, SUM(line.amount_won) "
           f"FROM {lines} line JOIN tree ON line.node_id = tree.id "
           f"GROUP BY line.year, tree.area_id, line.source_id) "
           f"SELECT 'by_area', CAST(year AS {text}), CAST(area_id AS {text}), '', "
           f"CAST(SUM(won) AS {text}) FROM grouped GROUP BY year, area_id "
           f"UNION ALL SELECT 'by_source', CAST(year AS {text}), '', source_id, "
           f"CAST(SUM(won) AS {text}) FROM grouped GROUP BY year, source_id "
           f"UNION ALL SELECT 'area', CAST(id AS {text}), code, title, CAST(position AS {text}) "
           f"FROM {nodes} WHERE plan_id = %s AND parent_id IS NULL "
           f"UNION ALL SELECT 'source', code, label, label_en, CAST(position AS {text}) "
           f"FROM {sources}")
    area_sums: list[tuple[int, str, int]] = []
    source_sums: list[tuple[int, str, int]] = []
    areas: list[tuple[int, str, str, str]] = []
    known: list[tuple[int, str, FundingSource]] = []
    for kind, a, b, c, d in _fetch(sql, [plan.pk, plan.pk]):
        if kind == "by_area":
            area_sums.append((int(a), str(b), int(d)))  # type: ignore[call-overload]
        elif kind == "by_source":
            source_sums.append((int(a), str(c), int(d)))  # type: ignore[call-overload]
        elif kind == "area":
            areas.append((int(d), str(a), str(b), str(c)))  # type: ignore[call-overload]
        else:
            fund = FundingSource(code=str(a), label=str(b), label_en=str(c))
            known.append((int(d), str(a), fund))  # type: ignore[call-overload]
    years = _years(plan, (year for year, _, _ in source_sums))
    used = {source for _, source, _ in source_sums}
    by_source = Matrix(years=years, columns=[(code, s.display_label) for _, code, s in
                                             sorted(known, key=lambda k: (k[0], k[1]))
                                             if code in used])
    areas.sort()
    by_area = Matrix(years=list(years), columns=[(pk, f"{code} {title}")
                                                 for _, pk, code, title in areas])
    for year, source, total in source_sums:
        by_source.cells[(year, source)] = total
    for year, area, total in area_sums:
        by_area.cells[(year, area)] = total
    return by_source, by_area, {pk: code for _, pk, code, _ in areas}


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


def subtree_totals(plan: Plan, root: Node | None = None) -> dict[int, int]:
    """Map each node id to the planned won of itself and everything below it (one query).

    The database does it: the lines are summed per node, and each sum is carried up the
    parents by a recursive CTE (rows: nodes with lines × depth); with `root`, only its subtree
    (and nothing above root).
    """
    nodes, lines = Node._meta.db_table, BudgetLine._meta.db_table
    if root is None:
        scope, params = f"node_id IN (SELECT id FROM {nodes} WHERE plan_id = %s)", [plan.pk]
        start, stop = "", ""
    else:
        scope, params = "node_id IN (SELECT id FROM subtree)", [root.pk, root.pk]
        start = (f"subtree(id) AS (SELECT id FROM {nodes} WHERE id = %s UNION ALL "
                 f"SELECT child.id FROM {nodes} child JOIN subtree ON child.parent_id = subtree.id), ")
        stop = " AND up.node_id <> %s"
    sql = (f"WITH RECURSIVE {start}"
           f"own(node_id, won) AS (SELECT node_id, SUM(amount_won) FROM {lines} "
           f"WHERE {scope} GROUP BY node_id), "
           f"up(node_id, won) AS (SELECT node_id, won FROM own UNION ALL "
           f"SELECT node.parent_id, up.won FROM up JOIN {nodes} node ON node.id = up.node_id "
           f"WHERE node.parent_id IS NOT NULL{stop}) "
           f"SELECT node_id, SUM(won) FROM up GROUP BY node_id")
    return {int(node_id): int(won) for node_id, won in _fetch(sql, params)}  # type: ignore[call-overload]


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
