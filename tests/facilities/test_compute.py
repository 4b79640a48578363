"""Computed indicators on hand-made records equal the values worked out by hand."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from rtis.audit.models import AuditEvent
from rtis.facilities.actions import (
    do_add_commitment,
    do_add_occupancy,
    do_create_facility,
    do_create_fund,
    do_declare_computed,
    do_register_tenant,
)
from rtis.facilities.compute import NOTE, do_recompute_indicators
from rtis.facilities.models import Facility
from rtis.plans.models import Indicator, IndicatorActual, Plan
from tests.facilities.conftest import BIZ_B, BIZ_C, day

pytestmark = pytest.mark.django_db


def actuals(indicator: Indicator) -> dict[str, Decimal]:
    return dict(IndicatorActual.objects.filter(indicator=indicator).values_list("period", "value"))


@pytest.fixture(autouse=True)
def demo_day(settings: Any) -> None:
    settings.RTIS_TODAY = dt.date(2020, 6, 30)


@pytest.fixture
def records(plan: Plan, hub: Facility) -> dict[str, Any]:
    """Two facilities under node 2 and one under node 1; tenancies worked out by hand below."""
    small = do_create_facility(None, nodes=[plan.nodes.get(code="2-1-1")], name="시험 별관",
                               floor_area_m2=Decimal("250.5"), phase="open",
                               opened_on=dt.date(2019, 12, 31))
    anchor = do_create_facility(None, nodes=[plan.nodes.get(code="1-1")], name="시험 앵커",
                                floor_area_m2=5900, phase="open", opened_on=dt.date(2018, 5, 1))
    a = do_register_tenant(None, hub, name="가", business_number="1248100998")
    b = do_register_tenant(None, hub, name="나", business_number=BIZ_B)
    c = do_register_tenant(None, hub, name="다", business_number=BIZ_C)
    # Node 1 (anchor): a from 2018-05 to 2019-12-31 (gone at the end of 2019), b from 2019-12-31.
    do_add_occupancy(None, anchor, a, space="1", moved_in_on=day("2018-05-01"),
                     moved_out_on=day("2019-12-31"))
    do_add_occupancy(None, anchor, b, space="2", moved_in_on=day("2019-12-31"))
    # Node 2 (hub + annex): c in two spaces of the hub counts once; a in the annex from 2020-07
    # (after today, 2020-06-30: not counted for 2020).
    do_add_occupancy(None, hub, c, space="101", moved_in_on=day("2019-04-01"))
    do_add_occupancy(None, hub, c, space="102", moved_in_on=day("2019-04-01"),
                     moved_out_on=day("2020-01-31"))
    do_add_occupancy(None, small, a, space="1", moved_in_on=day("2020-07-01"))
    return {"hub": hub, "small": small, "anchor": anchor}


def test_tenants_at_year_end_counts_distinct_tenants_in_force(plan: Plan, records: Any) -> None:
    tenants = plan.nodes.get(code="1").indicators.get(name="입주기업수")
    do_declare_computed(None, tenants, "tenants_at_year_end")
    do_recompute_indicators()
    # 2018: a. 2019: a moved out on the 31st (gone), b moved in on the 31st. 2020 (as of 06-30): b.
    assert actuals(tenants) == {"2018": Decimal(1), "2019": Decimal(1), "2020": Decimal(1)}
    assert IndicatorActual.objects.get(indicator=tenants, period="2018").note == NOTE


def test_tenants_of_a_project_include_its_tasks_facilities(plan: Plan, records: Any) -> None:
    node = plan.nodes.get(code="2")
    indicator = Indicator.objects.create(node=node, name="입주기업수", unit="개")
    do_declare_computed(None, indicator, "tenants_at_year_end")
    do_recompute_indicators()
    assert actuals(indicator) == {"2018": 0, "2019": 1, "2020": 1}


def test_floor_area_opened_sums_the_facilities_opened_each_year(plan: Plan, records: Any) -> None:
    area = plan.nodes.get(code="2").indicators.get(name="조성연면적")
    do_declare_computed(None, area, "floor_area_opened")
    do_recompute_indicators()
    # hub 1,000㎡ opened 2019-03-01; annex 250.5㎡ opened 2019-12-31.
    assert actuals(area) == {"2018": 0, "2019": Decimal("1250.5"), "2020": 0}


def test_facilities_opened_counts_openings(plan: Plan, records: Any) -> None:
    indicator = Indicator.objects.create(node=plan.nodes.get(code="2"), name="앵커시설조성",
                                         unit="개소")
    do_declare_computed(None, indicator, "facilities_opened")
    do_recompute_indicators()
    assert actuals(indicator) == {"2018": 0, "2019": 2, "2020": 0}


def test_fund_committed_is_in_the_indicators_unit(plan: Plan, planner: Any) -> None:
    node = plan.nodes.get(code="2-1")
    fund = do_create_fund(None, name="시험 바이오펀드", target_size_won=100_000_000_000, nodes=[node])
    do_add_commitment(None, fund, contributor="서울시", contributor_kind="city",
                      amount_won=2_000_000_000, committed_on=dt.date(2019, 3, 1))
    do_add_commitment(None, fund, contributor="민간", contributor_kind="private",
                      amount_won=18_050_000_000, committed_on=dt.date(2019, 9, 1))
    indicator = Indicator.objects.create(node=node, name="펀드조성", unit="억원")
    do_declare_computed(planner, indicator, "fund_committed")
    do_recompute_indicators(planner)
    assert actuals(indicator) == {"2018": 0, "2019": Decimal("200.5"), "2020": 0}


def test_recompute_changes_a_stale_actual_and_keeps_others(plan: Plan, records: Any) -> None:
    tenants = plan.nodes.get(code="1").indicators.get(name="입주기업수")
    assert actuals(tenants) == {"2018": Decimal(110)}  # typed in by hand from the document
    do_declare_computed(None, tenants, "tenants_at_year_end")  # recomputes its plan
    assert actuals(tenants) == {"2018": 1, "2019": 1, "2020": 1}
    changes = AuditEvent.objects.filter(target_type="plans.indicatoractual", reason="computed")
    assert sorted(e.action for e in changes) == ["create", "create", "update"]
    second = do_recompute_indicators()
    assert (second.created, second.changed, second.unchanged) == (0, 0, 3)


def test_only_planners_declare_computed_indicators(plan: Plan, officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_declare_computed(officer, plan.nodes.get(code="1").indicators.first(),
                            "tenants_at_year_end")


def test_the_recompute_command_reports_and_is_quick(plan: Plan, records: Any, capsys: Any) -> None:
    do_declare_computed(None, plan.nodes.get(code="1").indicators.get(name="입주기업수"),
                        "tenants_at_year_end")
    started = time.perf_counter()
    call_command("facilities", "recompute")
    assert time.perf_counter() - started < 1
    assert "자동 산출 지표 1개" in capsys.readouterr().out


def test_jobs_are_the_employees_tenants_reported_for_the_year(plan: Plan, records: Any) -> None:
    from rtis.facilities.actions import do_save_outcome
    from rtis.facilities.models import Occupancy

    indicator = Indicator.objects.create(node=plan.nodes.get(code="2"), name="일자리창출", unit="명")
    do_declare_computed(None, indicator, "tenant_employees")
    first, second = Occupancy.objects.filter(space__in=["101", "102"]).order_by("space")
    do_save_outcome(None, first, 2019, None, employees=7)
    do_save_outcome(None, second, 2019, None, employees=5)
    do_save_outcome(None, first, 2020, None, employees=9)
    # The save recomputes: 2019 = 7 + 5 at the hub; 2020 = 9.
    assert actuals(indicator) == {"2018": 0, "2019": 12, "2020": 9}
