"""The demo's tenants are clearly synthetic, dated before the demo's day, and move the indicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.facilities.demo import do_demo_facilities
from rtis.facilities.models import Occupancy, Tenant, TenantOutcome
from rtis.facilities.seed import do_load_facility_seed
from rtis.plans.models import IndicatorActual
from tests.seed.helpers import seed_fixture

pytestmark = pytest.mark.django_db
seeded = seed_fixture("innovation-growth-2018")
DEMO_DAY = dt.date(2022, 3, 15)


def test_the_demo_fills_the_seeds_facilities_with_synthetic_tenants(seeded: None,
                                                                      settings: Any) -> None:
    settings.RTIS_TODAY = DEMO_DAY
    do_load_facility_seed()
    do_demo_facilities(None, DEMO_DAY)
    assert Tenant.objects.count() == 48
    assert not Tenant.objects.exclude(name__startswith="(가상)").exists()
    assert not Occupancy.objects.filter(moved_in_on__gte=DEMO_DAY).exists()
    assert not TenantOutcome.objects.filter(year__gte=DEMO_DAY.year).exists()
    actuals = dict(IndicatorActual.objects.filter(
        indicator__node__plan__slug="innovation-growth-2018", indicator__node__code="2",
        indicator__name="입주기업수").values_list("period", "value"))
    in_force = Occupancy.objects.filter(facility__name__in=["서울바이오허브", "BT-IT 융합센터"],
                                        moved_in_on__lte=dt.date(2021, 12, 31)).exclude(
        moved_out_on__lte=dt.date(2021, 12, 31)).count()
    assert actuals["2021"] == in_force > 0
    # facilities-ui: the management pages' lists are not empty in the demo
    from rtis.facilities.models import CapitalCall, FundExit, FundInvestment

    assert CapitalCall.objects.count() == 1 and FundInvestment.objects.count() == 2
    assert FundExit.objects.count() == 1
    assert Tenant.objects.filter(closed_on__isnull=False, occupancies__exit_kind="graduated").exists()
    assert do_demo_facilities(None, DEMO_DAY) == ["입주 기록이 이미 있어 그대로 둡니다 / tenancies exist: kept"]
