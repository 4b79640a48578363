"""Facilities, tenants, occupancies, outcomes and funds: what is refused and who may write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rtis.audit.models import AuditEvent
from rtis.facilities.actions import (
    do_add_capital_call,
    do_add_commitment,
    do_add_exit,
    do_add_investment,
    do_add_occupancy,
    do_create_facility,
    do_create_fund,
    do_end_occupancy,
    do_register_tenant,
    do_save_outcome,
    do_update_facility,
)
from rtis.facilities.models import Facility, Fund, Occupancy, Tenant, TenantOutcome
from rtis.facilities.queries import fund_summary
from rtis.rnd.models import Organisation, OrganisationKind
from tests.facilities.conftest import BIZ_B, day, values

pytestmark = pytest.mark.django_db


def test_it_refuses_a_negative_floor_area(planner: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_facility(planner, name="음수 시설", floor_area_m2=-1)
    assert "floor_area_m2" in caught.value.message_dict
    assert not Facility.objects.filter(name="음수 시설").exists()


def test_only_planners_create_facilities(officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_create_facility(officer, name="무단 시설")


def test_an_officer_of_the_operating_department_edits_the_facility(hub: Facility, officer: Any,
                                                                   other_officer: Any) -> None:
    do_update_facility(officer, hub, hub.version, {"tenant_spaces": 12})
    hub.refresh_from_db()
    assert hub.tenant_spaces == 12
    with pytest.raises(PermissionDenied):
        do_update_facility(other_officer, hub, hub.version, {"tenant_spaces": 1})


def test_a_tenant_with_an_invalid_business_number_is_refused(hub: Facility, officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        do_register_tenant(officer, hub, name="잘못", business_number="1248100999")
    assert "business_number" in caught.value.message_dict
    assert not Tenant.objects.exists()


def test_a_tenant_is_linked_to_the_rd_organisation_with_the_same_number(hub: Facility,
                                                                       officer: Any) -> None:
    org = Organisation.objects.create(name="다라전자", kind=OrganisationKind.SEOUL_SME,
                                      business_number=BIZ_B)
    tenant = do_register_tenant(officer, hub, name="다라전자(주)", business_number="220-81-62517")
    assert tenant.organisation == org
    assert do_register_tenant(officer, hub, name="다라", business_number=BIZ_B) == tenant


def test_an_overlapping_occupancy_of_the_same_space_is_refused(hub: Facility, tenant: Tenant,
                                                               officer: Any) -> None:
    do_add_occupancy(officer, hub, tenant, space="101호", moved_in_on=day("2019-04-01"),
                     moved_out_on=day("2020-03-31"))
    other = do_register_tenant(officer, hub, name="마바", business_number=BIZ_B)
    with pytest.raises(ValidationError) as caught:
        do_add_occupancy(officer, hub, other, space="101호", moved_in_on=day("2020-03-31"))
    assert "겹칩니다" in caught.value.message_dict["moved_in_on"][0]
    # The day after the move-out is free; another space is free.
    do_add_occupancy(officer, hub, other, space="101호", moved_in_on=day("2020-04-01"))
    do_add_occupancy(officer, hub, other, space="102호", moved_in_on=day("2019-05-01"))
    assert Occupancy.objects.count() == 3


def test_a_move_out_before_the_move_in_is_refused(hub: Facility, tenant: Tenant,
                                                  officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        do_add_occupancy(officer, hub, tenant, space="101호", moved_in_on=day("2020-01-01"),
                         moved_out_on=day("2019-12-31"))
    assert "moved_out_on" in caught.value.message_dict
    assert not Occupancy.objects.exists()


def test_another_departments_officer_cannot_add_tenancies(hub: Facility, tenant: Tenant,
                                                          other_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_add_occupancy(other_officer, hub, tenant, space="1", moved_in_on=day("2020-01-01"))


def test_an_outcome_for_a_year_outside_the_occupancy_is_refused(hub: Facility, tenant: Tenant,
                                                                officer: Any) -> None:
    occupancy = do_add_occupancy(officer, hub, tenant, space="101호",
                                 moved_in_on=day("2019-04-01"), moved_out_on=day("2020-06-30"))
    do_save_outcome(officer, occupancy, 2020, None, **values())
    with pytest.raises(ValidationError) as caught:
        do_save_outcome(officer, occupancy, 2021, None, **values())
    assert "입주 기간" in caught.value.message_dict["year"][0]
    with pytest.raises(ValidationError):
        do_save_outcome(officer, occupancy, 2018, None, **values())
    assert TenantOutcome.objects.count() == 1


def test_negative_outcome_amounts_are_refused(hub: Facility, tenant: Tenant, officer: Any) -> None:
    occupancy = do_add_occupancy(officer, hub, tenant, space="101호",
                                 moved_in_on=day("2019-04-01"))
    with pytest.raises(ValidationError) as caught:
        do_save_outcome(officer, occupancy, 2020, None, **values(sales_won=-1, employees=-2))
    assert set(caught.value.message_dict) == {"sales_won", "employees"}
    assert not TenantOutcome.objects.exists()


def test_a_move_out_before_a_recorded_outcome_year_is_refused(hub: Facility, tenant: Tenant,
                                                              officer: Any) -> None:
    occupancy = do_add_occupancy(officer, hub, tenant, space="101호",
                                 moved_in_on=day("2019-04-01"))
    do_save_outcome(officer, occupancy, 2021, None, **values())
    with pytest.raises(ValidationError):
        do_end_occupancy(officer, occupancy, occupancy.version, moved_out_on=day("2020-12-31"),
                         exit_kind="graduated")
    ended = do_end_occupancy(officer, occupancy, occupancy.version,
                             moved_out_on=day("2021-12-31"), exit_kind="graduated")
    assert ended.exit_kind == "graduated"
    assert AuditEvent.objects.filter(target_type="facilities.occupancy").count() == 2


def _fund(planner: Any) -> Fund:
    fund = do_create_fund(planner, name="시험 펀드", target_size_won=100_000_000_000,
                          city_target_won=10_000_000_000, vintage=2018)
    do_add_commitment(planner, fund, contributor="서울시", contributor_kind="city",
                      amount_won=10_000_000_000, committed_on=dt.date(2018, 6, 1))
    do_add_commitment(planner, fund, contributor="모태펀드", contributor_kind="national",
                      amount_won=40_000_000_000, committed_on=dt.date(2018, 6, 1))
    return fund


def test_an_investment_beyond_committed_capital_is_refused(planner: Any) -> None:
    fund = _fund(planner)
    do_add_investment(planner, fund, company="가", amount_won=30_000_000_000,
                      invested_on=dt.date(2019, 1, 1), stage="early")
    with pytest.raises(ValidationError) as caught:
        do_add_investment(planner, fund, company="나", amount_won=20_000_000_001,
                          invested_on=dt.date(2019, 2, 1), stage="growth", follow_on=True)
    assert "약정 총액" in caught.value.message_dict["amount_won"][0]
    do_add_investment(planner, fund, company="나", amount_won=20_000_000_000,
                      invested_on=dt.date(2019, 2, 1), stage="growth", follow_on=True)
    assert fund.investments.count() == 2


def test_a_capital_call_beyond_commitments_is_refused(planner: Any) -> None:
    fund = _fund(planner)
    do_add_capital_call(planner, fund, called_on=dt.date(2018, 7, 1), amount_won=50_000_000_000)
    with pytest.raises(ValidationError):
        do_add_capital_call(planner, fund, called_on=dt.date(2018, 8, 1), amount_won=1)


def test_the_citys_leverage_is_the_committed_fund_over_the_citys_money(planner: Any) -> None:
    fund = _fund(planner)
    investment = do_add_investment(planner, fund, company="가", amount_won=10_000_000_000,
                                   invested_on=dt.date(2019, 1, 1), stage="seed")
    do_add_exit(planner, investment, exited_on=dt.date(2021, 1, 1), proceeds_won=25_000_000_000,
                kind="M&A")
    summary = fund_summary(fund)
    assert summary.committed_won == 50_000_000_000
    assert summary.city_committed_won == 10_000_000_000
    assert summary.leverage == 5
    assert summary.planned_leverage == 10
    assert summary.invested_won == 10_000_000_000
    assert summary.proceeds_won == 25_000_000_000
    assert summary.multiple == 2.5


def test_an_exit_before_its_investment_is_refused(planner: Any) -> None:
    fund = _fund(planner)
    investment = do_add_investment(planner, fund, company="가", amount_won=1_000,
                                   invested_on=dt.date(2019, 1, 1), stage="seed")
    with pytest.raises(ValidationError):
        do_add_exit(planner, investment, exited_on=dt.date(2018, 12, 31), proceeds_won=0)


def test_officers_cannot_create_funds(officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_create_fund(officer, name="x", target_size_won=1)
