"""Demo part of the facilities context: SYNTHETIC tenants and outcomes in the seeds' facilities.

The documents give facilities, areas and funds but no tenant list: every tenant here is
invented, named "(가상) …", with a generated valid 사업자등록번호, moved in and reported before
the demo's day. Outcome figures are invented too. Entered through the actions, as the planner.
The 2018 plan's 입주기업수 of projects 2 and 3 are declared computed and recomputed, so the plan
page shows actuals taken from these tenancies.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from rtis.facilities.actions import (
    do_add_capital_call,
    do_add_commitment,
    do_add_exit,
    do_add_investment,
    do_add_occupancy,
    do_declare_computed,
    do_register_tenant,
    do_save_outcome,
    do_update_tenant,
)
from rtis.facilities.compute import do_recompute_indicators
from rtis.facilities.models import Facility, Fund, Occupancy, Tenant
from rtis.lib.bizno import business_check_digit
from rtis.plans.models import Indicator

# facility name → (tenants, first move-in year)
DEMO_TENANCIES = {"서울바이오허브": (24, 2018), "BT-IT 융합센터": (6, 2021), "AI 양재허브": (18, 2018)}
DEMO_PLAN = "innovation-growth-2018"


def _number(serial: int) -> str:
    first = f"{990 + serial // 1_000_000:03d}{serial % 1_000_000:06d}"[-9:]
    return first + str(business_check_digit(first))


def do_demo_facilities(actor: Any, today: dt.date) -> list[str]:
    """Fill the seeds' facilities with synthetic tenants (once) and recompute; return a report."""
    if Occupancy.objects.exists():
        return ["입주 기록이 이미 있어 그대로 둡니다 / tenancies exist: kept"]
    rng = random.Random(2022)
    lines, serial = [], 1
    for name, (count, first_year) in DEMO_TENANCIES.items():
        facility = Facility.objects.filter(name=name).first()
        if facility is None:
            continue
        for i in range(count):
            tenant = do_register_tenant(actor, facility, name=f"(가상) {name} 입주기업 {i + 1:02d}",
                                        business_number=_number(serial))
            serial += 1
            moved_in = dt.date(first_year + i % 3 if first_year < 2021 else 2021,
                               1 + (i * 5) % 9 if first_year < 2021 else 10, 1)
            if moved_in >= today:
                continue
            moved_out = moved_in + dt.timedelta(days=730) if i % 5 == 0 else None
            if moved_out is not None and moved_out >= today:
                moved_out = None
            occupancy = do_add_occupancy(actor, facility, tenant, space=f"{100 + i}호",
                                         moved_in_on=moved_in, moved_out_on=moved_out,
                                         exit_kind="graduated" if moved_out else "")
            last = (moved_out or today).year
            for year in range(moved_in.year, min(last, today.year - 1) + 1):
                do_save_outcome(actor, occupancy, year, None,
                                sales_won=rng.randint(1, 40) * 50_000_000,
                                employees=rng.randint(2, 30),
                                investment_won=rng.randint(0, 20) * 100_000_000,
                                patents=rng.randint(0, 4))
        lines.append(f"{name}: (가상) 입주기업 {count}개 / {count} synthetic tenants")
    fund = Fund.objects.filter(name="제2호 서울바이오펀드").first()
    if fund is not None and not fund.commitments.exists():
        do_add_commitment(actor, fund, contributor="서울시(가상 약정)", contributor_kind="city",
                          amount_won=2_000_000_000, committed_on=dt.date(2018, 11, 1))
        do_add_commitment(actor, fund, contributor="민간 출자자(가상)", contributor_kind="private",
                          amount_won=18_000_000_000, committed_on=dt.date(2018, 11, 1))
        lines.append("제2호 서울바이오펀드: 가상 약정 2건 / two synthetic commitments")
        lines += _demo_fund_records(actor, fund, today)
    lines += _demo_closure(actor, today)
    for indicator in Indicator.objects.filter(node__plan__slug=DEMO_PLAN, node__code__in=["2", "3"],
                                              name="입주기업수"):
        do_declare_computed(actor, indicator, "tenants_at_year_end")
    report = do_recompute_indicators(actor)
    lines.append(f"자동 산출 지표 {report.indicators}개 다시 계산 / {report.indicators} computed "
                 f"indicators recomputed")
    return lines


def _demo_fund_records(actor: Any, fund: Fund, today: dt.date) -> list[str]:
    """A synthetic capital call, two investments (one in a demo tenant) and an exit, so the fund
    page's lists are not empty (facilities-ui)."""
    if today <= dt.date(2020, 1, 1):
        return []
    tenant = Tenant.objects.filter(name__startswith="(가상) 서울바이오허브").order_by("pk").first()
    do_add_capital_call(actor, fund, called_on=dt.date(2019, 1, 15), amount_won=5_000_000_000)
    first = do_add_investment(actor, fund, company=tenant.name if tenant else "(가상) 피투자기업 1",
                              tenant=tenant, amount_won=3_000_000_000,
                              invested_on=dt.date(2019, 3, 1), stage="early")
    do_add_investment(actor, fund, company="(가상) 피투자기업 2", amount_won=1_500_000_000,
                      invested_on=dt.date(2019, 9, 1), stage="seed")
    do_add_exit(actor, first, exited_on=dt.date(2021, 12, 1), proceeds_won=4_500_000_000,
                kind="구주매각(가상)")
    return ["제2호 서울바이오펀드: 가상 납입요청 1건, 투자 2건, 회수 1건 / a synthetic call, "
            "two investments and an exit"]


def _demo_closure(actor: Any, today: dt.date) -> list[str]:
    """One graduate that later closed, so the survival figure is not trivially 100%."""
    graduate = Occupancy.objects.filter(exit_kind="graduated", moved_out_on__lt=today).select_related(
        "tenant").order_by("moved_out_on", "pk").first()
    if graduate is None or graduate.moved_out_on is None:
        return []
    closed = graduate.moved_out_on + dt.timedelta(days=180)
    if closed >= today:
        return []
    do_update_tenant(actor, graduate.tenant, graduate.tenant.version, {"closed_on": closed})
    return [f"{graduate.tenant.name}: 가상 폐업 {closed} / a synthetic closure"]
