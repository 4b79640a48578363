"""Writes over the facilities API: the same actions as the pages, the same rules, 4xx with the
reason (422 naming the field), and the answers match the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from rtis.audit.models import AuditEvent
from rtis.facilities.actions import (
    do_add_commitment,
    do_add_investment,
    do_add_occupancy,
    do_create_fund,
)
from rtis.facilities.models import (
    CapitalCall,
    Facility,
    Fund,
    FundExit,
    FundInvestment,
    Occupancy,
    Tenant,
    TenantOutcome,
)
from tests.conftest import client_for
from tests.facilities.conftest import BIZ_B, day

pytestmark = pytest.mark.django_db
API = "/api/v1/facilities"


@pytest.fixture(autouse=True)
def today(settings: Any) -> None:
    settings.RTIS_TODAY = dt.date(2022, 3, 15)


def send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.generic(method, API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def occupancy(hub: Facility, tenant: Tenant) -> Occupancy:
    return do_add_occupancy(None, hub, tenant, space="101호", moved_in_on=day("2020-01-01"))


@pytest.fixture
def fund(plan: Any) -> Fund:
    fund = do_create_fund(None, name="시험 펀드", target_size_won=10_000_000_000, published=True)
    do_add_commitment(None, fund, contributor="서울시", contributor_kind="city",
                      amount_won=1_000_000_000, committed_on=day("2020-01-10"))
    do_add_commitment(None, fund, contributor="민간", contributor_kind="private",
                      amount_won=3_000_000_000, committed_on=day("2020-01-10"))
    return fund


TENANCY = {"name": "다라헬스", "business_number": "220-81-62517", "space": "102호",
           "moved_in_on": "2021-05-01"}


def test_the_officer_registers_a_tenancy(hub: Facility, officer: Any) -> None:
    response = send(client_for(officer), "POST", f"/{hub.pk}/tenancies", TENANCY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["business_number"] == BIZ_B and body["space"] == "102호" and body["version"] == 1
    assert Occupancy.objects.filter(pk=body["id"]).exists()


def test_a_tenancy_overlapping_another_is_422_naming_the_field(
        occupancy: Occupancy, officer: Any) -> None:
    response = send(client_for(officer), "POST", f"/{occupancy.facility_id}/tenancies",
                    {**TENANCY, "space": "101호"})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "moved_in_on" and "겹칩니다" in body["detail"]
    assert Occupancy.objects.count() == 1 and Tenant.objects.count() == 1


def test_a_bad_business_number_is_422(hub: Facility, officer: Any) -> None:
    response = send(client_for(officer), "POST", f"/{hub.pk}/tenancies",
                    {**TENANCY, "business_number": "2208162518"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "business_number"


def test_a_missing_field_is_422(hub: Facility, officer: Any) -> None:
    response = send(client_for(officer), "POST", f"/{hub.pk}/tenancies", {"name": "x"})
    assert response.status_code == 422 and "space" in response.json()["detail"]


def test_writes_refuse_the_public_another_officer_and_unknown_ids(
        hub: Facility, other_officer: Any, viewer: Any) -> None:
    before = AuditEvent.objects.count()
    assert send(Client(), "POST", f"/{hub.pk}/tenancies", TENANCY).status_code == 401
    assert send(client_for(other_officer), "POST", f"/{hub.pk}/tenancies",
                TENANCY).status_code == 403
    assert send(client_for(viewer), "POST", f"/{hub.pk}/tenancies", TENANCY).status_code == 403
    assert send(client_for(viewer), "POST", "/999999/tenancies", TENANCY).status_code == 404
    assert AuditEvent.objects.count() == before and not Occupancy.objects.exists()


def test_a_wrong_method_is_405(hub: Facility, officer: Any) -> None:
    assert send(client_for(officer), "DELETE", f"/{hub.pk}/tenancies", {}).status_code == 405


def test_a_move_out_over_the_api(occupancy: Occupancy, officer: Any) -> None:
    client = client_for(officer)
    early = send(client, "PATCH", f"/tenancies/{occupancy.pk}",
                 {"version": 1, "moved_out_on": "2019-01-01", "exit_kind": "graduated"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "moved_out_on"
    done = send(client, "PATCH", f"/tenancies/{occupancy.pk}",
                {"version": 1, "moved_out_on": "2021-12-31", "exit_kind": "graduated"})
    assert done.status_code == 200 and done.json()["exit_kind"] == "graduated"
    stale = send(client, "PATCH", f"/tenancies/{occupancy.pk}",
                 {"version": 1, "moved_out_on": "2021-11-30", "exit_kind": "graduated"})
    assert stale.status_code == 409 and stale.json()["version"] == 2


def test_an_outcome_over_the_api(occupancy: Occupancy, officer: Any) -> None:
    client = client_for(officer)
    body = {"year": 2021, "sales_won": 10, "employees": 3, "investment_won": 0, "patents": 0}
    assert send(client, "POST", f"/tenancies/{occupancy.pk}/outcomes", body).status_code == 201
    again = send(client, "POST", f"/tenancies/{occupancy.pk}/outcomes",
                 {**body, "employees": 4, "version": 1})
    assert again.status_code == 200 and again.json()["employees"] == 4
    outside = send(client, "POST", f"/tenancies/{occupancy.pk}/outcomes", {**body, "year": 2018})
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "year"
    negative = send(client, "POST", f"/tenancies/{occupancy.pk}/outcomes",
                    {**body, "sales_won": -5})
    assert negative.status_code == 422
    assert TenantOutcome.objects.get().employees == 4


def test_a_tenant_closure_over_the_api(occupancy: Occupancy, officer: Any,
                                       other_officer: Any) -> None:
    tenant = occupancy.tenant
    assert send(client_for(other_officer), "PATCH", f"/tenants/{tenant.pk}",
                {"version": 1, "closed_on": "2022-01-01"}).status_code == 403
    response = send(client_for(officer), "PATCH", f"/tenants/{tenant.pk}",
                    {"version": 1, "closed_on": "2022-01-01"})
    assert response.status_code == 200 and response.json()["closed_on"] == "2022-01-01"


def test_funds_over_the_api(fund: Fund, planner: Any, officer: Any) -> None:
    client = client_for(planner)
    assert send(client_for(officer), "POST", f"/funds/{fund.pk}/investments", {
        "company": "가", "amount_won": 1, "invested_on": "2020-02-01",
        "stage": "seed"}).status_code == 403
    beyond = send(client, "POST", f"/funds/{fund.pk}/investments", {
        "company": "가", "amount_won": 4_000_000_001, "invested_on": "2020-02-01",
        "stage": "seed"})
    assert beyond.status_code == 422 and "약정 총액" in beyond.json()["detail"]
    ok = send(client, "POST", f"/funds/{fund.pk}/investments", {
        "company": "가", "amount_won": 2_000_000_000, "invested_on": "2020-02-01",
        "stage": "seed"})
    assert ok.status_code == 201 and ok.json()["invested_won"] == 2_000_000_000
    investment = FundInvestment.objects.get()
    early = send(client, "POST", f"/investments/{investment.pk}/exits",
                 {"exited_on": "2020-01-01", "proceeds_won": 5})
    assert early.status_code == 422 and not FundExit.objects.exists()
    assert send(client, "POST", f"/investments/{investment.pk}/exits",
                {"exited_on": "2021-01-01", "proceeds_won": 5}).status_code == 201
    call = send(client, "POST", f"/funds/{fund.pk}/capital-calls",
                {"called_on": "2020-01-20", "amount_won": 4_000_000_001})
    assert call.status_code == 422 and not CapitalCall.objects.exists()
    added = send(client, "POST", f"/funds/{fund.pk}/commitments", {
        "contributor": "모태펀드", "contributor_kind": "national", "amount_won": 6_000_000_000,
        "committed_on": "2020-02-01"})
    assert added.status_code == 201 and added.json()["committed_won"] == 10_000_000_000
    patched = send(client, "PATCH", f"/funds/{fund.pk}", {"version": fund.version,
                                                           "manager": "새 GP"})
    assert patched.status_code == 200 and patched.json()["leverage"] == "10.00"
    created = send(client, "POST", "/funds", {"name": "새 펀드", "target_size_won": 5})
    assert created.status_code == 201 and created.json()["committed_won"] == 0
    duplicate = send(client, "POST", "/funds", {"name": "새 펀드", "target_size_won": 5})
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["field"] == "name"


def test_the_public_cannot_reach_a_tenancy_or_investment(fund: Fund, occupancy: Occupancy,
                                                          planner: Any) -> None:
    investment = do_add_investment(None, fund, company="가", amount_won=1,
                                   invested_on=day("2020-02-01"), stage="seed")
    for path in (f"/tenancies/{occupancy.pk}", f"/investments/{investment.pk}/exits"):
        method = "PATCH" if path.startswith("/tenancies") else "POST"
        assert send(Client(), method, path, {}).status_code == 401
