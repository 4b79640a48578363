"""Read side of the dashboards: execution, year-end projection, indicators, milestone slippage.

Every function takes a Scope (the plans the reader may see, the chosen plan or all of them, the
as-of date) and returns plain rows in a constant number of queries, whatever the data size.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from rtis.dashboards import achievement as rules
from rtis.dashboards.projection import (
    MONTHS_PER_YEAR,
    PATTERN,
    Projection,
    percent,
    project_year_end,
)
from rtis.dashboards.slippage import days_late
from rtis.orgs.models import Department
from rtis.plans.models import Indicator, IndicatorActual, IndicatorTarget, Node, Plan
from rtis.plans.queries import top_ancestor_ids
from rtis.tracking.models import (
    AMOUNT_FIELDS,
    ExecutionRecord,
    ExecutionStatus,
    Milestone,
    MilestoneState,
    PeriodKind,
    ReportingPeriod,
    TrackingSettings,
    period_end,
)

# The ownership rule (nearest owning department up the tree, first listed wins) must be the
# one the execution table of tracking uses, so it is imported rather than restated.
from rtis.tracking.queries import (
    DepartmentExecution,
    latest_approved_query,
    owner_of,
    tree_and_owners,
)

UNOWNED = 0  # the department filter value of unit projects no department owns
DEFAULT_PROJECTION_THRESHOLD = Decimal("90.0")  # a plan without TrackingSettings


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: the plans the reader may see, the chosen one (None: all), a date."""

    plans: list[Plan]
    plan: Plan | None
    as_of: dt.date

    @property
    def plan_ids(self) -> list[int]:
        return [self.plan.pk] if self.plan is not None else [p.pk for p in self.plans]


def department_key(department: Department | None) -> int:
    """Return the department filter value of a row (UNOWNED for no department)."""
    return department.pk if department is not None else UNOWNED


def _owners(plan_ids: Iterable[int], node_ids: Iterable[int]) -> dict[int, Department | None]:
    """Map node ids to their owning department (three queries, whatever the number of nodes)."""
    parents, owners = tree_and_owners(set(plan_ids))
    owner_ids = {n: owner_of(n, parents, owners) for n in node_ids}
    departments = Department.objects.in_bulk({d for d in owner_ids.values() if d is not None})
    return {n: departments.get(d) if d is not None else None for n, d in owner_ids.items()}


NODE_FIELDS = ("id", "code", "title", "position", "plan_id", "plan__slug", "plan__title")


def _nodes(node_ids: Iterable[int]) -> dict[int, Node]:
    """Return the nodes by id with their plan's slug and title (what a row links and shows)."""
    return Node.objects.select_related("plan").only(*NODE_FIELDS).in_bulk(list(node_ids))


def _by_department_name(department: Department | None) -> tuple[bool, str]:
    """Sort key: departments by name, unowned last (as the execution table of tracking)."""
    return department is None, department.name if department is not None else ""


# --- execution by department -----------------------------------------------------------------


def as_of_month(scope: Scope) -> ReportingPeriod | None:
    """Return the latest month reporting period of the scope's plans ending on or before as_of."""
    day = scope.as_of
    ended = Q(year__lt=day.year) | Q(year=day.year, number__lt=day.month)
    if day == period_end(PeriodKind.MONTH, day.year, day.month):
        ended |= Q(year=day.year, number=day.month)
    return (ReportingPeriod.objects.filter(plan_id__in=scope.plan_ids, kind=PeriodKind.MONTH)
            .filter(ended).order_by("-year", "-number", "plan_id").first())


RECORD_FIELDS = ("id", "node_id", "period_id", "status", *AMOUNT_FIELDS, "period__id",
                 "period__plan_id", "period__kind", "period__year", "period__number")


def latest_approved(scope: Scope, period: ReportingPeriod) -> list[ExecutionRecord]:
    """Return, per unit project of the scope, its latest approved record of period's year up to it.

    rtis.tracking.queries.latest_approved_query, reading only the fields the pages need.
    """
    return list(latest_approved_query(set(scope.plan_ids), period).only(*RECORD_FIELDS))


@dataclass(frozen=True)
class ExecutionLine:
    """A unit project's latest approved record as of the month, with its node and department."""

    record: ExecutionRecord
    node: Node
    department: Department | None


@dataclass
class ExecutionSummary:
    """The execution table: rows per department, the 계 row, its parts, and the records behind."""

    period: ReportingPeriod | None
    rows: list[DepartmentExecution] = field(default_factory=list)
    lines: list[ExecutionLine] = field(default_factory=list)
    original_budget: int = 0
    transfers: int = 0
    carryover: int = 0

    @property
    def total(self) -> DepartmentExecution:
        return DepartmentExecution(None, sum(r.current_budget for r in self.rows),
                                   sum(r.committed for r in self.rows),
                                   sum(r.spent for r in self.rows))


def execution_summary(scope: Scope) -> ExecutionSummary:
    """Sum the approved execution of the scope per owning department as of its as-of month.

    The same figures as rtis.tracking.queries.execution_by_department (the same records, the
    same ownership rule; the tests hold them equal), with the records kept for the drill-down
    and the footnote's parts.
    With all plans, every plan counts: dashboards are internal, and internal readers see all.
    """
    period = as_of_month(scope)
    if period is None:
        return ExecutionSummary(None)
    records = latest_approved(scope, period)
    owners = _owners({r.period.plan_id for r in records}, [r.node_id for r in records])
    nodes = _nodes(owners)
    sums: dict[int, list[int]] = {}
    departments: dict[int, Department | None] = {}
    lines = []
    for record in records:
        department = owners[record.node_id]
        key = department_key(department)
        departments[key] = department
        totals = sums.setdefault(key, [0, 0, 0])
        totals[0] += record.current_budget
        totals[1] += record.committed
        totals[2] += record.spent
        lines.append(ExecutionLine(record, nodes[record.node_id], department))
    rows = sorted((DepartmentExecution(departments[k], *t) for k, t in sums.items()),
                  key=lambda r: _by_department_name(r.department))
    lines.sort(key=lambda line: (line.node.plan.slug, line.node.position))
    return ExecutionSummary(
        period, rows, lines,
        original_budget=sum(r.original_budget for r in records),
        transfers=sum(r.transfers for r in records),
        carryover=sum(r.carryover for r in records))


# --- year-end projection -------------------------------------------------------------------------


def method_label(method: str, years: int) -> str:
    """Say how a projection was made, for the reader."""
    if method == PATTERN:
        return _("과거 %(n)d년 월별 패턴") % {"n": years}
    return _("직선 추정(월평균 × 12)")


@dataclass(frozen=True)
class UnitProjection:
    """A unit project's year-end projection against its plan's threshold."""

    node: Node
    department: Department | None
    period: ReportingPeriod  # the month of its latest approved record
    projection: Projection
    threshold: Decimal

    @property
    def flagged(self) -> bool:
        return self.projection.is_below(self.threshold)

    @property
    def spent_rate(self) -> Decimal | None:
        return percent(self.projection.spent, self.projection.budget)

    @property
    def method_label(self) -> str:
        return method_label(self.projection.method, self.projection.past_years)


@dataclass(frozen=True)
class DepartmentProjection:
    """The projections of a department's unit projects, summed."""

    department: Department | None
    budget: int
    spent: int
    projected: int
    units: int
    flagged: int

    @property
    def spent_rate(self) -> Decimal | None:
        return percent(self.spent, self.budget)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.projected, self.budget)


def thresholds(plan_ids: Iterable[int]) -> dict[int, Decimal]:
    """Map plan ids to their projection threshold (90.0 % for a plan without settings)."""
    ids = list(plan_ids)
    found = dict(TrackingSettings.objects.filter(plan_id__in=ids).order_by()
                 .values_list("plan_id", "projection_threshold"))
    return {pk: found.get(pk, DEFAULT_PROJECTION_THRESHOLD) for pk in ids}


def unit_projections(scope: Scope) -> tuple[ReportingPeriod | None, list[UnitProjection]]:
    """Project every unit project with an approved record this year, as of the as-of month.

    This year's figures are each unit's latest approved record up to the as-of month (as in the
    execution table), projected from that record's month; its past years' curves come from
    their approved monthly records.
    """
    period = as_of_month(scope)
    if period is None:
        return None, []
    current = {r.node_id: r for r in latest_approved(scope, period)}
    curves: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    # A past year's share needs its months up to this one (the latest counts) and December.
    months = Q(period__number__lte=period.number) | Q(period__number=MONTHS_PER_YEAR)
    past = (ExecutionRecord.objects.filter(
        months, status=ExecutionStatus.APPROVED, period__kind=PeriodKind.MONTH,
        period__year__lt=period.year, node__plan_id__in=scope.plan_ids)
        .order_by().values_list("node_id", "period__year", "period__number", "spent"))
    for node_id, year, month, spent in past:
        if node_id in current:
            curves[node_id][year][month] = spent
    plan_ids = {r.period.plan_id for r in current.values()}
    limits = thresholds(plan_ids)
    owners = _owners(plan_ids, current)
    nodes = _nodes(current)
    units = []
    for node_id, record in current.items():
        # Its spending is as of its own latest month, which may be before the as-of month.
        projection = project_year_end(record.spent, record.current_budget, record.period.number,
                                      list(curves[node_id].values()))
        node = nodes[node_id]
        units.append(UnitProjection(node, owners[node_id], record.period, projection,
                                    limits[node.plan_id]))
    units.sort(key=lambda u: (u.node.plan.slug, u.node.position))
    return period, units


def projection_by_department(units: list[UnitProjection]) -> list[DepartmentProjection]:
    sums: dict[int, list[int]] = {}
    departments: dict[int, Department | None] = {}
    for unit in units:
        key = department_key(unit.department)
        departments[key] = unit.department
        totals = sums.setdefault(key, [0, 0, 0, 0, 0])
        p = unit.projection
        for i, value in enumerate((p.budget, p.spent, p.projected, 1, int(unit.flagged))):
            totals[i] += value
    rows = [DepartmentProjection(departments[k], *t) for k, t in sums.items()]
    return sorted(rows, key=lambda r: _by_department_name(r.department))


def projection_total(rows: list[DepartmentProjection]) -> DepartmentProjection:
    return DepartmentProjection(None, *(sum(getattr(r, f) for r in rows) for f in
                                        ("budget", "spent", "projected", "units", "flagged")))


# --- indicator achievement -----------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator's target, actual and achievement for a year."""

    indicator: Indicator
    plan: Plan
    area: Node
    year: int
    target: Decimal | None
    period: str | None  # the period of the actual used ("2021", or "2021-Q3" when provisional)
    actual: Decimal | None
    rate: Decimal | None  # uncapped; None: 미산정

    @property
    def provisional(self) -> bool:
        return self.period is not None and self.period != str(self.year)

    @property
    def counted_rate(self) -> Decimal | None:
        return rules.clamped(self.rate) if self.rate is not None else None


@dataclass(frozen=True)
class AchievementGroup:
    """An area's or a plan's achievement: the mean of its computed indicators."""

    plan: Plan
    area: Node | None  # None: the plan as a whole
    indicators: int
    computed: int
    rate: Decimal | None


def latest_indicator_year(scope: Scope) -> int | None:
    """Return the latest year with an achievement to show, else the latest with any actual.

    An achievement needs the year's target and actual of one indicator; a year whose actuals
    have no targets (a report printing this January's figures) would show only 미산정.
    """
    ids = scope.plan_ids
    actuals = {(i, p[:4]) for i, p in IndicatorActual.objects.filter(
        indicator__node__plan_id__in=ids).order_by().values_list("indicator_id", "period")}
    if not actuals:
        return None
    targets = {(i, str(y)) for i, y in IndicatorTarget.objects.filter(
        indicator__node__plan_id__in=ids).order_by().values_list("indicator_id", "year")}
    return int(max(year for _, year in (actuals & targets or actuals)))


def indicator_lines(scope: Scope, year: int) -> list[IndicatorLine]:
    """Return every indicator of the scope with its target, actual and achievement for a year."""
    ids = scope.plan_ids
    plans = {p.pk: p for p in scope.plans}
    nodes = list(Node.objects.filter(plan_id__in=ids)
                 .only("id", "parent_id", "plan_id", "code", "title", "position"))
    by_id = {n.pk: n for n in nodes}
    top = top_ancestor_ids(nodes)
    targets = dict(IndicatorTarget.objects.filter(indicator__node__plan_id__in=ids, year=year)
                   .order_by().values_list("indicator_id", "value"))
    actuals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for indicator_id, label, value in (
            IndicatorActual.objects.filter(indicator__node__plan_id__in=ids,
                                           period__startswith=str(year))
            .order_by().values_list("indicator_id", "period", "value")):
        actuals[indicator_id][label] = value
    lines = []
    for indicator in Indicator.objects.filter(node__plan_id__in=ids).order_by("id"):
        node = by_id[indicator.node_id]
        indicator.node = node
        chosen = rules.actual_of_year(actuals.get(indicator.pk, {}), year)
        period, actual = chosen if chosen else (None, None)
        target = targets.get(indicator.pk)
        lines.append(IndicatorLine(indicator, plans[node.plan_id], by_id[top[node.pk]], year,
                                   target, period, actual,
                                   rules.achievement(target, actual, indicator.direction)))
    lines.sort(key=lambda line: (line.plan.slug, line.indicator.node.position,
                                 line.indicator.position, line.indicator.pk))
    return lines


def _group(plan: Plan, area: Node | None, lines: list[IndicatorLine]) -> AchievementGroup:
    rates = [line.rate for line in lines]
    return AchievementGroup(plan, area, len(lines), sum(r is not None for r in rates),
                            rules.rollup(rates))


def achievement_by_area(lines: list[IndicatorLine]) -> list[AchievementGroup]:
    groups: dict[int, list[IndicatorLine]] = defaultdict(list)
    for line in lines:
        groups[line.area.pk].append(line)
    found = [_group(g[0].plan, g[0].area, g) for g in groups.values()]
    return sorted(found, key=lambda g: (g.plan.slug, g.area.position if g.area else 0))


def achievement_by_plan(lines: list[IndicatorLine]) -> list[AchievementGroup]:
    groups: dict[int, list[IndicatorLine]] = defaultdict(list)
    for line in lines:
        groups[line.plan.pk].append(line)
    return sorted((_group(g[0].plan, None, g) for g in groups.values()),
                  key=lambda g: g.plan.slug)


# --- milestone slippage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlippedMilestone:
    """A milestone late at the as-of date: its key figures, its plan and owning department."""

    pk: int
    node_id: int
    plan: Plan
    department: Department | None
    due_on: dt.date
    days_late: int


@dataclass(frozen=True)
class SlippageGroup:
    """Slipped milestones of a department or a plan: count, mean and largest delay."""

    department: Department | None
    plan: Plan | None
    count: int
    total_days: int
    max_days: int

    @property
    def mean_days(self) -> Decimal:
        return (Decimal(self.total_days) / self.count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def slipped_milestones(scope: Scope) -> list[SlippedMilestone]:
    """Return the milestones of the scope late at the as-of date, most late first.

    Only plans still running in the as-of year count (see below). Read as plain values (a portfolio has thousands of milestones); the shown rows' details
    come from milestone_details.
    """
    plans = {p.pk: p for p in scope.plans}
    # A plan that ended before the as-of year is over: what became of its milestones is in its
    # last report, not a delay growing every day (a 2014–2018 pledge is not 1,800 days late).
    chosen = [scope.plan] if scope.plan is not None else scope.plans
    running = [p.pk for p in chosen if p.period_end >= scope.as_of.year]
    candidates = (Milestone.objects.filter(node__plan_id__in=running,
                                           period__year__lte=scope.as_of.year)
                  .order_by().values_list("pk", "node_id", "node__plan_id", "node__position", "period__kind",
                               "period__year", "period__number", "state", "completed_on"))
    slipped = []
    for pk, node_id, plan_id, position, kind, year, number, state, completed_on in candidates:
        due = period_end(kind, year, number)
        late = days_late(due, scope.as_of, state == MilestoneState.DONE, completed_on)
        if late is not None:
            slipped.append((pk, node_id, plan_id, position, due, late))
    owners = _owners({s[2] for s in slipped}, {s[1] for s in slipped})
    slipped.sort(key=lambda s: (-s[5], plans[s[2]].slug, s[3], s[4]))
    return [SlippedMilestone(pk, node_id, plans[plan_id], owners[node_id], due, late)
            for pk, node_id, plan_id, _position, due, late in slipped]


@dataclass(frozen=True)
class MilestoneRow:
    """A slipped milestone with what its row shows, labels resolved."""

    item: SlippedMilestone
    code: str
    title: str
    period_label: str
    planned: str
    state_label: str
    completed_on: dt.date | None
    status_label: str


def id_batch() -> int:
    """How many ids one IN (…) may carry: SQLite's own limit on parameters (999 before 3.32,
    32,766 since), PostgreSQL's 65,535 kept well clear of; so one query, not one per 900 ids."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(900, limit - 100)
    return 30_000


def milestone_details(items: list[SlippedMilestone]) -> list[MilestoneRow]:
    """Return what the rows of slipped milestones show, read as plain values."""
    found: dict[int, tuple[Any, ...]] = {}
    ids = [i.pk for i in items]
    batch = id_batch()
    for start in range(0, len(ids), batch):
        for row in (Milestone.objects.filter(pk__in=ids[start:start + batch]).order_by()
                    .values_list("pk", "node__code", "node__title", "period__kind",
                                 "period__year", "period__number", "planned", "state",
                                 "completed_on", "status")):
            found[row[0]] = row[1:]
    # Labels once, not per row: resolving a lazy choice label costs more than the row.
    states = {k: str(v) for k, v in MilestoneState.choices}
    statuses = {k: str(v) for k, v in ExecutionStatus.choices}
    rows = []
    for item in items:
        code, title, kind, year, number, planned, state, completed_on, status = found[item.pk]
        label = ReportingPeriod(kind=kind, year=year, number=number).label
        rows.append(MilestoneRow(item, code, title, label, planned, states.get(state, state),
                                 completed_on, statuses.get(status, status)))
    return rows


def _slippage_group(items: list[SlippedMilestone], department: Department | None,
                    plan: Plan | None) -> SlippageGroup:
    days = [s.days_late for s in items]
    return SlippageGroup(department, plan, len(days), sum(days), max(days))


def slippage_by_department(items: list[SlippedMilestone]) -> list[SlippageGroup]:
    groups: dict[int, list[SlippedMilestone]] = defaultdict(list)
    for item in items:
        groups[department_key(item.department)].append(item)
    rows = [_slippage_group(g, g[0].department, None) for g in groups.values()]
    return sorted(rows, key=lambda r: _by_department_name(r.department))


def slippage_by_plan(items: list[SlippedMilestone]) -> list[SlippageGroup]:
    groups: dict[int, list[SlippedMilestone]] = defaultdict(list)
    for item in items:
        groups[item.plan.pk].append(item)
    rows = [_slippage_group(g, None, g[0].plan) for g in groups.values()]
    return sorted(rows, key=lambda r: r.plan.slug if r.plan else "")
