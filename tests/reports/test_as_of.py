"""A report's default as-of date comes from the plan's data, not from the wall clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.reports.queries import default_as_of as defaults
from rtis.tracking.actions import (
    do_approve_entry,
    do_open_period,
    do_save_execution,
    do_submit_entry,
)


def default_as_of(plan: Any, today: Any = None) -> Any:
    return defaults([plan], today)[plan.slug]


def test_without_tracked_figures_it_is_today_kept_within_the_plans_years(plan: Plan) -> None:
    # The sample plan runs 2018–2020.
    assert default_as_of(plan, dt.date(2026, 12, 6)) == dt.date(2020, 12, 31)
    assert default_as_of(plan, dt.date(2019, 5, 2)) == dt.date(2019, 5, 2)
    assert default_as_of(plan, dt.date(2015, 1, 1)) == dt.date(2018, 1, 1)


def test_it_is_the_end_of_the_latest_approved_month(plan: Plan, planner: User,
                                                    settings: Any) -> None:
    node = plan.nodes.get(code="2-1-1")
    for month in (6, 7):
        period = do_open_period(planner, plan, kind="month", year=2019, number=month,
                                due_on=dt.date(2019, month, 28))
        record = do_save_execution(planner, node, period, None, original_budget=100,
                                   committed=10, spent=5)
        if month == 6:
            do_approve_entry(planner, do_submit_entry(planner, record))
    settings.RTIS_TODAY = dt.date(2026, 12, 6)
    assert default_as_of(plan) == dt.date(2019, 6, 30)  # July is only a draft
