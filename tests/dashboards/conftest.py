"""A sample plan with approved execution, indicator actuals and milestones, through the actions.

Execution (won; 백만원 = 1e6): unit 2-1-1 (신성장산업과) and 1-1-1 (경제정책과).
  2018-07 2-1-1 approved: budget 3,000, spent 1,000   2018-12 2-1-1 approved: spent 2,000
  2019-06 2-1-1 approved: budget 1,000, committed 500, spent 100
  2019-06 1-1-1 approved: budget 400, committed 100, spent 50
  2019-07 2-1-1 approved: budget 1,000 − 200 transfers = 800, committed 600, spent 300
  2019-07 1-1-1 draft only (400 / 400 / 400): June stays in force
Milestones (as of 2019-07-31): 2-1-1 2019-Q1 in progress (122 days late), 1-1-1 2019-Q1 done
on 2019-04-20 (20 days late), 2-1-1 2019-Q2 done on 2019-06-10 (on time), 1-1-1 2019-Q3 not
started (quarter not over).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_approve_execution,
    do_open_period,
    do_save_execution,
    do_save_indicator_report,
    do_save_milestone,
    do_submit_entry,
    do_submit_execution,
)
from rtis.tracking.models import ReportingPeriod

M = 1_000_000  # 백만원 in won
SEPTEMBER_2019 = dt.date(2019, 9, 1)


def open_month(planner: User, plan: Plan, year: int, month: int) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="month", year=year, number=month,
                          due_on=dt.date(year, month, 28))


def open_quarter(planner: User, plan: Plan, year: int, quarter: int) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="quarter", year=year, number=quarter,
                          due_on=dt.date(year, quarter * 3, 28))


def approved(planner: User, node: Node, period: ReportingPeriod, **amounts: int) -> Any:
    record = do_save_execution(planner, node, period, None, **amounts)
    return do_approve_execution(planner, do_submit_execution(planner, record))


@pytest.fixture
def unit(plan: Plan) -> Node:
    """Unit project 2-1-1, owned through its task by 신성장산업과."""
    return plan.nodes.get(code="2-1-1")


@pytest.fixture
def other_unit(plan: Plan) -> Node:
    """Unit project 1-1-1, owned through its task by 경제정책과."""
    return plan.nodes.get(code="1-1-1")


def record_execution(plan: Plan, planner: User) -> Plan:
    """Enter and approve the execution records of the module docstring (through the actions)."""
    unit, other_unit = plan.nodes.get(code="2-1-1"), plan.nodes.get(code="1-1-1")
    july_2018, december_2018 = open_month(planner, plan, 2018, 7), open_month(planner, plan, 2018, 12)
    approved(planner, unit, july_2018, original_budget=3000 * M, committed=1000 * M,
             spent=1000 * M)
    approved(planner, unit, december_2018, original_budget=3000 * M, committed=2000 * M,
             spent=2000 * M)
    june, july = open_month(planner, plan, 2019, 6), open_month(planner, plan, 2019, 7)
    approved(planner, unit, june, original_budget=1000 * M, committed=500 * M, spent=100 * M)
    approved(planner, other_unit, june, original_budget=400 * M, committed=100 * M,
             spent=50 * M)
    approved(planner, unit, july, original_budget=1000 * M, transfers=-200 * M,
             committed=600 * M, spent=300 * M)
    do_save_execution(planner, other_unit, july, None, original_budget=400 * M,
                      committed=400 * M, spent=400 * M)
    return plan


@pytest.fixture
def executed(plan: Plan, planner: User) -> Plan:
    """The sample plan with the execution records of the module docstring."""
    return record_execution(plan, planner)


@pytest.fixture
def milestones(plan: Plan, planner: User, unit: Node, other_unit: Node) -> Plan:
    """The sample plan with the milestones of the module docstring."""
    q1, q2, q3 = (open_quarter(planner, plan, 2019, q) for q in (1, 2, 3))
    do_save_milestone(planner, unit, q1, None, planned="글로벌협력동 착공", achieved="설계 중",
                      state="in_progress", delay_reason="설계 변경", today=SEPTEMBER_2019)
    do_save_milestone(planner, other_unit, q1, None, planned="앵커 부지 확정",
                      achieved="부지 확정", state="done", completed_on=dt.date(2019, 4, 20),
                      today=SEPTEMBER_2019)
    do_save_milestone(planner, unit, q2, None, planned="기초 공사", achieved="완료",
                      state="done", completed_on=dt.date(2019, 6, 10), today=SEPTEMBER_2019)
    do_save_milestone(planner, other_unit, q3, None, planned="장비 도입", achieved="",
                      state="not_started", today=dt.date(2019, 8, 1))
    return plan


@pytest.fixture
def indicator_report(plan: Plan, planner: User) -> Plan:
    """입주기업수 (target 2019: 200) gets an approved 2019-Q2 actual of 50 (provisional 25 %)."""
    indicator = plan.nodes.get(code="1").indicators.get(name="입주기업수")
    quarter = open_quarter(planner, plan, 2019, 2)
    report = do_save_indicator_report(planner, indicator, quarter, None, value="50", unit="개")
    do_approve_entry(planner, do_submit_entry(planner, report))
    return plan
