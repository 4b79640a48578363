"""Browser flows of performance tracking: the approval cycle and a two-browser edit conflict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.tracking.actions import do_open_period, do_save_execution
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, PeriodState, ReportingPeriod
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMOUNTS = {"본예산": "1,000", "예산이체": "-100", "이월액": "200",  # 백만원, as the plan prints
           "원인행위액": "800", "지출액": "500"}


def _fill(page: Any, values: dict[str, str]) -> None:
    form = page.get_by_test_id("execution-form")
    for label, value in values.items():
        form.get_by_label(label).fill(value)


def _context_page(browser: Any, live_server: Any, username: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, username, PASSWORD)
    return context, page


@pytest.mark.each_database
def test_execution_is_entered_returned_fixed_approved_and_locked(
    browser: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    month = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    node_url = f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/?period={month.pk}"
    officer_ctx, o = _context_page(browser, live_server, "officer")
    planner_ctx, p = _context_page(browser, live_server, "planner")
    try:
        # The officer enters July and asks for approval.
        o.goto(node_url)
        _fill(o, AMOUNTS)
        o.get_by_role("button", name="저장 후 결재 요청").click()
        o.get_by_text("저장하고 결재를 요청했습니다.").wait_for()
        assert o.get_by_test_id("execution-status").inner_text() == "결재 요청"
        assert o.get_by_test_id("spent-rate").inner_text() == "45.5%"

        # The planner returns it with a comment.
        p.goto(f"{live_server.url}/tracking/approvals/")
        row = p.get_by_test_id("approval-queue").locator("tr", has_text="2-1-1")
        row.get_by_placeholder("반려 사유").fill("지출액이 회계 시스템과 다릅니다")
        row.get_by_role("button", name="반려").click()
        p.get_by_text("반려했습니다").wait_for()

        # The officer sees it first on 내 업무, fixes it and resubmits.
        o.goto(f"{live_server.url}/tracking/")
        returned = o.get_by_test_id("returned")
        assert "지출액이 회계 시스템과 다릅니다" in returned.inner_text()
        returned.get_by_role("link").first.click()
        assert "지출액이 회계 시스템과 다릅니다" in o.get_by_test_id("return-comment").inner_text()
        _fill(o, {"지출액": "550"})
        o.get_by_role("button", name="저장 후 결재 요청").click()
        o.get_by_text("저장하고 결재를 요청했습니다.").wait_for()

        # The planner approves and locks the month.
        p.goto(f"{live_server.url}/tracking/approvals/")
        p.get_by_test_id("approval-queue").locator("tr", has_text="2-1-1") \
            .get_by_role("button", name="승인").click()
        p.get_by_test_id("queue-empty").wait_for()
        p.goto(f"{live_server.url}/tracking/plans/{plan.slug}/")
        p.once("dialog", lambda dialog: dialog.accept())
        p.get_by_test_id("lock-2019-07").click()
        p.get_by_test_id("period-2019-07").get_by_text("확정").wait_for()

        record = ExecutionRecord.objects.get(node__code="2-1-1", period=month)
        assert record.status == ExecutionStatus.APPROVED and record.spent == 550_000_000
        assert ReportingPeriod.objects.get(pk=month.pk).state == PeriodState.LOCKED

        # The dashboard of execution by department shows the new rate as of the month's end.
        p.goto(f"{live_server.url}/dashboards/execution/?plan={plan.slug}&as_of=2019-07-31")
        row = p.get_by_test_id("department-row").filter(has_text="신성장산업과")
        cells = row.locator("td").all_inner_texts()
        assert cells[-2:] == ["72.7", "50.0"]  # 800/1,100 committed, 550/1,100 spent

        # The officer can no longer change it; the page shows the approved rate.
        o.goto(node_url)
        assert o.get_by_test_id("execution-form").count() == 0
        assert o.get_by_test_id("spent-rate").inner_text() == "50.0%"  # 550 / 1,100
    finally:
        officer_ctx.close()
        planner_ctx.close()


@pytest.mark.each_database
def test_two_people_saving_the_same_month_see_a_conflict(
    browser: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    month = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    unit = plan.nodes.get(code="2-1-1")
    do_save_execution(officer, unit, month, None, original_budget=1_000_000_000,
                      committed=600_000_000, spent=300_000_000)
    node_url = f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/?period={month.pk}"
    first_ctx, a = _context_page(browser, live_server, "officer")
    second_ctx, b = _context_page(browser, live_server, "planner")
    try:
        a.goto(node_url)
        b.goto(node_url)
        _fill(a, {"지출액": "350"})
        a.get_by_role("button", name="저장", exact=True).click()
        a.get_by_text("저장했습니다.").wait_for()

        _fill(b, {"지출액": "400"})
        b.get_by_role("button", name="저장", exact=True).click()
        conflict = b.get_by_test_id("conflict")
        conflict.wait_for()
        assert b.get_by_test_id("current-spent").inner_text() == "350"
        assert b.get_by_test_id("execution-form").get_by_label("지출액").input_value() \
            == "400"
        b.get_by_role("button", name="저장", exact=True).click()  # re-apply mine
        b.get_by_text("저장했습니다.").wait_for()
        assert ExecutionRecord.objects.get(node=unit, period=month).spent == 400_000_000
    finally:
        first_ctx.close()
        second_ctx.close()


def test_an_officer_reports_a_milestone_a_status_and_a_participation_event(
    page: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    from rtis.tracking.models import Milestone, ParticipationEvent, StatusChange

    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/?mperiod={quarter.pk}")

    milestones = page.get_by_test_id("milestone-form")
    milestones.get_by_label("계획").fill("실시설계 완료")
    milestones.get_by_label("추진 상태").select_option("지연")
    milestones.get_by_role("button", name="저장", exact=True).click()
    error = page.get_by_test_id("error-delay_reason")
    error.wait_for()
    assert "지연 사유를 입력하십시오" in error.inner_text()
    assert not Milestone.objects.exists()  # refused: nothing saved
    page.get_by_test_id("milestone-form").get_by_label("지연 사유").fill("설계 공모 재공고")
    page.get_by_test_id("milestone-form").get_by_role("button", name="저장", exact=True).click()
    page.get_by_text("저장했습니다.").wait_for()
    assert page.get_by_test_id("milestone-state").inner_text() == "지연"

    status = page.get_by_test_id("status-form")
    status.get_by_label("추진 상황").select_option("지연")
    status.get_by_label("기준일").fill("2019-09-30")
    status.get_by_label("사유").fill("설계 공모 재공고")
    status.get_by_role("button", name="기록").click()
    page.get_by_text("추진 상황을 기록했습니다.").wait_for()
    assert page.get_by_test_id("node-status").inner_text() == "지연"

    event = page.get_by_test_id("participation-form")
    event.get_by_label("유형").select_option("민간전문가 자문")
    event.get_by_label("횟수").fill("2")
    event.get_by_label("내용").fill("설계 자문회의")
    event.get_by_role("button", name="추가").click()
    page.get_by_text("시민 참여실적을 기록했습니다.").wait_for()
    assert "설계 자문회의" in page.get_by_test_id("participation").inner_text()

    assert Milestone.objects.get().delay_reason == "설계 공모 재공고"
    assert StatusChange.objects.get().status == "delayed"
    assert ParticipationEvent.objects.get().count == 2
