"""The facilities API: the OpenAPI document describes it; the public never reads a tenant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.facilities.actions import (
    do_add_occupancy,
    do_create_facility,
    do_create_fund,
    do_save_outcome,
)
from rtis.facilities.models import Facility, Tenant
from tests.facilities.conftest import day, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenancy(hub: Facility, tenant: Tenant, settings: Any) -> Facility:
    settings.RTIS_TODAY = dt.date(2022, 3, 15)
    occupancy = do_add_occupancy(None, hub, tenant, space="101호", moved_in_on=day("2020-01-01"))
    do_save_outcome(None, occupancy, 2021, None, **values(sales_won=123_456_789))
    return hub


def test_the_public_lists_published_facilities_with_tenant_counts(api: Any, tenancy: Facility) -> None:
    do_create_facility(None, name="비공개 시설")
    rows = api.get("/api/v1/facilities").json()
    assert [(r["name"], r["tenants_in_force"], r["floor_area_m2"]) for r in rows] == [
        ("시험 바이오허브", 1, "1000.00")]


def test_the_public_detail_has_no_tenancy_nor_a_single_tenants_total(api: Any,
                                                                     tenancy: Facility) -> None:
    body = api.get(f"/api/v1/facilities/{tenancy.pk}").json()
    assert body["tenancies"] is None and body["yearly_totals"] == []
    assert "가나바이오" not in str(body) and "123456789" not in str(body)
    assert body["nodes"] == [{"plan": "sample-plan", "code": "2-1", "title": "홍릉 서울바이오허브 조성"}]


def test_staff_read_the_tenancies_and_totals(api: Any, tenancy: Facility, viewer: Any) -> None:
    api.login(viewer)
    body = api.get(f"/api/v1/facilities/{tenancy.pk}").json()
    assert body["tenancies"][0]["tenant"] == "가나바이오"
    assert body["yearly_totals"][0]["sales_won"] == 123_456_789


def test_an_unknown_or_unpublished_facility_is_404(api: Any, plan: Any) -> None:
    hidden = do_create_facility(None, name="비공개")
    assert api.get(f"/api/v1/facilities/{hidden.pk}").status_code == 404
    assert api.get("/api/v1/facilities/999999").status_code == 404


def test_funds_carry_the_planned_leverage(api: Any, plan: Any) -> None:
    do_create_fund(None, name="공개 펀드", target_size_won=100, city_target_won=10, published=True)
    rows = api.get("/api/v1/facilities/funds").json()
    assert rows[0]["planned_leverage"] == "10.00" and rows[0]["leverage"] is None


def test_a_write_method_is_refused(api: Any, tenancy: Facility) -> None:
    assert api.request("post", "/api/v1/facilities").status_code == 405
