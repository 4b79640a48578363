"""Facilities fixtures: a hub operated by 신성장산업과 (the `officer` fixture's department)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.facilities.actions import do_create_facility, do_register_tenant
from rtis.facilities.models import Facility, Tenant
from rtis.orgs.actions import find_department
from rtis.plans.models import Plan

# Valid 사업자등록번호 (check digit by lib/bizno).
BIZ_A = "1248100998"
BIZ_B = "2208162517"
BIZ_C = "1208147521"


@pytest.fixture
def hub(plan: Plan) -> Facility:
    """An open hub of 2019, 1,000㎡, linked to task 2-1 of the sample plan."""
    return do_create_facility(
        None, nodes=[plan.nodes.get(code="2-1")], name="시험 바이오허브", kind="hub",
        cluster="hongneung", district="동대문구", floor_area_m2=1000, tenant_spaces=10,
        operating_department=find_department("신성장산업과"), phase="open",
        opened_on=dt.date(2019, 3, 1), published=True)


@pytest.fixture
def tenant(hub: Facility) -> Tenant:
    return do_register_tenant(None, hub, name="가나바이오", business_number=BIZ_A)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def values(**changes: Any) -> dict[str, Any]:
    base = {"sales_won": 100_000_000, "employees": 5, "investment_won": 0, "patents": 1}
    base.update(changes)
    return base
