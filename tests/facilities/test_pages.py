"""Facility pages: the public never sees a tenant; lists answer in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rtis.facilities.actions import (
    do_add_occupancy,
    do_create_facility,
    do_register_tenant,
    do_save_outcome,
)
from rtis.facilities.models import Facility, Tenant
from tests.conftest import client_for
from tests.facilities.conftest import BIZ_B, BIZ_C, day, values

pytestmark = pytest.mark.django_db
SECRET_SALES = 987_654_321_000


@pytest.fixture
def tenancies(hub: Facility, tenant: Tenant, settings: Any) -> Facility:
    settings.RTIS_TODAY = dt.date(2022, 3, 15)
    occupancy = do_add_occupancy(None, hub, tenant, space="101호", moved_in_on=day("2020-01-01"))
    do_save_outcome(None, occupancy, 2021, None, **values(sales_won=SECRET_SALES))
    return hub


def test_the_public_sees_a_published_facility_but_no_tenant(tenancies: Facility) -> None:
    page = client_for(None).get(reverse("facilities:detail", args=[tenancies.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "시험 바이오허브" in text
    assert "가나바이오" not in text and "101호" not in text
    # One tenant's total is that tenant's figure: not shown to the public.
    assert "987,654" not in text and "9,876" not in text


def test_staff_see_the_tenants_and_their_totals(tenancies: Facility, viewer: Any) -> None:
    text = client_for(viewer).get(reverse("facilities:detail", args=[tenancies.pk])).content.decode()
    assert "가나바이오" in text and "987,654" in text


def test_the_public_sees_totals_of_three_or_more_tenants(tenancies: Facility) -> None:
    for number, name, space in ((BIZ_B, "둘", "102호"), (BIZ_C, "셋", "103호")):
        other = do_register_tenant(None, tenancies, name=name, business_number=number)
        occupancy = do_add_occupancy(None, tenancies, other, space=space,
                                     moved_in_on=day("2020-01-01"))
        do_save_outcome(None, occupancy, 2021, None, **values(sales_won=1_000_000))
    text = client_for(None).get(reverse("facilities:detail", args=[tenancies.pk])).content.decode()
    assert "987,656" in text  # (987,654,321,000 + 2,000,000) won in 백만원
    assert "가나바이오" not in text


def test_an_unpublished_facility_does_not_exist_for_the_public(plan: Any, viewer: Any) -> None:
    hidden = do_create_facility(None, name="비공개 시설")
    assert client_for(None).get(reverse("facilities:detail", args=[hidden.pk])).status_code == 404
    assert client_for(viewer).get(reverse("facilities:detail", args=[hidden.pk])).status_code == 200
    listing = client_for(None).get(reverse("facilities:list")).content.decode()
    assert "비공개 시설" not in listing


def test_the_public_dashboard_and_csv_name_no_tenant(tenancies: Facility) -> None:
    public = client_for(None)
    for url in (reverse("facilities:dashboard"), reverse("facilities:list") + "?format=csv",
                reverse("facilities:dashboard") + "?format=csv"):
        response = public.get(url)
        assert response.status_code == 200
        assert "가나바이오" not in response.content.decode("utf-8")
        assert str(SECRET_SALES) not in response.content.decode("utf-8")


def test_the_list_csv_has_the_tenants_in_force(tenancies: Facility, viewer: Any) -> None:
    response = client_for(viewer).get(reverse("facilities:list") + "?format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("시설명,유형,클러스터")
    assert lines[1].split(",")[0] == "시험 바이오허브" and lines[1].split(",")[-1] == "1"


@pytest.mark.parametrize("name", ["facilities:list", "facilities:dashboard", "facilities:funds"])
def test_list_pages_use_a_bounded_number_of_queries(name: str, plan: Any, viewer: Any) -> None:
    def count() -> int:
        client = client_for(viewer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    few = count()
    for i in range(5):
        facility = do_create_facility(None, name=f"시설 {i}", cluster="magok", floor_area_m2=10)
        tenant = do_register_tenant(None, facility, name=f"기업 {i}",
                                    business_number=["1248100998", BIZ_B, BIZ_C][i % 3])
        do_add_occupancy(None, facility, tenant, space="1", moved_in_on=day("2019-01-01"))
    assert count() == few
    assert few <= 15


def test_the_funds_list_xlsx_downloads(plan: Any) -> None:
    response = client_for(None).get(reverse("facilities:funds") + "?format=xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_facility_csv_lists_tenancies_for_staff_and_totals_for_the_public(
        tenancies: Facility, viewer: Any) -> None:
    url = reverse("facilities:detail", args=[tenancies.pk]) + "?format=csv"
    staff = client_for(viewer).get(url).content.decode("utf-8-sig").splitlines()
    assert staff[0].startswith("입주공간,기업명,사업자등록번호") and "가나바이오" in staff[1]
    public = client_for(None).get(url).content.decode("utf-8-sig")
    assert public.splitlines() == ["연도,매출(원),고용(명),투자유치(원),지식재산권(건)"]


def _edit(client: Any, facility: Facility, **changes: Any) -> Any:
    data = {"phase": "open", "opened_on": "2019-03-01", "floor_area_m2": "1000",
            "tenant_spaces": "10", "version": facility.version, **changes}
    return client.post(reverse("facilities:edit", args=[facility.pk]), data)


def test_the_operating_officer_opens_the_facility_and_the_area_indicator_follows(
        hub: Facility, officer: Any, other_officer: Any, settings: Any) -> None:
    from rtis.facilities.actions import do_declare_computed
    from rtis.plans.models import IndicatorActual

    settings.RTIS_TODAY = dt.date(2020, 6, 30)
    area = hub.nodes.get().parent.indicators.get(name="조성연면적")
    do_declare_computed(None, area, "floor_area_opened")
    assert client_for(other_officer).get(reverse("facilities:edit", args=[hub.pk])).status_code == 403
    response = _edit(client_for(officer), hub, opened_on="2020-05-04", floor_area_m2="1500.5")
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.opened_on == dt.date(2020, 5, 4)
    values = dict(IndicatorActual.objects.filter(indicator=area).values_list("period", "value"))
    assert values == {"2018": 0, "2019": 0, "2020": Decimal("1500.5")}


def test_a_stale_edit_is_a_conflict_and_a_closing_before_opening_is_refused(
        hub: Facility, officer: Any) -> None:
    client = client_for(officer)
    stale = hub.version
    assert _edit(client, hub).status_code == 302
    hub.version = stale
    assert _edit(client, hub, tenant_spaces="99").status_code == 409
    hub.refresh_from_db()
    bad = _edit(client, hub, phase="closed", closed_on="2018-01-01")
    assert bad.status_code == 400 and "개관일" in bad.content.decode()
