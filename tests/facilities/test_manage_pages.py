"""Management screens: tenancies, move-outs, single outcomes, tenants, leavers, publication,
funds and computed indicators — each through its action, refused with the reason, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.facilities.actions import (
    do_add_commitment,
    do_add_occupancy,
    do_create_fund,
    do_declare_computed,
    do_register_tenant,
)
from rtis.facilities.models import (
    CapitalCall,
    ComputedIndicator,
    Facility,
    Fund,
    FundExit,
    FundInvestment,
    Occupancy,
    Tenant,
    TenantOutcome,
)
from rtis.plans.models import Indicator, IndicatorActual
from tests.conftest import client_for
from tests.facilities.conftest import BIZ_A, BIZ_B, BIZ_C, day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings: Any) -> None:
    settings.RTIS_TODAY = dt.date(2022, 3, 15)


@pytest.fixture
def occupancy(hub: Facility, tenant: Tenant) -> Occupancy:
    return do_add_occupancy(None, hub, tenant, space="101호", moved_in_on=day("2020-01-01"))


@pytest.fixture
def fund(plan: Any) -> Fund:
    fund = do_create_fund(None, name="시험 펀드", target_size_won=30_000_000_000,
                          city_target_won=4_000_000_000, published=True)
    do_add_commitment(None, fund, contributor="서울시", contributor_kind="city",
                      amount_won=4_000_000_000, committed_on=day("2020-01-10"))
    do_add_commitment(None, fund, contributor="민간", contributor_kind="private",
                      amount_won=6_000_000_000, committed_on=day("2020-01-10"))
    return fund


def tenancy(**changes: Any) -> dict[str, Any]:
    base = {"name": "다라헬스", "business_number": "220-81-62517", "space": "102호",
            "moved_in_on": "2021-05-01", "moved_out_on": "", "exit_kind": ""}
    base.update(changes)
    return base


# --- tenancies ---------------------------------------------------------------------------------


def test_the_operators_officer_registers_a_tenancy(hub: Facility, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:tenancy_new", args=[hub.pk]),
                                        tenancy())
    assert response.status_code == 302
    occupancy = Occupancy.objects.get(space="102호")
    assert occupancy.tenant.business_number == BIZ_B and occupancy.tenant.name == "다라헬스"
    audited = set(AuditEvent.objects.filter(actor=officer).values_list("target_type", flat=True))
    assert {"facilities.tenant", "facilities.occupancy"} <= {t.lower() for t in audited}, audited


def test_it_refuses_a_bad_business_number_and_saves_nothing(hub: Facility, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:tenancy_new", args=[hub.pk]),
                                        tenancy(business_number="2208162518"))
    assert response.status_code == 400
    assert "사업자등록번호" in response.content.decode() or "2208162518" in response.content.decode()
    assert not Tenant.objects.exists() and not Occupancy.objects.exists()


def test_it_refuses_an_overlap_in_the_same_space_with_the_reason(
        occupancy: Occupancy, officer: Any) -> None:
    response = client_for(officer).post(
        reverse("facilities:tenancy_new", args=[occupancy.facility_id]),
        tenancy(space="101호"))
    text = response.content.decode()
    assert response.status_code == 400 and "겹칩니다" in text and "가나바이오" in text
    # The new tenant is not left behind when its tenancy is refused.
    assert not Tenant.objects.filter(business_number=BIZ_B).exists()


def test_it_refuses_a_move_out_before_the_move_in(hub: Facility, officer: Any) -> None:
    response = client_for(officer).post(
        reverse("facilities:tenancy_new", args=[hub.pk]),
        tenancy(moved_out_on="2021-04-01", exit_kind="graduated"))
    assert response.status_code == 400 and "앞섭니다" in response.content.decode()
    assert not Occupancy.objects.exists()


def test_another_departments_officer_is_refused(hub: Facility, other_officer: Any) -> None:
    client = client_for(other_officer)
    assert client.get(reverse("facilities:tenancy_new", args=[hub.pk])).status_code == 403
    assert client.post(reverse("facilities:tenancy_new", args=[hub.pk]),
                       tenancy()).status_code == 403
    assert not Occupancy.objects.exists()


def test_a_move_out_is_recorded_as_a_graduation(occupancy: Occupancy, officer: Any) -> None:
    url = reverse("facilities:tenancy_end", args=[occupancy.pk])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"moved_out_on": "2021-12-31", "exit_kind": "graduated",
                                 "version": occupancy.version})
    assert response.status_code == 302
    occupancy.refresh_from_db()
    assert occupancy.moved_out_on == day("2021-12-31") and occupancy.exit_kind == "graduated"


def test_a_move_out_before_the_move_in_is_refused_on_the_move_out_screen(
        occupancy: Occupancy, officer: Any) -> None:
    response = client_for(officer).post(
        reverse("facilities:tenancy_end", args=[occupancy.pk]),
        {"moved_out_on": "2019-12-31", "exit_kind": "graduated", "version": occupancy.version})
    assert response.status_code == 400 and "앞섭니다" in response.content.decode()
    occupancy.refresh_from_db()
    assert occupancy.moved_out_on is None


def test_a_stale_move_out_is_a_conflict(occupancy: Occupancy, officer: Any) -> None:
    response = client_for(officer).post(
        reverse("facilities:tenancy_end", args=[occupancy.pk]),
        {"moved_out_on": "2021-12-31", "exit_kind": "graduated", "version": 99})
    assert response.status_code == 409


# --- single outcomes -----------------------------------------------------------------------------


def outcome(**changes: Any) -> dict[str, Any]:
    base = {"year": 2021, "sales_won": 500_000_000, "employees": 7, "investment_won": 0,
            "patents": 2, "version": ""}
    base.update(changes)
    return base


def test_the_officer_enters_and_corrects_one_outcome(occupancy: Occupancy, officer: Any) -> None:
    url = reverse("facilities:outcome_edit", args=[occupancy.pk])
    client = client_for(officer)
    assert client.post(url, outcome()).status_code == 302
    saved = TenantOutcome.objects.get()
    assert saved.employees == 7
    page = client.get(url + "?year=2021").content.decode()
    assert 'value="7"' in page
    assert client.post(url, outcome(employees=9, version=saved.version)).status_code == 302
    saved.refresh_from_db()
    assert saved.employees == 9 and saved.version == 2
    csv = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert "2021" in csv and "500000000" in csv


def test_an_outcome_outside_the_tenancy_is_refused(occupancy: Occupancy, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:outcome_edit", args=[occupancy.pk]),
                                        outcome(year=2018))
    assert response.status_code == 400 and "입주 기간" in response.content.decode()
    assert not TenantOutcome.objects.exists()


def test_a_negative_outcome_is_refused_by_the_form(occupancy: Occupancy, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:outcome_edit", args=[occupancy.pk]),
                                        outcome(sales_won=-1))
    assert response.status_code == 400 and not TenantOutcome.objects.exists()


# --- tenants and leavers ----------------------------------------------------------------------------


def test_the_tenant_list_downloads_and_is_for_staff(occupancy: Occupancy, viewer: Any) -> None:
    url = reverse("facilities:tenants")
    assert client_for(None).get(url).status_code == 302
    page = client_for(viewer).get(url).content.decode()
    assert "가나바이오" in page and BIZ_A in page
    csv = client_for(viewer).get(url + "?format=csv").content.decode("utf-8-sig")
    assert "가나바이오" in csv and BIZ_A in csv
    xlsx = client_for(viewer).get(url + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_tenant_list_answers_in_a_fixed_number_of_queries(hub: Facility, viewer: Any) -> None:
    client = client_for(viewer)
    counts = []
    for number, name in ((BIZ_A, "하나"), (BIZ_B, "둘"), (BIZ_C, "셋")):
        tenant = do_register_tenant(None, hub, name=name, business_number=number)
        do_add_occupancy(None, hub, tenant, space=name, moved_in_on=day("2020-01-01"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("facilities:tenants")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[-1], counts


def test_a_closure_is_recorded_and_survival_falls(occupancy: Occupancy, officer: Any) -> None:
    client = client_for(officer)
    client.post(reverse("facilities:tenancy_end", args=[occupancy.pk]),
                {"moved_out_on": "2021-06-30", "exit_kind": "graduated", "version": 1})
    tenant = occupancy.tenant
    leavers = reverse("facilities:leavers", args=[occupancy.facility_id])
    assert "1개 중 1개가 운영 중" in client.get(leavers).content.decode()
    response = client.post(reverse("facilities:tenant_edit", args=[tenant.pk]),
                           {"name": tenant.name, "closed_on": "2022-01-31",
                            "version": tenant.version})
    assert response.status_code == 302
    page = client.get(leavers).content.decode()
    assert "1개 중 0개가 운영 중" in page and "2022-01-31" in page
    csv = client.get(leavers + "?format=csv").content.decode("utf-8-sig")
    assert "2022-01-31" in csv and "가나바이오" in csv


def test_a_closure_before_the_move_in_is_refused(occupancy: Occupancy, officer: Any) -> None:
    tenant = occupancy.tenant
    response = client_for(officer).post(reverse("facilities:tenant_edit", args=[tenant.pk]),
                                        {"name": tenant.name, "closed_on": "2019-01-31",
                                         "version": tenant.version})
    assert response.status_code == 400 and "앞섭니다" in response.content.decode()


def test_another_officer_cannot_edit_the_tenant(occupancy: Occupancy, other_officer: Any) -> None:
    response = client_for(other_officer).post(
        reverse("facilities:tenant_edit", args=[occupancy.tenant_id]),
        {"name": "바뀐 이름", "closed_on": "", "version": 1})
    assert response.status_code == 403
    assert Tenant.objects.get().name == "가나바이오"


# --- publication -------------------------------------------------------------------------------------


def test_a_planner_publishes_a_page_with_its_date(plan: Any, planner: Any) -> None:
    from rtis.facilities.actions import do_create_facility

    hidden = do_create_facility(None, name="비공개 허브")
    detail = reverse("facilities:detail", args=[hidden.pk])
    assert client_for(None).get(detail).status_code == 404
    response = client_for(planner).post(reverse("facilities:publish", args=[hidden.pk]),
                                        {"version": hidden.version, "published": "1"})
    assert response.status_code == 302
    hidden.refresh_from_db()
    assert hidden.published and hidden.published_on == dt.date(2022, 3, 15)
    page = client_for(None).get(detail).content.decode()
    assert "2022-03-15" in page
    client_for(planner).post(reverse("facilities:publish", args=[hidden.pk]),
                             {"version": hidden.version, "published": "0"})
    hidden.refresh_from_db()
    assert not hidden.published and hidden.published_on is None
    assert client_for(None).get(detail).status_code == 404


def test_an_officer_cannot_publish(hub: Facility, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:publish", args=[hub.pk]),
                                        {"version": hub.version, "published": "0"})
    assert response.status_code == 403
    hub.refresh_from_db()
    assert hub.published


# --- funds --------------------------------------------------------------------------------------


def test_a_planner_creates_and_edits_a_fund(plan: Any, planner: Any) -> None:
    client = client_for(planner)
    response = client.post(reverse("facilities:fund_new"), {
        "name": "새 펀드", "target_size_won": 10_000_000_000, "city_target_won": 1_000_000_000,
        "manager": "GP", "vintage": 2021, "investment_years": 4, "recovery_years": 4})
    assert response.status_code == 302
    fund = Fund.objects.get(name="새 펀드")
    response = client.post(reverse("facilities:fund_edit", args=[fund.pk]), {
        "name": "새 펀드", "target_size_won": 12_000_000_000, "city_target_won": 1_000_000_000,
        "manager": "GP2", "vintage": 2021, "investment_years": 4, "recovery_years": 4,
        "published": "on", "version": fund.version})
    assert response.status_code == 302
    fund.refresh_from_db()
    assert fund.target_size_won == 12_000_000_000 and fund.manager == "GP2" and fund.published


def test_an_officer_cannot_create_a_fund(plan: Any, officer: Any) -> None:
    response = client_for(officer).post(reverse("facilities:fund_new"),
                                        {"name": "x", "target_size_won": 1})
    assert response.status_code == 403 and not Fund.objects.exists()


def test_fund_records_and_the_leverage(fund: Fund, planner: Any, tenant: Tenant) -> None:
    client = client_for(planner)
    detail = reverse("facilities:fund", args=[fund.pk])
    assert "2.50" in client.get(detail).content.decode()  # 100억 ÷ 40억
    assert client.post(reverse("facilities:call_add", args=[fund.pk]),
                       {"called_on": "2020-03-01", "amount_won": 2_000_000_000}).status_code == 302
    assert client.post(reverse("facilities:investment_add", args=[fund.pk]), {
        "company": "가나바이오", "business_number": BIZ_A, "amount_won": 1_500_000_000,
        "invested_on": "2020-06-01", "stage": "early"}).status_code == 302
    investment = FundInvestment.objects.get()
    assert investment.tenant == tenant
    assert client.post(reverse("facilities:exit_add", args=[fund.pk]), {
        "investment": investment.pk, "exited_on": "2021-06-01", "proceeds_won": 3_000_000_000,
        "kind": "M&A"}).status_code == 302
    assert FundExit.objects.get().proceeds_won == 3_000_000_000
    assert CapitalCall.objects.get().amount_won == 2_000_000_000
    csv = client.get(detail + "?list=investments&format=csv").content.decode("utf-8-sig")
    assert "가나바이오" in csv and "1500000000" in csv


def test_an_investment_beyond_committed_capital_is_refused(fund: Fund, planner: Any) -> None:
    response = client_for(planner).post(reverse("facilities:investment_add", args=[fund.pk]), {
        "company": "큰 회사", "amount_won": 10_000_000_001, "invested_on": "2020-06-01",
        "stage": "growth"})
    text = response.content.decode()
    assert response.status_code == 400 and "약정 총액" in text and "10,000,000,000" in text
    assert not FundInvestment.objects.exists()


def test_a_capital_call_beyond_commitments_and_an_early_exit_are_refused(
        fund: Fund, planner: Any) -> None:
    client = client_for(planner)
    response = client.post(reverse("facilities:call_add", args=[fund.pk]),
                           {"called_on": "2020-03-01", "amount_won": 10_000_000_001})
    assert response.status_code == 400 and not CapitalCall.objects.exists()
    client.post(reverse("facilities:investment_add", args=[fund.pk]), {
        "company": "가", "amount_won": 1, "invested_on": "2020-06-01", "stage": "seed"})
    investment = FundInvestment.objects.get()
    response = client.post(reverse("facilities:exit_add", args=[fund.pk]), {
        "investment": investment.pk, "exited_on": "2020-05-01", "proceeds_won": 1})
    assert response.status_code == 400 and "앞섭니다" in response.content.decode()
    assert not FundExit.objects.exists()


def test_the_public_sees_a_funds_totals_but_not_its_investments(fund: Fund, planner: Any) -> None:
    client_for(planner).post(reverse("facilities:investment_add", args=[fund.pk]), {
        "company": "비밀 투자처", "amount_won": 1_000_000_000, "invested_on": "2020-06-01",
        "stage": "seed"})
    detail = reverse("facilities:fund", args=[fund.pk])
    page = client_for(None).get(detail).content.decode()
    assert "시험 펀드" in page and "비밀 투자처" not in page and "2.50" in page
    assert client_for(None).get(detail + "?list=investments&format=csv").status_code == 404


# --- computed indicators ------------------------------------------------------------------------


@pytest.fixture
def jobs(plan: Any, occupancy: Occupancy) -> Indicator:
    return Indicator.objects.create(node=plan.nodes.get(code="2"), name="입주기업수", unit="개")


def test_a_planner_previews_then_declares_a_computed_indicator(jobs: Indicator,
                                                              planner: Any) -> None:
    client = client_for(planner)
    page = client.get(reverse("facilities:computed") + "?plan=sample-plan").content.decode()
    assert f'value="{jobs.pk}"' in page
    preview = client.get(reverse("facilities:computed_preview"),
                         {"indicator": jobs.pk, "formula": "tenants_at_year_end"},
                         HTTP_HX_REQUEST="true")
    text = preview.content.decode()
    assert preview.status_code == 200 and "<html" not in text and "2020" in text
    assert not IndicatorActual.objects.filter(indicator=jobs).exists()
    assert not ComputedIndicator.objects.exists()
    response = client.post(reverse("facilities:computed_declare"),
                           {"indicator": jobs.pk, "formula": "tenants_at_year_end"})
    assert response.status_code == 302
    assert ComputedIndicator.objects.get().formula == "tenants_at_year_end"
    assert IndicatorActual.objects.get(indicator=jobs, period="2020").value == 1
    listing = client.get(reverse("facilities:computed") + "?format=csv").content.decode("utf-8-sig")
    assert "입주기업수" in listing


def test_an_unknown_rule_is_refused(jobs: Indicator, planner: Any) -> None:
    response = client_for(planner).post(reverse("facilities:computed_declare"),
                                        {"indicator": jobs.pk, "formula": "guess"})
    assert response.status_code == 400 and not ComputedIndicator.objects.exists()


def test_recompute_picks_up_a_new_tenancy(jobs: Indicator, planner: Any, hub: Facility) -> None:
    do_declare_computed(planner, jobs, "tenants_at_year_end")
    other = do_register_tenant(None, hub, name="둘", business_number=BIZ_B)
    Occupancy.objects.create(facility=hub, tenant=other, space="9호",
                             moved_in_on=day("2020-02-01"))  # bypassing the action: stale
    assert IndicatorActual.objects.get(indicator=jobs, period="2020").value == 1
    assert client_for(planner).post(reverse("facilities:computed_recompute")).status_code == 302
    assert IndicatorActual.objects.get(indicator=jobs, period="2020").value == 2


def test_officers_cannot_declare_or_recompute(jobs: Indicator, officer: Any) -> None:
    client = client_for(officer)
    assert client.post(reverse("facilities:computed_declare"),
                       {"indicator": jobs.pk, "formula": "tenants_at_year_end"}).status_code == 403
    assert client.post(reverse("facilities:computed_recompute")).status_code == 403
    assert client.get(reverse("facilities:computed_preview"),
                      {"indicator": jobs.pk, "formula": "tenants_at_year_end"}).status_code == 403


def test_an_outcome_year_int_refuses_or_misreads_opens_last_years_blank_form(
        occupancy: Occupancy, officer: Any) -> None:
    from rtis.config import clock

    url = reverse("facilities:outcome_edit", args=[occupancy.pk])
    for odd in ("²", "٢٠٢١"):  # int() refuses the first and reads the second as 2021
        response = client_for(officer).get(url, {"year": odd})
        assert response.status_code == 200, odd
        assert response.context["form"].initial["year"] == clock.today().year - 1, odd
