"""A person logs in, opens a plan, switches the budget unit, and an officer edits a task."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_logs_in_opens_a_plan_and_switches_the_budget_unit(
    page: Any, live_server: Any, viewer: Any
) -> None:
    log_in(page, live_server, "viewer", PASSWORD)
    page.get_by_role("link", name="표본 혁신성장 계획").click()
    page.get_by_role("heading", name="표본 혁신성장 계획").wait_for()
    total = page.get_by_test_id("by-source-total")
    assert total.inner_text() == "21,650"
    page.locator('#budget a[data-unit="억원"]').click()
    page.locator('#budget[data-unit="억원"]').wait_for()
    assert page.get_by_test_id("by-source-total").inner_text() == "217"
    page.locator('#budget a[data-unit="원"]').click()
    page.locator('#budget[data-unit="원"]').wait_for()
    assert page.get_by_test_id("by-source-total").inner_text() == "21,650,000,000"


def test_an_officer_edits_their_task_and_sees_it_in_the_history(
    page: Any, live_server: Any, officer: Any
) -> None:
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/plans/sample-plan/nodes/2-1/")
    page.get_by_role("link", name="수정").click()
    page.get_by_label("설명").fill("2단계 확장 공사 착수")
    page.get_by_role("button", name="저장").click()
    page.get_by_text("저장했습니다.").wait_for()
    assert "2단계 확장 공사 착수" in page.get_by_test_id("history").inner_text()


@pytest.mark.each_database
def test_two_people_editing_the_same_task_the_second_is_shown_the_first_change(
    browser: Any, live_server: Any, officer: Any, planner: Any
) -> None:
    first, second = browser.new_context(locale="ko-KR"), browser.new_context(locale="ko-KR")
    try:
        a, b = first.new_page(), second.new_page()
        log_in(a, live_server, "planner", PASSWORD)
        log_in(b, live_server, "officer", PASSWORD)
        edit = f"{live_server.url}/plans/sample-plan/nodes/2-1/edit/"
        a.goto(edit)
        b.goto(edit)
        a.get_by_label("명칭").fill("기획자 수정 제목")
        a.get_by_role("button", name="저장").click()
        a.get_by_text("저장했습니다.").wait_for()
        b.get_by_label("명칭").fill("담당자 수정 제목")
        b.get_by_role("button", name="저장").click()
        conflict = b.get_by_test_id("conflict")
        conflict.wait_for()
        assert "기획자 수정 제목" in conflict.inner_text()
        assert b.get_by_label("명칭").input_value() == "담당자 수정 제목"
        b.get_by_role("button", name="저장").click()
        b.get_by_text("저장했습니다.").wait_for()
        assert b.get_by_role("heading", level=1).inner_text().endswith("담당자 수정 제목확대")
    finally:
        first.close()
        second.close()
