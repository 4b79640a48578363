"""Idle sign-out warns first, can be put off, and never loses what the user was typing."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.plans.models import Node, Plan
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDIT = "/plans/sample-plan/nodes/2-1-1/edit/"


@pytest.fixture
def short_sessions(settings: Any) -> None:
    """Idle sign-out after 10 s, warned 7 s before (the live server shares these settings)."""
    settings.SESSION_IDLE_SECONDS = 10
    settings.SESSION_WARN_SECONDS = 7


def test_the_warning_comes_before_the_sign_out_and_continuing_keeps_the_session(
        page: Any, live_server: Any, plan: Plan, planner: Any, short_sessions: None) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(live_server.url + EDIT)
    warning = page.get_by_test_id("session-warning")
    warning.wait_for(state="visible", timeout=8_000)
    assert "곧 로그아웃됩니다" in warning.inner_text()
    warning.get_by_role("button", name="계속 사용").click()
    warning.wait_for(state="hidden")
    # Past the moment the session would have ended without the click, it is still there.
    page.wait_for_timeout(5_000)
    status = page.request.get(f"{live_server.url}/session/").json()
    assert status["signed_in"] and status["remaining"] > 0


def test_after_an_idle_sign_out_the_typed_values_come_back_after_signing_in(
        page: Any, live_server: Any, plan: Plan, planner: Any, short_sessions: None) -> None:
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(live_server.url + EDIT)
    page.get_by_label("명칭").fill("로그아웃 전에 쓰던 제목")
    page.get_by_label("설명").fill("길게 쓰던 설명\n둘째 줄")
    warning = page.get_by_test_id("session-warning")
    again = warning.get_by_role("link", name="다시 로그인")
    again.wait_for(state="visible", timeout=15_000)
    assert "로그아웃되었습니다" in warning.inner_text()
    again.click()
    page.get_by_test_id("session-ended").wait_for()
    page.get_by_label("아이디").fill("planner")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(live_server.url + EDIT)
    page.get_by_test_id("draft-restored").wait_for()
    assert page.get_by_label("명칭").input_value() == "로그아웃 전에 쓰던 제목"
    assert page.get_by_label("설명").input_value() == "길게 쓰던 설명\n둘째 줄"
    page.get_by_role("button", name="저장").click()
    page.wait_for_url(f"{live_server.url}/plans/sample-plan/nodes/2-1-1/")
    node = Node.objects.get(plan=plan, code="2-1-1")
    assert node.title == "로그아웃 전에 쓰던 제목"
    assert node.description.replace("\r\n", "\n") == "길게 쓰던 설명\n둘째 줄"
    # A later visit starts from what is stored, not from the old draft.
    page.goto(live_server.url + EDIT)
    assert page.get_by_test_id("draft-restored").count() == 0


def test_a_form_sent_after_the_session_ended_is_kept_for_after_signing_in(
        page: Any, live_server: Any, plan: Plan, planner: Any, short_sessions: None,
        settings: Any) -> None:
    settings.SESSION_WARN_SECONDS = 1  # the user does not see (or ignores) the warning
    log_in(page, live_server, "planner", PASSWORD)
    page.goto(live_server.url + EDIT)
    page.get_by_label("명칭").fill("만료 뒤에 보낸 제목")
    page.wait_for_timeout(11_000)
    page.keyboard.press("Escape")
    page.evaluate("() => { const d = document.querySelector('dialog'); if (d) d.close(); }")
    page.get_by_role("button", name="저장").click()
    page.get_by_test_id("session-ended").wait_for()
    assert Node.objects.get(plan=plan, code="2-1-1").title != "만료 뒤에 보낸 제목"
    page.get_by_label("아이디").fill("planner")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(live_server.url + EDIT)
    page.get_by_test_id("draft-restored").wait_for()
    assert page.get_by_label("명칭").input_value() == "만료 뒤에 보낸 제목"
    page.get_by_role("button", name="저장").click()
    page.wait_for_url(f"{live_server.url}/plans/sample-plan/nodes/2-1-1/")
    assert Node.objects.get(plan=plan, code="2-1-1").title == "만료 뒤에 보낸 제목"
