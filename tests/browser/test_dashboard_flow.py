"""A planner opens the execution dashboard, sees the chart drawn, and drills down to records."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.plans.models import Plan
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.dashboards.conftest import record_execution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def executed(plan: Plan, planner: Any) -> Plan:
    """The sample plan with approved execution for June and July 2019 (tests/dashboards)."""
    return record_execution(plan, planner)


def test_a_planner_opens_the_execution_dashboard_and_drills_down_to_records(
    page: Any, live_server: Any, executed: Plan
) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name="부서별 예산 집행 현황").click()
    page.get_by_label("계획").select_option("sample-plan")
    page.get_by_label("기준일").fill("2019-07-31")
    page.get_by_role("button", name="보기").click()
    page.wait_for_url("**as_of=2019-07-31*")
    assert "계 1,200 700 350 58.3 29.2" in " ".join(
        page.get_by_test_id("total-row").inner_text().split())
    chart = page.get_by_test_id("chart")
    page.locator('[data-testid="chart"][data-rendered="true"] canvas').first.wait_for()
    box = chart.locator("canvas").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200

    page.get_by_test_id("drill").filter(has_text="신성장산업과").click()
    page.wait_for_url("**/dashboards/execution/records/**")
    rows = page.get_by_test_id("record-row")
    assert rows.count() == 1
    assert "글로벌협력동 신축" in rows.first.inner_text()
    assert "300" in rows.first.inner_text()
    rows.first.get_by_role("link", name="글로벌협력동 신축").click()
    page.wait_for_url("**/plans/sample-plan/nodes/2-1-1/")


def test_clicking_a_bar_opens_the_records_of_that_department(
    page: Any, live_server: Any, executed: Plan
) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}/dashboards/execution/?plan=sample-plan&as_of=2019-07-31")
    canvas = page.locator('[data-testid="chart"][data-rendered="true"] canvas').first
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None
    # Where ECharts laid out the first bar (예산현액) of the second department, 신성장산업과.
    bar = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.querySelector('[data-testid="chart"]'));
        return chart.getModel().getSeriesByIndex(0).getData().getItemLayout(1);
    }""")
    page.mouse.click(box["x"] + bar["x"] + bar["width"] / 2,
                     box["y"] + bar["y"] + bar["height"] / 2)
    page.wait_for_url("**/dashboards/execution/records/**department=*")
    rows = page.get_by_test_id("record-row")
    assert rows.count() == 1 and "글로벌협력동 신축" in rows.first.inner_text()
