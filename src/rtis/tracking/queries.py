"""Read-side helpers for tracking: execution by department, late entries, an officer's work list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from rtis.orgs.access import department_ids, is_planner
from rtis.orgs.models import Department
from rtis.plans.models import DepartmentRole, Node, NodeDepartment, Plan
from rtis.tracking.models import (
    ExecutionRecord,
    ExecutionStatus,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    percent,
)


@dataclass(frozen=True)
class DepartmentExecution:
    """One row of the execution table: a department's 예산현액, 원인행위액, 지출액 and rates."""

    department: Department | None  # None: unit projects no department owns
    current_budget: int
    committed: int
    spent: int

    @property
    def committed_rate(self) -> Decimal | None:
        return percent(self.committed, self.current_budget)

    @property
    def spent_rate(self) -> Decimal | None:
        return percent(self.spent, self.current_budget)


def _owner_of(node_id: int, parents: Mapping[int, int | None],
              owners: Mapping[int, int]) -> int | None:
    """Return the nearest owning department up the tree (a task's owner owns its units)."""
    current: int | None = node_id
    while current is not None:
        if current in owners:
            return owners[current]
        current = parents.get(current)
    return None


def _tree_and_owners(plan_ids: set[int]) -> tuple[dict[int, int | None], dict[int, int]]:
    """Return node → parent and node → first listed owning department for some plans."""
    parents: dict[int, int | None] = dict(
        Node.objects.filter(plan_id__in=plan_ids).values_list("id", "parent_id"))
    owners: dict[int, int] = {}
    for node_id, department_id in (
        NodeDepartment.objects.filter(node__plan_id__in=plan_ids, role=DepartmentRole.OWNER)
        .order_by("node_id", "-position").values_list("node_id", "department_id")
    ):
        owners[node_id] = department_id  # ordered by -position: the first listed wins
    return parents, owners


def latest_approved_records(plan: Plan | None, as_of: ReportingPeriod) -> list[ExecutionRecord]:
    """Return, per unit project, its latest approved record of as_of's year up to as_of's month."""
    records = (
        ExecutionRecord.objects.filter(
            status=ExecutionStatus.APPROVED, period__kind=PeriodKind.MONTH,
            period__year=as_of.year, period__number__lte=as_of.number)
        .select_related("period")
        .order_by("node_id", "-period__number")
    )
    if plan is not None:
        records = records.filter(node__plan=plan)
    latest: dict[int, ExecutionRecord] = {}
    for record in records:
        latest.setdefault(record.node_id, record)
    return list(latest.values())


def execution_by_department(plan: Plan | None, as_of: ReportingPeriod) -> list[DepartmentExecution]:
    """Sum execution per owning department as of a month, for one plan or (None) all plans.

    Only APPROVED records count; draft, submitted and returned figures are not yet figures.
    Records hold year-to-date amounts, so each unit project contributes its latest approved
    month of as_of's year up to as_of (an unapproved later month leaves the earlier one in
    force). A unit project belongs to the nearest owning (소관) department up its tree; when a
    level has several owners, the first listed (주관) one. Rows are ordered by department name,
    unowned projects last.
    """
    records = latest_approved_records(plan, as_of)
    parents, owners = _tree_and_owners({r.period.plan_id for r in records})
    sums: dict[int | None, list[int]] = {}
    for record in records:
        totals = sums.setdefault(_owner_of(record.node_id, parents, owners), [0, 0, 0])
        totals[0] += record.current_budget
        totals[1] += record.committed
        totals[2] += record.spent
    departments = Department.objects.in_bulk([d for d in sums if d is not None])
    rows = [DepartmentExecution(departments.get(d) if d is not None else None, *totals)
            for d, totals in sums.items()]
    return sorted(rows, key=lambda r: (r.department is None,
                                       r.department.name if r.department else ""))


def execution_total(rows: list[DepartmentExecution]) -> DepartmentExecution:
    """Return the 합계 row of an execution table."""
    return DepartmentExecution(None, sum(r.current_budget for r in rows),
                               sum(r.committed for r in rows), sum(r.spent for r in rows))


@dataclass(frozen=True)
class LateEntry:
    """A unit project whose execution for a month was due and is not yet submitted."""

    department: Department | None
    node: Node
    period: ReportingPeriod
    status: str | None  # None: nothing entered at all


def late_execution(plan: Plan, today: dt.date) -> list[LateEntry]:
    """List unit projects late with a month's execution, by department, oldest month first.

    Late: the month's due date is before today, the period is not locked, and the project has
    no record for it or only a draft or returned one. Unit projects are the nodes without
    children; each belongs to its nearest owning department (as in execution_by_department).
    """
    periods = list(ReportingPeriod.objects.filter(
        plan=plan, kind=PeriodKind.MONTH, due_on__lt=today,
        state__in=[PeriodState.OPEN, PeriodState.CLOSED]).order_by("year", "number"))
    if not periods:
        return []
    units = list(Node.objects.filter(plan=plan, children__isnull=True).order_by("position"))
    statuses = {(node_id, period_id): status for node_id, period_id, status in
                ExecutionRecord.objects.filter(period__in=periods)
                .values_list("node_id", "period_id", "status")}
    parents, owners = _tree_and_owners({plan.pk})
    departments = Department.objects.in_bulk(set(owners.values()))
    late = []
    for period in periods:
        for node in units:
            status = statuses.get((node.pk, period.pk))
            if status in {None, ExecutionStatus.DRAFT, ExecutionStatus.RETURNED}:
                owner = _owner_of(node.pk, parents, owners)
                late.append(LateEntry(departments.get(owner) if owner else None, node, period,
                                      status))
    return sorted(late, key=lambda e: (e.department is None,
                                       e.department.name if e.department else ""))


STATUS_ORDER = Case(
    When(status=ExecutionStatus.RETURNED, then=Value(0)),
    When(status=ExecutionStatus.DRAFT, then=Value(1)),
    When(status=ExecutionStatus.SUBMITTED, then=Value(2)),
    default=Value(3), output_field=IntegerField(),
)


def execution_records_for_user(user: Any) -> QuerySet[ExecutionRecord]:
    """Return the records the user works on, returned ones first, then drafts, newest month first.

    Planners get every record; officers those of unit projects their departments own directly
    or through an ancestor (the rule of rtis.plans.access.can_edit_node); others none.
    """
    records = ExecutionRecord.objects.select_related("node", "period").annotate(
        status_order=STATUS_ORDER).order_by("status_order", "-period__year", "-period__number",
                                            "node__position")
    if is_planner(user):
        return records
    mine = department_ids(user)
    if not mine:
        return records.none()
    owned = set(NodeDepartment.objects.filter(department_id__in=mine, role=DepartmentRole.OWNER)
                .values_list("node_id", flat=True))
    # Ownership flows down the tree: walk the owned nodes' subtrees level by level.
    reachable, frontier = set(owned), set(owned)
    while frontier:
        frontier = set(Node.objects.filter(parent_id__in=frontier)
                       .values_list("id", flat=True)) - reachable
        reachable |= frontier
    return records.filter(node_id__in=reachable)
