"""SYNTHETIC monthly execution for benchmarks and demos: invented figures, never real ones.

`generate_synthetic_execution` gives every unit project (leaf node) of some plans five years of
approved monthly execution records, with locked monthly reporting periods, in a few bulk
inserts; `generate_synthetic_milestones` a quarterly milestone each (planned text "[합성 자료]",
provenance {"synthetic": true}). The figures are random but deterministic (a fixed seed) and obey the constraints of
ExecutionRecord: 0 ≤ spent ≤ committed ≤ 예산현액 (본예산 + 예산이체 + 이월액), year to date,
never decreasing within a year. Where a plan has planned money (BudgetLine) for a node and
year, it is the 본예산; otherwise an invented one is used.

It writes with bulk_create and no audit trail on purpose: it is load for measuring, not data.
Do not run it against a production database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from rtis.plans.models import BudgetLine, Node, Plan
from rtis.tracking.models import (
    MONTHS_PER_YEAR,
    ExecutionRecord,
    ExecutionStatus,
    Milestone,
    MilestoneState,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
)

SYNTHETIC_YEARS = (2018, 2019, 2020, 2021, 2022)
SYNTHETIC_SEED = 20261122
DUE_DAYS = 10
BATCH = 500


@dataclass(frozen=True)
class SyntheticReport:
    """How much synthetic data was written."""

    plans: int
    unit_projects: int
    periods: int
    records: int


def synthetic_curve(rng: random.Random) -> list[float]:
    """Return a year's cumulative spending shares for months 1–12, non-decreasing, ending at 1.

    Weights grow through the year: Korean budgets are spent late (the December rush).
    """
    weights = [rng.uniform(0.3, 1.7) * (1 + month / 4) for month in range(MONTHS_PER_YEAR)]
    total, running, shares = sum(weights), 0.0, []
    for weight in weights:
        running += weight
        shares.append(min(1.0, running / total))
    shares[-1] = 1.0
    return shares


def synthetic_year(rng: random.Random, original_budget: int) -> list[dict[str, int]]:
    """Return twelve months of year-to-date amounts obeying spent ≤ committed ≤ 예산현액."""
    transfers = rng.choice([0, 0, 0, 1, -1]) * rng.randint(0, original_budget // 10)
    carryover = rng.choice([0, 0, 1]) * rng.randint(0, original_budget // 5)
    budget = original_budget + transfers + carryover
    spent_rate = rng.uniform(0.55, 0.99)
    committed_rate = spent_rate + rng.uniform(0, 1 - spent_rate)
    months = []
    for share in synthetic_curve(rng):
        spent = int(budget * spent_rate * share)
        committed = min(budget, max(spent, int(budget * committed_rate * min(1.0, share * 1.4))))
        months.append({"original_budget": original_budget, "transfers": transfers,
                       "carryover": carryover, "committed": committed, "spent": spent})
    return months


def _periods(plans: Sequence[Plan], years: Iterable[int]) -> dict[tuple[int, int, int], int]:
    """Create the plans' monthly periods of the years (locked); map (plan, year, month) → id."""
    years = list(years)
    wanted = []
    for plan in plans:
        for year in years:
            for month in range(1, MONTHS_PER_YEAR + 1):
                last = dt.date(year, month, calendar.monthrange(year, month)[1])
                wanted.append(ReportingPeriod(
                    plan=plan, kind=PeriodKind.MONTH, year=year, number=month,
                    due_on=last + dt.timedelta(days=DUE_DAYS), state=PeriodState.LOCKED))
    ReportingPeriod.objects.bulk_create(wanted, batch_size=BATCH, ignore_conflicts=True)
    return {(plan_id, year, number): pk for pk, plan_id, year, number in
            ReportingPeriod.objects.filter(plan__in=plans, kind=PeriodKind.MONTH,
                                           year__in=years)
            .values_list("pk", "plan_id", "year", "number")}


@transaction.atomic
def generate_synthetic_execution(plans: Iterable[Plan] | None = None,
                                 years: Iterable[int] = SYNTHETIC_YEARS,
                                 seed: int = SYNTHETIC_SEED) -> SyntheticReport:
    """Write SYNTHETIC approved monthly execution for every unit project of the plans (all)."""
    chosen = list(plans if plans is not None else Plan.objects.order_by("slug"))
    years = list(years)
    rng = random.Random(seed)
    periods = _periods(chosen, years)
    leaves = list(Node.objects.filter(plan__in=chosen, children__isnull=True)
                  .order_by("plan_id", "position").values_list("pk", "plan_id"))
    planned = {(node_id, year): int(total) for node_id, year, total in
               BudgetLine.objects.filter(node__plan__in=chosen, year__in=years)
               .values_list("node_id", "year").annotate(total=Sum("amount_won"))}
    records = []
    for node_id, plan_id in leaves:
        for year in years:
            original = planned.get((node_id, year)) or rng.randint(2, 300) * 10_000_000
            for month, amounts in enumerate(synthetic_year(rng, original), start=1):
                records.append(ExecutionRecord(
                    node_id=node_id, period_id=periods[(plan_id, year, month)],
                    status=ExecutionStatus.APPROVED, **amounts))
    ExecutionRecord.objects.bulk_create(records, batch_size=BATCH, ignore_conflicts=True)
    return SyntheticReport(len(chosen), len(leaves), len(periods), len(records))


def _quarters(plans: Sequence[Plan], years: Sequence[int]) -> dict[tuple[int, int, int], int]:
    """Create the plans' quarterly periods of the years (locked); map (plan, year, q) → id."""
    wanted = [ReportingPeriod(plan=plan, kind=PeriodKind.QUARTER, year=year, number=quarter,
                              due_on=dt.date(year + (quarter == 4), quarter * 3 % 12 + 1, DUE_DAYS),
                              state=PeriodState.LOCKED)
              for plan in plans for year in years for quarter in range(1, 5)]
    ReportingPeriod.objects.bulk_create(wanted, batch_size=BATCH, ignore_conflicts=True)
    return {(plan_id, year, number): pk for pk, plan_id, year, number in
            ReportingPeriod.objects.filter(plan__in=plans, kind=PeriodKind.QUARTER,
                                           year__in=years)
            .values_list("pk", "plan_id", "year", "number")}


@transaction.atomic
def generate_synthetic_milestones(plans: Iterable[Plan] | None = None,
                                  years: Iterable[int] = SYNTHETIC_YEARS,
                                  seed: int = SYNTHETIC_SEED) -> int:
    """Write a SYNTHETIC quarterly milestone per unit project and quarter; most done on time."""
    chosen = list(plans if plans is not None else Plan.objects.order_by("slug"))
    years = list(years)
    rng = random.Random(seed + 1)
    quarters = _quarters(chosen, years)
    leaves = list(Node.objects.filter(plan__in=chosen, children__isnull=True)
                  .order_by("plan_id", "position").values_list("pk", "plan_id"))
    milestones = []
    for node_id, plan_id in leaves:
        for year in years:
            for quarter in range(1, 5):
                end = dt.date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
                state = rng.choice([MilestoneState.DONE] * 6 + [
                    MilestoneState.IN_PROGRESS, MilestoneState.DELAYED,
                    MilestoneState.NOT_STARTED])
                completed = (end + dt.timedelta(days=rng.randint(-60, 45))
                             if state == MilestoneState.DONE else None)
                milestones.append(Milestone(
                    node_id=node_id, period_id=quarters[(plan_id, year, quarter)],
                    planned=f"[합성 자료] {year}년 {quarter}분기 추진 계획", state=state,
                    completed_on=completed, status=ExecutionStatus.APPROVED,
                    provenance={"synthetic": True}))
    Milestone.objects.bulk_create(milestones, batch_size=BATCH, ignore_conflicts=True)
    return len(milestones)
