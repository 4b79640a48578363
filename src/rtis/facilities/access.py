"""Who may read and write facilities, tenants and funds: the one place these rules live.

Planners edit everything; an officer edits the facilities their department operates; every
internal user reads everything; the public reads published facilities and funds and aggregates,
never a tenant's name or figures.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rtis.facilities.models import Facility, Fund, FundInvestment, Occupancy, Tenant
from rtis.orgs.access import department_ids, is_internal, is_planner

# A facility's yearly totals reach the public only when at least this many tenants make them up,
# so that no published total is one company's figure.
MIN_PUBLIC_TENANTS = 3


def facilities_for_user(user: Any) -> QuerySet[Facility]:
    """Return the facilities the user may read: all for the city's staff, published ones else."""
    facilities = Facility.objects.select_related("operating_department")
    return facilities if is_internal(user) else facilities.filter(published=True)


def get_facility_for_user(user: Any, pk: int) -> Facility:
    """Return a readable facility or raise Http404 (unpublished ones do not exist for the public)."""
    facility = facilities_for_user(user).filter(pk=pk).first()
    if facility is None:
        raise Http404(f"시설 {pk}번이 없습니다 / no facility {pk}")
    return facility


def funds_for_user(user: Any) -> QuerySet[Fund]:
    """Return the funds the user may read: all for staff, published ones for everyone else."""
    return Fund.objects.all() if is_internal(user) else Fund.objects.filter(published=True)


def get_fund_for_user(user: Any, pk: int) -> Fund:
    """Return a readable fund or raise Http404."""
    fund = funds_for_user(user).filter(pk=pk).first()
    if fund is None:
        raise Http404(f"펀드 {pk}번이 없습니다 / no fund {pk}")
    return fund


def can_see_tenants(user: Any) -> bool:
    """Tell whether the user may see tenants' names and figures (the city's own staff only)."""
    return is_internal(user)


def can_edit_facility(user: Any, facility: Facility) -> bool:
    """Tell whether the user may change a facility, its tenancies and outcomes."""
    if is_planner(user):
        return True
    return facility.operating_department_id is not None and \
        facility.operating_department_id in department_ids(user)


def require_facility_editor(user: Any, facility: Facility) -> None:
    """Raise PermissionDenied unless the user may change the facility."""
    if not can_edit_facility(user, facility):
        raise PermissionDenied(
            f"'{facility.name}'은(는) 소속 부서가 운영하는 시설이 아니어서 수정할 수 없습니다 / "
            f"'{facility.name}' is not operated by your department")


def require_facilities_planner(user: Any) -> None:
    """Raise PermissionDenied unless the user is a planner (creates facilities and funds)."""
    if not is_planner(user):
        raise PermissionDenied("기획 담당자만 할 수 있습니다 / only planners may do this")


def get_occupancy_for_user(user: Any, pk: int) -> Occupancy:
    """Return a tenancy the user may read (the city's staff only) or raise Http404."""
    occupancy = None
    if can_see_tenants(user):
        occupancy = Occupancy.objects.select_related(
            "tenant", "facility__operating_department").filter(pk=pk).first()
    if occupancy is None:
        raise Http404(f"입주 기록 {pk}번이 없습니다 / no tenancy {pk}")
    return occupancy


def get_tenant_for_user(user: Any, pk: int) -> Tenant:
    """Return a tenant company the user may read (the city's staff only) or raise Http404."""
    tenant = Tenant.objects.filter(pk=pk).first() if can_see_tenants(user) else None
    if tenant is None:
        raise Http404(f"입주기업 {pk}번이 없습니다 / no tenant {pk}")
    return tenant


def get_investment_for_user(user: Any, pk: int) -> FundInvestment:
    """Return a fund investment the user may read (the city's staff only) or raise Http404."""
    investment = None
    if can_see_tenants(user):
        investment = FundInvestment.objects.select_related("fund").filter(pk=pk).first()
    if investment is None:
        raise Http404(f"투자 {pk}번이 없습니다 / no investment {pk}")
    return investment
