"""Portal fixtures: a sample plan with approved, draft and returned entries, and a bundle folder
of the test's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.tracking.actions import (
    do_approve_entry,
    do_open_period,
    do_return_entry,
    do_save_execution,
    do_save_milestone,
    do_submit_entry,
)

SECRET_RETURN = "반려사유-내부전용-XYZ"
SECRET_DRAFT = "작성중-내부전용-QWE"


@pytest.fixture(autouse=True)
def own_var_dir(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.RTIS_TODAY = dt.date(2019, 12, 31)


@pytest.fixture
def tracked(plan: Plan, planner: User, officer: User) -> dict[str, Any]:
    """2-1-1: approved July 2019 spending 500,000,000 won, an approved done milestone; a returned
    August record (spent 777,000,000, with a return comment) and a draft milestone."""
    unit = plan.nodes.get(code="2-1-1")
    july = do_open_period(planner, plan, kind="month", year=2019, number=7, due_on=dt.date(2019, 8, 10))
    august = do_open_period(planner, plan, kind="month", year=2019, number=8, due_on=dt.date(2019, 9, 10))
    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    q4 = do_open_period(planner, plan, kind="quarter", year=2019, number=4, due_on=dt.date(2020, 1, 10))
    amounts = {"original_budget": 1_000_000_000, "committed": 800_000_000, "spent": 500_000_000}
    approved = do_save_execution(officer, unit, july, None, **amounts)
    do_submit_entry(officer, approved)
    do_approve_entry(planner, approved)
    returned = do_save_execution(officer, unit, august, None, **{**amounts, "spent": 777_000_000})
    do_submit_entry(officer, returned)
    do_return_entry(planner, returned, SECRET_RETURN)
    done = do_save_milestone(officer, unit, quarter, None, planned="기본설계 완료", achieved="설계 완료",
                             state="done", completed_on=dt.date(2019, 9, 1), today=dt.date(2019, 9, 30))
    do_submit_entry(officer, done)
    do_approve_entry(planner, done)
    do_save_milestone(officer, unit, q4, None, planned=SECRET_DRAFT, achieved=SECRET_DRAFT,
                      state="in_progress", today=dt.date(2019, 12, 1))
    return {"unit": unit}
