"""Rates are computed on the record; the department table sums approved figures only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.actions import (
    do_approve_execution,
    do_return_execution,
    do_save_execution,
    do_submit_execution,
)
from rtis.tracking.models import ExecutionRecord, ReportingPeriod, percent
from rtis.tracking.queries import (
    execution_by_department,
    execution_records_for_user,
    execution_total,
    late_execution,
)
from tests.tracking.conftest import AMOUNTS, open_month

pytestmark = pytest.mark.django_db


def test_rates_are_one_decimal_half_up() -> None:
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, not banker's 6.2
    assert percent(2, 3) == Decimal("66.7")
    assert percent(5, 0) is None


def test_a_record_computes_its_budget_and_rates() -> None:
    record = ExecutionRecord(**AMOUNTS)
    assert record.current_budget == 1_100_000_000
    assert record.committed_rate() == Decimal("72.7")
    assert record.spent_rate() == Decimal("45.5")
    empty = ExecutionRecord()
    assert empty.current_budget == 0
    assert empty.committed_rate() is None
    assert empty.spent_rate() is None


def approved(planner: User, node: Node, period: ReportingPeriod, **amounts: int) -> None:
    record = do_save_execution(planner, node, period, None, **amounts)
    do_approve_execution(planner, do_submit_execution(planner, record))


def test_the_table_sums_approved_figures_per_owning_department(
        plan: Plan, planner: User, officer: User, unit: Node, other_unit: Node) -> None:
    june, july = open_month(planner, plan, 6), open_month(planner, plan, 7)
    approved(planner, unit, june, original_budget=1000, committed=500, spent=100)
    approved(planner, other_unit, june, original_budget=400, committed=100, spent=50)
    # July: the unit's approved figures replace June's; the other unit's July is only a draft.
    approved(planner, unit, july, original_budget=1000, transfers=-200, committed=600, spent=300)
    do_save_execution(planner, other_unit, july, None, original_budget=400, committed=400,
                      spent=400)

    rows = {r.department.name if r.department else None: r
            for r in execution_by_department(plan, july)}
    assert set(rows) == {"신성장산업과", "경제정책과"}
    bio = rows["신성장산업과"]
    assert (bio.current_budget, bio.committed, bio.spent) == (800, 600, 300)
    assert (bio.committed_rate, bio.spent_rate) == (Decimal("75.0"), Decimal("37.5"))
    policy = rows["경제정책과"]
    assert (policy.current_budget, policy.committed, policy.spent) == (400, 100, 50)

    as_of_june = {r.department.name: r.spent for r in execution_by_department(None, june)
                  if r.department}
    assert as_of_june == {"신성장산업과": 100, "경제정책과": 50}

    total = execution_total(list(rows.values()))
    assert (total.current_budget, total.committed, total.spent) == (1200, 700, 350)
    assert total.spent_rate == Decimal("29.2")


def test_the_table_is_empty_before_anything_is_approved(
        plan: Plan, planner: User, unit: Node, month: ReportingPeriod) -> None:
    do_save_execution(planner, unit, month, None, **AMOUNTS)
    assert execution_by_department(plan, month) == []


def test_the_table_takes_a_bounded_number_of_queries(
        plan: Plan, planner: User, unit: Node, other_unit: Node,
        django_assert_max_num_queries: object) -> None:
    july = open_month(planner, plan, 7)
    approved(planner, unit, july, **AMOUNTS)
    approved(planner, other_unit, july, **AMOUNTS)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        rows = execution_by_department(None, july)
    assert len(rows) == 2


def test_late_execution_lists_unsubmitted_unit_projects_by_department(
        plan: Plan, planner: User, officer: User, unit: Node, other_unit: Node) -> None:
    import datetime as dt

    from rtis.tracking.actions import do_lock_period

    june, july, august = (open_month(planner, plan, n) for n in (6, 7, 8))  # due the 28th
    do_lock_period(planner, june)  # locked: no longer chased
    do_submit_execution(officer, do_save_execution(officer, unit, july, None, **AMOUNTS))
    do_save_execution(planner, other_unit, july, None, **AMOUNTS)  # a draft is still late

    late = late_execution(plan, dt.date(2019, 8, 1))
    assert [(e.department.name if e.department else None, e.node.code, e.period.label, e.status)
            for e in late] == [("경제정책과", "1-1-1", "2019-07", "draft")]
    assert august.label == "2019-08"
    later = late_execution(plan, dt.date(2019, 9, 1))
    assert {(e.node.code, e.period.label) for e in later} == {
        ("1-1-1", "2019-07"), ("1-1-1", "2019-08"), ("2-1-1", "2019-08")}
    assert late_execution(plan, dt.date(2019, 6, 1)) == []


def test_an_officer_sees_returned_records_first_and_only_their_own(
        plan: Plan, planner: User, officer: User, other_officer: User, viewer: User,
        unit: Node, other_unit: Node) -> None:
    june, july = open_month(planner, plan, 6), open_month(planner, plan, 7)
    returned = do_return_execution(
        planner, do_submit_execution(officer, do_save_execution(officer, unit, june, None)),
        "보완")
    draft = do_save_execution(officer, unit, july, None)
    foreign = do_save_execution(planner, other_unit, july, None)

    assert list(execution_records_for_user(officer)) == [returned, draft]
    assert list(execution_records_for_user(planner)) == [returned, foreign, draft]  # 1-1-1 before 2-1-1
    assert not execution_records_for_user(other_officer).exists()
    assert not execution_records_for_user(viewer).exists()
