"""Browser flows for the planner's tools, the council follow-up and the organisation pages."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.oversight.actions import do_import_council_session
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_reviews_data_checks_and_publishes_a_plan(
    page: Any, live_server: Any, planner: Any, private_plan: Any
) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.get_by_role("link", name="데이터 점검").click()
    page.get_by_test_id("counts").wait_for()
    assert "오류 0" in page.get_by_test_id("counts").inner_text()
    page.goto(f"{live_server.url}/plans/private-plan/")
    page.get_by_test_id("publish").click()
    page.get_by_text("공개했습니다.").wait_for()
    page.get_by_test_id("unpublish").wait_for()


def test_a_citizen_filters_council_follow_ups_by_status(
    page: Any, live_server: Any, plan: Any
) -> None:
    do_import_council_session(
        None, {"key": "audit-test", "title": "시험 행정사무감사", "year": 2021,
               "plan": "sample-plan"},
        [{"category": "corrective", "number": 1, "title": "공간 부족 해소",
          "departments": ["경제정책과"], "status": "완료"},
         {"category": "recommendation", "number": 1, "title": "용역 검토 필요",
          "departments": ["경제정책과"], "status": "검토중"}],
        summary={"columns": [], "rows": [], "claims": []})
    page.goto(f"{live_server.url}/oversight/")
    page.get_by_role("link", name="시험 행정사무감사").click()
    assert "2" in page.get_by_test_id("computed-summary").inner_text()
    page.get_by_label("처리상황").select_option("검토중")
    page.get_by_role("button", name="보기").click()
    page.wait_for_url("**status=*")
    items = page.get_by_test_id("items").inner_text()
    assert "용역 검토 필요" in items and "공간 부족 해소" not in items


def test_an_officer_sees_a_department_under_the_name_it_had_on_a_date(
    page: Any, live_server: Any, plan: Any
) -> None:
    page.goto(f"{live_server.url}/orgs/")
    page.get_by_label("기준일").fill("2018-02-24")
    page.get_by_role("button", name="보기").click()
    page.get_by_role("link", name="신성장산업과").click()
    assert page.get_by_test_id("name-on-day").inner_text() == "신성장산업과"
    assert "홍릉 서울바이오허브 조성" in page.content()
