"""The management screens in a browser: an operator's officer registers a tenancy (an overlap
is refused with the reason), enters an outcome and records a graduation; a planner records a
fund's commitment, is refused an investment beyond it, previews a computed indicator (htmx)
and declares it, then sees it on the plan page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from rtis.facilities.actions import do_create_facility, do_create_fund
from rtis.orgs.actions import find_department
from rtis.plans.models import Indicator
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(plan: Any, officer: Any, planner: Any, settings: Any) -> Any:
    settings.RTIS_TODAY = dt.date(2020, 6, 30)
    hub = do_create_facility(None, nodes=[plan.nodes.get(code="2-1")], name="시험 바이오허브",
                             operating_department=find_department("신성장산업과"), phase="open",
                             opened_on=dt.date(2019, 3, 1), published=True)
    tenants = Indicator.objects.create(node=plan.nodes.get(code="2"), name="입주기업수", unit="개")
    fund = do_create_fund(None, name="시험 펀드", target_size_won=10_000_000_000, published=True)
    return {"hub": hub, "fund": fund, "indicator": tenants}


def fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_an_officer_and_a_planner_use_the_management_screens(
        page: Any, live_server: Any, world: Any) -> None:
    hub, fund = world["hub"], world["fund"]
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/facilities/{hub.pk}/")
    page.get_by_test_id("new-tenancy").click()
    fill(page, {"name": "가나바이오", "business_number": "124-81-00998", "space": "101호",
                "moved_in_on": "2019-04-01"})
    page.get_by_test_id("tenancy-save").click()
    page.get_by_text("가나바이오의 입주를 등록했습니다").wait_for()

    page.get_by_test_id("new-tenancy").click()
    fill(page, {"name": "다라헬스", "business_number": "2208162517", "space": "101호",
                "moved_in_on": "2019-06-01"})
    page.get_by_test_id("tenancy-save").click()
    assert "기간이 겹칩니다" in page.get_by_test_id("form-error").inner_text()

    page.goto(f"{live_server.url}/facilities/{hub.pk}/")
    page.locator('a[data-testid^="outcome-"]').first.click()
    fill(page, {"year": "2019", "sales_won": "500000000", "employees": "12",
                "investment_won": "0", "patents": "1"})
    page.get_by_test_id("outcome-save").click()
    page.get_by_text("2019년 성과를 저장했습니다").wait_for()
    assert "12" in page.get_by_test_id("outcomes").inner_text()

    page.goto(f"{live_server.url}/facilities/{hub.pk}/")
    page.locator('a[data-testid^="move-out-"]').first.click()
    fill(page, {"moved_out_on": "2020-05-31", "exit_kind": "graduated"})
    page.get_by_test_id("tenancy-save").click()
    page.get_by_test_id("leavers").click()
    assert "졸업기업 1개 중 1개가 운영 중" in page.get_by_test_id("survival").inner_text()

    page.context.clear_cookies()
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}/facilities/funds/{fund.pk}/")
    form = page.get_by_test_id("commitments-form")
    form.locator('[name="contributor"]').fill("서울시")
    form.locator('[name="contributor_kind"]').select_option("city")
    form.locator('[name="amount_won"]').fill("1000000000")
    form.locator('[name="committed_on"]').fill("2019-01-10")
    page.get_by_test_id("commitments-save").click()
    page.get_by_text("출자약정을 기록했습니다").wait_for()
    assert "1.00" in page.get_by_test_id("leverage").inner_text()
    form = page.get_by_test_id("investments-form")
    form.locator('[name="company"]').fill("큰 회사")
    form.locator('[name="amount_won"]').fill("1000000001")
    form.locator('[name="invested_on"]').fill("2019-05-01")
    form.locator('[name="stage"]').select_option("growth")
    page.get_by_test_id("investments-save").click()
    assert "약정 총액" in page.get_by_test_id("form-error").inner_text()

    page.goto(f"{live_server.url}/facilities/computed/?plan=sample-plan")
    page.get_by_test_id("declare-indicator").select_option(str(world["indicator"].pk))
    page.get_by_test_id("declare-formula").select_option("tenants_at_year_end")
    page.get_by_test_id("declare-preview").click()
    preview = page.get_by_test_id("preview-values")
    preview.wait_for()
    assert page.url.endswith("?plan=sample-plan")  # htmx swapped the preview in place
    assert re.search(r"2019\s+1", preview.inner_text())
    page.get_by_test_id("declare-save").click()
    page.get_by_text("자동 산출 지표로 지정하고").wait_for()
    page.goto(f"{live_server.url}/plans/sample-plan/nodes/2/")
    row = page.get_by_role("row", name=re.compile(r"^입주기업수 개"))
    assert "2019: 1" in row.inner_text()
