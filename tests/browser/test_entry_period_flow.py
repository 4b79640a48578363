"""A real browser on the entry page: a refused save stays on November, and so does the fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rtis.tracking.actions import do_open_period
from rtis.tracking.models import ExecutionRecord
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _month(planner: Any, plan: Any, number: int) -> Any:
    return do_open_period(planner, plan, kind="month", year=2019, number=number,
                          due_on=dt.date(2019, number, 28))


def _amounts(page: Any, values: dict[str, str]) -> None:
    form = page.get_by_test_id("execution-form")
    for label, value in values.items():
        form.get_by_label(label).fill(value)


def _save(page: Any) -> None:
    page.get_by_test_id("execution-form").get_by_role("button", name="저장", exact=True).click()


def test_a_corrected_figure_is_saved_to_november_not_january(
    page: Any, live_server: Any, plan: Any, planner: Any, officer: Any, settings: Any
) -> None:
    settings.RTIS_TODAY = dt.date(2019, 11, 20)  # November's report is due on the 28th
    january, november = _month(planner, plan, 1), _month(planner, plan, 11)
    log_in(page, live_server, "officer", PASSWORD)
    assert page.url == f"{live_server.url}/tracking/"  # an officer lands on 내 업무

    # Without ?period the page opens on the month that is due.
    page.goto(f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/")
    assert page.get_by_test_id("pick-period").input_value() == str(november.pk)
    form = page.get_by_test_id("execution-form")
    assert "2019년 2,250백만원" in form.get_by_test_id("help-original_budget").inner_text()

    # Spent larger than committed: refused, the page stays on November with my figures.
    _amounts(page, {"본예산": "1,000", "예산이체": "0", "이월액": "0", "원인행위액": "800",
                    "지출액": "900"})
    _save(page)
    error = page.get_by_test_id("error-spent")
    error.wait_for()
    assert error.inner_text() == "지출액(900,000,000)이 원인행위액(800,000,000)보다 큽니다"
    assert page.get_by_test_id("pick-period").input_value() == str(november.pk)
    assert form.get_by_label("지출액").input_value() == "900"

    # Every other refusal the server makes keeps November too (the form does not validate
    # in the browser, so these reach the server as typed).
    for label, typed, field in (("이월액", "-5", "carryover"), ("지출액", "오백", "spent"),
                                ("본예산", "99,999,999,999,999", "original_budget")):
        _amounts(page, {label: typed})
        _save(page)
        page.get_by_test_id(f"error-{field}").wait_for()
        assert page.get_by_test_id("pick-period").input_value() == str(november.pk)
        assert form.get_by_label(label).input_value() == typed
        _amounts(page, {"본예산": "1,000", "이월액": "0", "지출액": "900"})

    # The correction goes to November, and January stays empty.
    _amounts(page, {"지출액": "500"})
    _save(page)
    page.get_by_text("저장했습니다.").wait_for()
    assert page.get_by_test_id("pick-period").input_value() == str(november.pk)
    record = ExecutionRecord.objects.get(node__code="2-1-1")
    assert record.period_id == november.pk
    assert (record.original_budget, record.committed, record.spent) == (
        1_000_000_000, 800_000_000, 500_000_000)
    assert not ExecutionRecord.objects.filter(period=january).exists()
    assert form.get_by_label("지출액").input_value() == "500"


def test_amounts_are_regrouped_with_thousands_separators_as_they_are_typed(
    page: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    november = _month(planner, plan, 11)
    log_in(page, live_server, "officer", PASSWORD)
    page.goto(f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/?period={november.pk}")
    field = page.get_by_test_id("execution-form").get_by_label("본예산")
    field.fill("1234567.5")
    field.press("Tab")
    assert field.input_value() == "1,234,567.5"


def test_the_issue_scenario_on_the_seeded_plan_node_2_1_2(
    page: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    """/tracking/plans/innovation-growth-2018/nodes/2-1-2/?period=<November>, as reported."""
    from rtis.ingest.seed import load_seed
    from rtis.plans.models import BudgetLine, Plan

    load_seed(None, only="innovation-growth-2018")
    seeded = Plan.objects.get(slug="innovation-growth-2018")
    months = {n: do_open_period(planner, seeded, kind="month", year=2018, number=n,
                                due_on=dt.date(2018, n, 28)) for n in (1, 11)}
    planned = sum(BudgetLine.objects.filter(node__plan=seeded, node__code="2-1-2", year=2018)
                  .values_list("amount_won", flat=True))
    log_in(page, live_server, "officer", PASSWORD)  # 신성장산업과 owns 2-1, hence 2-1-2
    page.goto(f"{live_server.url}/tracking/plans/innovation-growth-2018/nodes/2-1-2/"
              f"?period={months[11].pk}")
    form = page.get_by_test_id("execution-form")
    assert planned, "the seed plans money for 2-1-2 in 2018"
    assert f"2018년 {planned // 1_000_000:,}백만원" in \
        form.get_by_test_id("help-original_budget").inner_text()
    _amounts(page, {"본예산": "3,000", "예산이체": "0", "이월액": "0", "원인행위액": "1,200",
                    "지출액": "1,500"})
    _save(page)
    page.get_by_test_id("error-spent").wait_for()
    assert page.get_by_test_id("pick-period").input_value() == str(months[11].pk)
    _amounts(page, {"지출액": "1,000"})
    _save(page)
    page.get_by_text("저장했습니다.").wait_for()
    record = ExecutionRecord.objects.get(node__plan=seeded, node__code="2-1-2")
    assert record.period_id == months[11].pk and record.spent == 1_000_000_000
    assert not ExecutionRecord.objects.filter(period=months[1]).exists()


def test_an_english_page_speaks_english_only(
    browser: Any, live_server: Any, plan: Any, planner: Any, officer: Any
) -> None:
    november = _month(planner, plan, 11)
    context = browser.new_context(locale="ko-KR")  # a Korean browser, English chosen in RTIS
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.locator("input[name=username]").fill("officer")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/tracking/")
        page.goto(f"{live_server.url}/tracking/plans/{plan.slug}/nodes/2-1-1/"
                  f"?period={november.pk}")
        form = page.get_by_test_id("execution-form")
        for label, value in {"Original budget": "1,000", "Budget transfers": "0",
                             "Carry-over": "0", "Committed": "800", "Spent": "x"}.items():
            form.get_by_label(label).fill(value)
        assert form.get_by_test_id("help-original_budget").inner_text() == \
            "Planned for 2019: 2,250 million won"
        form.get_by_role("button", name="Save", exact=True).click()
        error = page.get_by_test_id("error-spent")
        error.wait_for()
        assert error.inner_text() == "Enter a number, e.g. 1,234,000"
        assert page.get_by_test_id("pick-period").input_value() == str(november.pk)
    finally:
        context.close()
