"""Reporting periods of the sample plan and helpers for execution tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.plans.models import Node, Plan
from rtis.tracking.actions import do_open_period
from rtis.tracking.models import ExecutionRecord, ReportingPeriod

# officer = 신성장산업과 (owns task 2-1, so unit 2-1-1); other_officer = 문화융합경제과 (owns nothing).
AMOUNTS = {"original_budget": 1_000_000_000, "transfers": -100_000_000,
           "carryover": 200_000_000, "committed": 800_000_000, "spent": 500_000_000}


@pytest.fixture
def unit(plan: Plan) -> Node:
    """Unit project 2-1-1, owned through its task by 신성장산업과."""
    return plan.nodes.get(code="2-1-1")


@pytest.fixture
def other_unit(plan: Plan) -> Node:
    """Unit project 1-1-1, owned through its task by 경제정책과."""
    return plan.nodes.get(code="1-1-1")


@pytest.fixture
def month(plan: Plan, planner: User) -> ReportingPeriod:
    """July 2019, open, due 10 August."""
    return do_open_period(planner, plan, kind="month", year=2019, number=7,
                          due_on=dt.date(2019, 8, 10))


def open_month(planner: User, plan: Plan, number: int, year: int = 2019) -> ReportingPeriod:
    return do_open_period(planner, plan, kind="month", year=year, number=number,
                          due_on=dt.date(year, number, 28))


def events_of(obj: Any, action: str = "update") -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type=obj._meta.label_lower,
                                          target_id=str(obj.pk), action=action).order_by("id"))


def saved_amounts(record: ExecutionRecord) -> dict[str, int]:
    record.refresh_from_db()
    return {name: getattr(record, name) for name in AMOUNTS}
