"""Reads of the lineage: an undertaking (the nodes linked across plans) year by year.

An undertaking is a connected group of linked nodes. Its money in a plan is the planned budget
of its nodes in that plan and everything below them (a node and its descendant both linked are
counted once); executed money is the settled spending (tracking.AnnualExecution) of the same
subtrees; targets and actuals are the yearly ones of the indicators on those nodes.
Slippage compares the first plan that gives the undertaking money with the last one: the change
of its total and how many years its last funded year moved (years of delay).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from rtis.lineage.models import NodeLink
from rtis.plans.models import BudgetLine, IndicatorActual, IndicatorTarget, Node, Plan
from rtis.tracking.models import AnnualExecution


def _graph() -> tuple[dict[int, set[int]], list[NodeLink]]:
    links = list(NodeLink.objects.select_related("earlier__plan", "later__plan"))
    both: dict[int, set[int]] = defaultdict(set)
    for link in links:
        both[link.earlier_id].add(link.later_id)
        both[link.later_id].add(link.earlier_id)
    return both, links


def _component(start: int, both: dict[int, set[int]]) -> set[int]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in both.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def components() -> list[set[int]]:
    """Return every undertaking: the groups of nodes joined by links."""
    both, _ = _graph()
    groups, done = [], set()
    for node in both:
        if node not in done:
            group = _component(node, both)
            done |= group
            groups.append(group)
    return groups


def plan_day(plan: Plan) -> dt.date:
    """Return the day a plan is placed in a lineage: approval, else the start of its period."""
    return plan.approved_on or dt.date(plan.period_start, 1, 1)


def _subtrees(nodes: list[Node]) -> dict[int, set[int]]:
    """Return {plan id: ids of the nodes and everything below them} for the given nodes."""
    plan_ids = {n.plan_id for n in nodes}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in Node.objects.filter(plan_id__in=plan_ids).values_list("id", "parent_id"):
        if parent is not None:
            children[parent].append(pk)
    found: dict[int, set[int]] = defaultdict(set)
    for node in nodes:
        stack = [node.pk]
        while stack:
            current = stack.pop()
            if current not in found[node.plan_id]:
                found[node.plan_id].add(current)
                stack.extend(children.get(current, ()))
    return found


@dataclass
class PlanColumn:
    plan: Plan
    nodes: list[Node]
    # node id → owning departments: (name on the plan's day, name today)
    departments: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    money: dict[int, int] = field(default_factory=dict)  # year → planned won
    executed: dict[int, int] = field(default_factory=dict)  # year → settled won

    @property
    def total(self) -> int:
        return sum(self.money.values())

    @property
    def first_year(self) -> int | None:
        return min((y for y, v in self.money.items() if v), default=None)

    @property
    def last_year(self) -> int | None:
        return max((y for y, v in self.money.items() if v), default=None)


@dataclass
class IndicatorRow:
    plan: Plan
    name: str
    unit: str
    targets: dict[int, Decimal]
    actuals: dict[int, Decimal]


@dataclass
class Lineage:
    columns: list[PlanColumn]
    links: list[NodeLink]
    years: list[int]
    indicators: list[IndicatorRow]

    @property
    def funded(self) -> list[PlanColumn]:
        return [c for c in self.columns if c.total]

    @property
    def amount_change(self) -> int | None:
        """The last funding plan's total minus the first one's (won)."""
        funded = self.funded
        return funded[-1].total - funded[0].total if len(funded) > 1 else None

    @property
    def delay_years(self) -> int | None:
        """How many years the last funded year moved from the first plan to the last one."""
        funded = self.funded
        if len(funded) < 2:
            return None
        first, last = funded[0].last_year, funded[-1].last_year
        return None if first is None or last is None else last - first

    def executed_by_year(self) -> dict[int, int]:
        """Settled spending by year, taken from the latest plan that records that year."""
        found: dict[int, int] = {}
        for column in self.columns:
            found.update({y: v for y, v in column.executed.items()})
        return found

    def title(self) -> str:
        first = self.columns[0].nodes[0] if self.columns and self.columns[0].nodes else None
        return first.title if first else ""


def lineage_of(group: set[int]) -> Lineage:
    """Return an undertaking's plans, money, execution, targets and actuals by year."""
    nodes = list(Node.objects.filter(pk__in=group).select_related("plan").prefetch_related(
        "department_roles__department__names").order_by("position"))
    by_plan: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        by_plan[node.plan_id].append(node)
    plans = sorted({n.plan for n in nodes}, key=lambda p: (plan_day(p), p.slug))
    subtrees = _subtrees(nodes)
    all_ids = set().union(*subtrees.values()) if subtrees else set()
    plan_of = {pk: plan_id for plan_id, ids in subtrees.items() for pk in ids}
    money: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for node_id, year, won in BudgetLine.objects.filter(node_id__in=all_ids).values_list(
            "node_id", "year").annotate(s=Sum("amount_won")):
        money[plan_of[node_id]][year] += int(won or 0)
    executed: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for node_id, year, won in AnnualExecution.objects.filter(node_id__in=all_ids).values_list(
            "node_id", "year").annotate(s=Sum("amount_won")):
        executed[plan_of[node_id]][year] += int(won or 0)
    columns = [PlanColumn(p, by_plan[p.pk], _departments(by_plan[p.pk], plan_day(p)),
                          dict(sorted(money[p.pk].items())),
                          dict(sorted(executed[p.pk].items()))) for p in plans]
    indicators = _indicators(group, plans)
    years = sorted({y for c in columns for y in (*c.money, *c.executed)}
                   | {y for row in indicators for y in (*row.targets, *row.actuals)})
    links = [link for link in NodeLink.objects.select_related("earlier__plan", "later__plan")
             if link.earlier_id in group]
    return Lineage(columns, links, years, indicators)


def _departments(nodes: list[Node], day: dt.date) -> dict[int, list[tuple[str, str]]]:
    """Return each node's owning departments by the name of the plan's day and today's name, so
    a department renamed or moved between two plans is recognised as the same one."""
    found = {}
    for n in nodes:
        found[n.pk] = [(r.department.name_on(day), r.department.name)
                       for r in n.department_roles.all() if r.role == "owner"]
        n.owners_then_and_now = found[n.pk]  # type: ignore[attr-defined]  # read by the page
    return found


def _indicators(group: set[int], plans: list[Plan]) -> list[IndicatorRow]:
    order = {p.pk: i for i, p in enumerate(plans)}
    rows: dict[int, IndicatorRow] = {}
    from rtis.plans.models import Indicator

    for indicator in Indicator.objects.filter(node_id__in=group).select_related("node__plan"):
        rows[indicator.pk] = IndicatorRow(indicator.node.plan, indicator.name, indicator.unit, {}, {})
    for ind, year, value in IndicatorTarget.objects.filter(indicator_id__in=rows).values_list(
            "indicator_id", "year", "value"):
        rows[ind].targets[year] = value
    for ind, period, value in IndicatorActual.objects.filter(indicator_id__in=rows).values_list(
            "indicator_id", "period", "value"):
        if len(period) == 4:
            rows[ind].actuals[int(period)] = value
    return sorted(rows.values(), key=lambda r: (order.get(r.plan.pk, 0), r.name))


def group_of(node: Node) -> set[int]:
    """Return the undertaking a node belongs to (just the node when it has no link)."""
    both, _ = _graph()
    return _component(node.pk, both)


def portfolio() -> list[dict[str, Any]]:
    """Return every undertaking with its money change and delay, those that moved most first.

    Batched: the links, the linked nodes, the node trees of their plans and the planned money of
    every subtree are read once for all undertakings (four queries whatever their number).
    """
    both, _ = _graph()
    groups, done = [], set()
    for start in both:
        if start not in done:
            group = _component(start, both)
            done |= group
            groups.append(group)
    if not groups:
        return []
    nodes = {n.pk: n for n in Node.objects.filter(pk__in=done).select_related("plan")
             .order_by("position")}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in Node.objects.filter(plan_id__in={n.plan_id for n in nodes.values()}) \
            .values_list("id", "parent_id"):
        if parent is not None:
            children[parent].append(pk)
    below: dict[int, set[int]] = {}
    for pk in nodes:
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, ()))
        below[pk] = found
    money: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for node_id, year, won in BudgetLine.objects.filter(
            node_id__in=set().union(*below.values())).values_list("node_id", "year").annotate(
            s=Sum("amount_won")):
        money[node_id][year] += int(won or 0)
    rows = [_portfolio_row([nodes[pk] for pk in nodes if pk in group], below, money)
            for group in groups]
    return sorted(rows, key=lambda r: (-abs(r["amount_change"] or 0), -abs(r["delay_years"] or 0),
                                       r["title"]))


def _portfolio_row(nodes: list[Node], below: dict[int, set[int]],
                   money: dict[int, dict[int, int]]) -> dict[str, Any]:
    """One undertaking's portfolio row from the batched reads (as lineage_of counts money)."""
    by_plan: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        by_plan[node.plan_id].append(node)
    plans = sorted({n.plan for n in nodes}, key=lambda p: (plan_day(p), p.slug))
    columns = []
    for plan in plans:
        ids = set().union(*(below[n.pk] for n in by_plan[plan.pk]))
        yearly: dict[int, int] = defaultdict(int)
        for node_id in ids:
            for year, won in money.get(node_id, {}).items():
                yearly[year] += won
        columns.append(PlanColumn(plan, by_plan[plan.pk], {}, dict(sorted(yearly.items()))))
    lineage = Lineage(columns, [], sorted({y for c in columns for y in c.money}), [])
    return {"node": columns[0].nodes[0], "title": lineage.title(), "plans": len(columns),
            "first_total": lineage.funded[0].total if lineage.funded else None,
            "last_total": lineage.funded[-1].total if lineage.funded else None,
            "amount_change": lineage.amount_change, "delay_years": lineage.delay_years}
