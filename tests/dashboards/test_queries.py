"""Dashboard queries: sums per department, the as-of month, approval, projection, indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rtis.dashboards import queries
from rtis.dashboards.projection import PATTERN, STRAIGHT_LINE
from rtis.dashboards.queries import Scope
from rtis.dashboards.synthetic import generate_synthetic_execution
from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.actions import do_update_tracking_settings
from rtis.tracking.models import ExecutionRecord, PeriodKind, ReportingPeriod
from rtis.tracking.queries import execution_by_department, latest_approved_records
from tests.dashboards.conftest import M, approved, open_month

pytestmark = pytest.mark.django_db

JULY_END = dt.date(2019, 7, 31)


def scope(plan: Plan | None, day: dt.date) -> Scope:
    return Scope(list(Plan.objects.order_by("slug")), plan, day)


def by_name(rows: list[queries.DepartmentExecution]) -> dict[str | None, tuple[int, int, int]]:
    return {r.department.name if r.department else None: (r.current_budget, r.committed, r.spent)
            for r in rows}


def test_the_table_sums_approved_figures_per_owning_department(executed: Plan) -> None:
    summary = queries.execution_summary(scope(executed, JULY_END))
    assert summary.period is not None and summary.period.label == "2019-07"
    assert by_name(summary.rows) == {
        "경제정책과": (400 * M, 100 * M, 50 * M),  # July is a draft: June stays in force
        "신성장산업과": (800 * M, 600 * M, 300 * M),
    }
    assert [r.department.name for r in summary.rows if r.department] == ["경제정책과", "신성장산업과"]
    total = summary.total
    assert (total.current_budget, total.committed, total.spent) == (1200 * M, 700 * M, 350 * M)
    assert (total.committed_rate, total.spent_rate) == (Decimal("58.3"), Decimal("29.2"))
    assert (summary.original_budget, summary.transfers, summary.carryover) == (
        1400 * M, -200 * M, 0)


def test_the_table_matches_the_tracking_query(executed: Plan) -> None:
    for plan in (executed, None):
        summary = queries.execution_summary(scope(plan, JULY_END))
        assert summary.period is not None
        expected = execution_by_department(plan, summary.period)
        assert by_name(summary.rows) == by_name(expected)
        mine = {line.record.pk for line in summary.lines}
        assert mine == {r.pk for r in latest_approved_records(plan, summary.period)}


def test_the_as_of_month_is_the_latest_month_ended_on_or_before_the_date(executed: Plan) -> None:
    def month(day: dt.date) -> str | None:
        period = queries.as_of_month(scope(executed, day))
        return period.label if period else None

    assert month(dt.date(2019, 7, 31)) == "2019-07"
    assert month(dt.date(2019, 7, 30)) == "2019-06"  # July has not ended yet
    assert month(dt.date(2019, 6, 30)) == "2019-06"
    assert month(dt.date(2019, 1, 15)) == "2018-12"
    assert month(dt.date(2025, 1, 1)) == "2019-07"
    assert month(dt.date(2018, 7, 30)) is None


def test_an_earlier_as_of_date_sums_that_months_approved_figures(executed: Plan) -> None:
    summary = queries.execution_summary(scope(executed, dt.date(2019, 7, 30)))
    assert by_name(summary.rows) == {"경제정책과": (400 * M, 100 * M, 50 * M),
                                     "신성장산업과": (1000 * M, 500 * M, 100 * M)}


def test_unapproved_records_do_not_count(plan: Plan, planner: User, unit: Node) -> None:
    august = open_month(planner, plan, 2019, 8)
    from rtis.tracking.actions import do_save_execution, do_submit_execution

    record = do_save_execution(planner, unit, august, None, original_budget=10 * M,
                               committed=5 * M, spent=1 * M)
    do_submit_execution(planner, record)  # submitted, not approved
    summary = queries.execution_summary(scope(plan, dt.date(2019, 8, 31)))
    assert summary.period is not None and summary.rows == [] and summary.lines == []


def test_another_plans_records_stay_out_of_a_plans_table(
        executed: Plan, private_plan: Plan, planner: User) -> None:
    july = open_month(planner, private_plan, 2019, 7)
    approved(planner, private_plan.nodes.get(code="2-1-1"), july, original_budget=7 * M,
             committed=7 * M, spent=7 * M)
    one = queries.execution_summary(scope(executed, JULY_END))
    assert one.total.current_budget == 1200 * M
    both = queries.execution_summary(scope(None, JULY_END))
    assert both.total.current_budget == 1207 * M


def test_projection_uses_past_patterns_or_a_straight_line_and_flags_by_default_90(
        executed: Plan) -> None:
    period, units = queries.unit_projections(scope(executed, JULY_END))
    assert period is not None and period.label == "2019-07"
    found = {u.node.code: u for u in units}
    # 2-1-1: 2018 had spent 1,000 of its December 2,000 by July: 300 ÷ 0.5 = 600 of 800.
    bio = found["2-1-1"].projection
    assert (bio.spent, bio.budget, bio.projected, bio.rate) == (300 * M, 800 * M, 600 * M,
                                                                 Decimal("75.0"))
    assert (bio.method, bio.past_years) == (PATTERN, 1)
    # 1-1-1: no past year; its latest approved month is June: 50 ÷ 6 × 12 = 100 of 400.
    policy = found["1-1-1"].projection
    assert (policy.projected, policy.rate, policy.method) == (100 * M, Decimal("25.0"),
                                                              STRAIGHT_LINE)
    assert found["1-1-1"].threshold == Decimal("90.0")
    assert found["2-1-1"].flagged and found["1-1-1"].flagged
    rows = {r.department.name: r for r in queries.projection_by_department(units)
            if r.department}
    assert (rows["신성장산업과"].projected, rows["신성장산업과"].flagged) == (600 * M, 1)


def test_projection_flags_against_the_plans_threshold(executed: Plan, planner: User) -> None:
    do_update_tracking_settings(planner, executed, None, projection_threshold=Decimal("50.0"))
    _period, units = queries.unit_projections(scope(executed, JULY_END))
    flagged = {u.node.code: u.flagged for u in units}
    assert flagged == {"2-1-1": False, "1-1-1": True}  # 75 % passes 50, 25 % does not
    assert {u.threshold for u in units} == {Decimal("50.0")}


def test_indicator_achievement_rolls_up_to_areas_and_the_plan(plan: Plan) -> None:
    lines = queries.indicator_lines(scope(plan, JULY_END), 2018)
    found = {line.indicator.name: line for line in lines}
    assert found["입주기업수"].rate == Decimal("110.0")  # 110 of 100, annual actual
    assert found["입주기업수"].counted_rate == Decimal(100)
    assert found["조성연면적"].rate is None  # no 2018 target: 미산정
    areas = {g.area.code: g for g in queries.achievement_by_area(lines) if g.area}
    assert (areas["1"].rate, areas["1"].computed) == (Decimal("100.0"), 1)
    assert (areas["2"].rate, areas["2"].computed, areas["2"].indicators) == (None, 0, 1)
    [whole] = queries.achievement_by_plan(lines)
    assert (whole.rate, whole.indicators, whole.computed) == (Decimal("100.0"), 2, 1)


def test_an_approved_quarterly_report_is_a_provisional_actual(indicator_report: Plan) -> None:
    lines = queries.indicator_lines(scope(indicator_report, JULY_END), 2019)
    found = {line.indicator.name: line for line in lines}
    tenants = found["입주기업수"]
    assert (tenants.period, tenants.actual, tenants.rate) == ("2019-Q2", Decimal(50),
                                                              Decimal("25.0"))
    assert tenants.provisional
    assert queries.latest_indicator_year(scope(indicator_report, JULY_END)) == 2019


def test_milestones_late_at_the_as_of_date(milestones: Plan) -> None:
    items = queries.slipped_milestones(scope(milestones, JULY_END))
    rows = [(i.plan.slug, i.days_late, i.department.name if i.department else None)
            for i in items]
    assert rows == [("sample-plan", 122, "신성장산업과"), ("sample-plan", 20, "경제정책과")]
    details = queries.milestone_details(items)
    assert [(d.code, d.period_label, d.state_label, d.completed_on) for d in details] == [
        ("2-1-1", "2019-Q1", "진행", None), ("1-1-1", "2019-Q1", "완료", dt.date(2019, 4, 20))]
    groups = {g.department.name: (g.count, g.mean_days, g.max_days)
              for g in queries.slippage_by_department(items) if g.department}
    assert groups == {"신성장산업과": (1, Decimal("122.0"), 122), "경제정책과": (1, Decimal("20.0"), 20)}
    [whole] = queries.slippage_by_plan(items)
    assert (whole.count, whole.mean_days, whole.max_days) == (2, Decimal("71.0"), 122)


def test_milestones_done_after_an_earlier_as_of_date_were_late_then(milestones: Plan) -> None:
    items = queries.slipped_milestones(scope(milestones, dt.date(2019, 4, 10)))
    assert sorted(i.days_late for i in items) == [10, 10]


def test_the_synthetic_generator_obeys_the_execution_constraints(plan: Plan) -> None:
    report = generate_synthetic_execution([plan], years=(2018, 2019))
    leaves = plan.nodes.filter(children__isnull=True).count()
    assert (report.unit_projects, report.periods, report.records) == (leaves, 24, leaves * 24)
    assert ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.MONTH).count() == 24
    records = list(ExecutionRecord.objects.filter(node__plan=plan).select_related("period"))
    assert len(records) == leaves * 24
    assert all(0 <= r.spent <= r.committed <= r.current_budget for r in records)
    assert {r.status for r in records} == {"approved"}
    by_unit_year: dict[tuple[int, int], list[ExecutionRecord]] = {}
    for r in sorted(records, key=lambda r: r.period.number):
        by_unit_year.setdefault((r.node_id, r.period.year), []).append(r)
    for months in by_unit_year.values():
        spent = [r.spent for r in months]
        assert spent == sorted(spent)  # year to date never goes down
    # Planned money becomes the 본예산 where the plan has it (1-1-1: 2019 city 10,000백만원).
    node = plan.nodes.get(code="1-1-1")
    assert {r.original_budget for r in records if r.node_id == node.pk
            and r.period.year == 2019} == {10_000 * M}
