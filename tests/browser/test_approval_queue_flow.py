"""Browser flow of the approval queue: select several entries, approve them at once."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.tracking.actions import do_save_execution, do_submit_entry
from rtis.tracking.models import ExecutionRecord, ExecutionStatus
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.tracking.conftest import AMOUNTS, open_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.each_database
def test_a_planner_selects_several_entries_and_approves_them(
    browser: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    unit = plan.nodes.get(code="2-1-1")
    records = [do_submit_entry(officer, do_save_execution(
        officer, unit, open_month(planner, plan, number), None, **AMOUNTS))
        for number in (7, 8, 9)]
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))  # a script that failed
    page.on("response", lambda r: errors.append(r.url)
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    try:
        log_in(page, live_server, "planner", PASSWORD)
        menu = page.get_by_test_id("menu-approvals")
        assert menu.get_by_test_id("approvals-count").inner_text() == "3"
        menu.click()
        page.get_by_test_id("approval-queue").wait_for()

        # "Select all" ticks every row; the planner then leaves September out.
        page.get_by_test_id("select-all").check()
        assert page.locator('input[name="entry"]:checked').count() == 3
        page.get_by_test_id(f"pick-execution-{records[2].pk}").uncheck()
        assert page.get_by_test_id("select-all").is_checked() is False
        page.get_by_test_id("bulk-approve").click()
        page.get_by_text("2건을 승인했습니다").wait_for()

        assert page.get_by_test_id(f"queue-execution-{records[2].pk}").count() == 1
        assert page.get_by_test_id(f"queue-execution-{records[0].pk}").count() == 0
        assert page.get_by_test_id("approvals-count").inner_text() == "1"
        statuses = [ExecutionRecord.objects.get(pk=r.pk).status for r in records]
        assert statuses == [ExecutionStatus.APPROVED, ExecutionStatus.APPROVED,
                            ExecutionStatus.SUBMITTED]

        # Returning without a reason returns nothing and says why.
        page.get_by_test_id(f"pick-execution-{records[2].pk}").check()
        page.get_by_test_id("bulk-return").click()
        page.get_by_text("반려하려면 반려 사유를 입력하십시오").wait_for()
        assert ExecutionRecord.objects.get(pk=records[2].pk).status == ExecutionStatus.SUBMITTED
        assert not errors, errors
    finally:
        context.close()

    # The officer sees the approvals as unread notifications in the header.
    officer_context = browser.new_context(locale="ko-KR")
    o = officer_context.new_page()
    try:
        log_in(o, live_server, "officer", PASSWORD)
        assert o.get_by_test_id("unread-count").inner_text() == "2"
        o.get_by_test_id("menu-notifications").click()
        o.get_by_test_id("notifications").get_by_text("승인되었습니다: 2-1-1 2019-07 집행실적") \
            .wait_for()
    finally:
        officer_context.close()
