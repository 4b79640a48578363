"""Facilities and funds over JSON (read-only): what the pages show, by the same access rules.

The public reads published facilities and funds and aggregates; a tenant's name or figures only
reach the city's staff (session cookie). Areas are ㎡ as decimal strings, money integer won.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from rtis.config import clock
from rtis.facilities import actions
from rtis.facilities.access import (
    MIN_PUBLIC_TENANTS,
    can_see_tenants,
    facilities_for_user,
    funds_for_user,
    get_facility_for_user,
    get_fund_for_user,
    get_investment_for_user,
    get_occupancy_for_user,
    get_tenant_for_user,
)
from rtis.facilities.models import Facility, Fund, Occupancy, TenantOutcome
from rtis.facilities.queries import facility_rows, fund_summary, funds_table, outcome_totals
from rtis.plans.api import ErrorOut, InvalidOut
from rtis.plans.models import MAX_AMOUNT_WON, MAX_YEAR, MIN_YEAR
from rtis.tracking.api import ConflictOut, StaffSession, Text

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



# --- writes (facilities-ui): the same actions as the pages -----------------------------------------
# Signed-in staff by session cookie (and the CSRF token in X-CSRFToken). Who may write is the
# actions' rule: the operating department's officers and planners for tenancies, tenants and
# outcomes; planners for funds. Refusals are 422 naming the field, Korean then English.

MAX_ID = 2**63 - 1
# 400: a body that is not JSON; 401 the public; 403 not allowed (or no CSRF token); 404 unknown
# or unreadable id; 409 a stale version; 422 a value the schema or the action refuses.
WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
         422: InvalidOut}


def _won_field(description: str, minimum: int = 0) -> Any:
    return Field(strict=True, description=f"{description} (원, 정수 / integer won)",
                 json_schema_extra={"minimum": minimum, "maximum": MAX_AMOUNT_WON})


class TenancyIn(Schema):
    name: Annotated[Text, Field(max_length=200, description="기업명 / company name")]
    business_number: Annotated[Text, Field(
        max_length=20, description="사업자등록번호 10자리(하이픈 허용) / 10-digit business number")]
    space: Annotated[Text, Field(max_length=50, description="입주공간 / space (room)")]
    moved_in_on: dt.date
    moved_out_on: dt.date | None = None
    exit_kind: Literal["", "graduated", "relocated", "terminated", "closed"] = ""


class TenancyRecordOut(Schema):
    id: int
    facility_id: int
    tenant_id: int
    tenant: str
    business_number: str
    space: str
    moved_in_on: dt.date
    moved_out_on: dt.date | None
    exit_kind: str
    version: int


class MoveOutIn(Schema):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    moved_out_on: dt.date
    exit_kind: Literal["graduated", "relocated", "terminated", "closed"]


class OutcomeIn(Schema):
    year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
    sales_won: int = _won_field("매출 / sales")
    employees: Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
    investment_won: int = _won_field("투자유치 / investment attracted")
    patents: Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
    version: Annotated[int | None, Field(
        ge=1, le=2**31 - 1, description="고칠 때 화면에 보인 버전 / the version you saw, to change")] = None


class OutcomeOut(Schema):
    id: int
    occupancy_id: int
    year: int
    sales_won: int
    employees: int
    investment_won: int
    patents: int
    version: int


class TenantPatchIn(Schema):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Annotated[Text, Field(max_length=200)] | None = None
    closed_on: dt.date | None = Field(default=None, description="폐업일; null이면 지움 / closing "
                                                               "date; null clears it")


class TenantOut(Schema):
    id: int
    name: str
    business_number: str
    organisation_id: int | None
    closed_on: dt.date | None
    version: int


class FundIn(Schema):
    name: Annotated[Text, Field(max_length=200)]
    target_size_won: int = _won_field("목표 규모 / target size")
    city_target_won: int | None = Field(default=None, description="시 출자 계획(원) / the city's "
                                                                  "planned share, won")
    manager: Annotated[Text, Field(max_length=200)] = ""
    vintage: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    investment_years: Annotated[int, Field(ge=0, le=50)] | None = None
    recovery_years: Annotated[int, Field(ge=0, le=50)] | None = None
    published: bool = False


class FundPatchIn(Schema):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Annotated[Text, Field(max_length=200)] | None = None
    target_size_won: int | None = None
    city_target_won: int | None = None
    manager: Annotated[Text, Field(max_length=200)] | None = None
    vintage: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    investment_years: Annotated[int, Field(ge=0, le=50)] | None = None
    recovery_years: Annotated[int, Field(ge=0, le=50)] | None = None
    published: bool | None = None


class FundRecordOut(Schema):
    id: int
    name: str
    target_size_won: int
    city_target_won: int | None
    manager: str
    vintage: int | None
    investment_years: int | None
    recovery_years: int | None
    published: bool
    committed_won: int
    city_committed_won: int
    invested_won: int
    leverage: str | None
    version: int


class CommitmentIn(Schema):
    contributor: Annotated[Text, Field(max_length=200)]
    contributor_kind: Literal["city", "national", "private", "other"]
    amount_won: int = _won_field("약정액 / commitment")
    committed_on: dt.date


class CapitalCallIn(Schema):
    called_on: dt.date
    amount_won: int = _won_field("요청액 / amount called")


class InvestmentIn(Schema):
    company: Annotated[Text, Field(max_length=200)]
    amount_won: int = _won_field("투자액 / amount", 1)
    invested_on: dt.date
    stage: Literal["seed", "early", "growth", "later"]
    follow_on: bool = False
    tenant_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class ExitIn(Schema):
    exited_on: dt.date
    proceeds_won: int = _won_field("회수액 / proceeds")
    kind: Annotated[Text, Field(max_length=40)] = ""


class RecordOut(Schema):
    id: int
    fund_id: int
    amount_won: int
    committed_won: int = Field(description="약정 총액(원) / committed capital, won")
    invested_won: int = Field(description="투자 누계(원) / invested so far, won")
    called_won: int = Field(description="납입요청 누계(원) / called so far, won")


def _tenancy_out(o: Occupancy) -> dict[str, Any]:
    return {"id": o.pk, "facility_id": o.facility_id, "tenant_id": o.tenant_id,
            "tenant": o.tenant.name, "business_number": o.tenant.business_number,
            "space": o.space, "moved_in_on": o.moved_in_on, "moved_out_on": o.moved_out_on,
            "exit_kind": o.exit_kind, "version": o.version}


def _fund_out(fund: Fund) -> dict[str, Any]:
    s = fund_summary(fund)
    return {"id": fund.pk, "name": fund.name, "target_size_won": fund.target_size_won,
            "city_target_won": fund.city_target_won, "manager": fund.manager,
            "vintage": fund.vintage, "investment_years": fund.investment_years,
            "recovery_years": fund.recovery_years, "published": fund.published,
            "committed_won": s.committed_won, "city_committed_won": s.city_committed_won,
            "invested_won": s.invested_won, "leverage": _text(s.leverage),
            "version": fund.version}


def _record_out(fund: Fund, record: Any, amount: int) -> dict[str, Any]:
    s = fund_summary(fund)
    return {"id": record.pk, "fund_id": fund.pk, "amount_won": amount,
            "committed_won": s.committed_won, "invested_won": s.invested_won,
            "called_won": s.called_won}


def _fund(request: HttpRequest, fund_id: int) -> Fund:
    return get_fund_for_user(request.user, fund_id)


PathId = Path(..., ge=1, le=MAX_ID)


@router.post("/{facility_id}/tenancies", auth=StaffSession(),
             response={201: TenancyRecordOut, **WRITE},
             summary="입주 등록 / register a tenant and its tenancy",
             description="같은 사업자등록번호의 기업이 있으면 그 기업으로 등록합니다. 같은 공간에서 "
                         "기간이 겹치거나 퇴거일이 입주일보다 앞서면 422. / A tenant with the same "
                         "business number is reused; an overlap in the same space or a move-out "
                         "before the move-in is a 422 naming the field.")
def create_tenancy(request: HttpRequest, payload: TenancyIn,
                   facility_id: int = PathId) -> Status[dict[str, Any]]:
    facility = get_facility_for_user(request.user, facility_id)
    occupancy = actions.do_register_tenancy(request.user, facility, **payload.dict())
    return Status(201, _tenancy_out(occupancy))


@router.patch("/tenancies/{occupancy_id}", auth=StaffSession(),
              response={200: TenancyRecordOut, **WRITE},
              summary="퇴거 기록 / record a move-out and its reason",
              description="퇴거일이 입주일보다 앞서거나 그 뒤 연도의 성과가 있으면 422; 버전이 "
                          "다르면 409. / 422 when the move-out precedes the move-in or a later "
                          "outcome exists; 409 on a stale version.")
def move_out(request: HttpRequest, payload: MoveOutIn,
             occupancy_id: int = PathId) -> dict[str, Any]:
    occupancy = get_occupancy_for_user(request.user, occupancy_id)
    occupancy = actions.do_end_occupancy(request.user, occupancy, payload.version,
                                         moved_out_on=payload.moved_out_on,
                                         exit_kind=payload.exit_kind)
    return _tenancy_out(Occupancy.objects.select_related("tenant").get(pk=occupancy.pk))


@router.post("/tenancies/{occupancy_id}/outcomes", auth=StaffSession(),
             response={200: OutcomeOut, 201: OutcomeOut, **WRITE},
             summary="입주기업 성과 저장 / create (201) or change (200) a year's outcome",
             description="입주 기간 밖의 연도는 422. / A year outside the tenancy is a 422.")
def save_outcome(request: HttpRequest, payload: OutcomeIn,
                 occupancy_id: int = PathId) -> Status[dict[str, Any]]:
    occupancy = get_occupancy_for_user(request.user, occupancy_id)
    values = payload.dict()
    year, version = values.pop("year"), values.pop("version")
    existed = TenantOutcome.objects.filter(occupancy=occupancy, year=year).exists()
    outcome = actions.do_save_outcome(request.user, occupancy, year, version, **values)
    return Status(200 if existed else 201, {
        "id": outcome.pk, "occupancy_id": occupancy.pk, "year": outcome.year,
        **{f: getattr(outcome, f) for f in actions.OUTCOME_FIELDS}, "version": outcome.version})


@router.patch("/tenants/{tenant_id}", auth=StaffSession(), response={200: TenantOut, **WRITE},
              summary="입주기업 수정 / change a tenant's name or closing date")
def patch_tenant(request: HttpRequest, payload: TenantPatchIn,
                 tenant_id: int = PathId) -> dict[str, Any]:
    tenant = get_tenant_for_user(request.user, tenant_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if changes.get("name", "") is None:
        changes.pop("name")
    tenant = actions.do_update_tenant(request.user, tenant, version, changes)
    return {"id": tenant.pk, "name": tenant.name, "business_number": tenant.business_number,
            "organisation_id": tenant.organisation_id, "closed_on": tenant.closed_on,
            "version": tenant.version}


@router.post("/funds", auth=StaffSession(), response={201: FundRecordOut, **WRITE},
             summary="펀드 등록 / create a fund (planners)")
def create_fund(request: HttpRequest, payload: FundIn) -> Status[dict[str, Any]]:
    fund = actions.do_create_fund(request.user, **payload.dict())
    return Status(201, _fund_out(fund))


@router.patch("/funds/{fund_id}", auth=StaffSession(), response={200: FundRecordOut, **WRITE},
              summary="펀드 수정 / change a fund (planners)")
def patch_fund(request: HttpRequest, payload: FundPatchIn, fund_id: int = PathId) -> dict[str, Any]:
    fund = _fund(request, fund_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items()
               if v is not None or k in {"city_target_won", "vintage", "investment_years",
                                         "recovery_years"}}
    version = changes.pop("version")
    return _fund_out(actions.do_update_fund(request.user, fund, version, changes))


@router.post("/funds/{fund_id}/commitments", auth=StaffSession(),
             response={201: RecordOut, **WRITE}, summary="출자약정 / record a commitment")
def add_commitment(request: HttpRequest, payload: CommitmentIn,
                   fund_id: int = PathId) -> Status[dict[str, Any]]:
    fund = _fund(request, fund_id)
    record = actions.do_add_commitment(request.user, fund, **payload.dict())
    return Status(201, _record_out(fund, record, record.amount_won))


@router.post("/funds/{fund_id}/capital-calls", auth=StaffSession(),
             response={201: RecordOut, **WRITE},
             summary="납입요청 / record a capital call (not beyond the commitments)")
def add_capital_call(request: HttpRequest, payload: CapitalCallIn,
                     fund_id: int = PathId) -> Status[dict[str, Any]]:
    fund = _fund(request, fund_id)
    record = actions.do_add_capital_call(request.user, fund, **payload.dict())
    return Status(201, _record_out(fund, record, record.amount_won))


@router.post("/funds/{fund_id}/investments", auth=StaffSession(),
             response={201: RecordOut, **WRITE},
             summary="투자 / record an investment (refused beyond committed capital)",
             description="투자 누계가 약정 총액을 넘으면 422. / 422 when investments would exceed "
                         "the committed capital.")
def add_investment(request: HttpRequest, payload: InvestmentIn,
                   fund_id: int = PathId) -> Status[dict[str, Any]]:
    fund = _fund(request, fund_id)
    values = payload.dict()
    tenant_id = values.pop("tenant_id")
    tenant = get_tenant_for_user(request.user, tenant_id) if tenant_id is not None else None
    record = actions.do_add_investment(request.user, fund, tenant=tenant, **values)
    return Status(201, _record_out(fund, record, record.amount_won))


@router.post("/investments/{investment_id}/exits", auth=StaffSession(),
             response={201: RecordOut, **WRITE},
             summary="회수 / record an exit and its proceeds",
             description="회수일이 투자일보다 앞서면 422. / 422 when the exit precedes the investment.")
def add_exit(request: HttpRequest, payload: ExitIn,
             investment_id: int = PathId) -> Status[dict[str, Any]]:
    investment = get_investment_for_user(request.user, investment_id)
    record = actions.do_add_exit(request.user, investment, **payload.dict())
    return Status(201, _record_out(investment.fund, record, record.proceeds_won))
