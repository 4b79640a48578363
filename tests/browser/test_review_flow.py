"""The evaluation in Chromium: a manager builds a panel (a conflict is excluded with its
reason), an evaluator scores and revises with a reason, the manager selects, and the applicant
reads the disclosure — with no policy violation on any page."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.review.models import Assignment, Panel, ScoreRevision, SheetState
from rtis.rnd.models import Application
from tests.browser.conftest import log_in
from tests.browser.test_csp import watched_page
from tests.conftest import PASSWORD as PLANNER_PASSWORD
from tests.review.conftest import PASSWORD, Scenario, score_all
from tests.review.conftest import scenario as scenario  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_and_assign_panel(page: Any, live_server: Any, stage_id: int, name: str,
                           fields: str) -> Any:
    """As a signed-in manager: create a panel of the stage, assign it automatically (screening
    the pool), and return the table of conflicts found."""
    page.goto(f"{live_server.url}/review/stages/{stage_id}/")
    form = page.get_by_test_id("panel-form")
    form.get_by_label("위원회명").fill(name)
    form.get_by_label("필요 전문분야(쉼표로 구분)").fill(fields)
    form.get_by_role("button", name="만들기").click()
    page.get_by_test_id("auto-assign").click()
    return page.get_by_test_id("conflicts")


def test_panel_scoring_selection_and_disclosure(browser: Any, live_server: Any,
                                                scenario: Scenario, planner: Any) -> None:
    violations: list[Any] = []
    errors: list[Any] = []
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    # 1. the manager builds a panel and assigns it; 가상위원가 shares 서울대 기계공학과
    context, page, page_errors = watched_page(browser)
    log_in(page, live_server, planner.username, PLANNER_PASSWORD)
    conflicts = build_and_assign_panel(page, live_server, scenario.stage.pk, "제1분과",
                                       "AI,기계,바이오")
    # what matched is the application's own data: its PI's department as entered online
    conflicts.get_by_text("같은 기관·같은 학과(부서) 소속: 서울대학교 산학협력단 기계공학과").wait_for()
    assert "가상위원가" in conflicts.inner_text()
    assign = page.get_by_test_id("assign-form")
    assign.get_by_label("평가위원").select_option(label="가상위원가 (서울대학교 산학협력단 기계공학과)")
    assign.get_by_label("과제").select_option(label="서울대학교 산학협력단 · 소형 수소 연료전지 스택")
    assign.get_by_role("button", name="배정").click()
    page.get_by_role("alert").filter(has_text="이해충돌").wait_for()
    violations += page.evaluate("window.__csp")
    # the refused assignment answers 400 on purpose (the browser logs it twice); nothing else
    refusal = [e for e in page_errors if "400" in e]
    assert len(refusal) == 2 and "/assign/" in refusal[0]
    errors += [e for e in page_errors if e not in refusal]
    context.close()
    panel = Panel.objects.get(name="제1분과")
    snu = scenario.applications[0]
    assert not Assignment.objects.filter(panel=panel, application=snu,
                                         evaluator=scenario.evaluators[0]).exists()

    # 2. an evaluator scores one application, submits, then revises with a reason
    mine = Assignment.objects.filter(panel=panel, evaluator__user__username="eval_b").order_by(
        "pk").first()
    assert mine is not None
    context, page, page_errors = watched_page(browser)
    log_in(page, live_server, "eval_b", PASSWORD)
    page.goto(f"{live_server.url}/review/my/")
    page.get_by_test_id("my-assignments").get_by_role("link", name=mine.application.title).click()
    for n, value in enumerate(["80", "40", "16"], start=1):
        page.get_by_test_id(f"score-{n}").fill(value)
    page.get_by_test_id("submit-sheet").click()
    page.get_by_test_id("sheet-state").filter(has_text="제출").wait_for()
    page.get_by_test_id("score-1").fill("85")
    page.get_by_test_id("revision-reason").fill("발표자료 재확인")
    page.get_by_test_id("revise").click()
    page.get_by_test_id("revisions").get_by_text("발표자료 재확인").wait_for()
    violations += page.evaluate("window.__csp")
    errors += page_errors
    context.close()
    assert ScoreRevision.objects.get(assignment=mine).reason == "발표자료 재확인"

    # the rest of the panel scores through the actions (not the subject of this flow)
    rest = Assignment.objects.filter(panel=panel, state=SheetState.OPEN).select_related(
        "evaluator__user")
    score_all(scenario, rest, {0: (90, 40, 16), 1: (60, 50, 20), 2: (95, 45, 18),
                               3: (60, 30, 12), 4: (80, 38, 14)})

    # 3. the manager selects
    context, page, page_errors = watched_page(browser)
    page.on("dialog", answer)
    log_in(page, live_server, planner.username, PLANNER_PASSWORD)
    page.goto(f"{live_server.url}/review/stages/{scenario.stage.pk}/ranking/")
    page.get_by_test_id("select").click()
    page.get_by_test_id("ranking-state").filter(has_text="확정").wait_for()
    violations += page.evaluate("window.__csp")
    errors += page_errors
    context.close()
    assert asked and "확정할까요" in asked[0]
    gaon = Application.objects.get(pk=scenario.applications[1].pk)
    assert gaon.status in {"selected", "not_selected"}

    # 4. the applicant of 가온로보틱스 reads its disclosure
    context, page, page_errors = watched_page(browser)
    log_in(page, live_server, "applicant1", PASSWORD)
    page.goto(f"{live_server.url}/review/applications/{gaon.pk}/")
    page.get_by_test_id("reason").wait_for()
    assert "위원 A" in page.get_by_test_id("criterion-scores").inner_text()
    assert "가상위원나" in page.get_by_test_id("panel-list").inner_text()
    violations += page.evaluate("window.__csp")
    errors += page_errors
    context.close()
    assert violations == [] and errors == []
