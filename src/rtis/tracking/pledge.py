"""Pledge tracking: load a seed's `pledge:` section into the tracking models, read it for the card.

The write side (`do_load_pledge_seed`) runs inside the seed loader's transaction, right after the
plan itself is imported, and writes through the models with an audit trail (seed loading is an
operator action). The read side gives the pledge card (rtis.reports.builders.pledge_card) what it
prints, for any node of any plan, at an as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum

from rtis.audit.log import record_creates
from rtis.lib.kdate import quarter_bounds
from rtis.lib.seed_schema import (
    PLEDGE_EXECUTED_TABLE,
    PledgeExecution,
    SeedError,
    SeedPlanFile,
    pledge_executions,
    pledge_reported_on,
)
from rtis.orgs.access import is_planner
from rtis.orgs.actions import find_department
from rtis.plans.models import FundingSource, Node, Plan
from rtis.tracking.models import (
    AnnualExecution,
    ContactRole,
    ExecutionRecord,
    ExecutionStatus,
    Milestone,
    MilestoneState,
    NodeContact,
    NodeStatus,
    ParticipationEvent,
    ParticipationKind,
    PeriodKind,
    PeriodState,
    PledgeProfile,
    ReportingPeriod,
    StatusChange,
)

# The Korean words of the seed (as printed) → the tracking models' codes. Mapped by the Korean
# source text, never by translated labels (those change with the active language).
STATUS_BY_LABEL: dict[str, NodeStatus] = {
    "정상추진": NodeStatus.NORMAL, "추진중": NodeStatus.IN_PROGRESS,
    "추진완료": NodeStatus.COMPLETED, "이행 후 계속추진": NodeStatus.CONTINUING,
    "일부추진": NodeStatus.PARTIAL, "지연": NodeStatus.DELAYED, "보류": NodeStatus.ON_HOLD,
    "폐기": NodeStatus.ABANDONED,
}
KIND_BY_LABEL: dict[str, ParticipationKind] = {
    "설명회·공청회": ParticipationKind.BRIEFING, "만족도 조사": ParticipationKind.SURVEY,
    "민간전문가 자문": ParticipationKind.ADVISORY, "언론/방송 보도": ParticipationKind.MEDIA,
    "보고서 발간": ParticipationKind.PUBLICATION,
}
ROLE_BY_LABEL: dict[str, ContactRole] = {"총괄부서": ContactRole.LEAD,
                                         "협조부서": ContactRole.COOPERATING}
# A quarter's report is due 10 days after the quarter ends (TrackingSettings.due_days default).
DUE_DAYS = 10


def quarter_due_on(year: int, quarter: int) -> dt.date:
    """Return the due date of a quarter's report: 10 days after the quarter ends."""
    return quarter_bounds(year, quarter)[1] + dt.timedelta(days=DUE_DAYS)


def _path(*parts: Any) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


# --- write side -------------------------------------------------------------------------------


@dataclass
class PledgeLoad:
    """What one pledge section created, by model."""

    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def do_load_pledge_seed(actor: Any | None, plan: Plan, seed: SeedPlanFile,
                        source: str) -> PledgeLoad:
    """Load a seed's pledge section into a freshly imported plan's tracking data (audited).

    Writes the pledge profile and the status (on the pledge's root node), quarterly milestones
    with their locked quarter periods, citizen participation counts, contacts and the settled
    spending by year and source of the printed executed table. Rows the document does not place
    in a quarter stay a note in the profile's provenance: no placement is invented.
    """
    if actor is not None and not is_planner(actor):
        raise PermissionDenied("기획 담당자만 불러올 수 있습니다 / only planners may load seeds")
    pledge = seed.pledge
    load = PledgeLoad()
    if pledge is None:
        return load
    nodes = {n.code: n for n in plan.nodes.all()}
    root = nodes.get(pledge.number)
    reported_on, basis = pledge_reported_on(pledge)
    executions, problems = pledge_executions(seed)
    if root is None or reported_on is None or problems:
        # parse_seed_text refuses such a file first; this guards a caller that skipped it.
        raise SeedError([(source, None, _path(*p), m) for p, m in problems] or [
            (source, None, "pledge", "공약 번호의 과제나 기준일이 없습니다 / the pledge's node "
                                     "or reporting date is missing")])
    doc = seed.document

    def provenance(*path: Any, **extra: Any) -> dict[str, Any]:
        return {"document": doc, "seed": source, "path": _path(*path),
                **{k: v for k, v in extra.items() if v not in (None, "")}}

    created: list[Any] = []
    unplaced = [
        {"node": q.node, "year": q.year, "planned": q.planned or "", "achieved": q.achieved or "",
         "note": q.note or "", "path": _path("pledge", "quarterly_plans", i)}
        for i, q in enumerate(pledge.quarterly_plans) if q.quarter is None]
    profile = PledgeProfile.objects.create(
        node=root, number=pledge.number, final_goal=pledge.final_goal or "",
        overview=pledge.overview or "", overview_items=list(pledge.overview_items),
        kind=pledge.type or "", term=pledge.term or "",
        provenance=provenance("pledge", unplaced_quarterly_plans=unplaced or None,
                              quarterly_plans_note=pledge.quarterly_plans_note,
                              annual_plan_note=pledge.annual_plan_note))
    created.append(profile)
    created.append(StatusChange.objects.create(
        node=root, status=STATUS_BY_LABEL[pledge.status], reason=pledge.status_reason or "",
        effective_on=reported_on, recorded_by=None,
        provenance=provenance("pledge", "status", status_as_printed=pledge.status,
                              effective_on_basis=basis)))
    periods = _quarter_periods(plan, {(q.year, q.quarter) for q in pledge.quarterly_plans
                                      if q.quarter is not None}, created)
    milestones = [
        Milestone(
            node=nodes[q.node], period=periods[(q.year, q.quarter)], planned=q.planned or "",
            achieved=q.achieved or "", status=ExecutionStatus.APPROVED,
            state=(MilestoneState.DONE if q.state == "reported" and q.achieved
                   else MilestoneState.NOT_STARTED),
            provenance=provenance("pledge", "quarterly_plans", i, state_as_seeded=q.state,
                                  placement=q.placement, note=q.note))
        for i, q in enumerate(pledge.quarterly_plans) if q.quarter is not None]
    created += Milestone.objects.bulk_create(milestones)
    created += ParticipationEvent.objects.bulk_create([
        ParticipationEvent(
            node=nodes[p.node], kind=KIND_BY_LABEL[p.kind], held_on=None, count=p.count,
            description=p.description or "",
            provenance=provenance("pledge", "participation", i, kind_as_printed=p.kind_as_printed,
                                  year=p.year))
        for i, p in enumerate(pledge.participation) if p.count is not None])
    created += NodeContact.objects.bulk_create([
        NodeContact(node=root, role=ROLE_BY_LABEL[c.role], department=find_department(c.department),
                    department_name=c.department, position=c.position or "", name=c.name,
                    phone=c.phone or "", order=i)
        for i, c in enumerate(pledge.contacts)])
    created += _annual_executions(seed, nodes, executions, source)
    record_creates(actor, created, reason=f"seed {source}")
    for obj in created:
        name = type(obj).__name__
        load.counts[name] = load.counts.get(name, 0) + 1
    return load


def _quarter_periods(plan: Plan, keys: set[tuple[int, int | None]],
                     created: list[Any]) -> dict[tuple[int, int | None], ReportingPeriod]:
    """Return the plan's quarter periods for (year, quarter), creating missing ones locked."""
    periods: dict[tuple[int, int | None], ReportingPeriod] = {}
    for year, quarter in sorted(keys, key=lambda k: (k[0], k[1] or 0)):
        assert quarter is not None
        period, made = ReportingPeriod.objects.get_or_create(
            plan=plan, kind=PeriodKind.QUARTER, year=year, number=quarter,
            defaults={"due_on": quarter_due_on(year, quarter), "state": PeriodState.LOCKED})
        if made:
            created.append(period)
        periods[(year, quarter)] = period
    return periods


def _annual_executions(seed: SeedPlanFile, nodes: dict[str, Node],
                       executions: Sequence[PledgeExecution], source: str) -> list[AnnualExecution]:
    table = next((t for t in seed.stated_tables if t.key == PLEDGE_EXECUTED_TABLE), None)
    if table is None or not executions:
        return []
    sources = FundingSource.objects.in_bulk([e.source for e in executions])
    return AnnualExecution.objects.bulk_create([
        AnnualExecution(
            node=nodes[e.node], year=e.year, source=sources[e.source], amount_won=e.amount_won,
            provenance={"document": seed.document, "seed": source, "path": _path(*e.path),
                        "table": table.title, "key": table.key, "unit": table.unit,
                        "row_as_printed": e.label_as_printed, **table.provenance})
        for e in executions])


# --- read side (the pledge card) --------------------------------------------------------------


def lineage(nodes: Iterable[Node], node: Node) -> list[Node]:
    """Return the node and its ancestors, nearest first."""
    by_id = {n.pk: n for n in nodes}
    chain = [node]
    while chain[-1].parent_id is not None and chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain


def status_history(chain: Sequence[Node], as_of: dt.date) -> tuple[Node | None, list[StatusChange]]:
    """Return the nearest node of the chain with a status on or before as_of, and its history.

    The history is newest first; its first entry is the status in force at as_of.
    """
    changes = list(StatusChange.objects.filter(node__in=chain, effective_on__lte=as_of)
                   .order_by("-effective_on", "-id"))
    for node in chain:
        own = [c for c in changes if c.node_id == node.pk]
        if own:
            return node, own
    return None, []


def node_contacts(chain: Sequence[Node]) -> tuple[Node | None, list[NodeContact]]:
    """Return the nearest node of the chain that has contacts, and its contacts in order."""
    contacts = list(NodeContact.objects.filter(node__in=chain).order_by("order", "id"))
    for node in chain:
        own = [c for c in contacts if c.node_id == node.pk]
        if own:
            return node, own
    return None, []


def unplaced_plan_notes(chain: Sequence[Node], codes: set[str]) -> list[dict[str, Any]]:
    """Return the quarter-less plan rows the chain's pledge profiles keep for nodes in `codes`."""
    notes: list[dict[str, Any]] = []
    for profile in PledgeProfile.objects.filter(node__in=chain):
        notes += [n for n in profile.provenance.get("unplaced_quarterly_plans", [])
                  if n.get("node") in codes]
    return notes


@dataclass
class Executed:
    """Executed won of a subtree by year: settled (by source) and, else, monthly (no source)."""

    settled: dict[tuple[int, str], int] = field(default_factory=dict)  # (year, source) → won
    monthly: dict[int, int] = field(default_factory=dict)  # year → won (latest approved month)
    monthly_as_of: dict[int, str] = field(default_factory=dict)  # year → last month label

    @property
    def years(self) -> list[int]:
        return sorted({y for y, _ in self.settled} | set(self.monthly))

    def sources(self) -> set[str]:
        return {s for _, s in self.settled}

    def year_total(self, year: int) -> int:
        settled = [won for (y, _), won in self.settled.items() if y == year]
        return sum(settled) if settled else self.monthly.get(year, 0)

    @property
    def total(self) -> int:
        return sum(self.year_total(y) for y in self.years)


def executed_by_year(node_ids: set[int], as_of: dt.date) -> Executed:
    """Sum what a subtree spent by year up to as_of.

    A year with settled spending (AnnualExecution, by funding source) uses it; a year without
    uses each unit project's latest APPROVED monthly record of that year (year-to-date spent),
    up to as_of's month, summed: monthly records carry no funding source.
    """
    executed = Executed()
    for year, source, won in (AnnualExecution.objects
                              .filter(node_id__in=node_ids, year__lte=as_of.year)
                              .values_list("year", "source_id").annotate(won=Sum("amount_won"))):
        executed.settled[(year, source)] = int(won)
    settled_years = {y for y, _ in executed.settled}
    records = (ExecutionRecord.objects
               .filter(node_id__in=node_ids, status=ExecutionStatus.APPROVED,
                       period__kind=PeriodKind.MONTH)
               .filter(Q(period__year__lt=as_of.year)
                       | Q(period__year=as_of.year, period__number__lte=as_of.month))
               .exclude(period__year__in=settled_years)
               .select_related("period").order_by("node_id", "period__year", "-period__number"))
    seen: set[tuple[int, int]] = set()
    for record in records:
        key = (record.node_id, record.period.year)
        if key in seen:
            continue
        seen.add(key)
        year = record.period.year
        executed.monthly[year] = executed.monthly.get(year, 0) + record.spent
        latest = executed.monthly_as_of.get(year, "")
        executed.monthly_as_of[year] = max(latest, record.period.label)
    return executed


def approved_milestones(node_ids: set[int]) -> list[Milestone]:
    """Return the subtree's approved milestones in tree order, then by quarter."""
    return list(Milestone.objects.filter(node_id__in=node_ids, status=ExecutionStatus.APPROVED)
                .select_related("node", "period")
                .order_by("node__position", "period__year", "period__number"))


@dataclass
class Participation:
    """Citizen participation counts of a subtree: per node and kind, with descriptions."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # node id → kind → count
    descriptions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def kind_total(self, kind: str) -> int | None:
        values = [c[kind] for c in self.counts.values() if kind in c]
        return sum(values) if values else None

    def node_total(self, node_id: int) -> int:
        return sum(self.counts.get(node_id, {}).values())


def participation(node_ids: set[int], as_of: dt.date) -> Participation:
    """Sum participation events of a subtree held on or before as_of (undated: cumulative)."""
    result = Participation()
    events = (ParticipationEvent.objects.filter(node_id__in=node_ids)
              .filter(Q(held_on__isnull=True) | Q(held_on__lte=as_of))
              .order_by("node__position", "kind", "held_on", "id"))
    for event in events:
        by_kind = result.counts.setdefault(event.node_id, {})
        by_kind[event.kind] = by_kind.get(event.kind, 0) + event.count
        if event.description:
            result.descriptions[event.kind].append(event.description)
    return result
