"""Reads for the report pages: each plan's nodes to pick from and its default as-of date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rtis.config import clock
from rtis.plans.models import Node, Plan
from rtis.tracking.models import ExecutionStatus, ReportingPeriod, period_end


def default_as_of(plans: Iterable[Plan], today: dt.date | None = None) -> dict[str, dt.date]:
    """Return each plan's default as-of date: what its data covers, not the wall clock.

    The end of the latest period with approved execution; without any, today
    (rtis.config.clock) kept within the plan's years: the last day of its period once it has
    ended, its first day before it starts. One query.
    """
    plans = list(plans)
    latest: dict[int, dt.date] = {}
    approved = (ReportingPeriod.objects.filter(
        plan__in=plans, execution_records__status=ExecutionStatus.APPROVED)
        .values_list("plan_id", "kind", "year", "number").distinct())
    for plan_id, kind, year, number in approved:
        end = period_end(kind, year, number)
        latest[plan_id] = max(latest.get(plan_id, end), end)
    today = today or clock.today()
    return {p.slug: latest.get(p.pk) or min(max(today, dt.date(p.period_start, 1, 1)),
                                           dt.date(p.period_end, 12, 31))
            for p in plans}


def nodes_by_plan(plans: Iterable[Plan]) -> list[tuple[Plan, list[Node]]]:
    """Return each plan with its nodes in document order (one query)."""
    plans = list(plans)
    nodes: dict[int, list[Node]] = {p.pk: [] for p in plans}
    for node in Node.objects.filter(plan__in=plans).order_by("position").only(
            "plan_id", "code", "title", "depth"):
        nodes[node.plan_id].append(node)
    return [(p, nodes[p.pk]) for p in plans]
