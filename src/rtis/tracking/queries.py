"""Read-side helpers for tracking: execution by department, late entries, an officer's work list."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

from rtis.orgs.access import department_ids, is_planner
from rtis.orgs.models import Department
from rtis.plans.models import BudgetLine, DepartmentRole, Node, NodeDepartment, Plan
from rtis.tracking.models import (
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    TrackingSettings,
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


def owner_of(node_id: int, parents: Mapping[int, int | None],
              owners: Mapping[int, int]) -> int | None:
    """Return the nearest owning department up the tree (a task's owner owns its units)."""
    current: int | None = node_id
    while current is not None:
        if current in owners:
            return owners[current]
        current = parents.get(current)
    return None


def tree_and_owners(plan_ids: set[int]) -> tuple[dict[int, int | None], dict[int, int]]:
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


def latest_approved_query(plan_ids: set[int] | None,
                          as_of: ReportingPeriod) -> QuerySet[ExecutionRecord]:
    """Return, per unit project, its latest approved record of as_of's year up to as_of's month.

    Records hold year-to-date amounts, so the latest approved month is the one in force. The
    latest month is picked in SQL (a window function), so one row per unit project is read,
    not one per month.
    """
    newest_first = Window(RowNumber(), partition_by=[F("node_id")],
                          order_by=F("period__number").desc())
    records = ExecutionRecord.objects.filter(
        status=ExecutionStatus.APPROVED, period__kind=PeriodKind.MONTH,
        period__year=as_of.year, period__number__lte=as_of.number)
    if plan_ids is not None:
        records = records.filter(node__plan_id__in=plan_ids)
    return (records.annotate(newest=newest_first).filter(newest=1)
            .select_related("period").order_by("node_id"))


def latest_approved_records(plan: Plan | None, as_of: ReportingPeriod) -> list[ExecutionRecord]:
    """Return latest_approved_query's records for one plan or (None) all plans."""
    return list(latest_approved_query({plan.pk} if plan is not None else None, as_of))


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
    parents, owners = tree_and_owners({r.period.plan_id for r in records})
    sums: dict[int | None, list[int]] = {}
    for record in records:
        totals = sums.setdefault(owner_of(record.node_id, parents, owners), [0, 0, 0])
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

    @property
    def status_label(self) -> str:
        """Return the status in words, or 미입력 when nothing was entered."""
        return str(ExecutionStatus(self.status).label) if self.status else gettext("미입력")


def late_execution(plan: Plan, today: dt.date) -> list[LateEntry]:
    """List unit projects late with a month's execution, by department, oldest month first.

    Late: the month's due date is before today, the period is not locked, and the project has
    no record for it or only a draft or returned one. Unit projects are the nodes without
    children; each belongs to its nearest owning department (as in execution_by_department).
    """
    conf = TrackingSettings.objects.filter(plan=plan).first()
    kind = conf.execution_period if conf else PeriodKind.MONTH
    periods = list(ReportingPeriod.objects.filter(
        plan=plan, kind=kind, due_on__lt=today,
        state__in=[PeriodState.OPEN, PeriodState.CLOSED]).order_by("year", "number"))
    if not periods:
        return []
    units = list(Node.objects.filter(plan=plan, children__isnull=True).order_by("position"))
    statuses = {(node_id, period_id): status for node_id, period_id, status in
                ExecutionRecord.objects.filter(period__in=periods)
                .values_list("node_id", "period_id", "status")}
    parents, owners = tree_and_owners({plan.pk})
    departments = Department.objects.in_bulk(set(owners.values()))
    late = []
    for period in periods:
        for node in units:
            status = statuses.get((node.pk, period.pk))
            if status in {None, ExecutionStatus.DRAFT, ExecutionStatus.RETURNED}:
                owner = owner_of(node.pk, parents, owners)
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
    reachable = _reachable_nodes(user)
    if reachable is None:
        return records
    return records.filter(node_id__in=reachable) if reachable else records.none()


# --- the pages' lists ---------------------------------------------------------------------------


def _reachable_nodes(user: Any) -> set[int] | None:
    """Return the node ids the user's departments own (down the tree); None for planners."""
    if is_planner(user):
        return None
    mine = department_ids(user)
    if not mine:
        return set()
    owned = set(NodeDepartment.objects.filter(department_id__in=mine, role=DepartmentRole.OWNER)
                .values_list("node_id", flat=True))
    # Ownership flows down the tree: walk the owned nodes' subtrees level by level.
    reachable, frontier = set(owned), set(owned)
    while frontier:
        frontier = set(Node.objects.filter(parent_id__in=frontier)
                       .values_list("id", flat=True)) - reachable
        reachable |= frontier
    return reachable


def editable_node_ids(user: Any) -> set[int]:
    """Return the ids of the nodes a non-planner may enter figures for (owned, down the tree)."""
    return _reachable_nodes(user) or set()


def _entry_sets() -> list[tuple[QuerySet[Any], str]]:
    """Return each kind of approval entry with its related objects, and its path to the node."""
    return [
        (ExecutionRecord.objects.select_related("node__plan", "period"), "node"),
        (IndicatorReport.objects.select_related("indicator__node__plan", "period"),
         "indicator__node"),
        (Milestone.objects.select_related("node__plan", "period"), "node"),
    ]


def entries_for_user(user: Any, limit: int = 200) -> list[ApprovalEntry]:
    """Return the user's unapproved entries of all kinds: returned first, then drafts, submitted."""
    reachable = _reachable_nodes(user)
    if reachable is not None and not reachable:
        return []
    pending = [ExecutionStatus.RETURNED, ExecutionStatus.DRAFT, ExecutionStatus.SUBMITTED]
    found: list[ApprovalEntry] = []
    for model_set, node_field in _entry_sets():
        model_set = model_set.filter(status__in=pending)
        if reachable is not None:
            model_set = model_set.filter(**{f"{node_field}_id__in": reachable})
        found.extend(model_set.order_by("-updated_at")[:limit])
    rank: dict[str, int] = {str(s): i for i, s in enumerate(pending)}
    return sorted(found, key=lambda e: (rank[e.status], -e.period.year, -e.period.number))


@dataclass(frozen=True)
class DuePeriod:
    period: ReportingPeriod
    days_left: int


def open_periods_due(plans: list[Plan], today: dt.date) -> list[DuePeriod]:
    """Return the open periods of some plans, nearest due date first, with days left."""
    periods = ReportingPeriod.objects.filter(plan__in=plans, state=PeriodState.OPEN) \
        .select_related("plan").order_by("due_on")
    return [DuePeriod(p, (p.due_on - today).days) for p in periods]


def units_for_user(user: Any) -> list[Node]:
    """Return the nodes a user enters figures for: owned nodes and their subtrees (not planners)."""
    reachable = _reachable_nodes(user)
    if not reachable:
        return []
    return list(Node.objects.filter(pk__in=reachable).select_related("plan")
                .order_by("plan__slug", "position"))


@dataclass(frozen=True)
class LateGroup:
    department: Department | None
    entries: list[LateEntry]


def late_by_department(late: list[LateEntry]) -> list[LateGroup]:
    """Group a late list by department (the list is already sorted by department)."""
    groups: list[LateGroup] = []
    for entry in late:
        if groups and groups[-1].department == entry.department:
            groups[-1].entries.append(entry)
        else:
            groups.append(LateGroup(entry.department, [entry]))
    return groups


def due_period(periods: list[ReportingPeriod], today: dt.date) -> ReportingPeriod | None:
    """Return the period whose report is due: the nearest due date on or after today.

    An open period wins over a closed or locked one with the same or an earlier due date;
    once every due date has passed, the last period; None without periods.
    """
    upcoming = [p for p in periods if p.due_on >= today]
    for group in ([p for p in upcoming if p.state == PeriodState.OPEN], upcoming):
        if group:
            return min(group, key=lambda p: (p.due_on, p.year, p.number))
    return max(periods, key=lambda p: (p.year, p.number)) if periods else None


ENTRY_UNITS = ("원", "천원", "백만원", "억원")  # units an amount may be typed in


def printed_money_unit(plan: Plan) -> str:
    """Return the unit the plan prints its money in (its budget lines' `unit`), else 원."""
    units = Counter(BudgetLine.objects.filter(node__plan=plan)
                    .values_list("provenance__unit", flat=True))
    known = [(count, unit) for unit, count in units.items() if unit in ENTRY_UNITS]
    return max(known)[1] if known else "원"
