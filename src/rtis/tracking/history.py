"""Demo history: past months' execution, indicator actuals and milestones, entered for real.

`generate_history` walks a plan's reporting periods from the year before `until` (never outside
the plan's years) up to the period containing `until`, and for every period already due it
enters what a working office would have entered, through the tracking actions: the owning
department's officer (or, without one, the planner) saves and submits, the planner approves, and
finished periods are locked. The audit trail, the approval queue, 내 업무, the dashboards, the
projection and the pledge card all read the result as they read real entries.

The figures are INVENTED but shaped by the seeds, and deterministic (each value's random
generator is seeded by plan, node, period and the seed number, so a re-run, or a run on another
database, gives the same values):
  - execution: 본예산 = the node's planned money for the year (BudgetLine, funding sources the
    city executes: not SH공사 or 민자); spending follows the usual Korean curve (slow spring,
    December rush) to a year-end rate of 90–99.5 % for most units and 62–88 % for a few. Where
    a document prints the office's execution by department for a month (seed 004, "예산" table,
    '22.1.21. 기준), that month's record takes the owning department's printed 원인행위 and 지출
    rates (the 계 row's for a department the table does not list);
  - indicator actuals: quarterly, year to date for counts, levels for rates, ending near the
    year's target (achievement 88–112 %, a few 60–85 %);
  - milestones: most done on time, some done late or still delayed, with a reason in Korean.
Entries that already exist are left alone (users' data is kept), so running it again changes
nothing. A period whose entries are all approved is locked (확정). With `story`, the latest due
month keeps a few entries unfinished, and so stays open: a draft and a returned entry of the demo
officer's department, and some submitted ones waiting for the planner's approval.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from rtis.lib.numbers import ascii_int
from rtis.orgs.actions import find_department
from rtis.orgs.models import Role, User
from rtis.plans.models import BudgetLine, Indicator, IndicatorTarget, Node, Plan, StatedTable
from rtis.tracking.actions import (
    do_approve_entry,
    do_lock_period,
    do_open_period,
    do_return_entry,
    do_save_execution,
    do_save_indicator_report,
    do_save_milestone,
    do_submit_entry,
    tracking_settings,
)
from rtis.tracking.models import (
    MONTHS_PER_YEAR,
    QUARTERS_PER_YEAR,
    ApprovalEntry,
    ExecutionRecord,
    ExecutionStatus,
    IndicatorReport,
    Milestone,
    MilestoneState,
    Notification,
    NotificationKind,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    period_end,
)
from rtis.tracking.queries import owner_of, tree_and_owners

HISTORY_SEED = 20220315
YEARS_BACK = 1  # the year before `until` too: the projection needs a past year's pattern
# Money the city does not execute itself (SH공사's own budget, private investment).
NOT_EXECUTED_BY_CITY = {"sh", "private"}
PRINTED_EXECUTION_TABLE = "budget-execution-by-department"
PRINTED_TOTAL_ROW = "계"
# Share of the year's spending reached by the end of each month (slow spring, December rush).
SPENT_CURVE = (0.03, 0.08, 0.15, 0.23, 0.31, 0.40, 0.48, 0.56, 0.64, 0.73, 0.83, 1.0)
QUARTER_PLANS = ("사업계획 수립 및 공고", "참여기관 선정 및 협약 체결", "사업 추진 및 중간 점검",
                 "성과 점검 및 정산")
DELAY_REASONS = (
    "코로나19 확산으로 대면 행사와 현장 점검을 연기함",
    "참여기업 모집이 늦어져 선정 일정을 한 달 순연함",
    "중앙부처·자치구 등 관계기관 협의가 길어짐",
    "입찰이 유찰되어 재공고 후 계약함",
    "설계 변경에 따라 공정을 조정함",
    "추가경정예산 편성 후 사업에 착수함",
)
RETURN_COMMENT = "원인행위액의 근거(계약서 사본)가 빠져 있습니다. 보완하여 다시 제출해 주십시오."
STORY_SUBMITTED = 3  # entries of other departments left waiting for approval
ROUND_WON = 1000  # execution amounts are whole thousands of won
LEVEL_UNITS = ("%", "점", "배")  # an indicator measured as a level, not counted up


@dataclass
class HistoryReport:
    """What one run entered."""

    periods_opened: int = 0
    periods_locked: int = 0
    execution: int = 0
    indicators: int = 0
    milestones: int = 0
    pending: int = 0  # entries left unfinished on purpose (story)

    def add(self, other: HistoryReport) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# --- pure figures ---------------------------------------------------------------------------


def _rng(seed: int, *parts: Any) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _floor(won: float) -> int:
    return int(won // ROUND_WON) * ROUND_WON


Printed = tuple[int, tuple[Decimal, Decimal]]  # month, (원인행위 %, 지출 %) as a table prints them


def spending_curve(rng: random.Random) -> list[float]:
    """Return a unit's own share of its year's spending reached by each month (ends at 1)."""
    shares, reached = [], 0.0
    for base in SPENT_CURVE[:-1]:
        reached = min(1.0, max(reached, base * rng.uniform(0.85, 1.15)))
        shares.append(reached)
    return [*shares, 1.0]


def year_of_execution(rng: random.Random, budget: int, printed: Printed | None = None,
                      curve: list[float] | None = None) -> list[dict[str, int]]:
    """Return twelve months of year-to-date amounts obeying spent ≤ committed ≤ 예산현액.

    `curve` is the unit's spending pattern (a unit spends alike from year to year, which is
    what the year-end projection relies on), varied a little for the year. `printed` fixes one
    month's 원인행위 and 지출 rates as a printed table says; the months before stay below them,
    the months after above.
    """
    transfers = carryover = 0
    if budget and rng.random() < 0.15:
        transfers = _floor(budget * rng.uniform(-0.05, 0.08))
    if budget and rng.random() < 0.3:
        carryover = _floor(budget * rng.uniform(0.03, 0.15))
    current = budget + transfers + carryover
    spent_end = rng.uniform(0.9, 0.995) if rng.random() < 0.85 else rng.uniform(0.62, 0.88)
    committed_end = min(1.0, spent_end + rng.uniform(0.003, 0.03))
    shares, reached = [], 0.0
    for share in (curve or spending_curve(rng))[:-1]:
        reached = min(1.0, max(reached, share * rng.uniform(0.96, 1.04)))
        shares.append(reached)
    shares.append(1.0)
    printed_month, printed_committed, printed_spent = 0, 0, 0  # no printed month: no bounds
    if printed is not None:
        printed_month = printed[0]
        printed_committed = _floor(current * float(printed[1][0]) / 100)
        printed_spent = min(printed_committed, _floor(current * float(printed[1][1]) / 100))
    months = []
    for month, share in enumerate(shares, start=1):
        spent = _floor(current * spent_end * share)
        # Contracts (원인행위) run ahead of payments, most of all in spring.
        committed = _floor(current * committed_end * min(1.0, share * 1.3 + 0.04))
        if month < printed_month:
            spent, committed = min(spent, printed_spent), min(committed, printed_committed)
        elif month == printed_month:
            spent, committed = printed_spent, printed_committed
        else:
            spent, committed = max(spent, printed_spent), max(committed, printed_committed)
        spent = min(current, spent)
        committed = min(current, max(committed, spent))
        months.append({"original_budget": budget, "transfers": transfers,
                       "carryover": carryover, "committed": committed, "spent": spent})
    return months


def indicator_value(rng: random.Random, target: Decimal, unit: str, direction: str,
                    fraction: float) -> Decimal:
    """Return an indicator's year-to-date actual at a share of the year, ending near target."""
    achievement = rng.uniform(0.88, 1.12) if rng.random() < 0.85 else rng.uniform(0.6, 0.85)
    final = float(target) / achievement if direction == "decrease" else float(target) * achievement
    level = any(mark in unit for mark in LEVEL_UNITS)
    value = final * (0.9 + 0.1 * fraction) if level else final * fraction
    places = Decimal("0.1") if level or "억" in unit else Decimal("1")
    return max(Decimal(0), Decimal(str(value)).quantize(places))


# --- the walk over periods ------------------------------------------------------------------


class _History:
    """One plan's walk: caches (units, owners, officers) and the actors of its entries."""

    def __init__(self, planner: Any, plan: Plan, until: dt.date, seed: int, story: bool) -> None:
        self.planner, self.plan, self.until, self.seed, self.story = (
            planner, plan, until, seed, story)
        self.conf = tracking_settings(plan)
        self.report = HistoryReport()
        self.units = list(Node.objects.filter(plan=plan, children__isnull=True)
                          .select_related("plan").order_by("position"))
        parents, owners = tree_and_owners({plan.pk})
        self.owner = {n.pk: owner_of(n.pk, parents, owners) for n in self.units}
        self._officers: dict[int | None, Any] = {}
        first = max(plan.period_start, until.year - YEARS_BACK)
        self.years = list(range(first, min(plan.period_end, until.year) + 1))
        self.budgets = {
            (node_id, year): int(total) for node_id, year, total in
            BudgetLine.objects.filter(node__plan=plan, year__in=self.years)
            .exclude(source_id__in=NOT_EXECUTED_BY_CITY).order_by()
            .values_list("node_id", "year").annotate(total=Sum("amount_won"))}
        self.printed = self._printed_rates()

    def actor_for(self, node: Node) -> Any:
        """Return the owning department's first officer, or the planner when it has none."""
        department = self.owner.get(node.pk)
        if department not in self._officers:
            self._officers[department] = (User.objects.filter(
                role=Role.OFFICER, is_active=True, departments=department).order_by("pk").first()
                if department is not None else None)
        return self._officers[department] or self.planner

    def _printed_rates(self) -> dict[tuple[int, int], dict[int | None, tuple[Decimal, Decimal]]]:
        """Map (year, month) → department id (None: the 계 row) → printed (원인행위, 지출) rates.

        From any document's printed execution by department (seed 004: the whole office's
        budget as of '22.1.21.), for the months of this plan's years.
        """
        found: dict[tuple[int, int], dict[int | None, tuple[Decimal, Decimal]]] = {}
        for table in StatedTable.objects.filter(key=PRINTED_EXECUTION_TABLE,
                                                as_of__year__in=self.years):
            assert table.as_of is not None
            rates_by_department = found.setdefault((table.as_of.year, table.as_of.month), {})
            columns = list(table.columns)
            for row in table.rows:
                values = dict(zip(columns, row["values"], strict=False))
                rates = (Decimal(str(values["집행률 원인행위액"])),
                         Decimal(str(values["집행률 지출액"])))
                if row["label"] == PRINTED_TOTAL_ROW:
                    rates_by_department[None] = rates
                elif (department := find_department(row["label"])) is not None:
                    rates_by_department[department.pk] = rates
        return found

    # -- periods --

    def periods(self) -> list[ReportingPeriod]:
        """Open the missing periods that have begun by `until`; return them all, in order."""
        kinds = {self.conf.execution_period, self.conf.indicator_period,
                 self.conf.milestone_period}
        existing = {(p.kind, p.year, p.number): p for p in
                    ReportingPeriod.objects.filter(plan=self.plan, year__in=self.years)}
        for year in self.years:
            for kind in sorted(kinds):
                top = MONTHS_PER_YEAR if kind == PeriodKind.MONTH else QUARTERS_PER_YEAR
                for number in range(1, top + 1):
                    start_month = number if kind == PeriodKind.MONTH else number * 3 - 2
                    if (kind, year, number) in existing or \
                            dt.date(year, start_month, 1) > self.until:
                        continue
                    due_on = period_end(kind, year, number) + dt.timedelta(
                        days=self.conf.due_days)
                    existing[(kind, year, number)] = do_open_period(
                        self.planner, self.plan, kind=kind, year=year, number=number,
                        due_on=due_on)
                    self.report.periods_opened += 1
        return sorted(existing.values(), key=lambda p: (p.kind, p.year, p.number))

    # -- entries --

    def _finish(self, actor: Any, entry: ApprovalEntry, outcome: str) -> None:
        """Submit and approve an entry (or stop at the outcome the story wants)."""
        if outcome == ExecutionStatus.DRAFT:
            self.report.pending += 1
            return
        entry = do_submit_entry(actor, entry)
        if outcome == ExecutionStatus.SUBMITTED:
            self.report.pending += 1
            return
        if outcome == ExecutionStatus.RETURNED:
            do_return_entry(self.planner, entry, RETURN_COMMENT)
            self.report.pending += 1
            return
        key = f"submitted:{entry._meta.label_lower}:{entry.pk}:{entry.version}"
        do_approve_entry(self.planner, entry)
        # The planner approved it at once: the "결재 요청" notice would only be noise.
        Notification.objects.filter(kind=NotificationKind.SUBMITTED, key=key).delete()

    def _story(self, period: ReportingPeriod) -> dict[int, str]:
        """Pick the entries of the latest due month left unfinished: node id → status."""
        if not self.story:
            return {}
        with_officer = [u for u in self.units if self.actor_for(u) is not self.planner]
        others = [u for u in self.units if self.actor_for(u) is self.planner]
        unfinished = [ExecutionStatus.DRAFT, ExecutionStatus.RETURNED]
        outcomes: dict[int, str] = dict(zip([u.pk for u in with_officer], unfinished,
                                            strict=False))
        rng = _rng(self.seed, self.plan.slug, period.label, "story")
        for unit in rng.sample(others, min(STORY_SUBMITTED, len(others))):
            outcomes[unit.pk] = ExecutionStatus.SUBMITTED
        return outcomes

    def execution(self, period: ReportingPeriod, latest: bool) -> None:
        done = set(ExecutionRecord.objects.filter(period=period).values_list("node_id", flat=True))
        story = self._story(period) if latest else {}
        for unit in self.units:
            if unit.pk in done:
                continue
            rng = _rng(self.seed, self.plan.slug, unit.code, period.year, "execution")
            printed: Printed | None = None
            for (year, month), by_department in self.printed.items():
                rates = by_department.get(self.owner.get(unit.pk)) or by_department.get(None)
                if year == period.year and rates is not None:
                    printed = (month, rates)
            curve = spending_curve(_rng(self.seed, self.plan.slug, unit.code, "curve"))
            months = year_of_execution(rng, self.budgets.get((unit.pk, period.year), 0), printed,
                                       curve)
            actor = self.actor_for(unit)
            record = do_save_execution(actor, unit, period, None, **months[period.number - 1])
            self._finish(actor, record, story.get(unit.pk, ExecutionStatus.APPROVED))
            self.report.execution += 1

    def indicators(self, period: ReportingPeriod) -> None:
        done = set(IndicatorReport.objects.filter(period=period)
                   .values_list("indicator_id", flat=True))
        targets = dict(IndicatorTarget.objects.filter(
            indicator__node__plan=self.plan, year=period.year).values_list("indicator_id", "value"))
        fraction = period.ends_on.month / MONTHS_PER_YEAR
        for indicator in (Indicator.objects.filter(node__plan=self.plan, pk__in=list(targets))
                          .select_related("node__plan").order_by("node__position", "position")):
            if indicator.pk in done:
                continue
            rng = _rng(self.seed, self.plan.slug, indicator.node.code, indicator.name,
                       period.year, "indicator")
            value = indicator_value(rng, targets[indicator.pk], indicator.unit,
                                    indicator.direction, fraction)
            level = any(mark in indicator.unit for mark in LEVEL_UNITS)
            evidence = (f"{period.ends_on:%Y. %-m. %-d.} 기준 부서 집계"
                        + ("" if level else "(연초부터 누계)"))
            actor = self.actor_for(indicator.node)
            report = do_save_indicator_report(actor, indicator, period, None, value=value,
                                              unit=indicator.unit, evidence=evidence)
            self._finish(actor, report, ExecutionStatus.APPROVED)
            self.report.indicators += 1

    def milestones(self, period: ReportingPeriod, recent: bool) -> None:
        done = set(Milestone.objects.filter(period=period).values_list("node_id", flat=True))
        phase = QUARTER_PLANS[(period.ends_on.month - 1) // 3]
        for unit in self.units:
            if unit.pk in done:
                continue
            rng = _rng(self.seed, self.plan.slug, unit.code, period.label, "milestone")
            roll, reason = rng.random(), rng.choice(DELAY_REASONS)
            late_done = period.ends_on + dt.timedelta(days=rng.randint(8, 45))
            values: dict[str, Any] = {"state": MilestoneState.DONE, "delay_reason": "",
                                      "achieved": f"{phase} 완료"}
            if roll < 0.88:
                values["completed_on"] = max(period.starts_on,
                                             period.ends_on - dt.timedelta(days=rng.randint(0, 40)))
            elif roll < 0.96 or not recent or late_done <= self.until:
                values.update(completed_on=min(late_done, self.until), delay_reason=reason,
                              achieved=f"{phase} 완료(지연)")
            else:
                values.update(state=MilestoneState.DELAYED, completed_on=None,
                              delay_reason=reason, achieved=f"{phase} 일부 진행")
            actor = self.actor_for(unit)
            milestone = do_save_milestone(
                actor, unit, period, None, planned=f"{period.year}년 {phase}",
                today=self.until, **values)
            self._finish(actor, milestone, ExecutionStatus.APPROVED)
            self.report.milestones += 1

    # -- locking --

    def _complete(self, period: ReportingPeriod) -> bool:
        """Tell whether every entry of the period is approved (and every unit has reported)."""
        models: list[type[ApprovalEntry]] = [ExecutionRecord, IndicatorReport, Milestone]
        if any(m._default_manager.filter(period=period).exclude(
                status=ExecutionStatus.APPROVED).exists() for m in models):
            return False
        if period.kind == self.conf.execution_period:
            reported = ExecutionRecord.objects.filter(period=period).count()
            return reported >= len(self.units)
        return True

    def run(self) -> HistoryReport:
        periods = self.periods()
        due = [p for p in periods if p.due_on < self.until and p.state == PeriodState.OPEN]
        latest = {kind: max((p.due_on for p in periods if p.kind == kind
                             and p.due_on < self.until), default=None)
                  for kind in PeriodKind.values}
        for period in due:
            is_latest = period.due_on == latest[period.kind]
            if period.kind == self.conf.execution_period:
                self.execution(period, is_latest)
            if period.kind == self.conf.indicator_period:
                self.indicators(period)
            if period.kind == self.conf.milestone_period:
                recent = (self.until - period.ends_on).days < 200
                self.milestones(period, recent)
            if self._complete(period):
                do_lock_period(self.planner, period)
                self.report.periods_locked += 1
        return self.report


@transaction.atomic
def generate_history(planner: Any, plans: Iterable[Plan], until: dt.date,
                     seed: int = HISTORY_SEED, story_plan: str = "") -> HistoryReport:
    """Enter the plans' past reporting up to `until` through the tracking actions (see module).

    All or nothing. `story_plan` names the plan whose latest due month keeps a few entries
    unfinished. Entries that exist are kept; periods outside a plan's years are never opened.
    """
    total = HistoryReport()
    for plan in plans:
        if not plan.period_start <= until.year or until.year - YEARS_BACK > plan.period_end:
            continue
        total.add(_History(planner, plan, until, seed, plan.slug == story_plan).run())
    _settle_past_notices()
    return total


def _settle_past_notices() -> None:
    """Mark the approval and submission notices of locked periods read.

    They belong to the invented past: an officer opening the demo should see this month's
    notices, not a badge of two hundred approvals from last year.
    """
    from django.apps import apps

    from rtis.config import clock

    notes: dict[str, dict[int, list[int]]] = {}
    unread = Notification.objects.filter(
        read_at__isnull=True, kind__in=[NotificationKind.APPROVED, NotificationKind.SUBMITTED])
    for note_id, key in unread.values_list("id", "key"):
        parts = key.split(":")
        entry = ascii_int(parts[2]) if len(parts) == 4 else None
        if entry is not None:
            notes.setdefault(parts[1], {}).setdefault(entry, []).append(note_id)
    settled: list[int] = []
    for label, by_entry in notes.items():
        locked = apps.get_model(label).objects.filter(
            pk__in=list(by_entry), period__state=PeriodState.LOCKED).values_list("pk", flat=True)
        for pk in locked:
            settled.extend(by_entry[pk])
    Notification.objects.filter(pk__in=settled).update(read_at=clock.now())
