"""Writes to facilities, tenants, outcomes and funds: permission, validation, audit, atomic.

Every refusal names the field and the value, Korean then English, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from rtis.audit.log import record_create, record_creates
from rtis.audit.versioned import update_versioned
from rtis.config import clock
from rtis.facilities.access import (
    can_edit_facility,
    require_facilities_planner,
    require_facility_editor,
)
from rtis.facilities.compute import do_recompute_indicators, refresh_outcome_summaries
from rtis.facilities.models import (
    CapitalCall,
    Cluster,
    ComputedIndicator,
    ContributorKind,
    ExitKind,
    Facility,
    FacilityKind,
    Formula,
    Fund,
    FundCommitment,
    FundExit,
    FundInvestment,
    Occupancy,
    Phase,
    Stage,
    Tenant,
    TenantOutcome,
)
from rtis.lib.bizno import BizNoError, normalise_business_number
from rtis.lib.korean import particle
from rtis.orgs.access import is_planner
from rtis.plans.models import MAX_AMOUNT_WON, MAX_YEAR, MIN_YEAR, Indicator, Node
from rtis.rnd.models import Organisation

MAX_AREA = Decimal("9999999999.99")
FACILITY_FIELDS = ("name", "kind", "cluster", "district", "address", "site_area_m2",
                   "floor_area_m2", "buildings", "tenant_spaces", "operator", "phase",
                   "construction_started_on", "opened_on", "closed_on", "published",
                   "provenance", "operating_department")
OUTCOME_FIELDS = ("sales_won", "employees", "investment_won", "patents")
OUTCOME_LABELS = {"sales_won": ("매출", "sales"), "employees": ("고용", "employees"),
                  "investment_won": ("투자유치", "investment attracted"),
                  "patents": ("지식재산권", "patents")}


def _recompute_for(actor: Any, links: Any) -> None:
    """Recompute the computed indicators of the plans the changed facility or fund serves."""
    plan_ids = set(links.values_list("node__plan_id", flat=True))
    if plan_ids:
        do_recompute_indicators(actor, plan_ids=plan_ids)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _won(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT_WON:
        errors[field] = (f"{particle(label, '은는')} 0 이상의 원 단위 정수여야 합니다: {value!r} / "
                         f"{english} must be a whole number of won, 0 or more: {value!r}")
        return 0
    return value


def _count(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        errors[field] = (f"{particle(label, '은는')} 0 이상의 정수여야 합니다: {value!r} / "
                         f"{english} must be a whole number, 0 or more: {value!r}")
        return 0
    return value


def _area(value: Any, field: str, label: str, english: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else Decimal("-1")
    except InvalidOperation:
        number = Decimal("-1")
    if not number.is_finite() or number < 0 or number > MAX_AREA or \
            number != number.quantize(Decimal("0.01")):
        errors[field] = (f"{particle(label, '은는')} 0 이상의 ㎡ 값(소수 둘째 자리까지)이어야 합니다: "
                         f"{value!r} / {english} must be square metres, 0 or more, at most two "
                         f"decimals: {value!r}")
        return None
    return number


def _date(value: Any, field: str, label: str, english: str, errors: dict[str, str],
          *, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            errors[field] = f"{particle(label, '을를')} 입력하세요 / enter {english}"
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[field] = f"{particle(label, '은는')} 날짜여야 합니다: {value!r} / {english} must be a date"
        return None
    return value


def _year(value: Any, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        errors["year"] = (f"연도는 {MIN_YEAR}~{MAX_YEAR} 사이여야 합니다: {value!r} / "
                          f"the year must be within {MIN_YEAR}–{MAX_YEAR}: {value!r}")
        return MIN_YEAR
    return value


def _choice(value: Any, choices: Any, field: str, label: str, english: str,
            errors: dict[str, str], *, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        errors[field] = (f"{particle(label, '은는')} {', '.join(choices.values)} 중 하나입니다: {value!r} / "
                         f"{english} must be one of {', '.join(choices.values)}: {value!r}")
        return ""
    return str(value)


# --- facilities --------------------------------------------------------------------------------


def _facility_values(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = f"시설명을 200자 이내로 입력하세요: {name!r} / enter a name of at most 200 characters"
    clean["name"] = name
    clean["kind"] = _choice(values.get("kind", FacilityKind.ANCHOR), FacilityKind, "kind",
                            "유형", "the kind", errors)
    clean["cluster"] = _choice(values.get("cluster", ""), Cluster, "cluster", "클러스터",
                               "the cluster", errors, blank=True)
    for field in ("district", "address", "operator"):
        clean[field] = str(values.get(field) or "").strip()[:300]
    clean["site_area_m2"] = _area(values.get("site_area_m2"), "site_area_m2", "대지면적",
                                  "the site area", errors)
    clean["floor_area_m2"] = _area(values.get("floor_area_m2"), "floor_area_m2", "연면적",
                                   "the floor area", errors)
    for field, label, english in (("buildings", "동 수", "the number of buildings"),
                                  ("tenant_spaces", "입주공간 수", "the number of tenant spaces")):
        raw = values.get(field)
        clean[field] = None if raw is None else _count(raw, field, label, english, errors)
    clean["phase"] = _choice(values.get("phase", Phase.PLANNED), Phase, "phase", "단계",
                             "the phase", errors)
    for field, label, english in (("construction_started_on", "착공일", "the start of works"),
                                  ("opened_on", "개관일", "the opening date"),
                                  ("closed_on", "운영 종료일", "the closing date")):
        clean[field] = _date(values.get(field), field, label, english, errors)
    if clean["phase"] == Phase.CLOSED and clean["closed_on"] is None and "closed_on" not in errors:
        errors["closed_on"] = "운영 종료된 시설은 종료일이 필요합니다 / a closed facility needs its closing date"
    if clean["opened_on"] and clean["closed_on"] and clean["closed_on"] < clean["opened_on"]:
        errors["closed_on"] = (f"운영 종료일({clean['closed_on']})이 개관일({clean['opened_on']})보다 "
                               f"앞섭니다 / the closing date is before the opening date")
    clean["published"] = bool(values.get("published", False))
    clean["provenance"] = dict(values.get("provenance") or {})
    clean["operating_department"] = values.get("operating_department")
    _raise(errors)
    return clean


@transaction.atomic
def do_create_facility(actor: Any | None, *, nodes: Iterable[Node] = (), **values: Any) -> Facility:
    """Create a facility (planners; the seed loader as the system)."""
    if actor is not None:
        require_facilities_planner(actor)
    clean = _facility_values(values)
    if Facility.objects.filter(name=clean["name"]).exists():
        raise ValidationError({"name": f"같은 이름의 시설이 이미 있습니다: '{clean['name']}' / "
                                       f"a facility named '{clean['name']}' exists"})
    if clean["published"]:
        clean["published_on"] = clock.today()
    facility = Facility.objects.create(**clean)
    node_list = list(nodes)
    if node_list:
        facility.nodes.set(node_list)
    record_create(actor, facility)
    return facility


@transaction.atomic
def do_update_facility(actor: Any, facility: Facility, expected_version: int,
                       changes: Mapping[str, Any]) -> Facility:
    """Change a facility's fields (planners, or officers of its operating department)."""
    require_facility_editor(actor, facility)
    if "operating_department" in changes or "published" in changes:
        require_facilities_planner(actor)
    current = {f: getattr(facility, f) for f in FACILITY_FIELDS}
    clean = _facility_values({**current, **changes})
    delta = {k: clean[k] for k in changes if k in FACILITY_FIELDS}
    if "published" in delta and delta["published"] != facility.published:
        delta["published_on"] = clock.today() if delta["published"] else None
    facility = update_versioned(actor, facility, expected_version, delta)
    _recompute_for(actor, Facility.nodes.through.objects.filter(facility_id=facility.pk))
    return facility


# --- tenants and occupancies ---------------------------------------------------------------------


@transaction.atomic
def do_register_tenant(actor: Any | None, facility: Facility, *, name: str,
                       business_number: str) -> Tenant:
    """Return the tenant with this 사업자등록번호, creating it (linked to an R&D organisation with
    the same number) when it is new."""
    if actor is not None:
        require_facility_editor(actor, facility)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = f"기업명을 200자 이내로 입력하세요: {name!r} / enter a company name"
    try:
        number = normalise_business_number(business_number)
    except BizNoError as exc:
        errors["business_number"] = str(exc)
        number = ""
    _raise(errors)
    tenant = Tenant.objects.filter(business_number=number).first()
    if tenant is not None:
        return tenant
    organisation = Organisation.objects.filter(business_number=number).first()
    tenant = Tenant.objects.create(name=name, business_number=number, organisation=organisation)
    record_create(actor, tenant)
    return tenant


def _overlaps(start: dt.date, end: dt.date | None, other: Occupancy) -> bool:
    other_end = other.moved_out_on
    ends_before = end is not None and end < other.moved_in_on
    starts_after = other_end is not None and start > other_end
    return not (ends_before or starts_after)


def _check_occupancy(facility: Facility, space: str, moved_in_on: Any, moved_out_on: Any,
                     exit_kind: Any, exclude: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    space = (space or "").strip()
    if not space or len(space) > 50:
        errors["space"] = f"입주공간(호실)을 50자 이내로 입력하세요: {space!r} / enter the space (room)"
    start = _date(moved_in_on, "moved_in_on", "입주일", "the move-in date", errors, required=True)
    end = _date(moved_out_on, "moved_out_on", "퇴거일", "the move-out date", errors)
    kind = _choice(exit_kind or "", ExitKind, "exit_kind", "퇴거 사유", "the reason for leaving",
                   errors, blank=True)
    if start and end and end < start:
        errors["moved_out_on"] = (f"퇴거일({end})이 입주일({start})보다 앞섭니다 / the move-out date "
                                  f"{end} is before the move-in date {start}")
    if end is None and kind:
        errors["exit_kind"] = "퇴거일 없이 퇴거 사유를 적을 수 없습니다 / a reason for leaving needs a move-out date"
    _raise(errors)
    assert start is not None
    others = Occupancy.objects.filter(facility=facility, space=space).select_related("tenant")
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others:
        if _overlaps(start, end, other):
            until = other.moved_out_on or "현재"
            raise ValidationError({"moved_in_on": (
                f"'{space}'에는 {other.moved_in_on}~{until} 기간에 '{other.tenant.name}'이(가) 입주해 "
                f"있어 기간이 겹칩니다 / '{space}' is occupied by '{other.tenant.name}' from "
                f"{other.moved_in_on} to {other.moved_out_on or 'now'}: the periods overlap")})
    return {"space": space, "moved_in_on": start, "moved_out_on": end, "exit_kind": kind}


@transaction.atomic
def do_add_occupancy(actor: Any | None, facility: Facility, tenant: Tenant, *, space: str,
                     moved_in_on: dt.date, moved_out_on: dt.date | None = None,
                     exit_kind: str = "") -> Occupancy:
    """Record a tenancy; an overlap in the same space or a move-out before move-in is refused."""
    if actor is not None:
        require_facility_editor(actor, facility)
    # One writer per facility at a time: the overlap check and the insert must not interleave.
    Facility.objects.select_for_update().filter(pk=facility.pk).first()
    clean = _check_occupancy(facility, space, moved_in_on, moved_out_on, exit_kind, None)
    occupancy = Occupancy.objects.create(facility=facility, tenant=tenant, **clean)
    record_create(actor, occupancy)
    _recompute_for(actor, Facility.nodes.through.objects.filter(facility_id=facility.pk))
    return occupancy


@transaction.atomic
def do_end_occupancy(actor: Any, occupancy: Occupancy, expected_version: int, *,
                     moved_out_on: dt.date, exit_kind: str) -> Occupancy:
    """Record a tenant's move-out and why (graduation, relocation, termination, closure)."""
    facility = occupancy.facility
    require_facility_editor(actor, facility)
    Facility.objects.select_for_update().filter(pk=facility.pk).first()
    clean = _check_occupancy(facility, occupancy.space, occupancy.moved_in_on, moved_out_on,
                             exit_kind, occupancy.pk)
    if clean["moved_out_on"] is None or not clean["exit_kind"]:
        raise ValidationError({"exit_kind": "퇴거일과 퇴거 사유를 입력하세요 / enter the move-out date "
                                            "and the reason for leaving"})
    last = occupancy.outcomes.order_by("-year").values_list("year", flat=True).first()
    if last is not None and last > clean["moved_out_on"].year:
        raise ValidationError({"moved_out_on": (
            f"{last}년 성과가 있어 그 전에 퇴거할 수 없습니다 / there is an outcome for {last}: the "
            f"move-out cannot be earlier")})
    occupancy = update_versioned(actor, occupancy, expected_version,
                                 {"moved_out_on": clean["moved_out_on"],
                                  "exit_kind": clean["exit_kind"]})
    _recompute_for(actor, Facility.nodes.through.objects.filter(facility_id=facility.pk))
    return occupancy


@transaction.atomic
def do_record_tenant_closure(actor: Any, tenant: Tenant, expected_version: int,
                             closed_on: dt.date | None) -> Tenant:
    """Record that a tenant company closed (폐업), for the survival of tenants who left."""
    facilities = Facility.objects.filter(occupancies__tenant=tenant).distinct()
    if not any(True for f in facilities if _can_edit(actor, f)):
        require_facilities_planner(actor)
    errors: dict[str, str] = {}
    _date(closed_on, "closed_on", "폐업일", "the closing date", errors)
    _raise(errors)
    return update_versioned(actor, tenant, expected_version, {"closed_on": closed_on})


def _can_edit(actor: Any, facility: Facility) -> bool:
    return can_edit_facility(actor, facility)


# --- outcomes ----------------------------------------------------------------------------------


def check_outcome(occupancy: Occupancy, year: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return clean outcome values, or raise ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    year = _year(year, errors)
    clean: dict[str, Any] = {}
    for field in OUTCOME_FIELDS:
        label, english = OUTCOME_LABELS[field]
        value = values.get(field, 0)
        if field.endswith("_won"):
            clean[field] = _won(value, field, label, english, errors)
        else:
            clean[field] = _count(value, field, label, english, errors)
    if "year" not in errors:
        first = occupancy.moved_in_on.year
        last = occupancy.moved_out_on.year if occupancy.moved_out_on else MAX_YEAR
        if not first <= year <= last:
            until = occupancy.moved_out_on or "현재"
            errors["year"] = (f"{year}년은 입주 기간({occupancy.moved_in_on}~{until}) 밖입니다 / "
                              f"{year} is outside the tenancy ({occupancy.moved_in_on} to "
                              f"{occupancy.moved_out_on or 'now'})")
    _raise(errors)
    return {"year": year, **clean}


@transaction.atomic
def do_save_outcome(actor: Any | None, occupancy: Occupancy, year: int,
                    expected_version: int | None, **values: Any) -> TenantOutcome:
    """Create or change a tenant's outcome for a year at a facility (the operator's officer)."""
    if actor is not None:
        require_facility_editor(actor, occupancy.facility)
    clean = check_outcome(occupancy, year, values)
    outcome = TenantOutcome.objects.filter(occupancy=occupancy, year=clean["year"]).first()
    if outcome is None:
        outcome = TenantOutcome.objects.create(occupancy=occupancy, **clean)
        record_create(actor, outcome)
    else:
        version = outcome.version if expected_version is None else expected_version
        outcome = update_versioned(actor, outcome, version, {f: clean[f] for f in OUTCOME_FIELDS})
    refresh_outcome_summaries({occupancy.facility_id})
    _recompute_for(actor, Facility.nodes.through.objects.filter(
        facility_id=occupancy.facility_id))
    return outcome


# --- funds -------------------------------------------------------------------------------------


@transaction.atomic
def do_create_fund(actor: Any | None, *, name: str, target_size_won: int, manager: str = "",
                   city_target_won: int | None = None,
                   vintage: int | None = None, investment_years: int | None = None,
                   recovery_years: int | None = None, nodes: Iterable[Node] = (),
                   published: bool = False, provenance: Mapping[str, Any] | None = None) -> Fund:
    """Create a fund (planners; the seed loader as the system)."""
    if actor is not None:
        require_facilities_planner(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = f"펀드명을 200자 이내로 입력하세요: {name!r} / enter the fund's name"
    _won(target_size_won, "target_size_won", "목표 규모", "the target size", errors)
    if city_target_won is not None:
        _won(city_target_won, "city_target_won", "시 출자 계획", "the city's planned share", errors)
    if vintage is not None:
        _year(vintage, errors)
    for field, label, english in (("investment_years", "투자기간", "the investment period"),
                                  ("recovery_years", "회수기간", "the recovery period")):
        value = locals()[field]
        if value is not None:
            _count(value, field, label, english, errors)
    if Fund.objects.filter(name=name).exists():
        errors["name"] = f"같은 이름의 펀드가 이미 있습니다: '{name}' / a fund named '{name}' exists"
    _raise(errors)
    fund = Fund.objects.create(name=name, target_size_won=target_size_won, manager=manager.strip(),
                               city_target_won=city_target_won,
                               vintage=vintage, investment_years=investment_years,
                               recovery_years=recovery_years, published=published,
                               provenance=dict(provenance or {}))
    node_list = list(nodes)
    if node_list:
        fund.nodes.set(node_list)
    record_create(actor, fund)
    return fund


def _locked_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def committed_won(fund: Fund) -> int:
    """Return the fund's committed capital (the sum of its commitments)."""
    return int(fund.commitments.aggregate(s=Sum("amount_won"))["s"] or 0)


@transaction.atomic
def do_add_commitment(actor: Any | None, fund: Fund, *, contributor: str, contributor_kind: str,
                      amount_won: int, committed_on: dt.date,
                      provenance: Mapping[str, Any] | None = None) -> FundCommitment:
    """Record a contributor's commitment to a fund."""
    if actor is not None:
        require_facilities_planner(actor)
    fund = _locked_fund(fund)
    errors: dict[str, str] = {}
    contributor = (contributor or "").strip()
    if not contributor:
        errors["contributor"] = "출자자를 입력하세요 / enter the contributor"
    _choice(contributor_kind, ContributorKind, "contributor_kind", "출자자 구분",
            "the contributor's kind", errors)
    _won(amount_won, "amount_won", "약정액", "the commitment", errors)
    _date(committed_on, "committed_on", "약정일", "the commitment date", errors, required=True)
    _raise(errors)
    commitment = FundCommitment.objects.create(
        fund=fund, contributor=contributor, contributor_kind=contributor_kind,
        amount_won=amount_won, committed_on=committed_on, provenance=dict(provenance or {}))
    record_create(actor, commitment)
    _recompute_for(actor, Fund.nodes.through.objects.filter(fund_id=fund.pk))
    return commitment


@transaction.atomic
def do_add_capital_call(actor: Any | None, fund: Fund, *, called_on: dt.date,
                        amount_won: int) -> CapitalCall:
    """Record a capital call; calls beyond the committed capital are refused."""
    if actor is not None:
        require_facilities_planner(actor)
    fund = _locked_fund(fund)
    errors: dict[str, str] = {}
    _won(amount_won, "amount_won", "요청액", "the amount called", errors)
    _date(called_on, "called_on", "납입요청일", "the call date", errors, required=True)
    _raise(errors)
    called = int(fund.capital_calls.aggregate(s=Sum("amount_won"))["s"] or 0)
    committed = committed_won(fund)
    if called + amount_won > committed:
        raise ValidationError({"amount_won": (
            f"납입요청 누계 {called + amount_won:,}원이 약정 총액 {committed:,}원을 넘습니다 / capital "
            f"called {called + amount_won:,} won would exceed the committed {committed:,} won")})
    call = CapitalCall.objects.create(fund=fund, called_on=called_on, amount_won=amount_won)
    record_create(actor, call)
    return call


@transaction.atomic
def do_add_investment(actor: Any | None, fund: Fund, *, company: str, amount_won: int,
                      invested_on: dt.date, stage: str, follow_on: bool = False,
                      tenant: Tenant | None = None) -> FundInvestment:
    """Record an investment; investments beyond the committed capital are refused."""
    if actor is not None:
        require_facilities_planner(actor)
    fund = _locked_fund(fund)
    errors: dict[str, str] = {}
    company = (company or "").strip()
    if not company:
        errors["company"] = "피투자기업을 입력하세요 / enter the company"
    if isinstance(amount_won, bool) or not isinstance(amount_won, int) or amount_won <= 0 \
            or amount_won > MAX_AMOUNT_WON:
        errors["amount_won"] = (f"투자액은 0보다 큰 원 단위 정수여야 합니다: {amount_won!r} / the amount "
                                f"must be a whole number of won above 0: {amount_won!r}")
    _date(invested_on, "invested_on", "투자일", "the investment date", errors, required=True)
    _choice(stage, Stage, "stage", "투자단계", "the stage", errors)
    _raise(errors)
    invested = int(fund.investments.aggregate(s=Sum("amount_won"))["s"] or 0)
    committed = committed_won(fund)
    if invested + amount_won > committed:
        raise ValidationError({"amount_won": (
            f"투자 누계 {invested + amount_won:,}원이 약정 총액 {committed:,}원을 넘습니다 / "
            f"investments of {invested + amount_won:,} won would exceed the committed capital "
            f"of {committed:,} won")})
    investment = FundInvestment.objects.create(
        fund=fund, company=company, amount_won=amount_won, invested_on=invested_on, stage=stage,
        follow_on=bool(follow_on), tenant=tenant)
    record_create(actor, investment)
    return investment


@transaction.atomic
def do_add_exit(actor: Any | None, investment: FundInvestment, *, exited_on: dt.date,
                proceeds_won: int, kind: str = "") -> FundExit:
    """Record the recovery of an investment; an exit before the investment is refused."""
    if actor is not None:
        require_facilities_planner(actor)
    errors: dict[str, str] = {}
    _won(proceeds_won, "proceeds_won", "회수액", "the proceeds", errors)
    day = _date(exited_on, "exited_on", "회수일", "the exit date", errors, required=True)
    if day is not None and day < investment.invested_on:
        errors["exited_on"] = (f"회수일({day})이 투자일({investment.invested_on})보다 앞섭니다 / the "
                               f"exit is before the investment")
    _raise(errors)
    exit_ = FundExit.objects.create(investment=investment, exited_on=exited_on,
                                    proceeds_won=proceeds_won, kind=(kind or "").strip()[:40])
    record_create(actor, exit_)
    return exit_


# --- computed indicators --------------------------------------------------------------------------


@transaction.atomic
def do_declare_computed(actor: Any | None, indicator: Indicator, formula: str) -> ComputedIndicator:
    """Declare that an indicator's yearly actuals are computed from these records (planners)."""
    if actor is not None:
        require_facilities_planner(actor)
    errors: dict[str, str] = {}
    _choice(formula, Formula, "formula", "산식", "the formula", errors)
    _raise(errors)
    existing = ComputedIndicator.objects.filter(indicator=indicator).first()
    if existing is not None:
        existing = update_versioned(actor, existing, existing.version, {"formula": formula})
        do_recompute_indicators(actor, plan_ids={indicator.node.plan_id})
        return existing
    computed = ComputedIndicator.objects.create(indicator=indicator, formula=formula)
    record_create(actor, computed)
    do_recompute_indicators(actor, plan_ids={indicator.node.plan_id})
    return computed


@dataclass(frozen=True)
class OutcomeRow:
    occupancy: Occupancy
    year: int
    values: dict[str, Any]


@transaction.atomic
def do_save_outcomes(actor: Any, rows: list[OutcomeRow]) -> tuple[int, int]:
    """Save many checked outcomes at once (the XLSX upload); return (created, changed)."""
    for facility in {r.occupancy.facility for r in rows}:
        require_facility_editor(actor, facility)
    existing = {(o.occupancy_id, o.year): o for o in TenantOutcome.objects.filter(
        occupancy_id__in={r.occupancy.pk for r in rows})}
    created, changed = [], 0
    for row in rows:
        clean = check_outcome(row.occupancy, row.year, row.values)
        current = existing.get((row.occupancy.pk, clean["year"]))
        if current is None:
            created.append(TenantOutcome(occupancy=row.occupancy, **clean))
        elif any(getattr(current, f) != clean[f] for f in OUTCOME_FIELDS):
            update_versioned(actor, current, current.version, {f: clean[f] for f in OUTCOME_FIELDS},
                             "upload")
            changed += 1
    TenantOutcome.objects.bulk_create(created)
    record_creates(actor, created, reason="upload")
    refresh_outcome_summaries({r.occupancy.facility_id for r in rows})
    _recompute_for(actor, Facility.nodes.through.objects.filter(
        facility_id__in={r.occupancy.facility_id for r in rows}))
    return len(created), changed


# --- management screens and API (facilities-ui) ---------------------------------------------------


@transaction.atomic
def do_register_tenancy(actor: Any, facility: Facility, *, name: str, business_number: str,
                        space: str, moved_in_on: dt.date | None,
                        moved_out_on: dt.date | None = None, exit_kind: str = "",
                        ) -> Occupancy:
    """Register a tenant (or find it by 사업자등록번호) and its tenancy in one step; a refused
    tenancy leaves no new tenant behind."""
    require_facility_editor(actor, facility)
    errors: dict[str, str] = {}
    try:
        normalise_business_number(business_number)
    except BizNoError as exc:
        errors["business_number"] = str(exc)
    if not (name or "").strip():
        errors["name"] = "기업명을 입력하세요 / enter the company name"
    if moved_in_on is None:
        errors["moved_in_on"] = "입주일을 입력하세요 / enter the move-in date"
    _raise(errors)
    tenant = do_register_tenant(actor, facility, name=name, business_number=business_number)
    assert moved_in_on is not None
    return do_add_occupancy(actor, facility, tenant, space=space, moved_in_on=moved_in_on,
                            moved_out_on=moved_out_on, exit_kind=exit_kind)


def can_edit_tenant(actor: Any, tenant: Tenant) -> bool:
    """Tell whether the user may change a tenant: planners, or an editor of a facility it used."""
    facilities = Facility.objects.filter(occupancies__tenant=tenant).distinct()
    return is_planner(actor) or any(can_edit_facility(actor, f) for f in facilities)


@transaction.atomic
def do_update_tenant(actor: Any | None, tenant: Tenant, expected_version: int,
                     changes: Mapping[str, Any]) -> Tenant:
    """Change a tenant's name or closing date (폐업일; survival of those who left)."""
    if actor is not None and not can_edit_tenant(actor, tenant):
        require_facilities_planner(actor)
    errors: dict[str, str] = {}
    delta: dict[str, Any] = {}
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not name or len(name) > 200:
            errors["name"] = f"기업명을 200자 이내로 입력하세요: {name!r} / enter a company name"
        delta["name"] = name
    if "closed_on" in changes:
        closed = _date(changes["closed_on"], "closed_on", "폐업일", "the closing date", errors)
        first = tenant.occupancies.order_by("moved_in_on").values_list(
            "moved_in_on", flat=True).first()
        if closed is not None and first is not None and closed < first:
            errors["closed_on"] = (f"폐업일({closed})이 첫 입주일({first})보다 앞섭니다 / the closing "
                                   f"date {closed} is before the first move-in {first}")
        delta["closed_on"] = closed
    _raise(errors)
    if not delta:
        return tenant
    return update_versioned(actor, tenant, expected_version, delta)


@transaction.atomic
def do_set_facility_publication(actor: Any, facility: Facility, expected_version: int,
                                published: bool) -> Facility:
    """Publish a facility's page (dated today) or withdraw it (planners)."""
    require_facilities_planner(actor)
    return update_versioned(actor, facility, expected_version, {
        "published": bool(published),
        "published_on": clock.today() if published else None})


def _fund_changes(fund: Fund, changes: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    delta: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            value = str(value or "").strip()
            if not value or len(value) > 200:
                errors["name"] = f"펀드명을 200자 이내로 입력하세요: {value!r} / enter the fund's name"
            elif Fund.objects.filter(name=value).exclude(pk=fund.pk).exists():
                errors["name"] = f"같은 이름의 펀드가 이미 있습니다: '{value}' / a fund named '{value}' exists"
        elif field == "manager":
            value = str(value or "").strip()[:200]
        elif field == "target_size_won":
            _won(value, field, "목표 규모", "the target size", errors)
        elif field == "city_target_won":
            if value is not None:
                _won(value, field, "시 출자 계획", "the city's planned share", errors)
        elif field == "vintage":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not MIN_YEAR <= value <= MAX_YEAR):
                errors["vintage"] = (f"결성연도는 {MIN_YEAR}~{MAX_YEAR} 사이여야 합니다: {value!r} / "
                                     f"the vintage must be within {MIN_YEAR}–{MAX_YEAR}")
        elif field in ("investment_years", "recovery_years"):
            if value is not None:
                _count(value, field, "기간", "the period", errors)
        elif field == "published":
            value = bool(value)
        else:
            continue
        delta[field] = value
    _raise(errors)
    return delta


@transaction.atomic
def do_update_fund(actor: Any, fund: Fund, expected_version: int,
                   changes: Mapping[str, Any]) -> Fund:
    """Change a fund's size, manager, vintage, periods or publication (planners)."""
    require_facilities_planner(actor)
    delta = _fund_changes(fund, changes)
    if not delta:
        return fund
    fund = update_versioned(actor, fund, expected_version, delta)
    _recompute_for(actor, Fund.nodes.through.objects.filter(fund_id=fund.pk))
    return fund


@transaction.atomic
def do_recompute_all(actor: Any) -> Any:
    """Recompute every computed indicator now (planners; the CLI runs it as the system)."""
    require_facilities_planner(actor)
    return do_recompute_indicators(actor)
