"""Facilities and funds over JSON (read-only): what the pages show, by the same access rules.

The public reads published facilities and funds and aggregates; a tenant's name or figures only
reach the city's staff (session cookie). Areas are ㎡ as decimal strings, money integer won.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from rtis.config import clock
from rtis.facilities.access import (
    MIN_PUBLIC_TENANTS,
    can_see_tenants,
    facilities_for_user,
    funds_for_user,
    get_facility_for_user,
)
from rtis.facilities.models import Facility
from rtis.facilities.queries import facility_rows, funds_table, outcome_totals
from rtis.plans.api import ErrorOut

router = Router()


class FacilityOut(Schema):
    id: int
    name: str
    kind: str
    cluster: str
    district: str
    floor_area_m2: str | None
    tenant_spaces: int | None
    phase: str
    opened_on: str | None
    tenants_in_force: int


class YearTotalOut(Schema):
    year: int
    reporting_tenants: int
    sales_won: int
    employees: int
    investment_won: int
    patents: int


class TenancyOut(Schema):
    space: str
    tenant: str
    business_number: str
    moved_in_on: str
    moved_out_on: str | None
    exit_kind: str


class NodeRefOut(Schema):
    plan: str
    code: str
    title: str


class FacilityDetailOut(FacilityOut):
    address: str
    site_area_m2: str | None
    buildings: int | None
    operator: str
    nodes: list[NodeRefOut]
    yearly_totals: list[YearTotalOut]
    tenancies: list[TenancyOut] | None
    provenance: dict[str, Any]


class FundOut(Schema):
    id: int
    name: str
    target_size_won: int
    city_target_won: int | None
    committed_won: int
    city_committed_won: int
    invested_won: int
    leverage: str | None
    planned_leverage: str | None
    vintage: int | None
    investment_years: int | None
    recovery_years: int | None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _facility_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "kind": row["kind"], "cluster": row["cluster"],
            "district": row["district"], "floor_area_m2": _text(row["floor_area_m2"]),
            "tenant_spaces": row["tenant_spaces"], "phase": row["phase"],
            "opened_on": _text(row["opened_on"]), "tenants_in_force": row["tenants"]}


@router.get("", response=list[FacilityOut], summary="시설 목록 / list facilities")
def list_facilities(request: HttpRequest) -> list[dict[str, Any]]:
    return [_facility_out(r) for r in facility_rows(facilities_for_user(request.user),
                                                      clock.today())]


@router.get("/funds", response=list[FundOut], summary="펀드 목록 / list funds with leverage")
def list_funds(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": r["id"], "name": r["name"], "target_size_won": r["target_size_won"],
             "city_target_won": r["city_target_won"], "committed_won": r["committed"],
             "city_committed_won": r["city"], "invested_won": r["invested"],
             "leverage": _text(r["leverage"]), "planned_leverage": _text(r["planned_leverage"]),
             "vintage": r["vintage"], "investment_years": r["investment_years"],
             "recovery_years": r["recovery_years"]}
            for r in funds_table(funds_for_user(request.user))]


@router.get("/{facility_id}", response={200: FacilityDetailOut, 404: ErrorOut, 422: ErrorOut},
            summary="시설 / one facility (tenancies for staff only)")
def get_facility(request: HttpRequest, facility_id: int) -> dict[str, Any]:
    facility = get_facility_for_user(request.user, facility_id)
    day = clock.today()
    row = facility_rows(Facility.objects.filter(pk=facility.pk), day)[0]
    staff = can_see_tenants(request.user)
    totals = [t for t in outcome_totals(Facility.objects.filter(pk=facility.pk))
              if staff or t["tenants"] >= MIN_PUBLIC_TENANTS]
    tenancies = None
    if staff:
        tenancies = [{"space": o.space, "tenant": o.tenant.name,
                      "business_number": o.tenant.business_number,
                      "moved_in_on": o.moved_in_on.isoformat(),
                      "moved_out_on": _text(o.moved_out_on), "exit_kind": o.exit_kind}
                     for o in facility.occupancies.select_related("tenant").order_by(
                         "space", "moved_in_on")]
    return {**_facility_out(row), "address": facility.address,
            "site_area_m2": _text(facility.site_area_m2), "buildings": facility.buildings,
            "operator": facility.operator,
            "nodes": [{"plan": n.plan.slug, "code": n.code, "title": n.title}
                      for n in facility.nodes.select_related("plan").order_by("plan__slug",
                                                                              "position")],
            "yearly_totals": [{"year": t["year"], "reporting_tenants": t["tenants"],
                               "sales_won": t["sales"] or 0, "employees": t["employees"] or 0,
                               "investment_won": t["investment"] or 0,
                               "patents": t["patents"] or 0} for t in totals],
            "tenancies": tenancies, "provenance": facility.provenance}

