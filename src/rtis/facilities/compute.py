"""Indicators computed from facility and fund records, written as the plan's yearly actuals.

The plan page, dashboards, checker and reports read a plan's actuals from
plans.IndicatorActual (period "2021"); a computed indicator's yearly values are written there,
marked in the note, so every reader uses them as any actual without knowing this app.

- 입주기업수 (tenants_at_year_end): distinct tenants with an occupancy in force on 31 December
  at the facilities linked to the indicator's node or any node below it. In force: moved in on
  or before the day, and not moved out, or moved out after it (a move-out on the 31st counts
  the tenant as gone at year end).
- 조성연면적 (floor_area_opened): the floor area of those facilities opened in the year.
- 앵커시설조성 (facilities_opened): how many of them opened in the year.
- 일자리창출 (tenant_employees): the employees the tenants of those facilities reported for
  the year (their yearly outcomes).
- 펀드조성 (fund_committed): commitments made in the year to the funds linked to the subtree,
  in the indicator's unit (억원, 백만원, 원 ...).

Years: the plan's period up to the current year; the current year is counted as of today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum

from rtis.audit.log import record_changes, record_creates
from rtis.config import clock
from rtis.facilities.models import (
    ComputedIndicator,
    Facility,
    Formula,
    Fund,
    FundCommitment,
    Occupancy,
    OutcomeSummary,
    TenantOutcome,
)
from rtis.lib.money import UNITS, from_won
from rtis.plans.models import IndicatorActual, Node

NOTE = "자동 산출: 시설·입주·펀드 기록"
PLACES = Decimal("0.0001")


@dataclass
class RecomputeReport:
    indicators: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def _subtrees(plan_ids: set[int]) -> dict[int, set[int]]:
    """Return, for every node of the plans, the ids of the node and all nodes below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Node.objects.filter(plan_id__in=plan_ids).values_list("id", "parent_id"):
        children[parent].append(pk)
    memo: dict[int, set[int]] = {}

    def walk(pk: int) -> set[int]:
        if pk not in memo:
            found = {pk}
            for child in children.get(pk, []):
                found |= walk(child)
            memo[pk] = found
        return memo[pk]

    for pk in list(children.get(None, [])):
        walk(pk)
    return memo


def _unit_factor(unit: str) -> int | None:
    return UNITS.get("".join(unit.split()))


def years_for(period_start: int, period_end: int, today: dt.date) -> list[int]:
    """Return the plan's years up to the current one."""
    return list(range(period_start, min(period_end, today.year) + 1))


class _Records:
    """The facility and fund records, read once as plain tuples."""

    def __init__(self, facility_ids: set[int], fund_ids: set[int]) -> None:
        self.facilities = {pk: (opened, area) for pk, opened, area in Facility.objects.filter(
            pk__in=facility_ids).values_list("id", "opened_on", "floor_area_m2")}
        self.occupancies: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for facility_id, tenant_id, start, end in Occupancy.objects.filter(
                facility_id__in=facility_ids).values_list(
                "facility_id", "tenant_id", "moved_in_on", "moved_out_on"):
            self.occupancies[facility_id].append((tenant_id, start, end))
        self.employees: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for facility_id, year, employees in OutcomeSummary.objects.filter(
                facility_id__in=facility_ids).values_list("facility_id", "year", "employees"):
            self.employees[facility_id][year] += int(employees or 0)
        self.commitments: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
        for fund_id, day, amount in FundCommitment.objects.filter(
                fund_id__in=fund_ids).values_list("fund_id", "committed_on", "amount_won"):
            self.commitments[fund_id].append((day, amount))


def _value(formula: str, unit: str, year: int, today: dt.date, facility_ids: Iterable[int],
           fund_ids: Iterable[int], records: _Records) -> Decimal | None:
    if formula == Formula.TENANTS_AT_YEAR_END:
        day = min(dt.date(year, 12, 31), today)
        tenants = {t for f in facility_ids for t, start, end in records.occupancies.get(f, ())
                   if start <= day and (end is None or end > day)}
        return Decimal(len(tenants))
    if formula in (Formula.FLOOR_AREA_OPENED, Formula.FACILITIES_OPENED):
        opened = [records.facilities[f] for f in facility_ids if f in records.facilities]
        this_year = [area for day, area in opened if day is not None and day.year == year]
        if formula == Formula.FACILITIES_OPENED:
            return Decimal(len(this_year))
        return sum((a for a in this_year if a is not None), Decimal(0))
    if formula == Formula.TENANT_EMPLOYEES:
        return Decimal(sum(records.employees[f][year] for f in facility_ids
                           if f in records.employees))
    factor = _unit_factor(unit)
    if factor is None:
        return None  # a fund indicator in a unit that is not money: nothing to write
    won = sum(amount for f in fund_ids for day, amount in records.commitments.get(f, ())
              if day.year == year)
    return from_won(int(won), "".join(unit.split()))


def computed_values(computed: list[ComputedIndicator], today: dt.date,
                    ) -> dict[tuple[int, str], Decimal]:
    """Return {(indicator id, "YYYY"): value} for the computed indicators."""
    plan_ids = {c.indicator.node.plan_id for c in computed}
    subtrees = _subtrees(plan_ids)
    all_nodes = set().union(*(subtrees.get(c.indicator.node_id, set()) for c in computed)) \
        if computed else set()
    facility_links: dict[int, set[int]] = defaultdict(set)
    for facility_id, node_id in Facility.nodes.through.objects.filter(
            node_id__in=all_nodes).values_list("facility_id", "node_id"):
        facility_links[node_id].add(facility_id)
    fund_links: dict[int, set[int]] = defaultdict(set)
    for fund_id, node_id in Fund.nodes.through.objects.filter(
            node_id__in=all_nodes).values_list("fund_id", "node_id"):
        fund_links[node_id].add(fund_id)
    records = _Records(set().union(*facility_links.values()) if facility_links else set(),
                       set().union(*fund_links.values()) if fund_links else set())
    values: dict[tuple[int, str], Decimal] = {}
    for c in computed:
        nodes = subtrees.get(c.indicator.node_id, {c.indicator.node_id})
        facilities = set().union(*(facility_links.get(n, set()) for n in nodes))
        funds = set().union(*(fund_links.get(n, set()) for n in nodes))
        plan = c.indicator.node.plan
        for year in years_for(plan.period_start, plan.period_end, today):
            value = _value(c.formula, c.indicator.unit, year, today, facilities, funds, records)
            if value is not None:
                values[(c.indicator_id, str(year))] = value.quantize(PLACES)
    return values


@transaction.atomic
def do_recompute_indicators(actor: Any | None = None, *, plan_ids: set[int] | None = None,
                            ) -> RecomputeReport:
    """Write every computed indicator's yearly actuals (all plans, or the given ones); audited."""
    computed_qs = ComputedIndicator.objects.select_related("indicator__node__plan")
    if plan_ids is not None:
        computed_qs = computed_qs.filter(indicator__node__plan_id__in=plan_ids)
    computed = list(computed_qs)
    report = RecomputeReport(indicators=len(computed))
    if not computed:
        return report
    values = computed_values(computed, clock.today())
    existing = {(a.indicator_id, a.period): a for a in IndicatorActual.objects.filter(
        indicator_id__in=[c.indicator_id for c in computed],
        period__in={period for _, period in values})
        .select_related("indicator__node")}
    created: list[IndicatorActual] = []
    changed: list[tuple[Any, Mapping[str, list[Any]]]] = []
    for key, value in values.items():
        actual = existing.get(key)
        if actual is None:
            created.append(IndicatorActual(indicator_id=key[0], period=key[1], value=value,
                                           note=NOTE))
        elif actual.value != value or actual.note != NOTE:
            changed.append((actual, {"value": [actual.value, value], "note": [actual.note, NOTE]}))
            actual.value, actual.note = value, NOTE
        else:
            report.unchanged += 1
    IndicatorActual.objects.bulk_create(created, batch_size=500)
    IndicatorActual.objects.bulk_update([a for a, _ in changed], ["value", "note"], batch_size=500)
    # Audit rows name the plan and node; the created ones need their indicator's node.
    nodes = {c.indicator_id: c.indicator for c in computed}
    for actual in created:
        actual.indicator = nodes[actual.indicator_id]
    record_creates(actor, created, reason="computed")
    record_changes(actor, changed, reason="computed")
    ComputedIndicator.objects.filter(pk__in=[c.pk for c in computed]).update(
        computed_at=clock.now())
    report.created, report.changed = len(created), len(changed)
    return report


def refresh_outcome_summaries(facility_ids: Iterable[int] | None = None) -> int:
    """Rebuild the yearly outcome sums of the given facilities (all when None); return rows."""
    outcomes = TenantOutcome.objects.all()
    summaries = OutcomeSummary.objects.all()
    if facility_ids is not None:
        ids = set(facility_ids)
        outcomes = outcomes.filter(occupancy__facility_id__in=ids)
        summaries = summaries.filter(facility_id__in=ids)
    rows = [OutcomeSummary(facility_id=r["occupancy__facility_id"], year=r["year"],
                           tenants=r["n"], sales_won=r["sales"] or 0,
                           employees=r["employees"] or 0, investment_won=r["investment"] or 0,
                           patents=r["patents"] or 0)
            for r in outcomes.values("occupancy__facility_id", "year").annotate(
                n=Count("id"), sales=Sum("sales_won"), employees=Sum("employees"),
                investment=Sum("investment_won"), patents=Sum("patents"))]
    with transaction.atomic():
        summaries.delete()
        OutcomeSummary.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def preview_values(indicator: Any, formula: str) -> dict[str, Decimal]:
    """Return {"YYYY": value} an indicator would get under a formula, writing nothing."""
    probe = ComputedIndicator(indicator=indicator, formula=formula)
    return {period: value for (_, period), value in
            computed_values([probe], clock.today()).items()}
