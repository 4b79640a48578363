"""The work report's budget execution by department comes from approved execution records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rtis.lib.report_model import TableBlock
from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.reports.builders.work_report import build_work_report
from rtis.tracking.actions import (
    do_approve_entry,
    do_open_period,
    do_save_execution,
    do_submit_entry,
)


def _table(plan: Plan, as_of: dt.date) -> TableBlock | None:
    report = build_work_report(plan, as_of)
    return next((b for s in report.sections for b in s.blocks
                 if isinstance(b, TableBlock) and b.key == "budget-execution-by-department"),
                None)


def test_execution_table_from_approved_records_only(plan: Plan, planner: User,
                                                    officer: User) -> None:
    unit = Node.objects.get(plan=plan, code="2-1-1")
    july = do_open_period(planner, plan, kind="month", year=2019, number=7,
                          due_on=dt.date(2019, 8, 10))
    record = do_save_execution(officer, unit, july, None, original_budget=1_234_500_000,
                               committed=1_000_000_000, spent=617_250_000)
    assert _table(plan, dt.date(2019, 8, 31)) is None  # a draft is not a figure yet
    do_approve_entry(planner, do_submit_entry(officer, record))
    assert _table(plan, dt.date(2019, 7, 30)) is None  # July has not ended by then
    table = _table(plan, dt.date(2019, 8, 31))
    assert table is not None and table.as_of == dt.date(2019, 7, 31)
    total, department = table.rows
    assert total.cells == ["계", Decimal(1235), Decimal(1000), Decimal(617), Decimal("81.0"),
                           Decimal("50.0")]
    assert department.cells[0] == "신성장산업과"
